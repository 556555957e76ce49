"""Input that cannot be checked (docs/signing.md, "Bad input"): malformed JSON, a wrong chain id, an
unknown Safe version, non-hex data, a truncated or invalid PSBT, an amount that overflows. Nothing is
reported as checked; the CLI exits with status 2 and the API answers 422."""

from __future__ import annotations

from cyberdelta.platform.errors import DomainError
from cyberdelta.signing.text import Text


class SigningInputError(DomainError):
    """``where`` is the JSON path (``$.message.value``), option (``--chain-id``) or PSBT field
    (``input[0]``) at fault."""

    def __init__(self, where: str, text: Text) -> None:
        self.field = where
        self.text = text
        super().__init__(f"{where}: {text.en}")

    def render(self) -> str:
        return f"{self.field}: {self.text.render()}"


class SigningRefusedError(DomainError):
    """A change or check the platform refuses (docs/signing.md, "In the platform"): an unknown wallet
    or proposal (404), one already applied (409), or the proposer approving their own change (403)."""

    status = 409

    def __init__(self, text: Text, *, status: int = 409, where: str | None = None) -> None:
        self.status = status
        self.field = where
        self.text = text
        super().__init__(text.en)

    def render(self) -> str:
        return self.text.render()
