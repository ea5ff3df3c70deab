"""The load benchmark's client side (bench/load.py): requests sent from threads, each answer classified by
code (`ok`, a GraphQL error's `extensions.code`, a mutation's user error code, `http-<status>`, or
`transport:<exception>` when no answer came back), and the server's peak resident set meanwhile."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import psutil

NULLED = "nulled"  # no error of its own, but null: another field's error took the whole answer


@dataclass
class Tally:
    """Outcomes by code, and the latencies (ms) of the requests that fully succeeded; shared by threads."""

    codes: Counter[str] = field(default_factory=Counter)
    ok_ms: list[float] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, outcomes: list[str], ms: float) -> None:
        with self.lock:
            self.requests += 1
            self.codes.update(outcomes)
            if all(o == "ok" for o in outcomes):
                self.ok_ms.append(ms)

    def report(self, **extra: Any) -> dict[str, Any]:
        ok = sorted(self.ok_ms)
        return {
            "requests": self.requests,
            "codes": dict(self.codes.most_common()),
            "ok_p50_ms": round(statistics.median(ok), 1) if ok else None,
            "ok_max_ms": round(ok[-1], 1) if ok else None,
            **extra,
        }


def outcomes(response: httpx.Response, fields: list[str], payload: str | None = None) -> list[str]:
    """One code per root field: `ok`, its GraphQL error's code (an error without a path counts for every
    field), NULLED when it has no error of its own but came back null (another field's error on a non-null
    field nulls the whole `data`), or for a mutation's `payload` field its first user error's code."""
    if response.status_code != 200:
        return [f"http-{response.status_code}"] * len(fields)
    body = orjson.loads(response.content)
    data = body.get("data") or {}
    by_field: dict[str, str] = {}
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code", "NO_CODE")
        for name in [error["path"][0]] if error.get("path") else fields:
            by_field.setdefault(name, code)
    codes = []
    for name in fields:
        if name in by_field or data.get(name) is None:
            codes.append(by_field.get(name, NULLED))
        elif payload and data[name].get(payload):
            codes.append(data[name][payload][0]["code"])
        else:
            codes.append("ok")
    return codes


def post(
    client: httpx.Client, url: str, body: bytes, fields: list[str], tally: Tally, payload: str | None = None
) -> tuple[httpx.Response | None, list[str]]:
    """One request, classified into `tally`: the response (None on a transport error) and its codes."""
    started = time.perf_counter()
    try:
        response = client.post(url, content=body, headers={"content-type": "application/json"})
    except httpx.TransportError as exc:
        codes = [f"transport:{type(exc).__name__}"] * len(fields)
        tally.add(codes, 0.0)
        return None, codes
    codes = outcomes(response, fields, payload)
    tally.add(codes, (time.perf_counter() - started) * 1000)
    return response, codes


def graphql(query: str, variables: dict[str, Any]) -> bytes:
    return orjson.dumps({"query": query, "variables": variables})


@contextmanager
def peak_rss(pid: int) -> Iterator[dict[str, float]]:
    """The largest resident set of `pid` seen (every 20 ms) while the block runs, in MB."""
    seen = {"peak_rss_mb": 0.0}
    done = threading.Event()
    proc = psutil.Process(pid)

    def sample() -> None:
        while not done.is_set():
            seen["peak_rss_mb"] = max(seen["peak_rss_mb"], proc.memory_info().rss / 2**20)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield seen
    finally:
        done.set()
        sampler.join()
        seen["peak_rss_mb"] = round(seen["peak_rss_mb"])


def in_threads(count: int, work: Callable[[int], None]) -> float:
    """`work(i)` on `count` threads started together; the wall seconds until the last one ends."""
    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started
