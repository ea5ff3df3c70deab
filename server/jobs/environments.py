"""Python environments for jobs: the server's own when it satisfies the requirements, otherwise a
virtualenv per requirements set (with the server's packages visible behind its own), built once and
cached."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from server.jobs.processes import signal_job
from server.resource_groups import ResourceLimits
from server.safe_files import strip_privileges, write_nofollow
from server.sandbox import Confinement, Sandbox


class InstallError(Exception):
    """Requirements could not be installed; the message is pip's own last words."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


# What pip may see of the server's environment: where to find packages, and how to trust the index.
PIP_PASSED = (
    "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "LANG", "LC_ALL",
)  # fmt: skip


def is_satisfied(requirement: str) -> bool:
    """True when the server's environment already has a distribution that meets it."""
    req = Requirement(requirement)
    if req.marker is not None and not req.marker.evaluate():
        return True
    if req.url or req.extras:
        return False
    try:
        installed = metadata.version(canonicalize_name(req.name))
    except metadata.PackageNotFoundError:
        return False
    return req.specifier.contains(installed, prereleases=True)


def environment_key(requirements: list[str]) -> str:
    canonical = "\n".join(sorted(str(Requirement(r)) for r in requirements))
    return hashlib.sha256(f"{sys.version}\n{canonical}".encode()).hexdigest()[:20]


def _inherit_server_packages(env: Path) -> None:
    """Make the server's own packages (MLflow, Feast, scikit-learn...) importable in `env`, after the
    env's own: `--system-site-packages` would only reach the base interpreter, not the server's venv."""
    own = sysconfig.get_paths()
    target = subprocess.run(
        [str(env / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    paths = dict.fromkeys([own["purelib"], own["platlib"], *site.getsitepackages()])
    Path(target, "_asgard_server_packages.pth").write_text("\n".join(paths) + "\n")


def _end(proc: subprocess.Popen[str], confined: bool) -> None:
    """pip and whatever it started (a build backend, a setup.py)."""
    signal_job(proc.pid, signal.SIGKILL, confined)
    proc.wait(timeout=30)


class Environments:
    """Hands out a Python executable per requirements set; pip runs in the sandbox, writing only the
    environment it builds (jobs later see that environment read-only)."""

    def __init__(
        self, root: Path, install_timeout: float, sandbox: Sandbox, hidden: list[Path], limits: ResourceLimits
    ) -> None:
        self.root = root
        self.install_timeout = install_timeout
        self.sandbox = sandbox
        self.hidden = hidden
        self.limits = limits  # the job's: pip runs in a cgroup of its own with them
        self._lock = threading.Lock()

    def mounts_for(self, python: str) -> list[Path]:
        """What a job using `python` must see of the environments: its own, if it has one."""
        path = Path(python)
        if path.is_relative_to(self.root):
            return [self.root / path.relative_to(self.root).parts[0]]
        return []

    def python_for(
        self,
        requirements: list[str],
        log: Callable[[str], None],
        cancelled: Callable[[], bool],
        deadline: float | None = None,
    ) -> str:
        missing = [r for r in requirements if not is_satisfied(r)]
        if not missing:
            if requirements:
                log("all requirements are satisfied by the server's environment")
            return sys.executable
        key = environment_key(requirements)
        env = self.root / key
        python = env / "bin" / "python"
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.root / f"{key}.lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # another replica may be building the same env
            if (env / ".ready").exists():
                log(f"using cached environment {key} for {', '.join(missing)}")
                return str(python)
            self._build(env, requirements, missing, log, cancelled, deadline)
        return str(python)

    def _build(
        self,
        env: Path,
        requirements: list[str],
        missing: list[str],
        log: Callable[[str], None],
        cancelled: Callable[[], bool],
        deadline: float | None,
    ) -> None:
        log(f"installing {', '.join(missing)} into a new environment")
        staging = env.with_name(f"{env.name}.tmp-{uuid.uuid4().hex[:8]}")
        try:
            subprocess.run(
                [sys.executable, "-m", "venv", "--without-pip", str(staging)],
                check=True,
                capture_output=True,
                timeout=120,
            )
            _inherit_server_packages(staging)
            command = [
                sys.executable, "-m", "pip", "--python", str(staging / "bin" / "python"),
                "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--no-cache-dir",
                *requirements,
            ]  # fmt: skip
            pip_env = {"PATH": os.defpath, "HOME": "/tmp", "TMPDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1"}
            pip_env |= {k: v for k, v in os.environ.items() if k in PIP_PASSED}
            links = [Path(p) for p in pip_env.get("PIP_FIND_LINKS", "").split() if Path(p).is_absolute()]
            confinement = Confinement(
                read_only=[p for p in links if p.is_dir()],
                writable=[staging],
                env=pip_env,
                network=True,
                hidden=self.hidden,
            )
            owner = self.sandbox.owner()
            if owner is not None:
                for path in [
                    staging,
                    *staging.rglob("*"),
                ]:  # the venv's own files: pip, as the sandbox uid, adds to them
                    os.lchown(path, *owner)
            group = self.sandbox.open_group(self.limits)
            try:
                self._pip(self.sandbox.command(command, confinement, group), pip_env, log, cancelled, deadline)
            except InstallError:
                if group is not None and group.oom_killed():
                    raise InstallError(f"pip was {self.limits.over_memory('ASGARD_JOB_MEMORY_MB')}") from None
                raise
            finally:
                if group is not None:
                    group.close()
            strip_privileges(staging)
            # What pip ran (a setup.py) may have planted a symlink here: replaced, never followed.
            write_nofollow(staging / ".ready", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()).encode())
            if env.exists():
                shutil.rmtree(env)
            staging.rename(env)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    def _pip(
        self,
        command: list[str],
        env: dict[str, str],
        log: Callable[[str], None],
        cancelled: Callable[[], bool],
        job_deadline: float | None,
    ) -> None:
        tail: deque[str] = deque(maxlen=15)
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        deadline = time.monotonic() + self.install_timeout
        job_ends_first = job_deadline is not None and job_deadline < deadline
        if job_deadline is not None:
            deadline = min(deadline, job_deadline)
        assert proc.stdout is not None
        reader = threading.Thread(target=self._relay, args=(proc.stdout, log, tail), daemon=True)
        reader.start()
        while proc.poll() is None:
            if cancelled():
                _end(proc, self.sandbox.confines)
                raise InstallError("cancelled while installing requirements")
            if time.monotonic() > deadline:
                _end(proc, self.sandbox.confines)
                if job_ends_first:
                    raise InstallError("the job's timeout passed while installing its requirements", timed_out=True)
                raise InstallError(f"installing requirements took longer than {self.install_timeout:.0f} s")
            time.sleep(0.2)
        reader.join(timeout=5)
        if proc.returncode != 0:
            lines = [line for line in tail if line.startswith("ERROR")] or [line for line in tail if line.strip()]
            raise InstallError("pip failed: " + " | ".join(lines[-6:]))

    @staticmethod
    def _relay(stream: object, log: Callable[[str], None], tail: deque[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            text = line.rstrip("\n")
            tail.append(text)
            log(text)
