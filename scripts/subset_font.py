"""Developer tool: build the Japanese font bundled for PDF reports (DESIGN §2 "Reports").

    .venv/bin/python scripts/subset_font.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

Takes Noto Sans CJK JP from Debian's fonts-noto-cjk (SIL Open Font License 1.1) and keeps ASCII,
Latin-1, general punctuation, the JIS X 0208 character set (kana, level-1 and level-2 kanji,
symbols; enumerated through the EUC-JP codec), CJK symbols and punctuation and the half/full-width
forms. Writes ``src/cyberdelta/platform/reports/fonts/NotoSansJP-Subset.otf``.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FONTS = Path(__file__).resolve().parent.parent / "src" / "cyberdelta" / "platform" / "reports" / "fonts"
TARGET = FONTS / "NotoSansJP-Subset.otf"
FAMILY = "Noto Sans CJK JP"


def jis_x_0208() -> set[int]:
    """Every character of JIS X 0208 (rows 1–84), through its EUC-JP encoding (0xA1–0xFE pairs)."""
    characters: set[int] = set()
    for first in range(0xA1, 0xFF):
        for second in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                characters.update(ord(c) for c in bytes((first, second)).decode("euc_jp"))
    return characters


def codepoints() -> set[int]:
    wanted = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | set(range(0x2000, 0x2070))
    wanted |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) | {0x2212, 0x25CF, 0x25CB}
    return wanted | jis_x_0208()


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    # Without GSUB closure the other-locale and vertical variants stay out (JP default forms only).
    options.layout_features = ["kern", "palt"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints())
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET}: {TARGET.stat().st_size} bytes, {len(font.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main()
