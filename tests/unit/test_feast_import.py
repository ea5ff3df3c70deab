"""server/feast_import.py: typeguard's decorator leaves Feast's code alone and no one else's, whether typeguard was
imported before the call or only after it (a training job that never opens Feast does not import typeguard)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
from server.feast_import import skip_feast_instrumentation
{before}
skip_feast_instrumentation()
skip_feast_instrumentation()  # twice is once
print("imported" if "typeguard" in sys.modules else "not-imported")
import typeguard
import feast.fake_module, feastlike

assert typeguard.typechecked(feast.fake_module.plain) is feast.fake_module.plain, "Feast's function instrumented"
assert typeguard.typechecked()(feast.fake_module.plain) is feast.fake_module.plain  # the decorator with options
assert typeguard.typechecked(feastlike.plain) is not feastlike.plain, "another module's function left alone"
print("ok")
"""
PLAIN = "def plain(x: int) -> int:\n    return x\n"


@pytest.mark.parametrize(("before", "expected"), [("", "not-imported"), ("import typeguard", "imported")])
def test_feasts_functions_alone_are_left_unchecked(tmp_path, before, expected):
    (tmp_path / "feast").mkdir()  # a package `feast` of its own, ahead of Feast's on the path
    (tmp_path / "feast" / "__init__.py").write_text("")
    (tmp_path / "feast" / "fake_module.py").write_text(PLAIN)
    (tmp_path / "feastlike.py").write_text(PLAIN)
    done = subprocess.run(
        [sys.executable, "-c", CHECK.format(before=before), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [expected, "ok"]
