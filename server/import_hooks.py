"""Code run around a library module's own code when it is first imported, without importing it before it is needed.

server/feast_import.py changes typeguard once typeguard has run; server/sklearn_estimators.py gives skops a kept
list while skops's listing module runs; the job site (server/jobs/job_site) changes two of Feast's modules.
Standard library only: the job site loads this module by path.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

# around(run, module): `run()` runs the module's own code; what `around` does before and after it is the change
Around = Callable[[Callable[[], None], ModuleType], None]


def around_import(name: str, around: Around) -> None:
    """Run `around` when module `name` is first imported (call it before that; a finder waits for it). One
    `around` a module: a second call for a module already waited for changes nothing."""
    if not any(isinstance(finder, _Finder) and finder.name == name for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder(name, around))


def after_import(name: str, patch: Callable[[ModuleType], None]) -> None:
    """Run `patch` on module `name` once its own code has run, when it is first imported."""

    def around(run: Callable[[], None], module: ModuleType) -> None:
        run()
        patch(module)

    around_import(name, around)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the module as the next finders would, and wraps its loader; gone once it found it."""

    def __init__(self, name: str, around: Around) -> None:
        self.name, self.around = name, around

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _Around(spec.loader, self.around)
        return spec


class _Around(importlib.abc.Loader):
    def __init__(self, loader: Any, around: Around) -> None:
        self.loader, self.around = loader, around

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self.loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        self.around(lambda: self.loader.exec_module(module), module)

    def __getattr__(self, name: str) -> Any:  # the rest of the loader's interface (get_source, ...)
        return getattr(self.loader, name)
