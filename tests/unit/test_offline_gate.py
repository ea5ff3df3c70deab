"""server/services/offline_gate.py: a bounded queue for offline reads; materializations wait, never refused."""

from __future__ import annotations

import threading
import time

import pytest

from server.services.offline_gate import Busy, OfflineGate


def test_running_plus_waiting_are_admitted_and_the_next_is_busy_at_once():
    gate = OfflineGate(running=1, waiting=2, retry_after=3)
    release, entered, order = threading.Event(), [], []

    def read(name: str) -> None:
        with gate.request():
            entered.append(name)
            release.wait(10)
            order.append(name)

    threads = [threading.Thread(target=read, args=(n,)) for n in ("a", "b", "c")]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    assert entered == ["a"]  # one runs, two wait
    started = time.monotonic()
    with pytest.raises(Busy) as refused, gate.request():
        pass
    assert time.monotonic() - started < 0.1  # refused before any wait
    assert refused.value.extensions == {"code": "BUSY", "retryable": True, "retryAfterSeconds": 3}
    release.set()
    for thread in threads:
        thread.join(10)
    assert sorted(order) == ["a", "b", "c"]
    with gate.request():  # all admitted again once they are done
        pass


def test_a_materialization_waits_for_its_turn_however_long_the_queue():
    gate = OfflineGate(running=1, waiting=0)
    done = []

    def materialize() -> None:
        with gate.background():
            done.append(1)

    with gate.request():
        worker = threading.Thread(target=materialize)
        with pytest.raises(Busy), gate.request():
            pass
        worker.start()
        time.sleep(0.1)
        assert done == []  # waiting, not refused
    worker.join(5)
    assert done == [1]
