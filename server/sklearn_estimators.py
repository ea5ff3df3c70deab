"""scikit-learn's estimator names for skops, without importing every module of scikit-learn to find them.

skops (the format MLflow 3 saves scikit-learn models in) lists scikit-learn's estimators when it is imported, the
types a model load trusts by default: `sklearn.utils.all_estimators` imports every module of scikit-learn to find
them, ~0.9 s of each model worker's start, of each training job that logs a scikit-learn model and of MLflow's
requirements inference after it. For one scikit-learn version the names are always the same: the list of the
pinned version is kept in sklearn_estimators.json (`python -m server.sklearn_estimators` writes it;
tests/unit/test_sklearn_estimators.py compares it with all_estimators()), and skops is given it while its module
runs. Another scikit-learn version, or a missing or damaged list: skops finds them itself, as before. Nothing else
sees the difference: all_estimators is scikit-learn's own again once skops's module has run.

Standard library only until skops is imported: the job site loads this module by path.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

NAMES_FILE = Path(__file__).with_name("sklearn_estimators.json")
LISTING_MODULE = "skops.io._trusted_types"  # the skops module that calls all_estimators() when it runs


def give_skops_the_known_estimators() -> None:
    """Give skops the kept list when it is imported; call it before skops is imported."""
    if LISTING_MODULE not in sys.modules and not any(isinstance(f, _OnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _OnImport())


def known_estimators(version: str, names_file: Path | None = None) -> list[str] | None:
    """The kept estimators' full type names for this scikit-learn version, or None."""
    try:
        kept = json.loads((names_file or NAMES_FILE).read_text())
    except (OSError, ValueError):
        return None
    names = kept.get("estimators") if isinstance(kept, dict) and kept.get("scikit-learn") == version else None
    return names if isinstance(names, list) and all(isinstance(n, str) and "." in n for n in names) else None


def listed_now() -> dict[str, Any]:
    """What all_estimators() finds in the scikit-learn installed (the content of NAMES_FILE)."""
    import sklearn
    from sklearn.utils import all_estimators

    return {
        "scikit-learn": sklearn.__version__,
        "estimators": [f"{found.__module__}.{found.__name__}" for _, found in all_estimators()],
    }


def _stand_ins(names: list[str]) -> list[tuple[str, type]]:
    """all_estimators()'s (name, class) pairs as skops reads them: a class's module and name, nothing more."""
    pairs = []
    for full in names:
        module, name = full.rsplit(".", 1)
        pairs.append((name, type(name, (), {"__module__": module})))
    return pairs


class _OnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if name != LISTING_MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _GivenTheList(spec.loader)
        return spec


class _GivenTheList(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self.loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        import sklearn
        import sklearn.utils

        names = known_estimators(sklearn.__version__)
        if names is None:
            self.loader.exec_module(module)
            return
        utils = vars(sklearn.utils)
        real = utils["all_estimators"]
        utils["all_estimators"] = lambda *args, **kwargs: _stand_ins(names)
        try:
            self.loader.exec_module(module)
        finally:
            utils["all_estimators"] = real

    def __getattr__(self, name: str) -> Any:  # the rest of the loader's interface (get_source, ...)
        return getattr(self.loader, name)


if __name__ == "__main__":
    NAMES_FILE.write_text(json.dumps(listed_now(), indent=1) + "\n")
