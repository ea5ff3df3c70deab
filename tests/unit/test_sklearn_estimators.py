"""server/sklearn_estimators.py: skops gets scikit-learn's estimator names from the kept list, the very names
all_estimators() gives; another scikit-learn version or a damaged list leaves skops to find them itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from server.sklearn_estimators import NAMES_FILE, known_estimators, listed_now


def test_the_kept_list_is_what_all_estimators_finds():
    assert json.loads(NAMES_FILE.read_text()) == listed_now(), (
        "server/sklearn_estimators.json is stale: run `python -m server.sklearn_estimators`"
    )


def test_a_list_of_another_version_or_damaged_is_not_used(tmp_path):
    import sklearn

    path = tmp_path / "names.json"
    path.write_text(json.dumps({"scikit-learn": "0.1", "estimators": ["sklearn.x.Y"]}))
    assert known_estimators(sklearn.__version__, path) is None
    assert known_estimators("0.1", path) == ["sklearn.x.Y"]
    for damaged in ("not json", "[]", json.dumps({"scikit-learn": "0.1", "estimators": [1]})):
        path.write_text(damaged)
        assert known_estimators("0.1", path) is None


CHECK = """
import sys, json
import server.sklearn_estimators as known
if sys.argv[1] == "other":
    known.NAMES_FILE = known.Path(sys.argv[2])
known.give_skops_the_known_estimators()
from skops.io import _trusted_types, dumps, loads
import sklearn.utils
from sklearn.linear_model import LogisticRegression

model = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
again = loads(dumps(model))  # trusted by default: scikit-learn's estimators
assert (again.predict([[0.5], [2.5]]) == [0, 1]).all()
everything = "sklearn.semi_supervised" in sys.modules  # a module only all_estimators() imports
real = sklearn.utils.all_estimators
assert real.__module__ == "sklearn.utils.discovery" and isinstance(real()[0][1], type)  # scikit-learn's own again
print(json.dumps({"names": _trusted_types.SKLEARN_ESTIMATOR_TYPE_NAMES, "everything": everything}))
"""


@pytest.mark.parametrize("kept", ["known", "other"])
def test_skops_trusts_the_same_names_either_way(tmp_path, kept):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"scikit-learn": "0.1", "estimators": []}))
    done = subprocess.run([sys.executable, "-c", CHECK, kept, str(other)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    expected = [n for n in json.loads(NAMES_FILE.read_text())["estimators"] if n.startswith("sklearn.")]
    assert seen["names"] == expected
    # with the kept list, skops no longer imports every module of scikit-learn to find them
    assert seen["everything"] == (kept == "other")
