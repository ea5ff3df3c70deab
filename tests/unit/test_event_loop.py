"""server/event_loop.py: calls made under `in_one_chunk` never cross a stack chunk's end, whatever their depth
(counted: a call across a chunk's end maps and unmaps a chunk, a fresh page fault each time); the loop runs."""

from __future__ import annotations

import asyncio
import resource
import sys

import pytest

from server.event_loop import in_one_chunk, new_event_loop

CALLS = 2000


def _leaf() -> None:
    return None


def _hot() -> None:
    for _ in range(CALLS):
        _leaf()


def _at_depth(depth: int) -> None:
    if depth == 0:
        _hot()
    else:
        _at_depth(depth - 1)


def _page_faults(call) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    call()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _worst(wrap) -> int:
    """The most page faults CALLS calls made at any of 300 depths (one of which is a chunk's end)."""
    return max(_page_faults(lambda d=depth: wrap(_at_depth, d)) for depth in range(300))


def test_calls_under_one_chunk_never_map_a_chunk_per_call():
    assert _worst(in_one_chunk) < CALLS // 10
    if sys.version_info < (3, 13):  # the hazard it avoids, shown: at some depth, a fault for every call
        assert _worst(lambda f, *a: f(*a)) >= CALLS // 2


def test_the_loop_runs_and_in_one_chunk_passes_results_and_errors_through():
    loop = new_event_loop()
    try:
        assert loop.run_until_complete(asyncio.sleep(0, "done")) == "done"
    finally:
        loop.close()
    assert in_one_chunk(divmod, 7, 2) == (3, 1)
    with pytest.raises(ZeroDivisionError):
        in_one_chunk(divmod, 1, 0)
