"""Feast without typeguard's instrumentation: most of the time `import feast` takes.

Feast decorates its classes with typeguard's `@typechecked`, which rewrites and recompiles each method when
the module is imported: about 5 of the 6-8 seconds `import feast` takes on these machines, paid by every
server start and every training job that opens a FeatureStore. With the decorator a no-op for Feast's own
modules (it stays what it was for everyone else's code), the import takes about 1.5 s. Feast's behaviour
does not depend on it: it only raises TypeCheckError when a caller passes arguments of the wrong type.
"""

from __future__ import annotations

import functools
from typing import Any

MARK = "_asgard_skips_feast"


def skip_feast_instrumentation() -> None:
    """Make typeguard's decorator leave Feast's code alone; call it before Feast is imported."""
    try:
        import typeguard
    except ImportError:  # no typeguard: nothing to skip
        return
    original = typeguard.typechecked
    if getattr(original, MARK, False):
        return

    def typechecked(target: Any = None, **options: Any) -> Any:
        if target is None:
            return functools.partial(typechecked, **options)
        module = getattr(target, "__module__", None) or getattr(getattr(target, "__func__", None), "__module__", "")
        if str(module).startswith("feast"):
            return target
        return original(target, **options)

    setattr(typechecked, MARK, True)
    typeguard.typechecked = typechecked
