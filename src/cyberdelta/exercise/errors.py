"""Scenario input that cannot be stored (docs/exercise.md, "Bad input"): every problem is listed by
where it is — a JSON path (``$.injects[3].offset``) or a workbook cell (``MEL!F5``) — and nothing is
stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cyberdelta.platform.errors import DomainError


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class ScenarioError(DomainError):
    """The scenario (document or workbook) is refused whole; ``problems`` holds every reason."""

    status = 422

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        self.field = self.problems[0].where if self.problems else None
        super().__init__("; ".join(str(problem) for problem in self.problems))

    def render(self) -> str:
        """One problem a line, each led by its place (``MEL!F5: …``)."""
        return "\n".join(str(problem) for problem in self.problems)


class ExerciseNotFoundError(DomainError):
    """An unknown scenario or version (404)."""

    status = 404

    def __init__(self, message: str, where: str | None = None) -> None:
        self.field = where
        super().__init__(message)
