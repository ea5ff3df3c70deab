"""Writing where untrusted code has written before (a job's work dir, an environment pip built).

A sandboxed process may leave a symlink where the server later writes a file: `open(path, "w")` would
follow it out of the sandbox, with the server's own rights. These helpers never follow one.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def write_nofollow(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace `path` with a regular file holding `data`; a symlink (or anything else) there is removed,
    never followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, mode)
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO, errno.EACCES):
            raise
        remove_entry(path)
        fd = os.open(path, flags | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        if not stat.S_ISREG(os.fstat(out.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        out.write(data)


def read_nofollow(path: Path, max_bytes: int) -> bytes | None:
    """At most `max_bytes` of the regular file at `path`; None for nothing there, a symlink, a FIFO or a
    device (never followed, never waited on)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as source:
        if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
            return None
        return source.read(max_bytes)


def remove_entry(path: Path) -> None:
    """Remove what is at `path` (a file, a symlink, or a directory tree) without following symlinks."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        import shutil

        shutil.rmtree(path)  # removes symlinks inside it, never what they point to
    else:
        os.unlink(path)


def strip_privileges(root: Path) -> None:
    """Clear setuid, setgid and sticky bits below `root` (what a job left in its work dir must not
    run with anyone's rights outside the sandbox); symlinks are not followed."""
    for directory, subdirs, files in os.walk(root, followlinks=False):
        for name in [*subdirs, *files]:
            path = os.path.join(directory, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if not stat.S_ISLNK(info.st_mode) and info.st_mode & (stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX):
                os.chmod(path, stat.S_IMODE(info.st_mode) & ~(stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX))


def private_dir(path: Path) -> None:
    """Create the data dir readable by the server's user only (0700), or make it so: it holds the token
    table and databases, and work dirs where jobs may leave files that must not run with anyone's rights."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = path.stat()
    if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o700)
