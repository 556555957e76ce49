"""Why an address is not valid: a reason code, rendered in the language in force.

Normalisers return :class:`Invalid` rather than raise, so that a batch of a million addresses
costs no exception per bad one; :func:`cyberdelta.screening.addresses.normalise` turns it into an
:class:`AddressError` for single addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _

# Reason code → message (English is the message id; Japanese in locales/ja/…/screening.po).
MESSAGES: dict[str, Callable[[], str]] = {
    "empty": lambda: _("the address is empty"),
    "checksum": lambda: _("checksum does not match"),
    "mixed-case": lambda: _("mixed case (use all lower case or all upper case)"),
    "character": lambda: _("character %(char)r is not allowed here"),
    "length": lambda: _("wrong length for this kind of address"),
    "version": lambda: _("version byte %(version)s is not one of this chain's"),
    "prefix": lambda: _("prefix %(prefix)r is not one of this chain's"),
    "separator": lambda: _("no separator '1' between prefix and data"),
    "witness-version": lambda: _("witness version %(version)s is not between 0 and 16"),
    "witness-program": lambda: _("witness program of %(length)s bytes is not allowed"),
    "wrong-encoding": lambda: _("%(expected)s is required for witness version %(version)s"),
    "padding": lambda: _("padding bits are not zero or too long"),
    "hex": lambda: _("an EVM address is 0x and 40 hexadecimal digits"),
    "eip55": lambda: _("EIP-55 checksum does not match (a letter has the wrong case)"),
    "unrecognised": lambda: _("not an address of any supported chain"),
    "chain": lambda: _("unknown chain %(chain)r"),
}


def message(reason: str, params: Mapping[str, Any]) -> str:
    return MESSAGES[reason]() % params if params else MESSAGES[reason]()


NO_PARAMS: Mapping[str, Any] = {}


class Invalid(NamedTuple):
    """An address that is not valid on its chain, and why (``params`` fill the message)."""

    chain: str | None
    reason: str
    params: Mapping[str, Any] = NO_PARAMS

    def render(self) -> str:
        return message(self.reason, self.params)


class AddressError(DomainError, ValueError):
    """An address that does not fit its chain; ``field`` is ``address``."""

    field = "address"

    def __init__(self, text: str, invalid: Invalid) -> None:
        self.text = text
        self.invalid = invalid
        super().__init__(f"{text}: {invalid.reason}")

    @property
    def reason(self) -> str:
        return self.invalid.reason

    def render(self) -> str:
        if self.invalid.chain:
            return _(
                "%(address)r is not a valid %(chain)s address: %(reason)s",
                address=self.text,
                chain=self.invalid.chain,
                reason=self.invalid.render(),
            )
        return _(
            "%(address)r is not a valid address: %(reason)s", address=self.text, reason=self.invalid.render()
        )


class UnknownChainError(DomainError, ValueError):
    """A chain name no normaliser knows; ``field`` is ``chain``."""

    field = "chain"

    def __init__(self, chain: str, known: tuple[str, ...]) -> None:
        self.chain = chain
        self.known = known
        super().__init__(chain)

    def render(self) -> str:
        return _(
            "unknown chain %(chain)r (use one of %(known)s)", chain=self.chain, known=", ".join(self.known)
        )
