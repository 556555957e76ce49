"""The access policies of :mod:`cyberdelta.platform.web.access` as ``Annotated`` aliases typed with
this capability's :class:`~cyberdelta.tenancy.principal.Principal`, so routes stay short."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from cyberdelta.platform.web import access
from cyberdelta.tenancy.principal import Principal

CurrentPrincipal = Annotated[Principal | None, Depends(access.public)]
SignedInPrincipal = Annotated[Principal, Depends(access.signed_in)]
AnyPrincipal = Annotated[Principal, Depends(access.authenticated)]
SteppedUpPrincipal = Annotated[Principal, Depends(access.signed_in_step_up)]
