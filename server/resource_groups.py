"""A cgroup per sandbox: how many processes and how much memory one job, install or model worker may take.

Without them every sandbox shares one uid's process limit (one job taking every slot starves the other
jobs and the model workers) and nothing bounds memory short of the kernel's OOM killer, which picks its
victim across the machine. With them each sandbox has its own `pids.max` and memory limit, the kernel's
OOM killer stays inside the group that went over, and what is left in a group when its sandbox ends is
killed there.

Both cgroup versions: v2 (the unified hierarchy, where the server's cgroup must be delegated to it with
the `pids` and `memory` controllers: systemd's `Delegate=yes`, or the server as a container's only
process) and v1 (a `pids` and a `memory` hierarchy, writable by the server: a root server on most
hosts and VMs). Groups live in `asgard-sandboxes/` below the server's own cgroup (which bounds them all
together), named `<server pid>-<token>-<n>`; a server that starts removes the empty ones a dead server
left. On v1 the socket buffers are capped with the memory (`memory.kmem.tcp`), as v2 counts them.

Where neither is writable, `ResourceGroups.detect` says why and the sandbox falls back to the shared
per-uid process limit (server/sandbox.py).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import itertools
import logging
import os
import secrets
import signal
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from server.jobs.processes import alive

log = logging.getLogger(__name__)

PARENT = "asgard-sandboxes"
CONTROLLERS = ("pids", "memory")


@dataclass(frozen=True)
class ResourceLimits:
    processes: int  # tasks at once, threads included (pids.max)
    memory_bytes: int  # resident memory and swap together; the OOM killer ends what goes over

    def over_memory(self, setting: str) -> str:
        """What a sandbox the kernel ended for its memory is told, naming the setting that bounds it."""
        return f"killed for its memory: over {self.memory_bytes // 1024**2} MiB ({setting})"


@dataclass(frozen=True)
class Hierarchy:
    """Where one controller's groups are made: `directory` is the server's own cgroup in it."""

    version: int  # 1 or 2
    directory: Path
    controllers: tuple[str, ...]


class ResourceGroup:
    """One sandbox's cgroup (a directory per hierarchy); `close` ends what is left in it and removes it."""

    def __init__(self, name: str, hierarchies: list[Hierarchy], limits: ResourceLimits) -> None:
        self.name = name
        self.limits = limits
        self.directories: list[tuple[Hierarchy, Path]] = []
        try:
            for hierarchy in hierarchies:
                directory = hierarchy.directory / PARENT / name
                directory.mkdir()
                self.directories.append((hierarchy, directory))
                _set_limits(hierarchy, directory, limits)
        except OSError:
            self.close()
            raise
        _OPEN.add(self)

    @property
    def procs_files(self) -> list[Path]:
        """Where a process writes its pid to enter the group (every hierarchy's)."""
        return [directory / "cgroup.procs" for _, directory in self.directories]

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process of this group for going over its memory."""
        for hierarchy, directory in self.directories:
            if "memory" not in hierarchy.controllers:
                continue
            name = "memory.events" if hierarchy.version == 2 else "memory.oom_control"
            with contextlib.suppress(OSError, ValueError):
                for line in (directory / name).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and int(value) > 0:
                        return True
        return False

    def pids(self) -> set[int]:
        found: set[int] = set()
        for procs in self.procs_files:
            with contextlib.suppress(OSError, ValueError):
                found.update(int(line) for line in procs.read_text().split())
        return found

    def kill(self) -> None:
        """SIGKILL to everything in the group (v2: `cgroup.kill`, which no fork can outrun)."""
        for hierarchy, directory in self.directories:
            if hierarchy.version == 2 and (directory / "cgroup.kill").exists():
                with contextlib.suppress(OSError):
                    (directory / "cgroup.kill").write_text("1")
        for pid in self.pids():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def _remove(self) -> bool:
        """One try at removing every directory; True when none is left."""
        left = []
        for hierarchy, directory in self.directories:
            try:
                directory.rmdir()
            except FileNotFoundError:
                pass
            except OSError:  # EBUSY: the killed are still leaving (a process with much memory takes a while)
                left.append((hierarchy, directory))
        self.directories = left
        return not left

    def close(self) -> None:
        """Kill what is left in the group and remove it. Never waits: a group whose processes are still
        leaving is handed to a reaper thread that kills and retries until it is gone (callers run on the
        event loop too)."""
        _OPEN.discard(self)
        self.kill()
        if not self._remove():
            _REAPER.add(self)


class _Reaper:
    """Removes the groups whose processes took a while to die, in a thread of its own."""

    def __init__(self) -> None:
        self._groups: list[tuple[ResourceGroup, float]] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, group: ResourceGroup) -> None:
        with self._lock:
            self._groups.append((group, time.monotonic() + REAP_SECONDS))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="cgroup-reaper", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        pause = 0.02
        while True:
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
            with self._lock:
                groups, self._groups = self._groups, []
            kept = []
            for group, deadline in groups:
                group.kill()
                if group._remove():
                    continue
                if time.monotonic() < deadline:
                    kept.append((group, deadline))
                else:
                    log.warning("cgroup %s could not be removed: processes are still in it", group.name)
            with self._lock:
                self._groups.extend(kept)
                if not self._groups:
                    self._thread = None
                    return


REAP_SECONDS = 600.0
_REAPER = _Reaper()
_OPEN: weakref.WeakSet[ResourceGroup] = weakref.WeakSet()  # made and not closed yet


@atexit.register
def _close_at_exit() -> None:
    """The server is leaving: the groups still open (model workers', a job's the shutdown did not reach)
    are emptied and removed now, within a second, rather than left for the next server to find."""
    groups = [*_OPEN, *(g for g, _ in _REAPER._groups)]
    for group in groups:
        group.kill()
    deadline = time.monotonic() + 1.0
    while groups and time.monotonic() < deadline:
        groups = [g for g in groups if not g._remove()]
        if groups:
            time.sleep(0.02)


def _set_limits(hierarchy: Hierarchy, directory: Path, limits: ResourceLimits) -> None:
    def write(name: str, value: int) -> None:
        (directory / name).write_text(str(value))

    if "pids" in hierarchy.controllers:
        write("pids.max", limits.processes)
    if "memory" in hierarchy.controllers:
        if hierarchy.version == 2:
            write("memory.max", limits.memory_bytes)
            if (directory / "memory.swap.max").exists():
                write("memory.swap.max", 0)
        else:
            write("memory.limit_in_bytes", limits.memory_bytes)
            if (directory / "memory.memsw.limit_in_bytes").exists():  # swap accounting on: swap counts too
                write("memory.memsw.limit_in_bytes", limits.memory_bytes)
            if (directory / "memory.kmem.tcp.limit_in_bytes").exists():  # v1 leaves socket buffers out else
                write("memory.kmem.tcp.limit_in_bytes", limits.memory_bytes)


class ResourceGroups:
    """Makes the groups; `detect` finds where (or why nowhere)."""

    def __init__(self, hierarchies: list[Hierarchy]) -> None:
        self.hierarchies = hierarchies
        self._counter = itertools.count(1)
        self._token = secrets.token_hex(4)  # servers in other PID namespaces may share a hierarchy and a pid

    def create(self, limits: ResourceLimits) -> ResourceGroup:
        return ResourceGroup(f"{os.getpid()}-{self._token}-{next(self._counter)}", self.hierarchies, limits)

    def describe(self) -> str:
        return ", ".join(f"{'+'.join(h.controllers)} (cgroup v{h.version}) in {h.directory}" for h in self.hierarchies)

    @classmethod
    def detect(cls, total: ResourceLimits | None = None, proc: Path = Path("/proc/self")) -> ResourceGroups | str:
        """The hierarchies that give every controller a writable place, or why there are none. `total`
        bounds every sandbox together (the limits of `asgard-sandboxes/` itself)."""
        try:
            memberships = _memberships((proc / "cgroup").read_text())
            mounts = _mounts((proc / "mountinfo").read_text())
        except OSError as error:
            return f"the process's cgroups cannot be read ({error})"
        hierarchies: list[Hierarchy] = []
        missing = []
        for controller in CONTROLLERS:
            found = _v1(controller, memberships, mounts) or _v2(controller, memberships, mounts)
            if found is None:
                missing.append(controller)
            elif (same := next((h for h in hierarchies if h.directory == found.directory), None)) is not None:
                hierarchies[hierarchies.index(same)] = Hierarchy(
                    same.version, same.directory, (*same.controllers, controller)
                )
            else:
                hierarchies.append(found)
        if missing:
            return f"no cgroup hierarchy offers the {' and '.join(missing)} controller here"
        for hierarchy in hierarchies:
            problem = _prepare(hierarchy, total)
            if problem is not None:
                return problem
        groups = cls(hierarchies)
        try:  # one trial group: limits can be written
            groups.create(ResourceLimits(processes=64, memory_bytes=64 * 1024**2)).close()
        except OSError as error:
            return f"a cgroup cannot be made in {hierarchies[0].directory / PARENT} ({error})"
        return groups


def _memberships(text: str) -> dict[str, str]:
    """controller (or "" for the unified hierarchy) -> the process's cgroup path in it."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if not controllers:
            found[""] = path
        for controller in controllers.split(","):
            if controller:
                found[controller] = path
    return found


@dataclass(frozen=True)
class _Mount:
    root: str
    point: Path
    fstype: str
    options: frozenset[str]


def _mounts(text: str) -> list[_Mount]:
    mounts = []
    for line in text.splitlines():
        head, sep, tail = line.partition(" - ")
        fields, rest = head.split(), tail.split()
        if not sep or len(fields) < 5 or len(rest) < 3 or rest[0] not in ("cgroup", "cgroup2"):
            continue
        point = fields[4].replace("\\040", " ")
        mounts.append(_Mount(fields[3], Path(point), rest[0], frozenset(rest[2].split(","))))
    return mounts


def _inside(mount: _Mount, path: str) -> Path | None:
    """The cgroup `path` as a directory under the mount (None: the mount does not show it)."""
    root = mount.root.rstrip("/")
    if root and path != root and not path.startswith(root + "/"):
        return None
    directory = mount.point / path[len(root) :].lstrip("/")
    return directory if directory.is_dir() else None


def _v1(controller: str, memberships: dict[str, str], mounts: list[_Mount]) -> Hierarchy | None:
    if controller not in memberships:
        return None
    for mount in mounts:
        if mount.fstype == "cgroup" and controller in mount.options:
            directory = _inside(mount, memberships[controller])
            if directory is not None:
                return Hierarchy(1, directory, (controller,))
    return None


def _v2(controller: str, memberships: dict[str, str], mounts: list[_Mount]) -> Hierarchy | None:
    if "" not in memberships:
        return None
    for mount in mounts:
        if mount.fstype != "cgroup2":
            continue
        directory = _inside(mount, memberships[""])
        if directory is None:
            continue
        with contextlib.suppress(OSError):
            if controller in (directory / "cgroup.controllers").read_text().split():
                return Hierarchy(2, directory, (controller,))
    return None


def _prepare(hierarchy: Hierarchy, total: ResourceLimits | None) -> str | None:
    """`asgard-sandboxes/` in the hierarchy, with its controllers on for the groups below it (v2), the
    limits of all sandboxes together, and without the groups a dead server left there."""
    parent = hierarchy.directory / PARENT
    try:
        if hierarchy.version == 2:
            _enable_from_a_leaf(hierarchy.directory, hierarchy.controllers)
        parent.mkdir(exist_ok=True)
        if hierarchy.version == 2:
            _enable(parent, hierarchy.controllers)
        if total is not None:
            _set_limits(hierarchy, parent, total)
    except OSError as error:
        return (
            f"cgroup {hierarchy.directory} is not the server's to divide ({error}); give it a delegated "
            "cgroup (systemd's Delegate=yes) or run it as root"
        )
    for stale in parent.iterdir():
        owner = stale.name.split("-", 1)[0]
        if stale.is_dir() and owner.isdigit() and int(owner) != os.getpid() and not alive(int(owner)):
            with contextlib.suppress(OSError):
                stale.rmdir()  # an empty one; one with processes still in it is left (they are not ours)
    return None


def _enable_from_a_leaf(directory: Path, controllers: tuple[str, ...]) -> None:
    """_enable on the server's own cgroup. v2 refuses (EBUSY) to give a cgroup's children controllers
    while processes live in it, as the server does in a cgroup delegated to it (systemd's Delegate=yes):
    the server then moves itself into a leaf of its own, `asgard-server/`, and tries again (which still
    fails when other processes share the cgroup)."""
    try:
        _enable(directory, controllers)
    except OSError as error:
        if error.errno != errno.EBUSY:
            raise
        leaf = directory / "asgard-server"
        leaf.mkdir(exist_ok=True)
        (leaf / "cgroup.procs").write_text(str(os.getpid()))
        _enable(directory, controllers)


def _enable(directory: Path, controllers: tuple[str, ...]) -> None:
    control = directory / "cgroup.subtree_control"
    enabled = set(control.read_text().split())
    wanted = [c for c in controllers if c not in enabled]
    if wanted:  # refused (EBUSY) in a cgroup that has processes of its own, unless it is the root
        control.write_text(" ".join(f"+{c}" for c in wanted))
