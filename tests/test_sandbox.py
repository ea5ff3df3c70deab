"""Untrusted code runs apart: a training job and a registered model that attack the server get nothing.

Real processes throughout: the in-process runner starts each job under bubblewrap, and `predict` runs a
model's code in a sandboxed worker process. The "server" attacked is this test process (it hosts the app).
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from server.sandbox import Confinement, Sandbox, SandboxMode, SandboxUnavailable
from tests.support.graphql import gql, unique
from tests.support.jobs import JOB, alive, submit, wait_for

SECRET = "asgard-server-secret-4f1c"

# What MLflow would infer for these models, without its inference: a process of its own that imports MLflow and
# loads the model (~3 s of CPU each), here in the test process, outside any sandbox.
NO_INFERENCE = ["mlflow"]

ATTACK = r"""
import glob, json, os, signal, sqlite3, subprocess

p = json.loads(os.environ["ASGARD_PARAMS"])
p["secret"] = p["reversed_secret"][::-1]  # not in the job's own environment as it is
data = p["data_dir"]
out = {}


def attempt(name, action):
    try:
        out[name] = action() or "done"
    except BaseException as error:  # noqa: BLE001
        out[name] = type(error).__name__


def environments():
    seen = b""
    for path in glob.glob("/proc/*/environ"):
        try:
            seen += open(path, "rb").read()
        except OSError:
            pass
    return "FOUND" if p["secret"].encode() in seen or p["secret"] in str(os.environ) else "clean"


out["secret"] = environments()
out["pids"] = sorted(int(x) for x in os.listdir("/proc") if x.isdigit())
out["uid"] = os.getuid()
attempt("list_data_dir", lambda: str(os.listdir(data)))
for name in ("jobs.db", "registry.db", "mlflow.db", "gold_catalog.db", "online_store.db"):
    attempt("read_" + name, lambda name=name: open(os.path.join(data, name), "rb").read(16) and "read")
attempt("list_exports", lambda: str(os.listdir(os.path.join(data, "exports"))))
attempt("list_other_jobs", lambda: str(os.listdir(os.path.join(data, "jobs"))))


def insert_admin():
    con = sqlite3.connect(os.path.join(data, "jobs.db"))
    con.execute(
        "insert into api_tokens (id, name, role, salt, hash, created_at) values"
        " ('evil00000000', 'evil', 'admin', 's', 'h', '2026-01-01')"
    )
    con.commit()


attempt("insert_token", insert_admin)
attempt("kill_victim", lambda: os.kill(p["victim"], signal.SIGKILL))
attempt("kill_server", lambda: os.kill(p["server"], 0))
attempt("poison_envs", lambda: open(os.path.join(data, "envs", "poison.pth"), "w").write("import evil"))
attempt("write_data_dir", lambda: open(os.path.join(data, "evil.txt"), "w").write("x"))
attempt("write_feast_repo", lambda: open(os.path.join(os.environ["FEAST_REPO_PATH"], "feature_store.yaml"), "a").write("#"))
attempt("read_server_repo", lambda: open(os.path.join(data, "feast", "feature_store.yaml")).read() and "read")
attempt("list_job_inputs", lambda: str(os.listdir(os.path.join(data, "job-inputs"))))
repo_text = "".join(
    open(os.path.join(os.environ["FEAST_REPO_PATH"], name), errors="replace").read()
    for name in os.listdir(os.environ["FEAST_REPO_PATH"])
)
out["repo_names_server_databases"] = [n for n in ("registry.db", "online_store.db", "jobs.db") if n in repo_text]
attempt("write_registry", lambda: sqlite3.connect(p["registry"]).execute("create table evil (x)"))
attempt("setuid", lambda: os.setuid(0))
core = open("/proc/sys/kernel/core_pattern").read()
attempt("sysctl", lambda: open("/proc/sys/kernel/core_pattern", "w").write(core))  # the same value: a no-op if it held


def setuid_copy():
    import shutil

    shutil.copy("/usr/bin/id", "id-setuid")
    os.chmod("id-setuid", 0o4755)


attempt("setuid_file", setuid_copy)
attempt("sudo", lambda: subprocess.run(["su", "-c", "id"], capture_output=True, timeout=10).returncode and "refused")


def user_namespace():
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER: every capability, inside a namespace of its own
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


attempt("user_namespace", user_namespace)
attempt("unshare_tool", lambda: subprocess.run(["unshare", "-U", "-r", "id"], capture_output=True).returncode and "refused")
attempt("cgroups", lambda: str(os.listdir("/sys/fs/cgroup")))

import mlflow

client = mlflow.MlflowClient()
attempt("metric_other_run", lambda: client.log_metric(p["other_run"], "evil", 1.0))
attempt("end_other_run", lambda: client.set_terminated(p["other_run"], "FAILED"))
attempt("read_other_run", lambda: client.get_run(p["other_run"]) and "read")
attempt("register_model", lambda: client.create_registered_model("evil-model"))
attempt("search_experiments", lambda: str(len(client.search_experiments())))
attempt("metric_on_their_model", lambda: client.log_metric(os.environ["MLFLOW_RUN_ID"], "evil", 1.0, model_id=p["their_model"]))
attempt("reserved_tag", lambda: client.set_tag(os.environ["MLFLOW_RUN_ID"], "asgard.job_id", "someone-else"))
with mlflow.start_run():  # its own run works
    mlflow.log_metric("own", 1.0)
print("RESULT " + json.dumps(out))
"""


def _result(job: dict) -> dict:
    line = next(x["text"] for x in job["logs"] if x["text"].startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.fixture
def victim():
    """A process of the server's user that no job may signal."""
    proc = subprocess.Popen(["sleep", "300"])
    yield proc
    proc.kill()
    proc.wait()


def test_a_job_that_attacks_the_server_gets_nothing(client, services, settings, victim, monkeypatch):
    monkeypatch.setenv("ASGARD_DATABASE_PASSWORD", SECRET)  # in the server's environment, as an operator's would be
    victims = services.mlflow_writes.create_experiment(unique("victims"), ())
    other = services.mlflow.client().create_run(victims.id)
    their_model = services.mlflow.store().create_logged_model(
        victims.id, name="theirs", source_run_id=other.info.run_id
    )
    tokens_before = services.tokens.list()
    data_before = sorted(p.name for p in settings.data_dir.iterdir())
    params = {
        "reversed_secret": SECRET[::-1],
        "data_dir": str(settings.data_dir),
        "victim": victim.pid,
        "server": os.getpid(),
        "registry": settings.registry_url.removeprefix("sqlite:///"),
        "other_run": other.info.run_id,
        "their_model": their_model.model_id,
    }
    job = wait_for(client, submit(client, ATTACK, parameters=params)["job"]["id"], {"SUCCEEDED", "FAILED"})
    assert job["status"] == "SUCCEEDED", job["error"]
    out = _result(job)
    assert out["secret"] == "clean"
    assert SECRET not in json.dumps(job["logs"])
    assert out["uid"] == 65534
    assert max(out["pids"]) < 10  # its own PID namespace: the server's processes are not there
    # the data dir it sees holds only what is mounted for it: its work dir, the Feast repo, the gold layer
    assert set(eval(out["list_data_dir"])) <= {"jobs", "job-inputs", "warehouse", "gold_catalog.db"}
    assert eval(out["list_other_jobs"]) == [job["id"]]
    for key in ("list_exports", "insert_token", "poison_envs", "write_data_dir"):
        assert out[key] in ("FileNotFoundError", "PermissionError", "OperationalError", "OSError"), (key, out[key])
    for name in ("jobs.db", "mlflow.db", "online_store.db", "registry.db"):
        assert out[f"read_{name}"] == "FileNotFoundError", name
    assert out["write_registry"] in ("OperationalError",)
    # its Feast repo is its own, read-only: a snapshot of the registry, no database of the server's named in it
    assert out["write_feast_repo"] in ("OSError", "PermissionError")
    assert out["read_server_repo"] == "FileNotFoundError"
    assert eval(out["list_job_inputs"]) == [job["id"]]
    assert out["repo_names_server_databases"] == []
    assert out["kill_victim"] == "ProcessLookupError" and out["kill_server"] == "ProcessLookupError"
    assert victim.poll() is None
    assert out["setuid"] in ("PermissionError", "OSError")  # uid 0 is not even mapped
    assert out["sysctl"] in ("OSError", "PermissionError")  # /proc/sys is read-only, and the uid no host root
    assert out["user_namespace"] == "PermissionError" and out["unshare_tool"] == "refused"  # the seccomp filter
    assert out["cgroups"] == "FileNotFoundError"  # no /sys: its limits are not its own to raise
    assert out["setuid_file"] == "done"  # its own work dir: the copy is made, but neither kept setuid nor root's
    left = settings.data_dir / "jobs" / job["id"] / "id-setuid"
    assert left.exists() and not left.stat().st_mode & 0o6000 and left.stat().st_uid != 0
    assert (settings.data_dir.stat().st_mode & 0o077) == 0  # and nobody else may even reach the work dirs
    for key in ("metric_other_run", "end_other_run", "read_other_run", "register_model", "search_experiments",
                "metric_on_their_model", "reserved_tag"):  # fmt: skip
        assert out[key] in ("MlflowException", "RestException"), (key, out[key])
    assert services.tokens.list() == tokens_before
    created = set(p.name for p in settings.data_dir.iterdir()) - set(data_before)
    assert created <= {"jobs", "job-inputs", "envs", "sandbox"}, created  # the runner's own, nothing of the job's
    assert not (settings.data_dir / "envs" / "poison.pth").exists()
    assert services.mlflow.store().get_logged_model(their_model.model_id).metrics in (None, [])
    assert services.mlflow.client().get_run(job["runId"]).data.tags["asgard.job_id"] == job["id"]
    untouched = services.mlflow.client().get_run(other.info.run_id)
    assert untouched.data.metrics == {} and untouched.info.status == "RUNNING"
    own = services.mlflow.client().get_run(job["runId"])
    assert own.data.metrics["own"] == 1.0


WAIT_FOR_GO = """
import os, time
import mlflow

with mlflow.start_run():
    for step in range(3):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    while not os.path.exists("go"):
        time.sleep(0.1)
    mlflow.log_metric("loss", 0.1, step=3)
"""


def test_metrics_show_up_while_the_job_runs(client, services):
    submitted = submit(client, WAIT_FOR_GO)
    job_id = submitted["job"]["id"]
    history = 'query($id: ID!) { run(id: $id) { metricHistory(key: "loss") { step value } } }'
    deadline = time.monotonic() + 120
    while True:
        job = gql(client, JOB, {"id": job_id}).data["trainingJob"]
        if job["runId"]:
            steps = gql(client, history, {"id": job["runId"]}).data["run"]["metricHistory"]
            if len(steps) == 3:
                break
        assert job["status"] in ("QUEUED", "PREPARING", "RUNNING") and time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["status"] == "RUNNING"
    assert [s["step"] for s in steps] == [0, 1, 2]
    (services.settings.data_dir / "jobs" / job_id / "go").write_text("")
    done = wait_for(client, job_id, {"SUCCEEDED", "FAILED"})
    assert done["status"] == "SUCCEEDED", done["error"]
    assert len(gql(client, history, {"id": done["runId"]}).data["run"]["metricHistory"]) == 4


@pytest.mark.parametrize(
    "requirement",
    ["pkg.tar.gz", "./pkg", "../pkg", "/tmp/pkg", "file:///tmp/pkg", "git+https://example.com/x.git",
     "--index-url https://evil.example/simple x", "-e .", "x @ file:///etc/passwd", "pkg.whl", "x --global-option=y",
     "pkg.tbz", "pkg.txz", "pkg.tlz", "pkg.tar.lz", "pkg.tar.lzma", "x @ https://example.com/x-1.0.tar.gz",
     "zz===/../../../usr/lib/python3/dist-packages/x.whl", "foo===/../../work/main", "foo===x.zip",
     "foo===./x.tar.gz", "foo===1.0", "foo==1.0/../x", "foo>=../x", "foo==1.*.dev"],
)  # fmt: skip
def test_archive_and_path_requirements_are_refused(client, requirement):
    submitted = submit(client, "print(1)", requirements=[requirement])
    assert submitted["job"] is None
    assert [(e["code"], e["field"]) for e in submitted["userErrors"]] == [
        ("INVALID_REQUIREMENT", ["requirements", "0"])
    ]


# ---- model code ---------------------------------------------------------------------------------

ATTACK_MODEL = r"""
import glob, json, os, signal, sqlite3

import mlflow.pyfunc
from mlflow.models import set_model

PARAMS = json.loads(PARAMS_JSON)


def user_namespace():
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER
        raise OSError(ctypes.get_errno(), "unshare")


class Attack(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        mode = str(model_input.iloc[0]["mode"])
        if mode == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        if mode == "hang":
            while True:
                pass
        if mode == "raise":
            raise RuntimeError(f"no luck in {os.path.dirname(os.path.abspath(__file__))}\nERROR forged log line")
        if mode == "hog":  # until the kernel ends it: each chunk written, so every page counts
            hoard = []
            while True:
                hoard.append(b"\x01" * (32 * 1024**2))
        out = {}
        seen = b""
        for path in glob.glob("/proc/*/environ"):
            try:
                seen += open(path, "rb").read()
            except OSError:
                pass
        out["secret"] = "FOUND" if PARAMS["secret"].encode() in seen or PARAMS["secret"] in str(os.environ) else "clean"
        for name, action in (
            ("read_jobs_db", lambda: open(os.path.join(PARAMS["data_dir"], "jobs.db"), "rb").read(16)),
            ("write_data_dir", lambda: open(os.path.join(PARAMS["data_dir"], "evil.txt"), "w").write("x")),
            ("write_model", lambda: open(os.path.join(os.path.dirname(__file__), "evil.txt"), "w").write("x")),
            ("kill_victim", lambda: os.kill(PARAMS["victim"], signal.SIGKILL)),
            ("network", lambda: __import__("socket").create_connection(("127.0.0.1", PARAMS["port"]), timeout=2)),
            ("user_namespace", user_namespace),
        ):
            try:
                action()
                out[name] = "done"
            except BaseException as error:  # noqa: BLE001
                out[name] = type(error).__name__
        return [json.dumps(out)] * len(model_input)


set_model(Attack())
"""


@pytest.fixture(scope="module")
def attacker(services, tmp_path_factory):
    """A model whose code attacks the server when it predicts (and crashes or hangs when asked)."""
    import mlflow

    listener = __import__("socket").create_server(("127.0.0.1", 0))
    victim = subprocess.Popen(["sleep", "600"])
    params = {
        "secret": SECRET,
        "data_dir": str(services.settings.data_dir),
        "victim": victim.pid,
        "port": listener.getsockname()[1],
    }
    code = tmp_path_factory.mktemp("attacker") / "attack_model.py"
    code.write_text(ATTACK_MODEL.replace("PARAMS_JSON", repr(json.dumps(params))))
    name = unique("attacker")
    mlflow_client = services.mlflow.client()
    mlflow.set_tracking_uri(services.mlflow.tracking_uri)
    experiment = services.mlflow_writes.create_experiment(unique("attacks"), ())
    with mlflow.start_run(experiment_id=experiment.id) as run:
        logged = mlflow.pyfunc.log_model(name="model", python_model=str(code), pip_requirements=NO_INFERENCE)
    mlflow_client.create_registered_model(name)
    mlflow_client.create_model_version(name, logged.artifact_path, run_id=run.info.run_id, model_id=logged.model_id)
    services.mlflow.changed()
    yield {"name": name, "victim": victim}
    victim.kill()
    listener.close()


PREDICT = """
mutation($input: PredictInput!) { predict(input: $input) { predictions userErrors { code message } } }
"""


def test_a_model_that_attacks_the_server_gets_nothing(client, services, attacker, monkeypatch):
    monkeypatch.setenv("ASGARD_S3_SECRET_KEY", SECRET)
    result = gql(client, PREDICT, {"input": {"model": attacker["name"], "rows": [{"mode": "look"}]}}).data["predict"]
    assert result["userErrors"] == [], result
    out = json.loads(result["predictions"][0])
    assert out == {
        "secret": "clean",
        "read_jobs_db": "FileNotFoundError",
        "write_data_dir": out["write_data_dir"],
        "write_model": "OSError",
        "kill_victim": "ProcessLookupError",
        "network": out["network"],
        "user_namespace": "PermissionError",
    }, out
    assert out["write_data_dir"] in ("FileNotFoundError", "PermissionError", "OSError")
    assert out["network"] in ("ConnectionRefusedError", "OSError")  # its own empty network: the listener is not there
    assert attacker["victim"].poll() is None
    assert not (services.settings.data_dir / "evil.txt").exists()


def test_a_model_that_crashes_or_hangs_costs_its_worker_only(client, services, attacker, monkeypatch):
    monkeypatch.setattr(services.predictor.workers, "timeout", 3.0)
    services.predictor.workers.forget((attacker["name"], 1))
    crashed = client.post(
        "/graphql",
        json={"query": PREDICT, "variables": {"input": {"model": attacker["name"], "rows": [{"mode": "crash"}]}}},
    )
    assert crashed.status_code == 200
    assert "errors" not in crashed.json(), crashed.json()
    [error] = crashed.json()["data"]["predict"]["userErrors"]
    assert error["code"] == "MODEL_FAILED" and "died" in error["message"], error
    after = gql(client, PREDICT, {"input": {"model": attacker["name"], "rows": [{"mode": "look"}]}}).data["predict"]
    assert json.loads(after["predictions"][0])["secret"] == "clean"  # a new worker answers
    raised = gql(client, PREDICT, {"input": {"model": attacker["name"], "rows": [{"mode": "raise"}]}}).data["predict"]
    [error] = raised["userErrors"]
    assert error["code"] == "MODEL_FAILED" and "no luck in <model>" in error["message"], error
    assert str(services.settings.data_dir) not in error["message"]  # the server's paths are not the caller's
    started = time.monotonic()
    hung = client.post(
        "/graphql",
        json={"query": PREDICT, "variables": {"input": {"model": attacker["name"], "rows": [{"mode": "hang"}]}}},
    )
    assert time.monotonic() - started < 20
    [error] = hung.json()["data"]["predict"]["userErrors"]
    assert error["code"] == "MODEL_FAILED" and "did not answer within 3 s" in error["message"], error
    again = gql(client, PREDICT, {"input": {"model": attacker["name"], "rows": [{"mode": "look"}]}}).data["predict"]
    assert again["userErrors"] == []
    assert gql(client, "{ viewer { name } }").data["viewer"]["name"] == "local"  # the API lives


# ---- the sandbox itself --------------------------------------------------------------------------


def test_the_sandbox_refuses_when_bubblewrap_cannot_run(tmp_path, monkeypatch):
    monkeypatch.setattr("server.sandbox.shutil.which", lambda _: None)
    with pytest.raises(SandboxUnavailable, match="not installed"):
        Sandbox.for_mode(SandboxMode.BWRAP)  # ASGARD_SANDBOX=bwrap: the server does not start
    missing = Sandbox(SandboxMode.AUTO, bwrap=str(tmp_path / "no-bwrap"))
    assert missing.problem is not None
    with pytest.raises(SandboxUnavailable):
        missing.check()
    off = Sandbox(SandboxMode.OFF)
    off.check()
    assert off.command(["python", "-V"], Confinement()) == ["python", "-V"]


def test_a_job_where_no_sandbox_works_fails_with_a_clear_message(client, services, monkeypatch):
    broken = Sandbox(SandboxMode.AUTO, bwrap="/nonexistent/bwrap")
    monkeypatch.setattr(services.runner.executor, "sandbox", broken)
    job = wait_for(client, submit(client, "print('should not run')")["job"]["id"], {"FAILED", "SUCCEEDED"})
    assert job["status"] == "FAILED"
    assert "sandbox" in job["error"] and "ASGARD_SANDBOX=off" in job["error"]


def test_a_sandbox_of_no_servers_removes_its_filter_with_it():
    sandbox = Sandbox.for_mode(SandboxMode.BWRAP)  # no state dir: the filter goes to a temp dir of its own
    assert sandbox.filter_path is not None and sandbox.filter_path.exists()
    directory = sandbox.filter_path.parent
    del sandbox
    gc.collect()
    assert not directory.exists()


def test_sandboxed_signals_end_the_whole_tree(tmp_path):
    from server.jobs.processes import descendants, signal_job

    sandbox = Sandbox.for_mode(SandboxMode.BWRAP)
    script = tmp_path / "tree.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, signal, subprocess, sys, time
            # os.write: the signal may land while print("up") is still flushing stdout's buffer
            signal.signal(signal.SIGTERM, lambda *_: (os.write(1, b"stopping\\n"), sys.exit(0)))
            subprocess.Popen(["sleep", "300"])
            print("up", flush=True)
            time.sleep(300)
            """
        )
    )
    owner = sandbox.owner()
    if owner is not None:
        os.chown(tmp_path, *owner)  # as the runner does with a job's work dir
    command = sandbox.command(["python3", str(script)], Confinement(workdir=tmp_path, env={"PATH": "/usr/bin:/bin"}))
    proc = subprocess.Popen(
        command, env={"PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
    inside = descendants(proc.pid)
    assert len(inside) >= 3  # the sandbox's init, the script, its sleep
    signal_job(proc.pid, signal.SIGTERM, confined=True)
    assert proc.stdout.readline().strip() == "stopping"  # a SIGTERM it could handle
    proc.wait(timeout=10)
    signal_job(proc.pid, signal.SIGKILL, confined=True)
    time.sleep(0.3)
    assert not [pid for pid in inside if alive(pid)]


def test_the_server_never_writes_through_a_link_a_job_left(tmp_path):
    """A job may leave a symlink where the server later writes (its script on a retry, an environment's
    marker): the link is replaced, what it points to is untouched; setuid bits left behind are cleared."""
    from server.safe_files import strip_privileges, write_nofollow

    canary = tmp_path / "canary.txt"
    canary.write_text("precious")
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "train.py").symlink_to(canary)
    write_nofollow(workdir / "train.py", b"print('the script')")
    assert canary.read_text() == "precious"
    assert not (workdir / "train.py").is_symlink() and (workdir / "train.py").read_text() == "print('the script')"
    (workdir / "tool").write_bytes(b"#!/bin/sh")
    os.chmod(workdir / "tool", 0o4755)
    (workdir / "link").symlink_to("/usr/bin/passwd")
    strip_privileges(workdir)
    assert (workdir / "tool").stat().st_mode & 0o7777 == 0o755
    assert Path("/usr/bin/passwd").stat().st_mode & 0o4000  # a link's target is never touched


def test_a_model_answer_over_the_cap_costs_its_worker_only(client, services, attacker, monkeypatch):
    """What a model writes back is bounded: over the cap, the worker is stopped before the API reads it."""
    import server.services.model_workers as workers

    monkeypatch.setattr(workers, "MAX_REPLY_BYTES", 1000)
    services.predictor.workers.forget((attacker["name"], 1))
    big = client.post(
        "/graphql",
        json={"query": PREDICT, "variables": {"input": {"model": attacker["name"], "rows": [{"mode": "look"}] * 50}}},
    )
    [error] = big.json()["data"]["predict"]["userErrors"]
    assert error["code"] == "MODEL_FAILED" and "over" in error["message"], error
    monkeypatch.setattr(workers, "MAX_REPLY_BYTES", 64 * 1024**2)
    small = gql(client, PREDICT, {"input": {"model": attacker["name"], "rows": [{"mode": "look"}]}}).data["predict"]
    assert small["userErrors"] == []


# ---- a cgroup per sandbox ------------------------------------------------------------------------

THREADS_UNTIL_REFUSED = """
import sys, threading, time
started = []
try:
    while len(started) < int(sys.argv[1]):
        thread = threading.Thread(target=time.sleep, args=(float(sys.argv[2]),), daemon=True)
        thread.start()
        started.append(thread)
except RuntimeError:
    pass
print(len(started), flush=True)
"""


def _grouped_sandbox() -> Sandbox:
    from server.resource_groups import ResourceGroups

    sandbox = Sandbox.for_mode(SandboxMode.BWRAP)
    if not isinstance(sandbox.groups, ResourceGroups):
        pytest.skip(f"no cgroup per sandbox here: {sandbox.groups}")
    return sandbox


def test_each_sandbox_has_its_own_process_limit(tmp_path):
    """One sandbox that takes every process slot it may have leaves the others theirs."""
    from server.resource_groups import ResourceLimits

    sandbox = _grouped_sandbox()
    script = tmp_path / "threads.py"
    script.write_text(THREADS_UNTIL_REFUSED)
    tmp_path.chmod(0o755)  # the sandbox uid reads the script
    env = {"PATH": "/usr/bin:/bin"}
    greedy_group = sandbox.open_group(ResourceLimits(processes=40, memory_bytes=512 * 1024**2))
    other_group = sandbox.open_group(ResourceLimits(processes=40, memory_bytes=512 * 1024**2))
    assert greedy_group is not None and other_group is not None
    for hierarchy, directory in greedy_group.directories:
        if "memory" in hierarchy.controllers and hierarchy.version == 1:  # v1 leaves socket buffers out else
            assert int((directory / "memory.kmem.tcp.limit_in_bytes").read_text()) == 512 * 1024**2
    try:
        read_only = Confinement(read_only=[tmp_path], env=env)
        greedy = subprocess.Popen(
            sandbox.command(["python3", str(script), "1000", "20"], read_only, greedy_group),
            env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert greedy.stdout is not None
        taken = int(greedy.stdout.readline())  # it holds every thread it got, for 20 s
        assert 20 < taken < 40, taken
        other = subprocess.run(
            sandbox.command(["python3", str(script), "30", "0.1"], read_only, other_group),
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert other.stdout.strip() == "30", other
        greedy.kill()
        greedy.wait()
    finally:
        made = [d for group in (greedy_group, other_group) for _, d in group.directories]
        for group in (greedy_group, other_group):
            group.close()  # at once, or by the reaper once the killed have left
    deadline = time.monotonic() + 10
    while any(d.exists() for d in made) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [d for d in made if d.exists()]


MEMORY_HOG = """
import os
from mlflow import MlflowClient  # a job's usual imports, then the hoard

hoard = []
while True:
    hoard.append(b"\\x01" * (32 * 1024**2))
"""


def test_a_job_over_its_memory_is_killed_alone(client, services, monkeypatch):
    """The kernel ends the job that goes over ASGARD_JOB_MEMORY_MB (not the server, not another process), and
    the job says so."""
    import dataclasses

    from server.resource_groups import ResourceGroups

    executor = services.runner.executor
    executor.sandbox.check()  # the trial run: it finds the cgroups
    if not isinstance(executor.sandbox.groups, ResourceGroups):
        pytest.skip(f"no cgroup per sandbox here: {executor.sandbox.groups}")
    monkeypatch.setattr(executor, "config", dataclasses.replace(executor.config, job_memory_mb=400))
    job = wait_for(client, submit(client, MEMORY_HOG)["job"]["id"], {"FAILED", "SUCCEEDED"})
    assert job["status"] == "FAILED"
    assert "killed for its memory: over 400 MiB (ASGARD_JOB_MEMORY_MB)" in job["error"], job["error"]
    assert gql(client, "{ viewer { name } }").data["viewer"]["name"] == "local"  # the API lives


def test_a_model_over_its_memory_costs_its_worker_only(client, services, attacker, monkeypatch):
    from server.resource_groups import ResourceGroups, ResourceLimits

    workers = services.predictor.workers
    workers.sandbox.check()
    if not isinstance(workers.sandbox.groups, ResourceGroups):
        pytest.skip(f"no cgroup per sandbox here: {workers.sandbox.groups}")
    monkeypatch.setattr(workers, "limits", ResourceLimits(processes=256, memory_bytes=700 * 1024**2))
    workers.forget((attacker["name"], 1))
    hog = gql(client, PREDICT, {"input": {"model": attacker["name"], "rows": [{"mode": "hog"}]}}).data["predict"]
    [error] = hog["userErrors"]
    assert error["code"] == "MODEL_FAILED", error
    assert "killed for its memory: over 700 MiB (ASGARD_MODEL_MEMORY_MB)" in error["message"], error
    after = gql(client, PREDICT, {"input": {"model": attacker["name"], "rows": [{"mode": "look"}]}}).data["predict"]
    assert after["userErrors"] == [] and json.loads(after["predictions"][0])["secret"] == "clean"


SLOW_LOADING_MODEL = r"""
import sys, time

import mlflow.pyfunc
from mlflow.models import set_model


class SlowToLoad(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        if "model_worker" in sys.argv[0]:  # only in its worker: MLflow loads it once while logging it
            time.sleep(600)

    def predict(self, context, model_input, params=None):
        return [0.0] * len(model_input)


set_model(SlowToLoad())
"""


def test_requests_for_a_model_whose_loading_hangs_do_not_take_the_servers_threads(
    client, services, tmp_path, monkeypatch
):
    """However many predictions wait for a version's worker to start, one thread loads it; the others wait
    on the event loop, so the server's blocking calls (MLflow, the registry) still have their threads."""
    import threading

    import mlflow

    code = tmp_path / "slow_model.py"
    code.write_text(SLOW_LOADING_MODEL)
    name = unique("slow-to-load")
    mlflow.set_tracking_uri(services.mlflow.tracking_uri)
    experiment = services.mlflow_writes.create_experiment(unique("slow-load"), ())
    with mlflow.start_run(experiment_id=experiment.id) as run:
        logged = mlflow.pyfunc.log_model(name="model", python_model=str(code), pip_requirements=NO_INFERENCE)
    mlflow_client = services.mlflow.client()
    mlflow_client.create_registered_model(name)
    mlflow_client.create_model_version(name, logged.artifact_path, run_id=run.info.run_id, model_id=logged.model_id)
    services.mlflow.changed()
    workers = services.predictor.workers
    monkeypatch.setattr(workers, "load_timeout", 8.0)
    monkeypatch.setattr(workers, "timeout", 3.0)
    first_sent = time.monotonic()
    started_before = workers.started
    answers: list[dict] = []

    def predict() -> None:
        body = {"query": PREDICT, "variables": {"input": {"model": name, "rows": [{"x": 1.0}]}}}
        answers.append(client.post("/graphql", json=body).json())

    threads = [threading.Thread(target=predict) for _ in range(12)]  # twice the loop's default threads
    for thread in threads:
        thread.start()
    time.sleep(2.0)  # all of them waiting for the worker now
    began = time.monotonic()
    other = gql(client, "{ experiments(first: 1) { edges { node { id } } } }")  # MLflow, off the loop
    assert other.data["experiments"]["edges"], other.data
    assert time.monotonic() - began < 3.0  # not queued behind the waiting predictions
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 12
    for answer in answers:
        [error] = answer["data"]["predict"]["userErrors"]
        assert error["code"] == "MODEL_FAILED" and "did not answer within 8 s" in error["message"], error
    assert time.monotonic() - first_sent < 25  # one load's timeout for all twelve, not one each in turn
    assert workers.started == started_before  # and no worker started
