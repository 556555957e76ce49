"""What the TLPT capability refuses (docs/tlpt.md, "Bad input"): a clear message naming the field at
fault, in the language in force (English message ids, Japanese in ``locales/ja/LC_MESSAGES/tlpt.po``).
Modules import :func:`refused` and pass it a literal message so that the extractor finds it."""

from __future__ import annotations

from typing import Any

from cyberdelta.platform import i18n
from cyberdelta.platform.errors import DomainError


class TlptError(DomainError):
    """``status`` 404 for an engagement the caller is not named on (as unknown as a missing one),
    409 for a step the engagement's state does not allow, 422 for input that cannot be used."""

    def __init__(self, message: str, *, status: int = 422, field: str | None = None, **params: Any) -> None:
        self.status = status
        self.field = field
        self.message = message
        self.params = params
        super().__init__(f"{field}: {message % params}" if field else message % params)

    def render(self) -> str:
        text = i18n.gettext(self.message, **self.params)
        return f"{self.field}: {text}" if self.field else text


def not_found() -> TlptError:
    """The one answer for an engagement that does not exist or that the caller is not named on."""
    return TlptError(_("No such engagement."), status=404)


def _(message: str) -> str:
    """Marks a message id for extraction; :class:`TlptError` translates it when rendered."""
    return message
