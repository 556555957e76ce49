"""Findings and the verdict (docs/signing.md, "Findings"): each finding has a stable code, a severity
(``info``, ``warn`` or ``block``) and its message in Japanese and English; the verdict is the worst
severity found — ``pass`` when nothing warns or blocks. The CLI exits 0, 3 or 4 accordingly."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Literal

from cyberdelta.signing.text import Text

Verdict = Literal["pass", "warn", "block"]
EXIT_STATUS: dict[Verdict, int] = {"pass": 0, "warn": 3, "block": 4}
EXIT_BAD_INPUT = 2


class Severity(IntEnum):
    INFO = 0
    WARN = 1
    BLOCK = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    text: Text
    path: str | None = None  # the call or PSBT field it is about

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.label,
            "message_ja": self.text.ja,
            "message_en": self.text.en,
            "path": self.path,
        }


def verdict(findings: list[Finding]) -> Verdict:
    worst = max((finding.severity for finding in findings), default=Severity.INFO)
    return "block" if worst is Severity.BLOCK else "warn" if worst is Severity.WARN else "pass"
