"""A scenario as one JSON document: phases, the master event list (MEL) of injects and the management
decision points (docs/exercise.md, "Scenario document").

The shape follows HSEEP exercise planning (the master scenario event list: order, group, move,
exercise time, simulated time, from, to, description, expected actions) with what the FSA's policy
asks an industry exercise to look back at (seed 003: management decisions, contingency plans for
customers, what could not be done): each inject names the catalog controls and ATT&CK techniques or
hub objects it exercises, and decision points carry their options and what a good decision weighs.

:func:`parse_scenario` checks a document and returns a :class:`Scenario`, or raises
:class:`ScenarioError` listing *every* problem by JSON path (``$.injects[3].offset``), so that a
spreadsheet import can name the cell of each (:mod:`cyberdelta.exercise.workbook`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from cyberdelta.exercise.errors import Problem, ScenarioError
from cyberdelta.exercise.relative_time import OffsetError, format_offset, parse_offset
from cyberdelta.platform.i18n import gettext as _

CHANNELS = ("email", "phone", "media", "system_alert", "regulator_request", "customer_inquiry", "chat")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
TECHNIQUE_PATTERN = re.compile(r"^T\d{4}(\.\d{3})?$")
STIX_ID_PATTERN = re.compile(
    r"^[a-z][a-z0-9-]{1,60}--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
MAX_TEXT = 4000
MAX_SHORT = 200


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    title_ja: str


@dataclass(frozen=True)
class ExpectedAction:
    id: str  # "<inject order>.<n>", stable across exports
    text: str
    text_ja: str


@dataclass(frozen=True)
class Inject:
    order: int
    phase: str
    move: int
    offset: str  # canonical ``D+1 H+2 M+30``
    simulated_time: str | None  # ISO 8601 with offset, when the planner fixed one
    channel: str
    sender: str
    recipient: str
    title: str
    title_ja: str
    description: str
    description_ja: str
    details: str = ""
    assigned_to: str = ""
    status: str = ""
    expected_actions: tuple[ExpectedAction, ...] = ()
    controls: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    hub_objects: tuple[str, ...] = ()
    decision: str | None = None

    @property
    def minutes(self) -> int:
        return parse_offset(self.offset)


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    text_ja: str


@dataclass(frozen=True)
class DecisionPoint:
    key: str
    phase: str
    title: str
    title_ja: str
    question: str
    question_ja: str
    weighs: str
    weighs_ja: str
    options: tuple[Option, ...] = ()
    controls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    title_ja: str
    summary: str
    summary_ja: str
    catalog: str
    start: str  # simulated start of play, ISO 8601 with offset
    blind: bool
    phases: tuple[Phase, ...]
    injects: tuple[Inject, ...]
    decisions: tuple[DecisionPoint, ...] = field(default=())

    def document(self) -> dict[str, Any]:
        """The JSON form :func:`parse_scenario` reads back to an equal scenario."""
        return asdict(self)

    def phase(self, key: str) -> Phase | None:
        return next((phase for phase in self.phases if phase.key == key), None)


class _Reader:
    """Reads fields of one JSON object, collecting problems instead of stopping at the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def fail(self, path: str, reason: str) -> None:
        self.problems.append(Problem(path, reason))

    def text(
        self, data: Mapping[str, Any], name: str, path: str, *, required: bool = True, limit: int = MAX_TEXT
    ) -> str:
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{path}.{name}", _("must be text"))
            return ""
        text: str = value.strip()
        if required and not text:
            self.fail(f"{path}.{name}", _("is required"))
        elif len(text) > limit:
            self.fail(f"{path}.{name}", _("longer than %(max)s characters", max=limit))
        return text

    def key(self, data: Mapping[str, Any], name: str, path: str) -> str:
        value = self.text(data, name, path, limit=60)
        if value and not KEY_PATTERN.match(value):
            self.fail(f"{path}.{name}", _("use 2–60 lower-case letters, digits and hyphens"))
        return value

    def integer(self, data: Mapping[str, Any], name: str, path: str, *, minimum: int) -> int:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(f"{path}.{name}", _("must be a whole number of at least %(min)s", min=minimum))
            return minimum
        return value

    def items(self, data: Mapping[str, Any], name: str, path: str) -> list[Any]:
        value = data.get(name, [])
        if not isinstance(value, list):
            self.fail(f"{path}.{name}", _("must be a list"))
            return []
        return value

    def ids(
        self, data: Mapping[str, Any], name: str, path: str, valid: Callable[[str], str | None]
    ) -> tuple[str, ...]:
        found: list[str] = []
        for index, value in enumerate(self.items(data, name, path)):
            where = f"{path}.{name}[{index}]"
            if not isinstance(value, str) or not value.strip():
                self.fail(where, _("must be text"))
                continue
            reason = valid(value.strip())
            if reason:
                self.fail(where, reason)
            found.append(value.strip())
        return tuple(found)

    def objects(self, data: Mapping[str, Any], name: str, path: str) -> list[tuple[str, Mapping[str, Any]]]:
        found = []
        for index, value in enumerate(self.items(data, name, path)):
            if isinstance(value, Mapping):
                found.append((f"{path}.{name}[{index}]", value))
            else:
                self.fail(f"{path}.{name}[{index}]", _("must be an object"))
        return found


def _iso_time(value: str) -> str | None:
    """None for a valid ISO 8601 date-time with a UTC offset, else the reason."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return _("give a date and time as 2026-02-21T14:00:00+09:00")
    if parsed.tzinfo is None:
        return _("give the time's UTC offset, e.g. +09:00")
    return None


def parse_scenario(
    document: Any, known_controls: set[str] | None, *, check_controls: bool = True
) -> Scenario:
    """Check ``document``; ``known_controls`` are the control ids of the scenario's catalog (None:
    the catalog is unknown, which is itself reported at ``$.catalog``). ``check_controls`` False
    reads a stored version without looking its controls up again."""
    problems: list[Problem] = []
    read = _Reader(problems)
    if not isinstance(document, Mapping):
        raise ScenarioError([Problem("$", _("must be an object"))])

    def control(value: str) -> str | None:
        if check_controls and known_controls is not None and value not in known_controls:
            return _("unknown control %(id)s in the scenario's catalog", id=value)
        return None

    def technique(value: str) -> str | None:
        return None if TECHNIQUE_PATTERN.match(value) else _("not an ATT&CK technique id such as T1566.001")

    def stix_id(value: str) -> str | None:
        return None if STIX_ID_PATTERN.match(value) else _("not a STIX id such as report--<uuid>")

    catalog = read.text(document, "catalog", "$", limit=MAX_SHORT)
    if catalog and known_controls is None and check_controls:
        read.fail("$.catalog", _("no catalog %(key)s is stored", key=catalog))
    start = read.text(document, "start", "$", limit=40)
    if start and (reason := _iso_time(start)):
        read.fail("$.start", reason)
    blind = document.get("blind", False)
    if not isinstance(blind, bool):
        read.fail("$.blind", _("must be true or false"))
        blind = False

    phases: list[Phase] = []
    for where, data in read.objects(document, "phases", "$"):
        key = read.key(data, "key", where)
        if key and any(phase.key == key for phase in phases):
            read.fail(f"{where}.key", _("phase %(key)s appears twice", key=key))
        title = read.text(data, "title", where, limit=MAX_SHORT)
        phases.append(Phase(key, title, read.text(data, "title_ja", where, limit=MAX_SHORT)))
    if not phases:
        read.fail("$.phases", _("a scenario needs at least one phase"))
    phase_keys = {phase.key for phase in phases}

    def phase_of(data: Mapping[str, Any], where: str) -> str:
        value = read.text(data, "phase", where, limit=60)
        if value and value not in phase_keys:
            read.fail(f"{where}.phase", _("unknown phase %(key)s", key=value))
        return value

    decisions: list[DecisionPoint] = []
    for where, data in read.objects(document, "decisions", "$"):
        key = read.key(data, "key", where)
        if key and any(decision.key == key for decision in decisions):
            read.fail(f"{where}.key", _("decision point %(key)s appears twice", key=key))
        options: list[Option] = []
        for option_where, option in read.objects(data, "options", where):
            option_key = read.key(option, "key", option_where)
            if option_key and any(known.key == option_key for known in options):
                read.fail(f"{option_where}.key", _("option %(key)s appears twice", key=option_key))
            text = read.text(option, "text", option_where, limit=MAX_SHORT * 2)
            text_ja = read.text(option, "text_ja", option_where, limit=MAX_SHORT * 2)
            options.append(Option(option_key, text, text_ja))
        if len(options) < 2:
            read.fail(f"{where}.options", _("a decision point needs at least two options"))
        decisions.append(
            DecisionPoint(
                key=key,
                phase=phase_of(data, where),
                title=read.text(data, "title", where, limit=MAX_SHORT),
                title_ja=read.text(data, "title_ja", where, limit=MAX_SHORT),
                question=read.text(data, "question", where),
                question_ja=read.text(data, "question_ja", where),
                weighs=read.text(data, "weighs", where),
                weighs_ja=read.text(data, "weighs_ja", where),
                options=tuple(options),
                controls=read.ids(data, "controls", where, control),
            )
        )
    decision_keys = {decision.key for decision in decisions}

    injects: list[Inject] = []
    for where, data in read.objects(document, "injects", "$"):
        injects.append(_inject(read, data, where, phase_of, decision_keys, (control, technique, stix_id)))
    if not injects:
        read.fail("$.injects", _("a scenario needs at least one inject"))
    seen: dict[int, int] = {}
    for index, inject in enumerate(injects):
        if inject.order in seen:
            read.fail(f"$.injects[{index}].order", _("order number %(n)s appears twice", n=inject.order))
        seen.setdefault(inject.order, index)

    scenario = Scenario(
        key=read.key(document, "key", "$"),
        title=read.text(document, "title", "$", limit=MAX_SHORT),
        title_ja=read.text(document, "title_ja", "$", limit=MAX_SHORT),
        summary=read.text(document, "summary", "$"),
        summary_ja=read.text(document, "summary_ja", "$"),
        catalog=catalog,
        start=start,
        blind=blind,
        phases=tuple(phases),
        injects=tuple(sorted(injects, key=lambda inject: (inject.minutes, inject.order))),
        decisions=tuple(decisions),
    )
    if problems:
        raise ScenarioError(problems)
    return scenario


def _inject(
    read: _Reader,
    data: Mapping[str, Any],
    where: str,
    phase_of: Callable[[Mapping[str, Any], str], str],
    decision_keys: set[str],
    checks: Sequence[Callable[[str], str | None]],
) -> Inject:
    control, technique, stix_id = checks
    order = read.integer(data, "order", where, minimum=1)
    offset_text = read.text(data, "offset", where, limit=40)
    offset = "D+0 H+0 M+0"
    if offset_text:
        try:
            offset = format_offset(parse_offset(offset_text))
        except OffsetError as error:
            read.fail(f"{where}.offset", str(error))
    simulated = read.text(data, "simulated_time", where, required=False, limit=40) or None
    if simulated and (reason := _iso_time(simulated)):
        read.fail(f"{where}.simulated_time", reason)
    channel = read.text(data, "channel", where, limit=40)
    if channel and channel not in CHANNELS:
        read.fail(f"{where}.channel", _("choose one of %(choices)s", choices=", ".join(CHANNELS)))
    decision = read.text(data, "decision", where, required=False, limit=60) or None
    if decision and decision not in decision_keys:
        read.fail(f"{where}.decision", _("unknown decision point %(key)s", key=decision))
    expected: list[ExpectedAction] = []
    for number, (action_where, action) in enumerate(read.objects(data, "expected_actions", where), start=1):
        expected.append(
            ExpectedAction(
                id=f"{order}.{number}",
                text=read.text(action, "text", action_where, limit=MAX_SHORT * 5),
                text_ja=read.text(action, "text_ja", action_where, limit=MAX_SHORT * 5),
            )
        )
    return Inject(
        order=order,
        phase=phase_of(data, where),
        move=read.integer(data, "move", where, minimum=1) if data.get("move") not in (None, "") else 1,
        offset=offset,
        simulated_time=simulated,
        channel=channel,
        sender=read.text(data, "sender", where, limit=MAX_SHORT),
        recipient=read.text(data, "recipient", where, limit=MAX_SHORT),
        title=read.text(data, "title", where, limit=MAX_SHORT),
        title_ja=read.text(data, "title_ja", where, limit=MAX_SHORT),
        description=read.text(data, "description", where),
        description_ja=read.text(data, "description_ja", where),
        details=read.text(data, "details", where, required=False),
        assigned_to=read.text(data, "assigned_to", where, required=False, limit=MAX_SHORT),
        status=read.text(data, "status", where, required=False, limit=40),
        expected_actions=tuple(expected),
        controls=read.ids(data, "controls", where, control),
        techniques=read.ids(data, "techniques", where, technique),
        hub_objects=read.ids(data, "hub_objects", where, stix_id),
        decision=decision,
    )
