"""What a sandboxed job reads besides its script: a Feast repo of its own and the gold layer, read-only.

The job opens `FeatureStore(repo_path=FEAST_REPO_PATH)` as any Feast user would. That repo is the job's
own (server/services/job_feast_repo.py): the registry as a file snapshot taken when the job starts, the
server's offline engine, and no credential of the server's. Each view's Iceberg source names the gold
catalog and its warehouse. A SQLite catalog is not shown to the job itself (a reader of a live SQLite
database, in WAL mode, needs write access to its side files): each job gets a consistent copy, taken when
it starts, mounted read-only where the original lives. A local warehouse is mounted read-only as it is. A
REST catalog and S3 are reached over the network, S3 with the keys configured for jobs.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from server.config import Settings
from server.services.job_feast_repo import write_job_repo

SQLITE = "sqlite:///"


def sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix(SQLITE)) if url.startswith(SQLITE) else None


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a database other connections may be writing (SQLite's online backup)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as dst:
        dst.execute("PRAGMA journal_mode=DELETE")  # a read-only reader needs no side files


@dataclass(frozen=True)
class JobView:
    repo: Path  # the job's Feast repo (FEAST_REPO_PATH)
    mounts: list[tuple[Path, Path]]  # (source, where the job sees it), all read-only


class JobInputs:
    def __init__(self, settings: Settings, registry: Callable[[], bytes]) -> None:
        """`registry`: the Feast registry as it is now, serialized (Feast's RegistryProto)."""
        self.settings = settings
        self.registry = registry
        self.root = settings.data_dir / "job-inputs"

    def prepare(self, job_id: str) -> JobView:
        s = self.settings
        own = self.root / job_id
        shutil.rmtree(own, ignore_errors=True)
        own.mkdir(parents=True)
        repo = write_job_repo(s, self.registry(), own / "feast")
        mounts = [(repo, repo)]
        original = sqlite_file(s.catalog_uri)
        if original is not None and original.exists() and not s.jobs.catalog_uri:
            copy = own / "gold_catalog.db"
            copy_sqlite(original, copy)
            mounts.append((copy, original))
        if s.warehouse.startswith("file://"):
            warehouse = Path(s.warehouse.removeprefix("file://"))
            warehouse.mkdir(parents=True, exist_ok=True)
            mounts.append((warehouse, warehouse))
        return JobView(repo, mounts)

    def release(self, job_id: str) -> None:
        shutil.rmtree(self.root / job_id, ignore_errors=True)
