"""Messages carried in both languages at once (docs/signing.md, "Findings").

A finding is printed in the signer's language but its JSON form holds the Japanese and the English
text side by side, so a record made on one machine reads the same on another. English is the message
id; the Japanese lives in ``locales/ja/LC_MESSAGES/signing.po``. Modules import :func:`bilingual` as
``_`` so that the message extractor finds every text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cyberdelta.platform import i18n
from cyberdelta.platform.settings import Language


@dataclass(frozen=True)
class Text:
    """A message id with its parameters, rendered on demand in either language."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def in_language(self, code: Language) -> str:
        with i18n.language(code):
            return i18n.gettext(self.message, **self.params)

    @property
    def ja(self) -> str:
        return self.in_language("ja")

    @property
    def en(self) -> str:
        return self.in_language("en")

    def render(self) -> str:
        """The text in the language in force."""
        return i18n.gettext(self.message, **self.params)


def bilingual(message: str, **params: Any) -> Text:
    return Text(message, params)
