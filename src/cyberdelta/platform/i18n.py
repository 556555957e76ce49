"""Japanese and English messages (Babel ``.po`` catalogs), chosen per request or per command.

English source strings are the message ids; ``locales/ja/LC_MESSAGES/<capability>.po`` hold the
Japanese. The current language lives in a context variable so that templates, services and error
messages translate without threading a language argument through every call.
"""

from __future__ import annotations

import gettext as gettext_module
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from cyberdelta.platform.settings import SUPPORTED_LANGUAGES, Language

# Message catalogs are package data of ``cyberdelta`` (one .po per capability), not of the platform.
LOCALES = Path(__file__).resolve().parent.parent / "locales"
_current: ContextVar[Language] = ContextVar("cyberdelta_language", default="ja")


@cache
def translations(language: Language) -> gettext_module.NullTranslations:
    """All ``*.po`` files of the language merged (one file per capability keeps merges simple).

    A malformed file (a merge-conflict marker, a broken entry) is an error, not a silent skip."""
    merged: gettext_module.NullTranslations = gettext_module.NullTranslations()
    for path in sorted((LOCALES / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, abort_invalid=True)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = gettext_module.GNUTranslations(buffer)
        part.add_fallback(merged)
        merged = part
    return merged


def current_language() -> Language:
    return _current.get()


def set_language(language: Language) -> None:
    _current.set(language)


@contextmanager
def language(code: Language) -> Iterator[None]:
    token = _current.set(code)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str, **params: Any) -> str:
    text = translations(_current.get()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, count: int, **params: Any) -> str:
    text = translations(_current.get()).ngettext(singular, plural, count)
    return text % {"num": count, **params}


_ = gettext


def pick(english: str | None, japanese: str | None) -> str:
    """The text in the current language, falling back to the other one."""
    if _current.get() == "ja":
        return japanese or english or ""
    return english or japanese or ""


def parse_language(value: str | None) -> Language | None:
    if value is None:
        return None
    code = value.strip().lower()[:2]
    for supported in SUPPORTED_LANGUAGES:
        if code == supported:
            return supported
    return None


def negotiate(accept_language: str | None) -> Language | None:
    """First supported language in an ``Accept-Language`` header, by quality (RFC 9110 §12.5.4)."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, Language]] = []
    for index, item in enumerate(accept_language.split(",")):
        piece, _sep, quality = item.strip().partition(";q=")
        code = parse_language(piece)
        if code is None:
            continue
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        if weight > 0:
            ranked.append((-weight, index, code))
    return min(ranked)[2] if ranked else None


def fold(text: str) -> str:
    """Normalise for search: full-width and half-width forms unified (NFKC), case folded."""
    return unicodedata.normalize("NFKC", text).casefold()
