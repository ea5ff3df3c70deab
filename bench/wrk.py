"""Throughput with wrk (Debian's `wrk`, C and epoll): the load generator costs a fraction of a core, so on
a small machine the server being measured, not the Python clients, sets the requests per second."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# POST the JSON body on every request; wrk's Lua `done` hook prints what the report needs, as JSON. (The
# answer's content is checked once before the run: a `response` hook would make wrk parse every body.)
# `latency(i)` is the i-th distinct latency wrk recorded (microseconds) and how often it was seen: the
# whole histogram, so that the runs of several rounds can be pooled into one set of samples.
SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  local histogram = {{}}
  for i = 1, #latency do
    local value, count = latency(i)
    histogram[#histogram + 1] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format('WRK {{"requests": %d, "seconds": %f, "p50_us": %d, "p99_us": %d, '
    .. '"socket_errors": %d, "non2xx": %d, "histogram": [%s]}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, table.concat(histogram, ",")))
end
"""


@dataclass
class Throughput:
    rps: float
    p50_ms: float
    p99_ms: float
    failed: int
    samples_ms: list[float] = field(default_factory=list)  # every latency wrk recorded, in milliseconds


def available() -> bool:
    return shutil.which("wrk") is not None


def run(url: str, body: dict[str, Any], connections: int, seconds: float, threads: int = 2) -> Throughput:
    """`connections` keep-alive clients over `threads` wrk threads, for `seconds` (whole, at least 1); the
    answer to `body` must be a 200 without GraphQL errors (checked once first)."""
    import httpx

    first = httpx.post(url, json=body, timeout=30)
    if first.status_code != 200 or "errors" in first.json():
        raise RuntimeError(f"{url} answered {first.status_code}: {first.text[:300]}")
    binary = shutil.which("wrk")
    if binary is None:
        raise FileNotFoundError("wrk is not installed (Debian package wrk; scripts/test-services installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(SCRIPT.format(body=_lua_string(json.dumps(body))))
        duration = max(1, round(seconds))  # wrk takes whole seconds
        args = [binary, "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{duration}s"]
        out = subprocess.run([*args, "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^WRK (\{.*\})$", out, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    summary = json.loads(found.group(1))
    return Throughput(
        rps=summary["requests"] / summary["seconds"],
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        failed=summary["socket_errors"] + summary["non2xx"],
        samples_ms=[us / 1000 for us, count in summary["histogram"] for _ in range(count)],
    )


def sequential(url: str, body: dict[str, Any], seconds: float) -> Throughput:
    """One connection, one request at a time, for `seconds`: each request's latency as the server plus a C
    client make it (a Python HTTP client adds about half a millisecond of its own to every request, to the
    fast server and the slow alike, which pulls their ratio towards 1)."""
    return run(url, body, connections=1, seconds=seconds, threads=1)


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"
