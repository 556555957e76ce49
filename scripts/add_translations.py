"""Developer tool: add Japanese translations to a capability's ``.po`` file.

    .venv/bin/python scripts/add_translations.py catalog translations.json

``translations.json`` maps English message ids to Japanese (a plural id maps to a list of the
singular id, the plural id and the Japanese text). Existing entries are kept unless overridden.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "src" / "cyberdelta" / "locales" / "ja" / "LC_MESSAGES"


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: add_translations.py DOMAIN FILE.json")
    path = LOCALES / f"{sys.argv[1]}.po"
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="ja")
    else:
        catalog = Catalog(locale="ja", project="CyberDelta", domain=sys.argv[1])
    entries = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    for message, translation in entries.items():
        if isinstance(translation, list):
            singular, plural, japanese = translation
            catalog.add((singular, plural), (japanese,))
        else:
            catalog.add(message, translation)
    LOCALES.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, omit_header=False)


if __name__ == "__main__":
    main()
