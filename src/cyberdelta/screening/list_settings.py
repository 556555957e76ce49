"""Which list sources apply to a firm's screening (docs/screening.md, "Which lists apply").

FATF Recommendation 6 and the Foreign Exchange and Foreign Trade Act (asset freezes) leave it to
the firm to decide which designations it screens against beyond the ones it must apply; catalog
control cx-5.1 asks it to say which lists it uses and to keep them current. An organisation
chooses its sources here (an org admin or security officer, audited); the page, the API and every
recorded decision use and name the choice.

The choice is kept as the sources excluded, so that a source added later (a new list format, a
new live source) applies until the firm decides otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.screening.lists import SOURCES
from cyberdelta.screening.models import ScreeningListSettings


class ListSettingsError(DomainError):
    """A choice of list sources that cannot be stored; nothing was changed."""

    status = 422
    field = "sources"


def known_sources(live: Iterable[str] = ()) -> tuple[str, ...]:
    """The imported list sources, then the live ones (e.g. ``hub-indicators``)."""
    return (*SOURCES, *(name for name in live if name not in SOURCES))


def source_label(source: str) -> str:
    """A source's name in the reader's language."""
    labels = {
        "ofac-sdn-xml": _("OFAC SDN list (SDN_ADVANCED.XML)"),
        "ofac-sdn-csv": _("OFAC SDN list (sdn.csv)"),
        "un-xml": _("UN Security Council consolidated list"),
        "mof": _("Ministry of Finance economic sanctions list"),
        "lines": _("Plain address lists"),
        "hub-indicators": _("Hub indicators (wallet addresses your organisation may see under TLP)"),
    }
    return labels.get(source, source)


def _split(text: str) -> frozenset[str]:
    return frozenset(part for part in text.split(",") if part)


def excluded_sources(session: Session, organisation_id: int | None) -> frozenset[str]:
    """The sources the organisation excluded (none for the console or an organisation that never
    chose: every source applies)."""
    if organisation_id is None:
        return frozenset()
    row = session.get(ScreeningListSettings, organisation_id)
    return _split(row.excluded_sources) if row is not None else frozenset()


def applied_sources(session: Session, organisation_id: int | None, known: Sequence[str]) -> tuple[str, ...]:
    excluded = excluded_sources(session, organisation_id)
    return tuple(source for source in known if source not in excluded)


def choose_sources(
    session: Session, actor: Actor, applied: Iterable[str], *, known: Sequence[str]
) -> tuple[str, ...]:
    """Make ``applied`` the sources of ``actor``'s organisation (the others are excluded); audited
    with the old and new choice. Unknown names and an empty choice are refused."""
    if actor.organisation_id is None:
        raise ListSettingsError(_("Choose the organisation you act for first."))
    wanted = list(dict.fromkeys(applied))
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ListSettingsError(
            _(
                "sources: unknown list source %(source)r (use %(known)s)",
                source=unknown[0],
                known=", ".join(known),
            )
        )
    if not wanted:
        raise ListSettingsError(_("sources: choose at least one list"))
    excluded = sorted(set(known) - set(wanted))
    row = session.get(ScreeningListSettings, actor.organisation_id)
    before = sorted(_split(row.excluded_sources)) if row is not None else []
    if row is None:
        row = ScreeningListSettings(organisation_id=actor.organisation_id)
        session.add(row)
    row.excluded_sources = ",".join(excluded)
    row.updated_by = actor.user_id if actor.user_id is not None else actor.token_creator_id
    session.flush()
    audit(
        session,
        actor,
        "screening.lists_chosen",
        object_type="screening_list_settings",
        object_id=actor.organisation_id,
        details={
            "applied": [name for name in known if name in wanted],
            "excluded": excluded,
            "excluded_before": before,
        },
    )
    return tuple(name for name in known if name in wanted)
