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
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

MARK = "_asgard_skips_feast"


def skip_feast_instrumentation(after_import: Callable[..., None] | None = None) -> None:
    """Make typeguard's decorator leave Feast's code alone; call it before Feast is imported. `after_import`:
    server/import_hooks.py's, where this module was loaded by path (the job site)."""
    module = sys.modules.get("typeguard")
    if module is not None:
        leave_feast_alone(module)
        return
    if after_import is None:
        from server import import_hooks

        after_import = import_hooks.after_import
    after_import("typeguard", leave_feast_alone)


def leave_feast_alone(typeguard: ModuleType) -> None:
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
