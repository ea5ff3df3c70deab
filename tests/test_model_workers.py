"""server/services/model_workers.py: one model version's worker process, spoken to from a thread and from
the event loop, with a real (sandboxed) worker over a small pyfunc model."""

from __future__ import annotations

import asyncio
import time

import pytest

from server.sandbox import Sandbox, SandboxMode
from server.services.model_workers import ModelRefused, ModelWorkers, WorkerFailed


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    import mlflow
    import pandas as pd
    from mlflow.models import infer_signature

    class Slow(mlflow.pyfunc.PythonModel):  # local: pickled by value, nothing of the tests imported by the worker
        """Answers 2x; sleeps first for an x of 1000 (a slow prediction), exits for an x of -1 (a crash)."""

        def predict(self, context, model_input, params=None):
            import os
            import time

            values = list(model_input["x"])
            if -1 in values:
                os._exit(3)
            if -2 in values:  # its answers' pipe closed, and alive
                os.closerange(3, 1024)
                time.sleep(60)
            if 1000 in values:
                time.sleep(1.5)
            return [2 * v for v in values]

    target = tmp_path_factory.mktemp("model") / "slow"
    example = pd.DataFrame({"x": [1.0]})
    mlflow.pyfunc.save_model(
        str(target), python_model=Slow(), signature=infer_signature(example, [2.0]), pip_requirements=["mlflow"]
    )
    return target


@pytest.fixture
def workers(tmp_path):
    pool = ModelWorkers(Sandbox.for_mode(SandboxMode.AUTO), [tmp_path], timeout=10)
    yield pool
    pool.stop()


def test_the_loop_and_a_thread_get_the_same_answers(workers, model_dir):
    worker = workers.worker(("slow", 1), model_dir)
    assert workers.live(("slow", 1)) is worker
    assert worker.predict(["x"], [[1.0, 2.5]]) == [2.0, 5.0]
    assert asyncio.run(worker.predict_async(["x"], [[1.0, 2.5]])) == [2.0, 5.0]
    big = [float(i) for i in range(5000)]  # over what is written from the loop: waited for in a thread
    assert asyncio.run(worker.predict_async(["x"], [big])) == [2 * v for v in big]
    with pytest.raises(ModelRefused):  # not the signature's column
        asyncio.run(worker.predict_async(["y"], [[1.0]]))
    assert workers.live(("other", 1)) is None  # never starts one


def test_a_caller_that_goes_away_leaves_no_answer_in_the_pipe(workers, model_dir):
    """The exchange runs to its end when its caller is cancelled: the next caller gets its own answer."""
    worker = workers.worker(("slow", 1), model_dir)

    async def scenario() -> tuple[list[float], list[float]]:
        slow = asyncio.ensure_future(worker.predict_async(["x"], [[1000.0]]))
        await asyncio.sleep(0.2)
        slow.cancel()
        started = time.monotonic()
        # the worker is busy with the abandoned one: this waits for it, in a thread, then gets its own
        after = await worker.predict_async(["x"], [[3.0]])
        assert time.monotonic() - started > 0.5
        again = await worker.predict_async(["x"], [[4.0]])  # on the loop again, the lock released
        return after, again

    assert asyncio.run(scenario()) == ([6.0], [8.0])


def test_a_worker_that_dies_on_the_loop_fails_that_prediction_only(workers, model_dir):
    worker = workers.worker(("slow", 1), model_dir)
    with pytest.raises(WorkerFailed, match="died"):
        asyncio.run(worker.predict_async(["x"], [[-1.0]]))
    assert workers.live(("slow", 1)) is None
    assert asyncio.run(workers.worker(("slow", 1), model_dir).predict_async(["x"], [[1.0]])) == [2.0]


def test_a_worker_that_closes_its_pipe_and_lives_on_is_stopped_without_waiting(tmp_path, model_dir):
    """Without the sandbox (the documented opt-out; bubblewrap holds the pipe open until it exits)."""
    pool = ModelWorkers(Sandbox.for_mode(SandboxMode.OFF), [tmp_path], timeout=10)
    try:
        worker = pool.worker(("slow", 1), model_dir)
        started = time.monotonic()
        with pytest.raises(WorkerFailed, match="died"):
            asyncio.run(worker.predict_async(["x"], [[-2.0]]))
        assert time.monotonic() - started < 5 and not worker.alive  # not the timeout of 10 s, nor waited for
    finally:
        pool.stop()


def test_a_prediction_over_the_timeout_on_the_loop_stops_its_worker(tmp_path, model_dir):
    pool = ModelWorkers(Sandbox.for_mode(SandboxMode.AUTO), [tmp_path], timeout=0.5)
    try:
        worker = pool.worker(("slow", 1), model_dir)
        with pytest.raises(WorkerFailed, match="did not answer"):
            asyncio.run(worker.predict_async(["x"], [[1000.0]]))
        assert not worker.alive
    finally:
        pool.stop()


@pytest.fixture(scope="module")
def liar_dir(tmp_path_factory):
    """A model whose loading writes a message that is not the worker's hello to the protocol's pipe, then
    waits: the load fails with "broke the protocol" while the process lives."""
    import mlflow
    import pandas as pd
    from mlflow.models import infer_signature

    class Liar(mlflow.pyfunc.PythonModel):
        def load_context(self, context):
            import os
            import stat
            import struct
            import sys
            import time

            if "model_worker" not in sys.argv[0]:  # MLflow loads it once while saving it: only in the worker
                return
            for fd in range(3, 64):  # the protocol's pipe: a dup of what was stdout
                try:
                    if stat.S_ISFIFO(os.fstat(fd).st_mode) and os.fstat(fd).st_ino != os.fstat(2).st_ino:
                        os.write(fd, struct.pack(">I", 2) + b"[]")
                except OSError:
                    pass
            time.sleep(600)

        def predict(self, context, model_input, params=None):
            return [0.0]

    target = tmp_path_factory.mktemp("liar") / "liar"
    example = pd.DataFrame({"x": [1.0]})
    mlflow.pyfunc.save_model(
        str(target), python_model=Liar(), signature=infer_signature(example, [2.0]), pip_requirements=["mlflow"]
    )
    return target


def _processes_of(path) -> list[int]:
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(path).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_model_that_breaks_the_protocol_while_loading_leaves_no_worker_behind(workers, liar_dir):
    """A worker that fails before the pool keeps it is ended there (the pool would never stop it); each try
    used to leave one running, with its memory and its process slots."""
    for _ in range(2):
        with pytest.raises(WorkerFailed, match="broke the protocol"):
            workers.worker(("liar", 1), liar_dir)
    deadline = time.monotonic() + 5
    while _processes_of(liar_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_of(liar_dir) == []
    assert workers.live(("liar", 1)) is None
