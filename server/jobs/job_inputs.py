"""What a sandboxed job reads besides its script: the Feast repo and the gold layer, read-only.

The job opens `FeatureStore(repo_path=FEAST_REPO_PATH)` as any Feast user would: the repo's
feature_store.yaml names the registry, and each view's Iceberg source names the gold catalog and its
warehouse. The SQLite files among them are not shown to the job themselves (a reader of a live SQLite
database, in WAL mode, needs write access to its side files): each job gets a consistent copy, taken when
it starts, mounted read-only where the original lives. The warehouse's files are mounted read-only as
they are. Servers (a PostgreSQL registry, an Iceberg REST catalog) are reached over the network with the
credentials in the repo's configuration.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from server.config import Settings

SQLITE = "sqlite:///"


def sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix(SQLITE)) if url.startswith(SQLITE) else None


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a database other connections may be writing (SQLite's online backup)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as dst:
        dst.execute("PRAGMA journal_mode=DELETE")  # a read-only reader needs no side files


class JobInputs:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.data_dir / "job-inputs"

    def prepare(self, job_id: str) -> list[tuple[Path, Path]]:
        """(source, where the job sees it) pairs to mount read-only."""
        s = self.settings
        own = self.root / job_id
        shutil.rmtree(own, ignore_errors=True)
        own.mkdir(parents=True)
        mounts = [(s.feast_repo_path, s.feast_repo_path)]
        for name, url in (("registry.db", s.registry_url), ("gold_catalog.db", s.catalog_uri)):
            original = sqlite_file(url)
            if original is not None and original.exists():
                copy = own / name
                copy_sqlite(original, copy)
                mounts.append((copy, original))
        if s.warehouse.startswith("file://"):
            warehouse = Path(s.warehouse.removeprefix("file://"))
            warehouse.mkdir(parents=True, exist_ok=True)
            mounts.append((warehouse, warehouse))
        return mounts

    def release(self, job_id: str) -> None:
        shutil.rmtree(self.root / job_id, ignore_errors=True)
