"""Public ids at the web edge (docs/architecture.md, "Decisions", "Public ids").

URLs name the objects people see by an opaque public id (:mod:`cyberdelta.platform.public_ids`),
never by the row id. :data:`KINDS` is the one table of path parameters that carry one: a route
declares such a parameter with :func:`public_id` (it arrives in the handler as the row id), and
:func:`~cyberdelta.platform.web.urls.path_for` encodes an integer given for one of them, so that
pages and redirects never spell a row id.

Routes declare them with the ``Annotated`` aliases at the end (``assessment_id: AssessmentId``).
A value that is not a public id of the parameter's kind answers 404 "The page was not found.",
as an unknown row does. Declare the parameter after the route's access policy, so that an
anonymous or unauthorised caller is refused (401/403) before the id is looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Query, Request

from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.public_ids import TOKEN_LENGTH, PublicIds
from cyberdelta.platform.web.schemas import MAX_ROW_ID

# Path parameter name → kind of object (the kind is part of the encrypted block: an assessment's
# public id is no evidence id).
KINDS: dict[str, str] = {
    "assessment_id": "assessment",
    "evidence_id": "evidence",
    "item_id": "plan_item",
    "job_id": "report_job",
    "cycle_id": "cycle",
    "run_id": "feedback_run",
    "token_id": "api_token",
    "invitation_id": "invitation",
    "membership_id": "membership",
    "passkey_id": "passkey",
    "organisation_id": "organisation",
    "wallet_id": "signing_wallet",
    "proposal_id": "signing_proposal",
    "check_id": "signing_check",
    "engagement_id": "tlpt_engagement",
    "deliverable_id": "tlpt_deliverable",
}


# What a public id looks like (base64url of one 16-byte block, RFC 4648 §5): for query parameters,
# whose malformed values validation refuses.
PUBLIC_ID_PATTERN = rf"^[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}$"


def codec(request: Request) -> PublicIds:
    """The app's codec, built by ``create_app`` from the settings' secret."""
    found: PublicIds = request.app.state.public_ids
    return found


def encode(request: Request, name: str, row_id: int) -> str:
    """The public id of ``row_id`` for the path parameter (or JSON field) ``name`` of :data:`KINDS`."""
    return codec(request).encode(KINDS[name], row_id)


def encode_parameter(request: Request, name: str, value: Any) -> Any:
    """``value`` as a URL gives it: an integer for a public-id parameter becomes its public id."""
    if name in KINDS and isinstance(value, int) and not isinstance(value, bool):
        return encode(request, name, value)
    return value


def public_id(name: str) -> Callable[..., int]:
    """A dependency giving the row id named by the public id in path parameter ``name``."""
    kind = KINDS[name]

    def row_id(request: Request, value: str) -> int:
        found = codec(request).decode(kind, value)
        if found is None or not 1 <= found <= MAX_ROW_ID:
            raise HTTPException(status_code=404, detail=_("The page was not found."))
        return found

    # The path parameter is ``name`` (documented in OpenAPI as a string). Set as an object, not
    # written in the signature: postponed annotations could not see ``name`` from the closure.
    row_id.__annotations__["value"] = Annotated[
        str, Path(alias=name, description=f"Public id of the {kind.replace('_', ' ')}")
    ]
    row_id.__name__ = f"{name}_from_public_id"
    return row_id


def public_id_query(name: str, parameter: str) -> Callable[..., int | None]:
    """A dependency giving the row id named by the optional query parameter ``parameter``, a public
    id of the kind of ``name`` (e.g. ``?cycle=`` of a page that offers a choice of cycles): None when
    absent; a value not shaped like a public id is refused by validation (422), one that is shaped
    like one but names no row of that kind answers 404 naming the parameter."""
    kind = KINDS[name]

    def row_id(request: Request, value: str | None = None) -> int | None:
        if value is None:
            return None
        found = codec(request).decode(kind, value)
        if found is None or not 1 <= found <= MAX_ROW_ID:
            raise HTTPException(status_code=404, detail=_("%(field)s: no such id", field=parameter))
        return found

    row_id.__annotations__["value"] = Annotated[
        str | None,
        Query(
            alias=parameter,
            pattern=PUBLIC_ID_PATTERN,
            description=f"Public id of the {kind.replace('_', ' ')}",
        ),
    ]
    row_id.__name__ = f"{parameter}_from_public_id"
    return row_id


AssessmentId = Annotated[int, Depends(public_id("assessment_id"))]
EvidenceId = Annotated[int, Depends(public_id("evidence_id"))]
PlanItemId = Annotated[int, Depends(public_id("item_id"))]
ReportJobId = Annotated[int, Depends(public_id("job_id"))]
CycleId = Annotated[int, Depends(public_id("cycle_id"))]
FeedbackRunId = Annotated[int, Depends(public_id("run_id"))]
TokenId = Annotated[int, Depends(public_id("token_id"))]
InvitationId = Annotated[int, Depends(public_id("invitation_id"))]
MembershipId = Annotated[int, Depends(public_id("membership_id"))]
PasskeyId = Annotated[int, Depends(public_id("passkey_id"))]
OrganisationId = Annotated[int, Depends(public_id("organisation_id"))]
CycleQuery = Annotated[int | None, Depends(public_id_query("cycle_id", "cycle"))]
