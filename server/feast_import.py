"""Feast without typeguard's instrumentation: most of the time `import feast` takes.

Feast decorates its classes with typeguard's `@typechecked`, which rewrites and recompiles each method when
the module is imported: about 5 of the 6-8 seconds `import feast` takes on these machines, paid by every
server start and every training job that opens a FeatureStore. With the decorator a no-op for Feast's own
modules (it stays what it was for everyone else's code), the import takes about 1.5 s. Feast's behaviour
does not depend on it: it only raises TypeCheckError when a caller passes arguments of the wrong type.

Where typeguard is not imported yet, it is changed when it is (a job that never opens Feast does not pay
typeguard's own import, ~0.2 s, for nothing).
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

MARK = "_asgard_skips_feast"


def skip_feast_instrumentation() -> None:
    """Make typeguard's decorator leave Feast's code alone; call it before Feast is imported."""
    module = sys.modules.get("typeguard")
    if module is not None:
        _leave_feast_alone(module)
    elif not any(isinstance(finder, _OnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _OnImport())


def _leave_feast_alone(typeguard: ModuleType) -> None:
    names = vars(typeguard)
    original = names["typechecked"]
    if getattr(original, MARK, False):
        return

    def typechecked(target: Any = None, **options: Any) -> Any:
        if target is None:
            return functools.partial(typechecked, **options)
        module = getattr(target, "__module__", None) or getattr(getattr(target, "__func__", None), "__module__", "")
        if module == "feast" or str(module).startswith("feast."):
            return target
        return original(target, **options)

    setattr(typechecked, MARK, True)
    names["typechecked"] = typechecked


class _OnImport(importlib.abc.MetaPathFinder):
    """Finds typeguard as the next finders would, and changes it once its module has run."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if name != "typeguard":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Changed(spec.loader)
        return spec


class _Changed(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self.loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        _leave_feast_alone(module)

    def __getattr__(self, name: str) -> Any:  # the rest of the loader's interface (get_source, ...)
        return getattr(self.loader, name)
