"""server/resource_groups.py: where a cgroup per sandbox can be made, read from /proc as cgroup v1 and v2
hosts show it (a fake /proc and cgroup tree in a temp dir)."""

from __future__ import annotations

from pathlib import Path

from server.resource_groups import Hierarchy, ResourceGroup, ResourceGroups, ResourceLimits

V1_CGROUP = "9:name=systemd:/\n8:pids:/\n4:memory:/agent/abc\n2:cpu,cpuacct:/\n0::/\n"
V2_CGROUP = "0::/system.slice/asgard.service\n"


def _proc(tmp_path: Path, cgroup: str, mounts: list[tuple[str, str, str, str]]) -> Path:
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "cgroup").write_text(cgroup)
    lines = [
        f"{30 + i} 23 0:{28 + i} {root} {point} rw,relatime - {fstype} {fstype} {options}"
        for i, (root, point, fstype, options) in enumerate(mounts)
    ]
    (proc / "mountinfo").write_text("\n".join(["22 1 0:20 / / rw - ext4 /dev/vda rw", *lines]) + "\n")
    return proc


def _v1_tree(tmp_path: Path) -> tuple[Path, Path]:
    pids = tmp_path / "cg" / "pids"
    memory = tmp_path / "cg" / "memory" / "agent" / "abc"
    pids.mkdir(parents=True)
    memory.mkdir(parents=True)
    return pids, memory


def _v1_host(tmp_path: Path, monkeypatch, *extra: tuple[str, str, str, str]) -> tuple[Path, Path, Path]:
    """A v1 host's pids and memory hierarchies (and the mounts given besides), with groups not made."""
    pids, memory = _v1_tree(tmp_path)
    mounts = [
        ("/", str(tmp_path / "cg" / "pids"), "cgroup", "rw,pids"),
        ("/", str(tmp_path / "cg" / "memory"), "cgroup", "rw,memory"),
        *extra,
    ]
    monkeypatch.setattr(ResourceGroups, "create", lambda self, limits: _FakeGroup())
    return pids, memory, _proc(tmp_path, V1_CGROUP, mounts)


def test_v1_finds_each_controllers_own_cgroup(tmp_path, monkeypatch):
    unified = ("/", str(tmp_path / "cg" / "unified"), "cgroup2", "rw")
    pids, memory, proc = _v1_host(tmp_path, monkeypatch, unified)
    found = ResourceGroups.detect(proc=proc)
    assert isinstance(found, ResourceGroups), found
    assert found.hierarchies == [Hierarchy(1, pids, ("pids",)), Hierarchy(1, memory, ("memory",))]
    assert (pids / "asgard-sandboxes").is_dir() and (memory / "asgard-sandboxes").is_dir()


def test_a_container_mount_shows_its_own_cgroup_as_the_root(tmp_path, monkeypatch):
    """In a container the mount's root is the container's cgroup: the path is taken relative to it."""
    point = tmp_path / "cg" / "memory"
    (point / "inner").mkdir(parents=True)
    (tmp_path / "cg" / "pids").mkdir(parents=True)
    proc = _proc(
        tmp_path,
        "8:pids:/docker/c1\n4:memory:/docker/c1/inner\n",
        [
            ("/docker/c1", str(tmp_path / "cg" / "pids"), "cgroup", "rw,pids"),
            ("/docker/c1", str(point), "cgroup", "rw,memory"),
        ],
    )
    monkeypatch.setattr(ResourceGroups, "create", lambda self, limits: _FakeGroup())
    found = ResourceGroups.detect(proc=proc)
    assert isinstance(found, ResourceGroups), found
    assert [h.directory for h in found.hierarchies] == [tmp_path / "cg" / "pids", point / "inner"]


def test_v2_needs_both_controllers_and_turns_them_on_below(tmp_path, monkeypatch):
    root = tmp_path / "cg"
    service = root / "system.slice" / "asgard.service"
    service.mkdir(parents=True)
    (service / "cgroup.controllers").write_text("cpu io memory pids\n")
    (service / "cgroup.subtree_control").write_text("")
    proc = _proc(tmp_path, V2_CGROUP, [("/", str(root), "cgroup2", "rw,nsdelegate")])
    made: list[Path] = []

    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: object, **kwargs: object) -> None:
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]
        if self.name == "asgard-sandboxes":
            (self / "cgroup.subtree_control").write_text("")
            made.append(self)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr(ResourceGroups, "create", lambda self, limits: _FakeGroup())
    found = ResourceGroups.detect(proc=proc)
    assert isinstance(found, ResourceGroups), found
    assert found.hierarchies == [Hierarchy(2, service, ("pids", "memory"))]
    assert (service / "cgroup.subtree_control").read_text() == "+pids +memory"
    assert (made[0] / "cgroup.subtree_control").read_text() == "+pids +memory"


def test_no_controller_no_groups_and_the_reason(tmp_path):
    root = tmp_path / "cg"
    root.mkdir()
    (root / "cgroup.controllers").write_text("cpu io\n")
    proc = _proc(tmp_path, "0::/\n", [("/", str(root), "cgroup2", "rw")])
    assert ResourceGroups.detect(proc=proc) == "no cgroup hierarchy offers the pids and memory controller here"
    assert "cannot be read" in str(ResourceGroups.detect(proc=tmp_path / "no-proc"))


def test_a_group_writes_its_limits_and_is_removed(tmp_path):
    pids, memory = _v1_tree(tmp_path)
    for base in (pids, memory):
        (base / "asgard-sandboxes").mkdir()
    hierarchies = [Hierarchy(1, pids, ("pids",)), Hierarchy(1, memory, ("memory",))]
    group = ResourceGroup("123-1", hierarchies, ResourceLimits(processes=50, memory_bytes=1 << 30))
    assert (pids / "asgard-sandboxes" / "123-1" / "pids.max").read_text() == "50"
    assert (memory / "asgard-sandboxes" / "123-1" / "memory.limit_in_bytes").read_text() == str(1 << 30)
    assert group.procs_files == [
        pids / "asgard-sandboxes" / "123-1" / "cgroup.procs",
        memory / "asgard-sandboxes" / "123-1" / "cgroup.procs",
    ]
    (memory / "asgard-sandboxes" / "123-1" / "memory.oom_control").write_text("oom_kill_disable 0\noom_kill 2\n")
    assert group.oom_killed()
    for _, directory in group.directories:  # a real cgroup's files vanish with it; these are plain files
        for child in directory.iterdir():
            child.unlink()
    group.close()
    assert not (pids / "asgard-sandboxes" / "123-1").exists()


class _FakeGroup:
    def close(self) -> None:
        pass


def test_all_sandboxes_together_are_bounded_by_their_parent(tmp_path, monkeypatch):
    pids, memory, proc = _v1_host(tmp_path, monkeypatch)
    found = ResourceGroups.detect(ResourceLimits(processes=4096, memory_bytes=3 << 30), proc=proc)
    assert isinstance(found, ResourceGroups), found
    assert (pids / "asgard-sandboxes" / "pids.max").read_text() == "4096"
    assert (memory / "asgard-sandboxes" / "memory.limit_in_bytes").read_text() == str(3 << 30)


def test_a_delegated_v2_cgroup_with_the_server_in_it_moves_the_server_to_a_leaf(tmp_path, monkeypatch):
    """systemd's Delegate=yes puts the server in the cgroup it delegates: v2 refuses its children controllers
    (EBUSY) until the server has moved into a leaf of its own."""
    import errno
    import os

    import server.resource_groups as groups

    service = tmp_path / "cg" / "asgard.service"
    (service / "asgard-server").mkdir(parents=True)
    calls: list[Path] = []

    def enable(directory: Path, controllers: tuple[str, ...]) -> None:
        calls.append(directory)
        moved = (service / "asgard-server" / "cgroup.procs").exists()
        if directory == service and not moved:
            raise OSError(errno.EBUSY, "Device or resource busy")

    monkeypatch.setattr(groups, "_enable", enable)
    groups._enable_from_a_leaf(service, ("pids", "memory"))
    assert (service / "asgard-server" / "cgroup.procs").read_text() == str(os.getpid())
    assert calls == [service, service]


def test_a_group_whose_processes_are_slow_to_leave_is_removed_later_without_waiting(tmp_path, monkeypatch):
    import time

    import server.resource_groups as groups

    pids, _ = _v1_tree(tmp_path)
    (pids / "asgard-sandboxes").mkdir()
    group = ResourceGroup("1-t-1", [Hierarchy(1, pids, ("pids",))], ResourceLimits(processes=8, memory_bytes=1 << 20))
    directory = group.directories[0][1]
    (directory / "pids.max").unlink()  # a fake cgroup: its files are plain; cgroup.procs stays, as if busy
    (directory / "cgroup.procs").write_text("")
    started = time.monotonic()
    group.close()
    assert time.monotonic() - started < 0.1 and directory.exists()  # busy: handed to the reaper
    (directory / "cgroup.procs").unlink()  # the processes left
    deadline = time.monotonic() + 5
    while directory.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not directory.exists()
    assert groups._REAPER._groups == []
