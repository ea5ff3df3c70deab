"""Run at the start of every training job (the runner puts this directory on PYTHONPATH): Feast's import
without typeguard's instrumentation, as the server has it (server/feast_import.py): ~5 s less per job that
opens a FeatureStore. Loaded by path: a job's own environment may not see the server's package."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_asgard_feast_import", Path(__file__).parents[2] / "feast_import.py")
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    _module.skip_feast_instrumentation()
