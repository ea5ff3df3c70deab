"""Process checks shared by the job runner and the materializations: who is alive, who to end."""

from __future__ import annotations

import os
import signal
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


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, parents before their children (read from /proc)."""
    from pathlib import Path

    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def signal_job(pid: int | None, sig: int, confined: bool) -> bool:
    """Signal a job's processes; False when nothing is left.

    Unconfined, the script leads its own process group. In the sandbox the script runs in a session of
    its own under bubblewrap: a SIGTERM goes to every process below bubblewrap (not to bubblewrap, whose
    death would kill them before they could stop cleanly); a SIGKILL to bubblewrap as well, which takes
    the whole PID namespace with it."""
    if not pid:
        return False
    if not confined:
        return kill_group(pid, sig)
    targets = descendants(pid) + ([pid] if sig == signal.SIGKILL else [])
    sent = False
    for target in targets:
        try:
            os.kill(target, sig)
            sent = True
        except (ProcessLookupError, PermissionError):
            continue
    return sent or alive(pid)
