"""Engagements and the people named on them (docs/tlpt.md, "Who knows").

Confidentiality is by named person, not by role (RTS 2025/1190 Art. 1(1)-(3): the control team knows,
the blue team does not; Art. 3: the authority's test managers; Art. 9(4): the control team set up by
the firm). An engagement is found only through a :class:`~cyberdelta.tlpt.models.TlptMember` row of
the acting person in the organisation they act for: anyone else, the firm's org admin included, gets
the answer an unknown engagement gets (404), and no list, count or audit entry of their
organisation mentions it. Every entry this capability writes is filed under the authority.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.tenancy.models import Membership, Organisation, OrganisationKind, User
from cyberdelta.tlpt.errors import TlptError, _, not_found
from cyberdelta.tlpt.frameworks import PHASES, rules_for
from cyberdelta.tlpt.keys import MasterKey, new_data_key
from cyberdelta.tlpt.models import TlptEngagement, TlptMember, TlptPhase, TlptProvider
from cyberdelta.tlpt.timeline import refresh_deadlines

TEST_MANAGER, CONTROL_TEAM, TI_PROVIDER, RED_TEAM = "test_manager", "control_team", "ti_provider", "red_team"
TEAMS: Final = (TEST_MANAGER, CONTROL_TEAM, TI_PROVIDER, RED_TEAM)
PROVIDER_KINDS: Final = {TI_PROVIDER: "ti", RED_TEAM: "red_team"}
# What a provider must show before it is selected (RTS 2025/1190 Art. 7(1)(a)-(f): CVs and
# certifications, professional indemnity insurance, references, experience).
REQUIRED_CHECKS: Final = ("experience", "references", "insurance", "certifications")


@dataclass(frozen=True)
class Seat:
    """An engagement as one named person sees it."""

    engagement: TlptEngagement
    member: TlptMember

    @property
    def team(self) -> str:
        return self.member.team


def _audit(
    session: Session, actor: Actor, action: str, engagement: TlptEngagement, **details: object
) -> None:
    audit(
        session,
        actor,
        action,
        object_type="tlpt_engagement",
        object_id=engagement.id,
        details={"engagement": engagement.id, **details},
        organisation_id=engagement.authority_id,
    )


def engagements_for(session: Session, actor: Actor) -> Sequence[Seat]:
    """The engagements the acting person is named on, for the organisation they act for."""
    if actor.user_id is None or actor.organisation_id is None:
        return []
    rows = session.execute(
        select(TlptEngagement, TlptMember)
        .join(TlptMember, TlptMember.engagement_id == TlptEngagement.id)
        .where(TlptMember.user_id == actor.user_id, TlptMember.organisation_id == actor.organisation_id)
        .order_by(TlptEngagement.id)
    ).all()
    return [Seat(engagement, member) for engagement, member in rows]


def seat(session: Session, actor: Actor, engagement_id: int, *teams: str) -> Seat:
    """The engagement as the acting person sees it; not named on it (or not in one of ``teams``,
    when given) answers as an unknown engagement does, or 403 for a named person of another team."""
    if actor.user_id is None or actor.organisation_id is None:
        raise not_found()
    found = session.execute(
        select(TlptEngagement, TlptMember)
        .join(TlptMember, TlptMember.engagement_id == TlptEngagement.id)
        .where(
            TlptEngagement.id == engagement_id,
            TlptMember.user_id == actor.user_id,
            TlptMember.organisation_id == actor.organisation_id,
        )
    ).first()
    if found is None:
        raise not_found()
    engagement, member = found
    if teams and member.team not in teams:
        raise TlptError(_("Your team on this engagement may not do this."), status=403)
    return Seat(engagement, member)


def members_of(session: Session, engagement_id: int) -> Sequence[tuple[TlptMember, User]]:
    return session.execute(
        select(TlptMember, User)
        .join(User, User.id == TlptMember.user_id)
        .where(TlptMember.engagement_id == engagement_id)
        .order_by(TlptMember.team, User.display_name)
    ).all()


def providers_of(session: Session, engagement_id: int) -> Sequence[tuple[TlptProvider, Organisation]]:
    return session.execute(
        select(TlptProvider, Organisation)
        .join(Organisation, Organisation.id == TlptProvider.organisation_id)
        .where(TlptProvider.engagement_id == engagement_id)
        .order_by(TlptProvider.kind)
    ).all()


def _organisation(session: Session, slug: str, kind: OrganisationKind, field: str) -> Organisation:
    found = session.scalars(select(Organisation).where(Organisation.slug == slug.strip())).first()
    if found is None or found.kind != kind.value:
        raise TlptError(
            _("No organisation of the kind %(kind)s has this slug."), field=field, kind=kind.value
        )
    return found


def open_engagement(
    session: Session,
    actor: Actor,
    master: MasterKey,
    *,
    code_name: str,
    firm_slug: str,
    framework: str,
    notified_on: date,
    values: Mapping[str, int] | None = None,
) -> TlptEngagement:
    """Open an engagement as the authority (the actor becomes its first test manager): the firm is
    notified on ``notified_on`` (RTS Art. 9(1)) and the timeline follows ``framework``'s rules."""
    authority = session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
    if authority is None or authority.kind != OrganisationKind.SUPERVISOR.value or actor.user_id is None:
        raise TlptError(_("Only a test manager of the authority opens an engagement."), status=403)
    name = code_name.strip()
    if not 1 <= len(name) <= 100:
        raise TlptError(_("Give a code name of 1 to 100 characters."), field="code_name")
    firm = _organisation(session, firm_slug, OrganisationKind.EXCHANGE, "firm")
    rules = rules_for(framework, values)
    engagement = TlptEngagement(
        code_name=name,
        firm_id=firm.id,
        authority_id=authority.id,
        framework=framework,
        rules=json.dumps(rules, sort_keys=True),
        notified_on=notified_on,
        phase=PHASES[0],
        scope="{}",
        wrapped_key=master.wrap(new_data_key()),
        created_by=actor.user_id,
    )
    session.add(engagement)
    session.flush()
    session.add_all(
        TlptPhase(engagement_id=engagement.id, phase=phase, position=position)
        for position, phase in enumerate(PHASES)
    )
    session.add(
        TlptMember(
            engagement_id=engagement.id,
            user_id=actor.user_id,
            organisation_id=authority.id,
            team=TEST_MANAGER,
            named_by=actor.user_id,
        )
    )
    session.flush()
    _audit(session, actor, "tlpt.engagement_opened", engagement, framework=framework, firm=firm.id)
    refresh_deadlines(session, engagement)
    return engagement


def name_member(session: Session, actor: Actor, engagement_id: int, *, email: str, team: str) -> TlptMember:
    """Name a person on the engagement (test managers only): a test manager of the authority, a
    control-team member of the firm, or a tester of the selected provider of that kind."""
    engagement = seat(session, actor, engagement_id, TEST_MANAGER).engagement
    if team not in TEAMS:
        raise TlptError(_("Unknown team."), field="team")
    if team == TEST_MANAGER:
        organisation_id = engagement.authority_id
    elif team == CONTROL_TEAM:
        organisation_id = engagement.firm_id
    else:
        provider = session.scalars(
            select(TlptProvider).where(
                TlptProvider.engagement_id == engagement.id, TlptProvider.kind == PROVIDER_KINDS[team]
            )
        ).first()
        if provider is None:
            raise TlptError(_("Select the provider of this team first."), status=409, field="team")
        organisation_id = provider.organisation_id
    user = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(User.email == email.strip().lower(), Membership.organisation_id == organisation_id)
    ).first()
    if user is None:
        raise TlptError(_("No member of that team's organisation has this address."), field="email")
    if session.scalars(
        select(TlptMember).where(TlptMember.engagement_id == engagement.id, TlptMember.user_id == user.id)
    ).first():
        raise TlptError(_("This person is already named on the engagement."), status=409, field="email")
    member = TlptMember(
        engagement_id=engagement.id,
        user_id=user.id,
        organisation_id=organisation_id,
        team=team,
        named_by=actor.user_id,
    )
    session.add(member)
    session.flush()
    _audit(session, actor, "tlpt.member_named", engagement, team=team, user=user.id)
    return member


def select_provider(
    session: Session, actor: Actor, engagement_id: int, *, kind: str, slug: str, checks: Mapping[str, str]
) -> TlptProvider:
    """Select the threat-intelligence (``ti``) or red-team (``red_team``) provider, a ``tlpt_provider``
    organisation, after checking each of :data:`REQUIRED_CHECKS` (each needs its evidence written)."""
    engagement = seat(session, actor, engagement_id, TEST_MANAGER, CONTROL_TEAM).engagement
    if kind not in PROVIDER_KINDS.values():
        raise TlptError(_("Unknown provider kind."), field="kind")
    organisation = _organisation(session, slug, OrganisationKind.TLPT_PROVIDER, "provider")
    for check in REQUIRED_CHECKS:
        text = checks.get(check, "").strip()
        if not text:
            raise TlptError(_("A provider needs this check before it is selected."), field=f"checks.{check}")
        if len(text) > 2000:
            raise TlptError(_("Keep each check under 2,000 characters."), field=f"checks.{check}")
    if session.scalars(
        select(TlptProvider).where(TlptProvider.engagement_id == engagement.id, TlptProvider.kind == kind)
    ).first():
        raise TlptError(_("A provider of this kind is already selected."), status=409, field="kind")
    provider = TlptProvider(
        engagement_id=engagement.id,
        organisation_id=organisation.id,
        kind=kind,
        checks=json.dumps({check: checks[check].strip() for check in REQUIRED_CHECKS}, ensure_ascii=False),
        selected_by=actor.user_id,
    )
    session.add(provider)
    session.flush()
    _audit(session, actor, "tlpt.provider_selected", engagement, kind=kind, provider=organisation.id)
    return provider


SCOPE_FIELDS: Final = ("functions", "systems", "third_parties")


def set_scope(session: Session, actor: Actor, engagement_id: int, scope: Mapping[str, Sequence[str]]) -> None:
    """Record the scope (RTS Art. 9(5), Annex II): critical or important functions, the systems
    supporting them, third parties such as wallet contractors; at least one function."""
    engagement = seat(session, actor, engagement_id, TEST_MANAGER, CONTROL_TEAM).engagement
    cleaned = {
        name: [line.strip() for line in scope.get(name, []) if line.strip()][:50] for name in SCOPE_FIELDS
    }
    if not cleaned["functions"]:
        raise TlptError(_("Name at least one critical or important function."), field="functions")
    if any(len(line) > 300 for lines in cleaned.values() for line in lines):
        raise TlptError(_("Keep each line under 300 characters."), field="scope")
    engagement.scope = json.dumps(cleaned, ensure_ascii=False)
    _audit(session, actor, "tlpt.scope_set", engagement, functions=len(cleaned["functions"]))
