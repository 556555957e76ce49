"""The reconstruction audit (docs/benchmark.md, "Reconstruction audit"): everything a cycle has
published, read as a determined reader would, and each firm's value bounded with a solver.

The method follows the database-reconstruction attacks of Dinur & Nissim (PODS 2003) and of the
US Census Bureau on its 2010 tables (Abowd et al., "The 2010 Census confidentiality protections
failed", 2023): write down every constraint the published numbers impose on the unknown
confidential values and ask a linear/integer programming solver (HiGHS, through
``scipy.optimize``) how far each value can still move.

* **Scores** (overall, domain, control, year-over-year). The unknowns of a published figure are
  its order statistics ``y₁ ≤ … ≤ yₙ`` on the 0–5 scale — the reader is assumed to be able to tell
  which firm stands at which rank (a firm knows its own, the press knows the largest), so pinning
  any rank counts as pinning a firm. Each published percentile is the mean of the ``k`` order
  statistics of its window (:func:`disclosure.window`) and lies in the interval its rounding or
  coding allows (:func:`disclosure.interval`). Ranks outside every window are bounded by the
  window ranks around them and are never narrower, so only window ranks are variables. Control
  maturities are whole numbers: a control rank is pinned when its interval holds one whole number.
* **Gap shares**. The unknowns are the firms' own gap flags. Firms that belong to exactly the same
  published sets (an *atom*, :class:`privacy.Atoms`) are interchangeable, so the integer unknowns
  are the number of flagged firms per atom; every published share of every group and publication
  bounds the sum over its atoms. A firm is pinned when its atom's count is forced to 0 or to the
  atom's size (every firm there has, or lacks, the gap).
* **Combinations**. Over all publications, every atom of the published member sets of a figure
  must hold at least ``k`` members (the differencing rule, checked again on what was published).

Figures are independent of each other in these programs, so one solve of the whole cycle's
block-diagonal program per variable position gives that position's bound in every figure at once
(the minimum of a sum of independent blocks is the sum of their minima): ``2 × 25`` LP solves for
the scores and ``2 × atoms`` MILP solves for the shares, however many figures there are.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

from cyberdelta.benchmark import disclosure
from cyberdelta.benchmark.disclosure import DEFAULT_RULES, Rules
from cyberdelta.benchmark.history import History, PublishedFigure
from cyberdelta.benchmark.privacy import Atoms

SCORE = "score"
SHARE = "share"
COMBINATION = "combination"
INTEGER_SCOPES = frozenset({"control"})
EPSILON = 1e-7


@dataclass(frozen=True)
class Finding:
    """A published figure that lets a reader pin a firm's value narrower than the rules allow."""

    kind: str  # SCORE, SHARE or COMBINATION
    number: int  # publication
    group: str
    scope: str
    key: str
    low: float  # the narrowest interval found (for a combination: the atom's size, twice)
    high: float
    rank: int | None = None  # 1 = the lowest score of the group (scores only)

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "number": self.number,
            "group": self.group,
            "scope": self.scope,
            "key": self.key,
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "rank": self.rank,
        }


@dataclass
class Audit:
    findings: list[Finding] = field(default_factory=list)
    figures: int = 0
    programs: int = 0  # distinct figure programs after merging identical ones
    solves: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.findings


@dataclass
class _Block:
    """One figure's program: its window-rank variables and constraint rows."""

    ranks: list[int]
    rows: list[tuple[list[int], float, float]]  # (variable indexes, lower, upper) on the sum
    figures: list[PublishedFigure] = field(default_factory=list)


def score_program(count: int, quantiles: dict[int, disclosure.Coded], rules: Rules) -> _Block:
    """The order-statistic variables and window-mean constraints that one figure implies: the
    window ranks and the two lowest and two highest ranks of the group."""
    low, high = rules.score_range
    windows = {q: disclosure.window(count, q, rules.k) for q in quantiles}
    edges = {0, min(1, count - 1), max(count - 2, 0), count - 1}
    ranks = sorted({rank for start, end in windows.values() for rank in range(start, end)} | edges)
    index = {rank: position for position, rank in enumerate(ranks)}
    rows = []
    for q, (start, end) in windows.items():
        lower, upper = disclosure.interval(quantiles[q], rules.score_step, low, high)
        rows.append(([index[rank] for rank in range(start, end)], rules.k * lower, rules.k * upper))
    return _Block(ranks, rows)


class _Program:
    """All figures' programs as one block-diagonal LP (the blocks share no variable)."""

    def __init__(self, blocks: Sequence[_Block], low: float, high: float) -> None:
        self.blocks, self.low, self.high = blocks, low, high
        self.offsets, total = [], 0
        for block in blocks:
            self.offsets.append(total)
            total += len(block.ranks)
        self.total = total
        rows: list[int] = []
        cols: list[int] = []
        data: list[float] = []
        upper: list[float] = []
        row = 0
        for block, offset in zip(blocks, self.offsets, strict=True):
            for position in range(len(block.ranks) - 1):  # y[i] − y[i+1] ≤ 0
                rows += [row, row]
                cols += [offset + position, offset + position + 1]
                data += [1.0, -1.0]
                upper.append(0.0)
                row += 1
            for variables, lower_sum, upper_sum in block.rows:
                for sign, bound in ((1.0, upper_sum), (-1.0, -lower_sum)):
                    rows += [row] * len(variables)
                    cols += [offset + v for v in variables]
                    data += [sign] * len(variables)
                    upper.append(bound)
                    row += 1
        self.matrix = coo_matrix((data, (rows, cols)), shape=(row, total)).tocsr()
        self.upper = np.array(upper)

    def extreme(self, position: Callable[[_Block], int], sense: float, audit: Audit) -> list[float]:
        """Per block, the minimum (``sense`` 1) or maximum (−1) of the variable at ``position``."""
        columns = [offset + position(block) for block, offset in zip(self.blocks, self.offsets, strict=True)]
        objective = np.zeros(self.total)
        objective[columns] = sense
        solved = linprog(
            objective, A_ub=self.matrix, b_ub=self.upper, bounds=(self.low, self.high), method="highs"
        )
        audit.solves += 1
        if solved.status != 0:
            raise RuntimeError(
                f"reconstruction audit: the published figures admit no values ({solved.message})"
            )
        return [float(solved.x[column]) for column in columns]


def _pinned_width(low: float, high: float, integer: bool) -> float:
    if integer:
        return math.floor(high + EPSILON) - math.ceil(low - EPSILON)
    return high - low


def audit_scores(figures: Iterable[PublishedFigure], rules: Rules, audit: Audit) -> None:
    """Bounds of the lowest firm, the highest firm and every firm in between, per figure."""
    blocks: dict[tuple[object, ...], _Block] = {}
    for figure in figures:
        if not figure.quantiles:
            continue
        audit.figures += 1
        case = (figure.count, tuple(sorted((q, c.value, c.coding) for q, c in figure.quantiles.items())))
        if case not in blocks:
            blocks[case] = score_program(figure.count, dict(figure.quantiles), rules)
        blocks[case].figures.append(figure)
    audit.programs += len(blocks)
    if not blocks:
        return
    ordered = list(blocks.values())
    program = _Program(ordered, *rules.score_range)
    first, last = (lambda block: 0), (lambda block: len(block.ranks) - 1)
    second = lambda block: min(1, len(block.ranks) - 1)  # noqa: E731
    second_last = lambda block: max(len(block.ranks) - 2, 0)  # noqa: E731
    lowest = zip(program.extreme(first, 1, audit), program.extreme(first, -1, audit), strict=True)
    highest = zip(program.extreme(last, 1, audit), program.extreme(last, -1, audit), strict=True)
    between = zip(program.extreme(second, 1, audit), program.extreme(second_last, -1, audit), strict=True)
    for block, low_firm, high_firm, middle in zip(ordered, lowest, highest, between, strict=True):
        n = block.figures[0].count
        for figure in block.figures:
            integer = figure.scope in INTEGER_SCOPES
            for rank, (lo, hi) in ((1, low_firm), (n, high_firm), (None, middle)):
                if rank is None and n <= 2:
                    continue
                if _pinned_width(lo, hi, integer) < rules.score_width - EPSILON:
                    audit.findings.append(
                        Finding(SCORE, figure.number, figure.group, figure.scope, figure.key, lo, hi, rank)
                    )


@dataclass
class _ShareProgram:
    """One figure key's share constraints: flagged firms per atom, bounded per published share."""

    sizes: list[int]  # firms per atom
    atoms: list[list[str]]  # the members of each atom
    rows: list[tuple[list[int], int, int]]  # (atoms of a figure's set, least, most flagged firms)
    figures: list[PublishedFigure]


def _share_program(history: History, figures: list[PublishedFigure], rules: Rules) -> _ShareProgram:
    sets = [history.contributors(f) for f in figures]
    labelled = Atoms(sets).labels
    by_label: dict[int, list[str]] = defaultdict(list)
    for member, label in labelled.items():
        by_label[label].append(str(member))
    labels = sorted(by_label)
    position = {label: i for i, label in enumerate(labels)}
    rows = []
    for figure, members in zip(figures, sets, strict=True):
        share = figure.gap_share
        if share is None:
            continue
        lower, upper = disclosure.interval(share, rules.share_step, 0.0, 100.0)
        variables = sorted({position[labelled[m]] for m in members})
        least = math.ceil(lower * len(members) / 100 - EPSILON)
        most = math.floor(upper * len(members) / 100 + EPSILON)
        rows.append((variables, least, most))
    return _ShareProgram([len(by_label[label]) for label in labels], [by_label[label] for label in labels],
                         rows, list(figures))  # fmt: skip


def audit_shares(history: History, rules: Rules, audit: Audit) -> None:
    """Integer bounds on the flagged firms of every atom, per figure key over all publications."""
    by_key: dict[tuple[str, str], list[PublishedFigure]] = defaultdict(list)
    for record in history.records.values():
        for figure in record.figures:
            if figure.gap_share is not None:
                by_key[(figure.scope, figure.key)].append(figure)
    programs: list[_ShareProgram] = []
    cases: dict[tuple[object, ...], _ShareProgram] = {}
    for figures in by_key.values():
        unique = list({(f.number, f.group): f for f in figures}.values())
        case = (tuple(history.contributors(f) for f in unique), tuple((f.count, f.gap_share) for f in unique))
        if case in cases:
            cases[case].figures.extend(unique)
            continue
        cases[case] = _share_program(history, unique, rules)
        programs.append(cases[case])
    audit.figures += sum(len(program.figures) for program in programs)
    audit.programs += len(programs)
    if not programs:
        return
    offsets, total = [], 0
    for program in programs:
        offsets.append(total)
        total += len(program.sizes)
    rows: list[int] = []
    cols: list[int] = []
    least: list[float] = []
    most: list[float] = []
    for program, offset in zip(programs, offsets, strict=True):
        for variables, fewest, most_flagged in program.rows:
            rows += [len(least)] * len(variables)
            cols += [offset + v for v in variables]
            least.append(fewest)
            most.append(most_flagged)
    matrix = coo_matrix(([1.0] * len(cols), (rows, cols)), shape=(len(least), total)).tocsr()
    constraint = LinearConstraint(matrix, np.array(least), np.array(most))
    sizes = np.array([size for program in programs for size in program.sizes], dtype=float)
    bounds = Bounds(np.zeros(total), sizes)
    extremes = [[(0.0, float(size)) for size in program.sizes] for program in programs]
    for position in range(max(len(program.sizes) for program in programs)):
        columns = [
            (p, offsets[p] + position) for p, program in enumerate(programs) if len(program.sizes) > position
        ]
        for sense in (1.0, -1.0):
            objective = np.zeros(total)
            objective[[column for _p, column in columns]] = sense
            solved = milp(objective, constraints=constraint, integrality=np.ones(total), bounds=bounds)
            audit.solves += 1
            if solved.status != 0:
                raise RuntimeError(
                    f"reconstruction audit: the published shares admit no values ({solved.message})"
                )
            for p, column in columns:
                low, high = extremes[p][position]
                value = float(round(solved.x[column]))
                extremes[p][position] = (value, high) if sense > 0 else (low, value)
    for program, program_bounds in zip(programs, extremes, strict=True):
        for size, (low, high), members in zip(program.sizes, program_bounds, program.atoms, strict=True):
            flag_low = 100.0 if low >= size else 0.0  # every firm of the atom is flagged
            flag_high = 0.0 if high <= 0 else 100.0  # no firm of the atom is
            if flag_high - flag_low >= rules.share_width:
                continue
            for figure in program.figures:
                if members[0] in history.contributors(figure):
                    audit.findings.append(Finding(SHARE, figure.number, figure.group, figure.scope,
                                                  figure.key, flag_low, flag_high))  # fmt: skip


def audit_combinations(history: History, rules: Rules, audit: Audit) -> None:
    """Every atom of the published member sets of a figure, over all publications, holds ≥ k."""
    by_key: dict[tuple[str, str], list[PublishedFigure]] = defaultdict(list)
    for record in history.records.values():
        for figure in record.figures:
            by_key[(figure.scope, figure.key)].append(figure)
    seen: dict[tuple[frozenset[str], ...], int] = {}
    for figures in by_key.values():
        sets = tuple(dict.fromkeys(history.contributors(f) for f in figures))
        if sets not in seen:
            seen[sets] = Atoms(sets).smallest()
        smallest = seen[sets]
        if 0 < smallest < rules.k:
            latest = max(figures, key=lambda f: f.number)
            audit.findings.append(
                Finding(
                    COMBINATION, latest.number, latest.group, latest.scope, latest.key, smallest, smallest
                )
            )


def audit(history: History, rules: Rules = DEFAULT_RULES) -> Audit:
    """Audit every figure of every publication in ``history`` (the candidate included)."""
    started = time.perf_counter()
    result = Audit()
    figures = [figure for record in history.records.values() for figure in record.figures]
    unique = list({(f.number, f.group, f.scope, f.key): f for f in figures}.values())
    audit_scores(unique, rules, result)
    audit_shares(history, rules, result)
    audit_combinations(history, rules, result)
    result.seconds = time.perf_counter() - started
    return result
