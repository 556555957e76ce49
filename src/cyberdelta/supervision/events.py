"""What the supervision capability announces to the capabilities above it (see
:mod:`cyberdelta.platform.events`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SubmissionAccepted:
    """The supervisor accepted a submission of ``cycle_id`` (committed)."""

    cycle_id: int
