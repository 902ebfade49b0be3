"""#15 item 6: a reading process gives back what a photo made it hold, so two workers' peaks do not add up."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc and /proc: Linux only")

_kept: list[bytearray] = []


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def hold_and_free(megabytes: int) -> float:
    """What a photo does to malloc: many mid-size buffers, freed at the end, among small ones that stay."""
    buffers = []
    for _ in range(megabytes * 10):
        buffers.append(bytearray(100_000))  # below malloc's mmap threshold: on the heap
        _kept.append(bytearray(1_000))  # stays: the heap cannot shrink from its top by itself
    peak = _resident_mb()
    del buffers
    return peak


def resident_mb() -> float:
    return _resident_mb()


def test_a_worker_gives_back_the_memory_a_task_freed():
    from pipeline.workers import WorkerPool

    pool = WorkerPool(1)
    try:
        before = pool.submit(resident_mb).result(timeout=120)
        peak = pool.submit(hold_and_free, 300).result(timeout=120)
        after = pool.submit(resident_mb).result(timeout=120)
    finally:
        pool.shutdown()
    assert peak > before + 250
    assert after < before + 50, (before, peak, after)
