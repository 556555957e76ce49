"""Exercise time ``D+1 H+2 M+30`` (the master event list convention): read into minutes, written back
in one spelling, anything else refused with what is expected."""

from __future__ import annotations

import pytest

from cyberdelta.exercise.relative_time import OffsetError, format_offset, parse_offset


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("D+0 H+0 M+0", 0), ("D+1 H+2 M+30", 1590), ("d+0  h+3", 180), ("D+2", 2880), ("D+0 M+45", 45)],
)
def test_offsets_read_as_minutes(text: str, minutes: int) -> None:
    assert parse_offset(text) == minutes
    assert parse_offset(format_offset(minutes)) == minutes


def test_the_canonical_spelling_has_all_three_parts() -> None:
    assert format_offset(1590) == "D+1 H+2 M+30"
    assert format_offset(0) == "D+0 H+0 M+0"


@pytest.mark.parametrize(
    "text", ["", "H+2", "D+1 M+30 H+2", "D-1", "D+1 H+24", "D+0 M+60", "D+31", "10:30", "D+1H+2"]
)
def test_other_spellings_are_refused(text: str) -> None:
    with pytest.raises(OffsetError):
        parse_offset(text)
