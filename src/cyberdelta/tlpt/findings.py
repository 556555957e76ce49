"""Findings of a test and what they change in the firm's self-assessment (docs/tlpt.md, "Findings").

A finding (RTS 2025/1190 Annex V(c): description and criticality; Art. 13(2): the remediation plan per
finding) carries a CVSS 4.0 base vector (FIRST CVSS v4.0 specification, scored with the ``cvss``
library), the MITRE ATT&CK technique used (``T1566`` or ``T1566.001``), the critical or important
function of the scope it affects, and the catalog control it shows to be weaker than self-assessed,
with the maturity the test found. It becomes an item of the firm's improvement plan
(:func:`cyberdelta.assessment.plan.add_finding_item`), and where the firm self-assessed the control
higher than found, the item says so ("self-assessed 4, TLPT found 2"). Findings are recorded once
active testing has ended, when the blue team has been told (RTS Art. 12(1)), so the plan item tells
the firm nothing it may not know.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Final

from cvss import CVSS4
from cvss.exceptions import CVSS4Error
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.assessment.plan import add_finding_item
from cyberdelta.assessment.service import latest_assessment, responses_of
from cyberdelta.platform.actor import Actor
from cyberdelta.tlpt.engagements import CONTROL_TEAM, TEST_MANAGER, _audit, seat
from cyberdelta.tlpt.errors import TlptError, _
from cyberdelta.tlpt.frameworks import CLOSED, PHASES
from cyberdelta.tlpt.models import TlptFinding

TECHNIQUE: Final = re.compile(r"^T\d{4}(\.\d{3})?$")
AFTER_ACTIVE: Final = PHASES.index("active_red_teaming")


def score(vector: str) -> tuple[float, str]:
    """The CVSS 4.0 base score and severity of ``vector``; anything else is refused by field."""
    text = vector.strip()
    if not text.startswith("CVSS:4.0/"):
        raise TlptError(_("Give a CVSS 4.0 vector (CVSS:4.0/AV:…)."), field="cvss_vector")
    try:
        found = CVSS4(text)
    except (CVSS4Error, KeyError, ValueError) as error:
        raise TlptError(
            _("The CVSS 4.0 vector is malformed: %(reason)s"), field="cvss_vector", reason=str(error)
        ) from error
    return float(found.base_score), str(found.severity)


def record_finding(
    session: Session,
    actor: Actor,
    engagement_id: int,
    *,
    title: str,
    vector: str,
    technique: str,
    function: str,
    control_id: str,
    found: int,
) -> TlptFinding:
    """Record a finding and add it to the firm's plan (test managers and the control team)."""
    engagement = seat(session, actor, engagement_id, TEST_MANAGER, CONTROL_TEAM).engagement
    if engagement.phase != CLOSED and PHASES.index(engagement.phase) <= AFTER_ACTIVE:
        raise TlptError(_("Findings are recorded once active testing has ended."), status=409, field="phase")
    name = title.strip()
    if not 1 <= len(name) <= 200:
        raise TlptError(_("Give a title of 1 to 200 characters."), field="title")
    cvss_score, severity = score(vector)
    if not TECHNIQUE.match(technique.strip()):
        raise TlptError(
            _("Give an ATT&CK technique id such as T1566 or T1566.001."), field="attack_technique"
        )
    functions = json.loads(engagement.scope).get("functions", [])
    if function.strip() not in functions:
        raise TlptError(_("Choose a critical or important function of the scope."), field="critical_function")
    control = control_id.strip()
    if not control:
        raise TlptError(_("A finding names the catalog control it shows to be weaker."), field="control_id")
    if not 0 <= found <= 5:
        raise TlptError(_("The maturity found is from 0 to 5."), field="found_maturity")
    assessment = latest_assessment(session, engagement.firm_id)
    if assessment is None:
        raise TlptError(
            _("The firm has no self-assessment to add the finding to."), status=409, field="control_id"
        )
    response = responses_of(session, assessment).get(control)
    self_assessed = response.maturity if response is not None else None
    label = f"TLPT: {name} (CVSS {cvss_score} {severity}, {technique.strip()})"
    if self_assessed is not None and self_assessed > found:
        label += f" — 自己評価 {self_assessed}、TLPT の結果 {found}"
        label += f" / self-assessed {self_assessed}, TLPT found {found}"
    item = add_finding_item(
        session,
        actor,
        assessment,
        control_id=control,
        title=label,
        found=found,
        priority=cvss_score,
        source="tlpt",
    )
    finding = TlptFinding(
        engagement_id=engagement.id,
        title=name,
        cvss_vector=vector.strip(),
        cvss_score=cvss_score,
        severity=severity,
        technique=technique.strip(),
        critical_function=function.strip(),
        control_id=control,
        found_maturity=found,
        self_assessed=self_assessed,
        plan_item_id=item.id,
        created_by=actor.user_id,
    )
    session.add(finding)
    session.flush()
    _audit(session, actor, "tlpt.finding_recorded", engagement, finding=finding.id, severity=severity)
    return finding


def findings_of(session: Session, engagement_id: int) -> Sequence[TlptFinding]:
    return session.scalars(
        select(TlptFinding).where(TlptFinding.engagement_id == engagement_id).order_by(TlptFinding.id)
    ).all()
