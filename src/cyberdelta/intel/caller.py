"""Who is calling the hub, reduced to what the sharing rules need (organisation and intel rights)."""

from __future__ import annotations

from dataclasses import dataclass

from cyberdelta.intel.tlp import ANONYMOUS, Reader


@dataclass(frozen=True)
class Caller:
    """An organisation acting through a user session or an API token, or an anonymous client.

    ``read``/``write``/``admin`` are the intel:read, intel:write and intel:admin permissions of
    the accounts issue; collection access and TLP rules are applied on top of them.
    """

    reader: Reader
    read: bool = False
    write: bool = False
    admin: bool = False
    user_id: int | None = None

    @property
    def organisation_id(self) -> int | None:
        return self.reader.organisation_id


NOBODY = Caller(reader=ANONYMOUS)
