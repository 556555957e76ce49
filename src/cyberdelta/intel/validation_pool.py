"""Validating a whole envelope at once, with stix2-validator's verdicts spread over worker processes.

Most objects take the fast path (:mod:`cyberdelta.intel.stix_fast_path`, tens of microseconds);
those only the OASIS library can judge take milliseconds in pure Python (jsonschema and an ANTLR
pattern parser), holding the GIL, so threads would not help: a pending envelope (TAXII 2.1 §5.5)
is validated in chunks by a pool of ``Settings.intel_validation_workers`` processes (one per CPU
by default) before the writing transaction starts. The verdicts are those of
:func:`cyberdelta.intel.validation.problem`.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from cyberdelta.intel.validation import known_problem, problem

CHUNK = 200
PARENT_CHECK_SECONDS = 1.0
_pools: dict[int, ProcessPoolExecutor] = {}
_lock = threading.Lock()


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave as soon as the server process ``parent`` that started this worker is
    gone (also when it was killed, and even before this worker finished starting)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="cyberdelta-parent-watch", daemon=True).start()


def _pool(workers: int) -> ProcessPoolExecutor:
    """One long-lived pool per size, shut down when the process exits.

    ``spawn``, because the caller is a thread of a server process, where ``fork`` is unsafe; the
    workers are children of the server itself, so that they can notice when it is gone.
    """
    with _lock:
        if workers not in _pools:
            _pools[workers] = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            if len(_pools) == 1:
                atexit.register(shutdown)
        return _pools[workers]


def shutdown() -> None:
    """Stop every pool's worker processes."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def verdicts(objects: Sequence[object]) -> list[str | None]:
    """The validation verdict of each object, in this process."""
    return [problem(stix_object) for stix_object in objects]


def envelope_problems(objects: Sequence[object], *, workers: int = 0) -> list[str | None]:
    """One verdict per object (None when valid), in order. The fast path runs here; when more than
    a chunk of objects need the OASIS library itself, they are spread over ``workers`` processes
    (0: one per CPU)."""
    found: list[str | None] = []
    slow: list[int] = []
    for index, stix_object in enumerate(objects):
        known, verdict = known_problem(stix_object)
        found.append(verdict)
        if not known:
            slow.append(index)
    count = workers or os.cpu_count() or 1
    if count < 2 or len(slow) <= CHUNK:
        for index in slow:
            found[index] = problem(objects[index])
        return found
    chunks = [
        [objects[index] for index in slow[start : start + CHUNK]] for start in range(0, len(slow), CHUNK)
    ]
    results = _pool(count).map(verdicts, chunks)
    for index, verdict in zip(slow, (verdict for chunk in results for verdict in chunk), strict=True):
        found[index] = verdict
    return found
