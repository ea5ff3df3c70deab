"""A new embedded MLflow database made from a template instead of MLflow's migrations.

MLflow makes a new SQLite tracking database by running its schema migrations, one after another: ~1.5 s of
CPU at the first start of every data dir (and of every test's). The template is such a database, made once
per MLflow schema revision and kept in the cache dir (`ASGARD_CACHE_DIR`), without its Default experiment: MLflow
makes that one again when it opens the copy, with this data dir's artifact root. Where there is no template
for this MLflow's schema yet, MLflow migrates the new database as before, and a copy of it becomes the
template. A damaged template or a cache dir that cannot be written costs only the shortcut.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)


def sqlite_path(tracking_uri: str) -> Path | None:
    """The file of an embedded tracking URI (`sqlite:///path`), or None (a server, an in-memory database)."""
    if not tracking_uri.startswith("sqlite:///") or tracking_uri == "sqlite:///:memory:":
        return None
    return Path(tracking_uri.removeprefix("sqlite:///"))


def template_path(cache_dir: Path) -> Path:
    """The template for this MLflow's schema (the revision its migrations end at, which MLflow checks at open)."""
    from mlflow.store.db.utils import _get_latest_schema_revision

    revision = _get_latest_schema_revision()  # type: ignore[no-untyped-call]  # MLflow's
    return cache_dir / f"mlflow-tracking-{revision}.db"


def copy_template(cache_dir: Path | None, database: Path) -> bool:
    """Make `database` (not there yet) a copy of the template; False where there is none to copy."""
    if cache_dir is None:
        return False
    template = template_path(cache_dir)
    if not template.is_file() or not _own(cache_dir, template):
        return False
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        with _copy(template, database.parent) as partial:
            os.link(partial, database)  # only if no other process made the database meanwhile
    except FileExistsError:
        return True  # another process (a second worker) made it first: MLflow opens theirs
    except (OSError, sqlite3.Error):
        log.warning("the MLflow database template %s could not be copied: MLflow makes the database", template)
        return False
    return True


def keep_template(cache_dir: Path | None, database: Path) -> None:
    """A copy of a database MLflow has just made, without its Default experiment, becomes the template (not in
    a cache dir others may write to, where copy_template would not use it)."""
    if cache_dir is None:
        return
    template = template_path(cache_dir)
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own(cache_dir):
            return
        with _copy(database, cache_dir) as partial:
            with contextlib.closing(sqlite3.connect(partial)) as db, db:
                db.execute("DELETE FROM experiments")
            os.replace(partial, template)  # another process making one at once: the last one stays
    except (OSError, sqlite3.Error):
        log.debug("the MLflow database template could not be written to %s", template, exc_info=True)


def _own(*paths: Path) -> bool:
    """Only a template this user made, in a directory no one else may write to: a shared cache dir (/tmp, a
    group's) could otherwise hand this server another user's database for its own."""
    uid = os.getuid()
    for path in paths:
        status = path.stat()
        if status.st_uid != uid or status.st_mode & 0o022:
            log.warning("no MLflow database template is used from %s: it is not this user's alone", path)
            return False
    return True


@contextlib.contextmanager
def _copy(source: Path, directory: Path) -> Iterator[str]:
    """A consistent copy of a SQLite database in a temporary file of `directory` (made 0600), removed after
    unless the caller moved it."""
    handle, partial = tempfile.mkstemp(dir=directory, prefix=f".{source.name}-", suffix=".partial")
    os.close(handle)
    try:
        _backup(source, Path(partial))
        yield partial
    finally:
        with contextlib.suppress(OSError):
            os.unlink(partial)


def _backup(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the source opened read-only: it must exist)."""
    with (
        contextlib.closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
