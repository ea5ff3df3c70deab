"""scikit-learn's estimator names for skops, without importing every module of scikit-learn to find them.

skops (the format MLflow 3 saves scikit-learn models in) lists scikit-learn's estimators when it is imported, the
types a model load trusts by default: `sklearn.utils.all_estimators` imports every module of scikit-learn to find
them (445 modules against 307): skops's import took 0.9 s of CPU here, 0.3-0.5 s with the kept list, in each model
worker's start, each training job that logs a scikit-learn model and MLflow's requirements inference after it.
For one scikit-learn version the names are always the same: the list of the pinned version is kept in
sklearn_estimators.json (`python -m server.sklearn_estimators` writes it; tests/unit/test_sklearn_estimators.py
compares it with all_estimators()), and skops is given it while its module runs. Another scikit-learn version, or a
missing or damaged list: skops finds them itself, as before. Nothing else sees the difference: all_estimators is
scikit-learn's own again once skops's module has run (only another thread calling it in those few milliseconds
would be given the names instead of the classes).

Standard library only until skops is imported: the job site loads this module by path.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

NAMES_FILE = Path(__file__).with_name("sklearn_estimators.json")
LISTING_MODULE = "skops.io._trusted_types"  # the skops module that calls all_estimators() when it runs


def give_skops_the_known_estimators(around_import: Callable[..., None] | None = None) -> None:
    """Give skops the kept list when it is imported; call it before skops is imported. `around_import`:
    server/import_hooks.py's, where this module was loaded by path (the job site)."""
    if LISTING_MODULE in sys.modules:
        return
    if around_import is None:
        from server import import_hooks

        around_import = import_hooks.around_import
    around_import(LISTING_MODULE, _with_the_known_estimators)


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


def _with_the_known_estimators(run: Callable[[], None], module: ModuleType) -> None:
    """skops's listing module run with all_estimators() answering from the kept list, if it fits."""
    import sklearn
    import sklearn.utils

    names = known_estimators(sklearn.__version__)
    if names is None:
        run()
        return
    utils = vars(sklearn.utils)
    real = utils["all_estimators"]
    utils["all_estimators"] = lambda *args, **kwargs: _stand_ins(names)
    try:
        run()
    finally:
        utils["all_estimators"] = real


if __name__ == "__main__":
    NAMES_FILE.write_text(json.dumps(listed_now(), indent=1) + "\n")
