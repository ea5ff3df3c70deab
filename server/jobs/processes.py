"""Process checks shared by the job runner and the materializations: who is alive, who to end."""

from __future__ import annotations

import os
import socket


def host_prefix() -> str:
    return f"{socket.gethostname()}:"


def pid_of(worker_id: str | None) -> int | None:
    """The pid in a worker id `host:pid[:tag]`, when the worker is on this host."""
    if not worker_id or not worker_id.startswith(host_prefix()):
        return None
    pid = worker_id.split(":")[1]
    return int(pid) if pid.isdigit() else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kill_group(pid: int | None, sig: int) -> bool:
    """Signal a process group (its leader's pid names it); False when nothing is left."""
    if not pid:
        return False
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True
