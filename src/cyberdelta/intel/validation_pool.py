"""Validating a whole envelope at once, with the full stix2-validator spread over worker processes.

The OASIS validator is pure Python (jsonschema and an ANTLR pattern parser) and holds the GIL, so
threads would not help; a pending envelope (TAXII 2.1 §5.5) is validated in chunks by a pool of
``Settings.intel_validation_workers`` processes (one per CPU by default) before the writing
transaction starts. Structural validation is cheaper than sending objects to another process and
always runs in the calling one. The verdicts are those of :func:`cyberdelta.intel.validation.problem`.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from cyberdelta.intel.validation import problem

CHUNK = 200
_pools: dict[int, ProcessPoolExecutor] = {}
_lock = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor:
    """One long-lived pool per size; ``spawn`` because the caller is a thread of a server process."""
    with _lock:
        if workers not in _pools:
            context = multiprocessing.get_context("spawn")
            _pools[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        return _pools[workers]


def verdicts(objects: Sequence[object], full: bool) -> list[str | None]:
    """The validation verdict of each object, in this process."""
    return [problem(stix_object, full=full) for stix_object in objects]


def envelope_problems(objects: Sequence[object], *, full: bool, workers: int = 0) -> list[str | None]:
    """One verdict per object (None when valid), in order; full validation of more than one chunk
    runs on ``workers`` processes (0: one per CPU)."""
    count = workers or os.cpu_count() or 1
    if not full or count < 2 or len(objects) <= CHUNK:
        return verdicts(objects, full)
    chunks = [list(objects[start : start + CHUNK]) for start in range(0, len(objects), CHUNK)]
    results = _pool(count).map(verdicts, chunks, [full] * len(chunks))
    return [verdict for chunk in results for verdict in chunk]
