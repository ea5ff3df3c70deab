"""`python -m bench --only startup`: from `asgard serve` to its first answered query, and its memory then.

Three cases, each a fresh process, `runs` times (medians): the first start with `--demo` on an empty data
dir (it writes the demo gold layer and registers the demo view before serving), a start on that existing
data dir, and `feast serve` on the same Feast repo (to its first answered /health) as the peer. The clock
starts just before the process is spawned and stops when the first answer arrives (polled every 20 ms);
resident memory is read once the process is idle: at least a second after that answer and once it used
less than IDLE_CPU_SECONDS of CPU in IDLE_WINDOW_SECONDS (a server that opens Feast in the background after
its first answer has its memory counted with Feast's; `idle_seconds` is when that was, from the spawn).
One more start runs with `-X importtime` to show where the import time goes (cumulative seconds of the
top-level packages, until the process is idle: what a background open imports after the first answer too).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.servers import terminate
from tests.support.server import asgard_command, free_port

FIRST_QUERY = '{ featureView(name: "order_features") { name features { name dtype } } }'
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)")
IDLE_WINDOW_SECONDS = 0.5
IDLE_CPU_SECONDS = 0.02
IDLE_TIMEOUT_SECONDS = 30.0


def _idle(process: psutil.Process) -> float:
    """Waits until the process uses less than IDLE_CPU_SECONDS of CPU in IDLE_WINDOW_SECONDS (its threads
    and children are its own business: a server's background work runs in its threads); the clock then."""
    deadline = time.monotonic() + IDLE_TIMEOUT_SECONDS
    before = sum(process.cpu_times()[:2])
    while time.monotonic() < deadline:
        time.sleep(IDLE_WINDOW_SECONDS)
        now = sum(process.cpu_times()[:2])
        if now - before < IDLE_CPU_SECONDS:
            break
        before = now
    return time.monotonic()


# One client for every poll: each of httpx's module functions makes a client, whose TLS context loads the CA
# bundle (~28 ms of CPU, for http:// too), and at a poll every 20 ms that took a core from the starting server.
POLL = httpx.Client()


def _first_answer(proc: subprocess.Popen[bytes], ask: Any, timeout: float = 120.0) -> float:
    """Seconds until `ask()` returns true (the process was spawned at the caller's clock start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before answering")
        try:
            if ask():
                return time.monotonic()
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise TimeoutError("no answer")


def _start(command: list[str], url: str, ask: Any, cwd: Path | None = None, env: dict[str, str] | None = None,
           stderr: Any = subprocess.DEVNULL) -> dict[str, float]:  # fmt: skip
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        answered = _first_answer(proc, ask)
        time.sleep(1.0)
        process = psutil.Process(proc.pid)
        idle = _idle(process)
        rss = process.memory_info().rss / 2**20
    finally:
        terminate(proc)  # type: ignore[arg-type]
    return {"seconds": answered - started, "rss_mb": rss, "idle_seconds": idle - started}


def _asgard(
    data: Path, *args: str, env: dict[str, str] | None = None, stderr: Any = subprocess.DEVNULL
) -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/graphql"

    def ask() -> bool:
        response = POLL.post(url, json={"query": FIRST_QUERY}, timeout=30)
        return response.status_code == 200 and response.json().get("data", {}).get("featureView") is not None

    command = [*asgard_command(), "serve", "--port", str(port), "--data-dir", str(data), "--log-level", "WARNING"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASGARD_")}
    return _start([*command, *args], url, ask, env=base | (env or {}), stderr=stderr)


def _feast(repo: Path) -> dict[str, float]:
    port = free_port()
    feast = str(Path(sys.executable).with_name("feast"))

    def ask() -> bool:
        return POLL.get(f"http://127.0.0.1:{port}/health", timeout=30).status_code == 200

    command = [feast, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    return _start(command, f"http://127.0.0.1:{port}", ask, cwd=repo)


def import_profile(data: Path, top: int = 12) -> list[tuple[str, float]]:
    """Import seconds per top-level package (each module's own time, so they add up to the total), during
    one start on an existing data dir."""
    log = data.parent / "importtime.log"
    with open(log, "wb") as stderr:
        _asgard(data, env={"PYTHONPROFILEIMPORTTIME": "1"}, stderr=stderr)
    totals: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        found = IMPORT_LINE.match(line)
        if found:
            totals[found.group(2).split(".")[0]] += int(found.group(1)) / 1e6
    return [(name, round(seconds, 3)) for name, seconds in totals.most_common(top)] + [
        ("(all others)", round(sum(totals.values()) - sum(s for _, s in totals.most_common(top)), 3))
    ]


def _median(samples: list[dict[str, float]]) -> dict[str, Any]:
    return {
        "seconds": round(statistics.median(s["seconds"] for s in samples), 2),
        "rss_mb": round(statistics.median(s["rss_mb"] for s in samples)),
        "idle_seconds": round(statistics.median(s["idle_seconds"] for s in samples), 2),
        "runs": [round(s["seconds"], 2) for s in samples],
    }


def run(workdir: Path, runs: int) -> dict[str, Any]:
    workdir.mkdir(parents=True)
    first = [_asgard(workdir / f"fresh-{i}", "--demo") for i in range(runs)]
    existing = workdir / "fresh-0"
    again = [_asgard(existing) for _ in range(runs)]
    feast = [_feast(existing / "feast") for _ in range(runs)]
    result = {
        "first_start_with_demo": _median(first),
        "start_on_existing_data_dir": _median(again),
        "feast_serve": _median(feast),
        "imports": import_profile(existing),
    }
    ratio = result["start_on_existing_data_dir"]["seconds"] / result["feast_serve"]["seconds"]
    result["existing_vs_feast_serve"] = round(ratio, 2)
    return result


def table(result: dict[str, Any]) -> str:
    lines = ["| start | to first answer (median) | runs | idle from | RSS idle |", "|---|---:|---|---:|---:|"]
    for key, label in (
        ("first_start_with_demo", "`asgard serve --demo`, empty data dir"),
        ("start_on_existing_data_dir", "`asgard serve`, existing data dir"),
        ("feast_serve", "`feast serve` on the same repo (/health)"),
    ):
        r = result[key]
        lines.append(
            f"| {label} | {r['seconds']:.2f} s | {', '.join(f'{s:.2f}' for s in r['runs'])} "
            f"| {r['idle_seconds']:.2f} s | {r['rss_mb']} MB |"
        )
    lines.append("")
    total = sum(s for _, s in result["imports"])
    lines.append(
        f"imports, top packages ({total:.2f} s of import time in all): "
        + ", ".join(f"{name} {s:.2f}" for name, s in result["imports"])
    )
    return "\n".join(lines)
