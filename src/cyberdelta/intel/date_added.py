"""``date_added`` values that tell a reader nothing of the objects it may not see (docs/intel.md,
"No oracles").

TAXII 2.1 §3.4.1 pages by ``date_added`` (``added_after``, ``X-TAXII-Date-Added-First`` / ``-Last``),
and the hub gives every object of a collection a distinct value so that such paging is exact. Given
one after the other (``base + 0, base + 1, …``), the values leaked the envelope's hidden objects: a
reader that saw two of them four microseconds apart knew that three objects it may not see had
been stored between them.

Objects that the TLP 2.0 rule (:func:`cyberdelta.intel.tlp.may_read`) shows to the same readers
form one *audience*: the level, and for AMBER, AMBER+STRICT and RED the named recipients (CLEAR and
GREEN reach everyone whoever is named; the publisher is the same for a whole envelope). Each
audience gets its own lane: the *i*-th object of lane *l* gets ``base + i × stride + l``. A reader
that sees an audience sees all of its objects, so the values it receives depend only on the
objects it may read: the same stride between two objects of one audience, whatever else the
envelope held. CLEAR, GREEN and the unaddressed AMBER, AMBER+STRICT and RED have fixed lanes 0–4;
audiences with recipients take lanes 5 on in a fixed order. The stride is 16 lanes, or more when an
envelope names more than 11 different recipient lists (the stride then tells that much, never a
number of objects).

Between envelopes, the next envelope's ``base`` is the clock (microseconds): the collection's
writers take turns, and one that finds the previous envelope's values still ahead of the clock waits
for the clock (at most :data:`MAX_WAIT_US`) rather than continuing from the last value, which would
make the gap between two envelopes the count of the first's objects.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from cyberdelta.intel.timestamps import now_us
from cyberdelta.intel.tlp import Tlp

LANES = 16
FIXED_LANES = {Tlp.CLEAR: 0, Tlp.GREEN: 1, Tlp.AMBER: 2, Tlp.AMBER_STRICT: 3, Tlp.RED: 4}
FIRST_NAMED_LANE = len(FIXED_LANES)
# Longer than any envelope's lead over the clock in practice (16 µs per object of its largest
# audience, while storing an object takes longer than that); a clock stepped back waits no longer.
MAX_WAIT_US = 500_000


def _named(level: Tlp, recipients: str) -> bool:
    """Whether the recipients change who may read an object of this level."""
    return bool(recipients) and level not in (Tlp.CLEAR, Tlp.GREEN)


def offsets(audiences: Sequence[tuple[Tlp, str]]) -> list[int]:
    """The ``date_added`` offset from the envelope's base of each stored object, given its TLP level
    and its encoded recipients (:func:`cyberdelta.intel.tlp.encode_recipients`), in envelope order."""
    named = sorted(
        {(level.value, recipients) for level, recipients in audiences if _named(level, recipients)}
    )
    lane_of = {key: FIRST_NAMED_LANE + index for index, key in enumerate(named)}
    stride = max(LANES, FIRST_NAMED_LANE + len(named))
    used = [0] * stride
    found: list[int] = []
    for level, recipients in audiences:
        lane = lane_of[(level.value, recipients)] if _named(level, recipients) else FIXED_LANES[level]
        found.append(used[lane] * stride + lane)
        used[lane] += 1
    return found


def envelope_base(last_added: int) -> int:
    """The ``date_added`` base of the next envelope of a collection whose newest value is
    ``last_added`` (called under the collection's write lock)."""
    now = now_us()
    if now > last_added:
        return now
    if last_added - now < MAX_WAIT_US:
        time.sleep((last_added + 1 - now) / 1_000_000)
        return max(now_us(), last_added + 1)
    return last_added + 1
