"""Every user-visible message exists in Japanese and English (English is the message id)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import cyberdelta
from cyberdelta.platform import i18n

# Every package: the platform and each capability (their templates and messages).
SOURCE = Path(cyberdelta.__file__).resolve().parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "Problem": (2,),
    "UserFacingError": (1,),
}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]


def extracted_messages() -> dict[str | tuple[str, str], str]:
    """Message id (or singular and plural ids) → first place it is used."""
    found: dict[str | tuple[str, str], str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SOURCE),
        method_map=METHODS,
        keywords=KEYWORDS,
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        key = (message[0], message[1]) if isinstance(message, tuple) else message
        if key:
            found.setdefault(key, f"{filename}:{lineno}")
    return found


def is_translated(message: str | tuple[str, str]) -> bool:
    translations = i18n.translations("ja")
    if isinstance(message, tuple):
        return translations.ngettext(message[0], message[1], 2) != message[1]
    return translations.gettext(message) != message


def test_the_extraction_sees_every_capability() -> None:
    places = {where.split("/", 1)[0] for where in extracted_messages().values()}
    assert {"platform", "assessment", "intel", "benchmark", "screening", "signing", "tenancy"} <= places


def test_every_message_has_a_japanese_translation() -> None:
    missing = [
        f"{where}: {message!r}"
        for message, where in sorted(extracted_messages().items(), key=lambda item: item[1])
        if not is_translated(message)
    ]
    assert not missing, "untranslated messages:\n" + "\n".join(missing)


def test_plural_messages_are_translated() -> None:
    with i18n.language("ja"):
        assert i18n.ngettext("%(num)s control", "%(num)s controls", 3) == "3 件の管理策"
    with i18n.language("en"):
        assert i18n.ngettext("%(num)s control", "%(num)s controls", 1) == "1 control"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ja,en;q=0.8", "ja"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("fr, ja;q=0.1", "ja"),
        ("fr", None),
        ("en;q=0, ja;q=0.5", "ja"),
        ("", None),
    ],
)
def test_accept_language_negotiation(header: str, expected: str | None) -> None:
    assert i18n.negotiate(header) == expected


def test_search_folding_unifies_full_and_half_width_and_case() -> None:
    assert i18n.fold("ＧＶ－１．１") == i18n.fold("gv-1.1")
    assert i18n.fold("ｳｫﾚｯﾄ") == i18n.fold("ウォレット")


def test_a_message_has_one_japanese_rendering_across_capability_catalogs() -> None:
    """The capability .po files are merged; the same English id must not read two ways in Japanese."""
    renderings: dict[str, dict[str, str]] = {}
    for path in sorted((SOURCE / "locales" / "ja" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for entry in read_po(handle, locale="ja", abort_invalid=True):
                if entry.id and isinstance(entry.id, str) and entry.string:
                    renderings.setdefault(entry.id, {})[path.name] = str(entry.string)
    conflicting = {message: files for message, files in renderings.items() if len(set(files.values())) > 1}
    assert not conflicting, "\n".join(f"{message!r}: {files}" for message, files in conflicting.items())
