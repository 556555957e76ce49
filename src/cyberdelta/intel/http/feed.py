"""Pages of the hub (docs/intel.md): the feed with filters and search, the quick report form (with an
optional sighting, STIX 2.1 §5.2) and the lesson-learned form. Server-rendered in Japanese and
English; the same TLP rules as TAXII apply. The import page and the collection administration live
in :mod:`~cyberdelta.intel.http.imports` and :mod:`~cyberdelta.intel.http.collections`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from cyberdelta.intel import service, sightings
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.feed import FeedQuery, feed
from cyberdelta.intel.forms import FormError, lesson
from cyberdelta.intel.http import collections as admin_pages
from cyberdelta.intel.http import imports as import_pages
from cyberdelta.intel.http.authentication import caller_for
from cyberdelta.intel.models import IntelCollection
from cyberdelta.intel.publishing import identity, isac, publish
from cyberdelta.intel.sightings import Observation
from cyberdelta.intel.timestamps import EPOCH
from cyberdelta.intel.tlp import ORDER, Tlp
from cyberdelta.intel.validation import problem
from cyberdelta.intel.wallet import CHAINS
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal
from cyberdelta.tenancy.service import get_organisation

router = APIRouter(prefix="/intel", include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Permission.INTEL_READ))]
Writer = Annotated[Principal, Depends(require(Permission.INTEL_WRITE))]
TYPES = ("indicator", "x-crypto-wallet-address", "domain-name", "sighting", "report", "threat-actor",
         "intrusion-set", "attack-pattern", "malware")  # fmt: skip
Field = Annotated[str, Form()]
router.include_router(import_pages.router)
router.include_router(admin_pages.router)


def _since(text: str) -> int | None:
    try:
        moment = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    return int((moment - EPOCH).total_seconds()) * 1_000_000


@router.get("")
def feed_page(
    request: Request,
    session: SessionDep,
    principal: Reader,
    type: str = "",
    tlp: str = "",
    since: str = "",
    q: str = "",
) -> Response:
    """The feed: latest shared objects, filtered by type, TLP and date, searched by text."""
    caller = caller_for(principal)
    readable = [
        item.id for item, can_read, _write in service.visible_collections(session, caller) if can_read
    ]
    query = FeedQuery(
        stix_type=type if type in TYPES else "",
        tlp=tlp if tlp in {level.value for level in Tlp} else "",
        since_us=_since(since),
        text=q[:200],
    )
    items = feed(session, caller.reader, readable, query)
    context = {
        "items": items,
        "types": TYPES,
        "levels": ORDER,
        "query": query,
        "since": since,
        "seen_labels": dict(seen_choices()),
    }
    return render(request, "intel/feed.html", context)


def _writable(session: SessionDep, caller: Caller) -> list[IntelCollection]:
    return [item for item, _read, can_write in service.visible_collections(session, caller) if can_write]


def seen_choices() -> list[tuple[str, str]]:
    """Where a reporter may have seen what they report (the keys of :data:`forms.SEEN_IN`)."""
    return [
        ("withdrawal-request", _("in a withdrawal request")),
        ("deposit", _("as the source of a deposit")),
        ("phishing-mail", _("in a phishing e-mail")),
        ("website", _("on a website or social media")),
        ("screening", _("by address screening")),
        ("signing-block", _("in a transaction the signing guard blocked")),
    ]


def _form_context(
    session: SessionDep, caller: Caller, values: dict[str, Any], error: FormError | None
) -> dict[str, Any]:
    return {
        "collections": _writable(session, caller),
        "chains": CHAINS,
        "levels": ORDER,
        "seen": seen_choices(),
        "values": values,
        "error": error,
    }


def _target(session: SessionDep, caller: Caller, collection_id: str) -> IntelCollection:
    found = service.find_collection(session, collection_id)
    if found is None or not service.can_write(session, found, caller):
        raise FormError("collection", _("choose a collection you may publish to"))
    return found


def _tlp(value: str) -> Tlp:
    if value not in {level.value for level in Tlp}:
        raise FormError("tlp", _("choose a TLP level"))
    return Tlp(value)


@router.get("/report")
def report_form(
    request: Request,
    session: SessionDep,
    principal: Writer,
    kind: str = "address",
    chain: str = "ethereum",
    value: str = "",
    seen_in: str = "",
) -> Response:
    """Quick report of a malicious wallet address or phishing domain: few fields, safe defaults.

    The query may fill it in (a screening hit or a signing block links here, docs/intel.md,
    "Sightings"); an EVM account screened on no particular chain is offered as Ethereum."""
    values = {
        "kind": kind if kind in ("address", "domain") else "address",
        "chain": "ethereum" if chain == "evm" else chain[:40],
        "value": value[:300],
        "seen_in": seen_in if seen_in in dict(seen_choices()) else "",
        "tlp": Tlp.AMBER.value,
        "count": "1",
    }
    return render(request, "intel/report.html", _form_context(session, caller_for(principal), values, None))


@router.post("/report")
def report_submit(
    request: Request,
    session: SessionDep,
    principal: Writer,
    kind: Field = "address",
    chain: Field = "",
    value: Field = "",
    tlp: Field = "amber",
    note: Field = "",
    collection: Field = "",
    anonymous: Field = "",
    seen_in: Field = "",
    first_seen: Field = "",
    count: Field = "1",
) -> Response:
    """Report an address or domain: a sighting of the indicator the hub already holds for it
    (docs/intel.md, "Sightings"), else the observable and a new indicator, plus a sighting when the
    reporter says where it saw it."""
    caller = caller_for(principal)
    values = {
        "kind": kind,
        "chain": chain,
        "value": value,
        "tlp": tlp,
        "note": note,
        "collection": collection,
        "anonymous": anonymous,
        "seen_in": seen_in,
        "first_seen": first_seen,
        "count": count,
    }
    try:
        target = _target(session, caller, collection)
        observation = Observation(
            kind=kind,
            chain=chain,
            value=value,
            tlp=_tlp(tlp),
            note=note,
            seen_in=seen_in,
            first_seen=first_seen,
            count=count,
        )
        outcome = sightings.report(
            session,
            caller,
            target,
            observation,
            actor=actor_of(request, principal),
            anonymous=bool(anonymous),
        )
    except FormError as error:
        context = _form_context(session, caller, values, error)
        return render(request, "intel/report.html", context, status_code=422)
    query = {"published": outcome.status.success_count}
    if outcome.known:
        query["sighted"] = 1
    return redirect_to(request, "intel.feed_page", query=query)


@router.get("/lesson")
def lesson_form(request: Request, session: SessionDep, principal: Writer) -> Response:
    """A lesson learned from an incident, shared as a STIX report."""
    values = {"tlp": Tlp.GREEN.value}
    return render(request, "intel/lesson.html", _form_context(session, caller_for(principal), values, None))


@router.post("/lesson")
def lesson_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Writer,
    title: Field = "",
    body: Field = "",
    tlp: Field = "green",
    collection: Field = "",
    anonymous: Field = "",
) -> Response:
    caller = caller_for(principal)
    values = {"title": title, "body": body, "tlp": tlp, "collection": collection, "anonymous": anonymous}
    try:
        target = _target(session, caller, collection)
        author = _author(session, principal, anonymous=bool(anonymous))
        objects = lesson(title, body, _tlp(tlp), identity(author))
        return _publish(request, session, settings, principal, target, objects, anonymous=bool(anonymous))
    except FormError as error:
        return render(
            request, "intel/lesson.html", _form_context(session, caller, values, error), status_code=422
        )


def _author(session: SessionDep, principal: Principal, *, anonymous: bool) -> Organisation:
    """Who is named as author or sighter: the ISAC when publishing anonymously, else oneself."""
    author = isac(session) if anonymous else get_organisation(session, principal.organisation_id or 0)
    if author is None:
        raise FormError("anonymous", _("no ISAC is registered to publish for you"))
    return author


def _publish(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Principal,
    target: IntelCollection,
    objects: list[dict[str, Any]],
    *,
    anonymous: bool,
) -> Response:
    caller = caller_for(principal)
    # A form publishes all of its objects or none: check everything before anything is written.
    if anonymous and isac(session) is None:
        raise FormError("anonymous", _("no ISAC is registered to publish for you"))
    for stix_object in objects:
        found = problem(stix_object)
        if found is not None:
            raise FormError("value", found)
    actor = actor_of(request, principal)
    status = publish(session, caller, target, objects, actor=actor, anonymous=anonymous)
    return redirect_to(request, "intel.feed_page", query={"published": status.success_count})
