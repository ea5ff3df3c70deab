"""server/services/offline_gate.py: a bounded queue for offline reads that waits on the event loop, never in a
worker thread; materializations wait in their own thread, go first, and are never refused."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from server.services.offline_gate import Busy, OfflineGate


def test_running_plus_waiting_are_admitted_and_the_next_is_busy_at_once():
    gate = OfflineGate(running=1, waiting=2, retry_after=3)

    async def scenario() -> list[str]:
        release, order = asyncio.Event(), []

        async def read(name: str) -> None:
            async with gate.request(object()):
                order.append(name)
                await release.wait()

        tasks = [asyncio.create_task(read(n)) for n in ("a", "b", "c")]
        await asyncio.sleep(0.1)
        assert order == ["a"]  # one runs, two wait (on the loop: no thread is taken)
        started = time.monotonic()
        with pytest.raises(Busy) as refused:
            async with gate.request(object()):
                pass
        assert time.monotonic() - started < 0.05  # refused before any wait
        assert refused.value.extensions == {"code": "BUSY", "retryable": True, "retryAfterSeconds": 3}
        release.set()
        await asyncio.gather(*tasks)
        async with gate.request(object()):  # all admitted again once they are done
            pass
        return order

    assert sorted(asyncio.run(scenario())) == ["a", "b", "c"]


def test_waiting_requests_hold_no_worker_thread():
    gate = OfflineGate(running=1, waiting=20)

    async def scenario() -> float:
        release = asyncio.Event()

        async def read() -> None:
            async with gate.request(object()):
                await release.wait()

        tasks = [asyncio.create_task(read()) for _ in range(20)]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await asyncio.to_thread(lambda: None)  # the default executor is free for everything else
        took = time.monotonic() - started
        release.set()
        await asyncio.gather(*tasks)
        return took

    assert asyncio.run(scenario()) < 0.5


def test_a_materialization_waits_for_its_turn_and_goes_before_waiting_requests():
    gate = OfflineGate(running=1, waiting=5)

    async def scenario() -> list[str]:
        order: list[str] = []
        release = asyncio.Event()

        async def holder() -> None:
            async with gate.request(object()):
                order.append("first read")
                await release.wait()

        def materialize() -> None:
            with gate.background():
                order.append("materialization")

        async def later_read() -> None:
            async with gate.request(object()):
                order.append("later read")

        first = asyncio.create_task(holder())
        await asyncio.sleep(0.05)
        worker = threading.Thread(target=materialize)
        worker.start()
        await asyncio.sleep(0.05)
        later = asyncio.create_task(later_read())
        await asyncio.sleep(0.05)
        release.set()
        await asyncio.gather(first, later)
        await asyncio.to_thread(worker.join, 5)
        return order

    assert asyncio.run(scenario()) == ["first read", "materialization", "later read"]


def test_the_reads_of_one_request_count_once_and_go_in_order():
    """15 aliased fields of one request in a gate of 1 + 2 places: none refused, served first come first."""
    gate = OfflineGate(running=1, waiting=2)

    async def scenario() -> list[int]:
        owner, order = object(), []

        async def read(n: int) -> None:
            async with gate.request(owner):
                order.append(n)
                await asyncio.sleep(0.001)

        await asyncio.gather(*(read(n) for n in range(15)))
        return order

    assert asyncio.run(scenario()) == list(range(15))
