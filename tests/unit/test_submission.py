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
