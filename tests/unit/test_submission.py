"""The checks a training job submission goes through (server/jobs/submission.py)."""

from __future__ import annotations

from server.config import JobSettings
from server.jobs.submission import Submission, validate_submission


def _codes(errors) -> list[tuple[str, tuple[str, ...] | None]]:
    return [(e.code.value, e.field) for e in errors]


def test_submissions():
    settings = JobSettings(max_script_bytes=100, default_timeout_seconds=60, max_timeout_seconds=60)
    spec, errors = validate_submission(Submission("train.py", "print(1)", None, "exp"), settings, set())
    assert errors == [] and spec is not None and spec.script == "print(1)"
    _, errors = validate_submission(
        Submission("../x.py", "print(", None, "exp", requirements=("x.tar.gz", "ok==1"), timeout_seconds=61),
        settings,
        set(),
    )
    assert {code for code, _ in _codes(errors)} >= {"INVALID_SCRIPT", "INVALID_REQUIREMENT", "INVALID_VALUE"}
    assert ("INVALID_REQUIREMENT", ("requirements", "0")) in _codes(errors)
    _, too_large = validate_submission(Submission("t.py", "#" * 200, None, "exp"), settings, set())
    assert ("TOO_LARGE", ("script",)) in _codes(too_large)
    _, unknown = validate_submission(Submission("t.py", "pass", None, "exp", feature_service="nope"), settings, set())
    assert [code for code, _ in _codes(unknown)] == ["NOT_FOUND"]


def test_requirements_name_versions_on_the_index_and_nothing_pip_would_read_as_a_path():
    settings = JobSettings(max_script_bytes=100, default_timeout_seconds=60, max_timeout_seconds=60)
    fine = ("numpy", "numpy==1.26.4", "pandas>=2,<3", "scikit-learn~=1.5.0", "x==1.*", "y[extra]!=2.0",
            'z>=1; python_version < "3.12"', "a==1.0+local.1")  # fmt: skip
    spec, errors = validate_submission(Submission("t.py", "pass", None, "e", requirements=fine), settings, set())
    assert errors == [] and spec is not None
    for bad in ("x===1.0", "x===/../../etc", "x==1/../y", "x>=..\\y", "x==not-a-version"):
        _, errors = validate_submission(Submission("t.py", "pass", None, "e", requirements=(bad,)), settings, set())
        assert _codes(errors) == [("INVALID_REQUIREMENT", ("requirements", "0"))], bad
