"""Throughput with wrk (Debian's `wrk`, C and epoll): the load generator costs a fraction of a core, so on
a small machine the server being measured, not the Python clients, sets the requests per second."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# POST the JSON body on every request; wrk's Lua `done` hook prints what the report needs, as JSON. (The
# answer's content is checked once before the run: a `response` hook would make wrk parse every body.)
SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format('WRK {{"requests": %d, "seconds": %f, "p50_us": %d, "p99_us": %d, '
    .. '"socket_errors": %d, "non2xx": %d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


@dataclass
class Throughput:
    rps: float
    p50_ms: float
    p99_ms: float
    failed: int


def available() -> bool:
    return shutil.which("wrk") is not None


def run(url: str, body: dict[str, Any], connections: int, seconds: float, threads: int = 2) -> Throughput:
    """`connections` keep-alive clients over `threads` wrk threads, for `seconds`; the answer to `body`
    must be a 200 without GraphQL errors (checked once first)."""
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
        args = [binary, "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds:g}s"]
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
    )


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"
