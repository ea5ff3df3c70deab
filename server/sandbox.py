"""Where untrusted code runs: training scripts, their requirement installs, and registered models' code.

Each runs under bubblewrap (`bwrap`, Debian's package) in namespaces of its own:

- **mounts**: an empty root with only what the code needs, read-only (the system's libraries, the Python
  runtime and packages, and the paths a caller names: the Feast repo and gold layer for a job, a model's
  files for a model worker), plus one writable directory (the job's work dir). The data dir's databases,
  token table, exports, other jobs' work dirs and the requirement environments are not there at all
  (environments: read-only, the job's own only); `/tmp` is a private tmpfs.
- **processes**: a PID namespace and a new session: the server's processes, their `/proc/<pid>/environ`
  and their signals are out of reach; the code cannot push input into the server's terminal.
- **identity**: never the host's root. A root server's untrusted code runs as uid 65534 (nobody) of the
  host itself (bubblewrap builds the namespaces, then setpriv drops every capability and privilege);
  any other server's runs as 65534 inside a user namespace mapped to the server's own uid. Either way
  no capabilities and no new privileges (setuid binaries do not raise them), `/proc/sys` read-only.
- **system calls**: a seccomp filter (server/seccomp.py): no user namespaces of its own, none of the
  kernel's key rings, eBPF, perf events, userfaultfd, io_uring or mount calls, no other ABI's entry.
- **limits**: a cgroup of its own where the server may make one (server/resource_groups.py): its
  processes and its memory capped, the OOM killer kept inside it, whatever is left in it killed at its
  end; elsewhere a root server's sandbox uid is capped in processes (shared by every sandbox). Always: no
  core dumps, a cap on one file's size and on open files, a private `/tmp` of 1 GiB (in memory, counted
  in the group's memory).
- **environment**: only what the caller passes (`Confinement.env`, given to the process as its whole
  environment; never on the command line, which every local user can read).
- **network**: shared for jobs (pip, and the job's MLflow channel on loopback); none for model workers.

Where bubblewrap cannot run, nothing untrusted runs (jobs fail with a message saying so, predict refuses
to load models) unless ASGARD_SANDBOX=off says otherwise: an explicit opt-out for a single-user laptop.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from server import seccomp
from server.resource_groups import ResourceGroup, ResourceGroups, ResourceLimits

log = logging.getLogger(__name__)

SANDBOX_UID = 65534  # nobody: inside the user namespace, and on the host when the server runs as root
MAX_PROCESSES = 1024  # processes of the sandbox uid at once, where no cgroup per sandbox can be made
FILTER_FD = 3  # where bubblewrap reads the seccomp filter from (the entry script opens it there)
# Run before bubblewrap, as the server: the seccomp filter opened on FILTER_FD, the process moved into its
# cgroup (every hierarchy's cgroup.procs, up to "--"), then the rest of the command in its place.
ENTER = (
    'f=$1; shift; if [ -n "$f" ]; then exec 3<"$f"; fi; '
    'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
)
MAX_OPEN_FILES = 4096
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What libraries read from /etc (TLS roots, name resolution, the dynamic linker, time zones); not all of it.
ETC_FILES = (
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/ca-certificates.conf",
    "/etc/pki",
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/host.conf",
    "/etc/gai.conf",
    "/etc/nsswitch.conf",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/mime.types",
    "/etc/passwd",
    "/etc/group",
    "/etc/debian_version",
    "/etc/os-release",
)


class SandboxMode(Enum):
    AUTO = "auto"  # bubblewrap when it runs here; otherwise untrusted code is refused
    BWRAP = "bwrap"  # bubblewrap, or the server does not start
    OFF = "off"  # no sandbox: the explicit opt-out for a single-user laptop


class SandboxUnavailable(RuntimeError):
    """Untrusted code cannot run here: bubblewrap is missing or cannot create namespaces."""


@dataclass(frozen=True)
class Confinement:
    """What one sandboxed process may see, besides the system and the Python runtime."""

    workdir: Path | None = None  # writable, and the working directory
    read_only: Sequence[Path] = ()
    mounted: Sequence[tuple[Path, Path]] = ()  # (source, where the process sees it), read-only
    writable: Sequence[Path] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    network: bool = False
    hidden: Sequence[Path] = ()  # shown as empty, read-only directories (with only the mounts inside them)


def runtime_paths() -> list[Path]:
    """The Python runtime and every package directory this server imports from."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(sys.base_exec_prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(Path(sysconfig.get_paths()[key]))
    for entry in sys.path:  # package directories only: not a project checkout a test run put there
        if entry and ("site-packages" in entry or "dist-packages" in entry) and Path(entry).exists():
            paths.add(Path(entry))
    executable = Path(sys.executable)
    paths.add(executable.parent)
    paths.add(executable.resolve().parent.parent)
    import server

    paths.add(Path(server.__file__).resolve().parent)  # an editable install: the package, not its repo
    return _outermost(p.resolve() for p in paths if p.exists())


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """Drop paths inside others; system dirs are bound anyway."""
    unique = sorted(set(paths), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in unique:
        if str(path).startswith(SYSTEM_DIRS) or any(path.is_relative_to(k) for k in kept):
            continue
        kept.append(path)
    return kept


def _mount(kind: str, source: Path, target: Path) -> list[str]:
    """A bind mount, with the directories leading to it made traversable: bubblewrap would create them
    0700 (as /root is on the host), and code opening a path through them (Python finding its own prefix,
    a script opened by its absolute path) would be refused on the way."""
    args: list[str] = []
    for parent in reversed(target.parents[:-1]):
        args += ["--perms", "0755", "--dir", str(parent)]
    return [*args, kind, str(source), str(target)]


class Sandbox:
    """Builds the command line that runs an argv confined; `off` runs it as it is.

    Whether bubblewrap works here is found out by a trial run, once, when untrusted code first needs to
    run (at start-up with ASGARD_SANDBOX=bwrap, which refuses to start without it)."""

    def __init__(
        self,
        mode: SandboxMode,
        bwrap: str | None = None,
        runtime: Sequence[Path] | None = None,
        uid: int = SANDBOX_UID,
        tmp_bytes: int = 1024**3,
        max_file_bytes: int = 16 * 1024**3,
        state_dir: Path | None = None,
        groups: ResourceGroups | str | None = None,
        total: ResourceLimits | None = None,
    ) -> None:
        self.mode = mode
        self.bwrap = bwrap
        self.setpriv = shutil.which("setpriv")
        self.prlimit = shutil.which("prlimit")
        self.uid = uid  # the host uid a root server's sandboxed code runs as
        self.tmp_bytes = tmp_bytes  # the private /tmp, held in memory
        self.max_file_bytes = max_file_bytes
        self._runtime = list(runtime) if runtime is not None else None
        self.state_dir = state_dir  # where the seccomp filter is written (the server's own, private)
        self.filter_path: Path | None = None
        self.groups = groups  # a cgroup per sandbox (str: why not; None: not found out yet)
        self.total = total  # every sandbox together, where there are cgroups
        self._problem: str | None = None
        self._tried = False
        self._lock = threading.Lock()

    @classmethod
    def for_mode(cls, mode: SandboxMode, state_dir: Path | None = None, total: ResourceLimits | None = None) -> Sandbox:
        if mode is SandboxMode.OFF:
            log.warning("ASGARD_SANDBOX=off: training jobs and model code run as the server's own user, unconfined")
            return cls(mode)
        sandbox = cls(mode, shutil.which("bwrap"), state_dir=state_dir, total=total)
        if mode is SandboxMode.BWRAP:
            sandbox.check()
        return sandbox

    @property
    def runtime(self) -> list[Path]:
        if self._runtime is None:
            self._runtime = runtime_paths()
        return self._runtime

    @property
    def problem(self) -> str | None:
        """Why untrusted code cannot run here (None: it can), from one trial run."""
        with self._lock:
            if not self._tried and self.confines:
                self._problem = self._trial()
                self._tried = True
                if self._problem is not None:
                    log.warning("no sandbox for untrusted code: %s; jobs and predict are refused", self._problem)
        return self._problem

    def _trial(self) -> str | None:
        if self.bwrap is None:
            return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap, or set ASGARD_SANDBOX=off"
        if self.prlimit is None or (self.as_root and self.setpriv is None):
            return "util-linux's prlimit and setpriv are needed beside bubblewrap"
        self.filter_path = self._write_filter()
        if self.groups is None:
            self.groups = ResourceGroups.detect(self.total)
            if isinstance(self.groups, ResourceGroups):
                log.info("each sandbox gets a cgroup of its own: %s", self.groups.describe())
            else:
                log.warning(
                    "no cgroup per sandbox (%s): sandboxes share one process limit and their memory is not capped",
                    self.groups,
                )
        command = self._command([sys.executable, "-c", "import sys; sys.exit(0)"], Confinement(), None)
        try:
            done = subprocess.run(command, capture_output=True, timeout=30, text=True)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bubblewrap cannot run: {error}"
        if done.returncode != 0:
            return f"bubblewrap cannot create its namespaces here: {done.stderr.strip()[-300:]}"
        return None

    def _write_filter(self) -> Path | None:
        arch = seccomp.architecture()
        if arch is None:
            log.warning("no seccomp filter for this architecture: sandboxed code may make user namespaces")
            return None
        directory = self.state_dir
        if directory is None:  # a sandbox of no server's (a tool's, a test's): its filter goes with it
            directory = Path(tempfile.mkdtemp(prefix="asgard-sandbox-"))
            weakref.finalize(self, shutil.rmtree, directory, True)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = directory / "seccomp.bpf"
        staging = path.with_name(f"seccomp.bpf.{os.getpid()}")
        staging.write_bytes(seccomp.program(arch))
        staging.replace(path)  # replaced whole: a sandbox starting now reads the old one or this one
        return path

    def open_group(self, limits: ResourceLimits) -> ResourceGroup | None:
        """A cgroup for one sandbox (None: confinement off, or no cgroups here); the caller closes it."""
        if not self.confines or self.problem is not None or not isinstance(self.groups, ResourceGroups):
            return None
        try:
            return self.groups.create(limits)
        except OSError as error:
            log.warning("a cgroup for a sandbox could not be made (%s): it runs under the shared limit", error)
            return None

    @property
    def confines(self) -> bool:
        return self.mode is not SandboxMode.OFF

    def check(self) -> None:
        """Refuse to run untrusted code where no sandbox works (and none was waived)."""
        if self.confines and self.problem is not None:
            raise SandboxUnavailable(
                f"untrusted code is not run without a sandbox: {self.problem} (install bubblewrap, Debian's "
                "package `bubblewrap`, or on a single-user machine set ASGARD_SANDBOX=off)"
            )

    @property
    def as_root(self) -> bool:
        """The server runs as root: the sandboxed code gets an unprivileged uid of the host's own."""
        return os.geteuid() == 0

    def owner(self) -> tuple[int, int] | None:
        """Who must own what sandboxed code writes (its work dir, an environment it builds), on the host."""
        return (self.uid, self.uid) if self.confines and self.as_root else None

    def command(self, argv: Sequence[str], confinement: Confinement, group: ResourceGroup | None = None) -> list[str]:
        """The command that runs argv confined (in `group` when given: made by open_group), under the
        seccomp filter; SandboxUnavailable where no sandbox works."""
        if not self.confines:
            return list(argv)
        self.check()  # the trial run first: it finds the cgroups and writes the filter
        return self._command(argv, confinement, group)

    def _command(self, argv: Sequence[str], confinement: Confinement, group: ResourceGroup | None) -> list[str]:
        assert self.bwrap is not None
        enter: list[str] = []
        if self.filter_path is not None or group is not None:
            procs = [str(p) for p in group.procs_files] if group is not None else []
            enter = ["/bin/sh", "-c", ENTER, "asgard-sandbox", str(self.filter_path or ""), *procs, "--"]
        # Never a host root: a root server's code runs as the sandbox uid itself (bubblewrap builds the
        # namespaces as root, then setpriv drops to that uid: no capabilities, no new privileges), so it
        # can neither write the kernel's settings in /proc/sys nor leave setuid-root files behind. Any
        # other server maps its own uid to 65534 in a user namespace.
        limits = [self.prlimit or "prlimit", "--core=0", f"--fsize={self.max_file_bytes}", f"--nofile={MAX_OPEN_FILES}"]
        identity = ["--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--cap-drop", "ALL"]
        drop: list[str] = []
        if self.as_root:
            if group is None:  # counted for the sandbox uid, not the server's: every sandbox shares it
                limits.append(f"--nproc={MAX_PROCESSES}")
            identity = []
            drop = [self.setpriv or "setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]  # fmt: skip
        args = [
            *enter,
            *limits,
            "--",
            self.bwrap,
            "--die-with-parent",  # the server gone, so is everything it confined
            "--new-session",
            *identity,
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--hostname", "sandbox",
            "--proc", "/proc",
            "--ro-bind", "/proc/sys", "/proc/sys",  # the kernel's settings: not the sandbox's to change
            "--dev", "/dev",
            "--perms", "1777", "--size", str(self.tmp_bytes), "--tmpfs", "/tmp",
        ]  # fmt: skip
        if not confinement.network:
            args.append("--unshare-net")
        if self.filter_path is not None:
            args += ["--seccomp", str(FILTER_FD)]
        for directory in SYSTEM_DIRS:
            path = Path(directory)
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), directory]
            elif path.is_dir():
                args += ["--ro-bind", directory, directory]
        args += ["--perms", "0755", "--dir", "/etc"]
        for name in ETC_FILES:
            args += ["--ro-bind-try", name, name]
        for path in self.runtime:
            args += _mount("--ro-bind", path, path)
        for hidden in confinement.hidden:  # an empty directory, whatever is bound around it
            args += ["--tmpfs", str(hidden)]
        for path in confinement.read_only:
            args += _mount("--ro-bind", path, path)
        for source, target in confinement.mounted:
            args += _mount("--ro-bind", source, target)
        for path in [*confinement.writable, *([confinement.workdir] if confinement.workdir else [])]:
            args += _mount("--bind", path, path)
        # The sandbox's own root and the hidden directories: nothing to write there but the mounts above.
        for read_only_root in ["/", *map(str, confinement.hidden)]:
            args += ["--remount-ro", read_only_root]
        if confinement.workdir is not None:
            args += ["--chdir", str(confinement.workdir)]
        # The environment is bubblewrap's own, passed on as it is: the caller starts it with
        # `confinement.env` alone (not --setenv, whose values anyone on the machine could read in `ps`).
        return [*args, "--", *drop, *argv]
