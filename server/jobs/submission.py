"""Validation of a training job submission (pure): every problem becomes one InputError."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from server.config import JobSettings
from server.jobs.records import JobSpec
from server.services.errors import ErrorCode, InputError, InputErrorList, input_error

SCRIPT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,124}\.py$")
MAX_PARAMETERS_BYTES = 64 * 1024
MAX_REQUIREMENTS = 100
MAX_RETRIES = 5


@dataclass(frozen=True)
class Submission:
    """A submission as the caller sent it."""

    script_name: str
    script: str | None
    script_base64: str | None
    experiment_name: str
    model_name: str | None = None
    requirements: tuple[str, ...] = ()
    parameters: Any = None
    timeout_seconds: int | None = None
    feature_service: str | None = None
    retries: int = 0


def _script_text(s: Submission, cap: int) -> tuple[str | None, list[InputError]]:
    if s.script is not None and s.script_base64 is not None:
        return None, [input_error(ErrorCode.INVALID_VALUE, "give script or scriptBase64, not both", "script")]
    if s.script is None and s.script_base64 is None:
        return None, [input_error(ErrorCode.INVALID_SCRIPT, "give the script in script or scriptBase64", "script")]
    if s.script_base64 is not None:
        field = "scriptBase64"
        if len(s.script_base64) * 3 // 4 > cap + 3:
            return None, [input_error(ErrorCode.TOO_LARGE, f"the script is larger than {cap} bytes", field)]
        try:
            raw = base64.b64decode(s.script_base64, validate=True)
            text = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            return None, [
                input_error(ErrorCode.INVALID_SCRIPT, "scriptBase64 is not valid base64 of UTF-8 text", field)
            ]
    else:
        field, text = "script", s.script or ""
    if len(text.encode("utf-8")) > cap:
        return None, [input_error(ErrorCode.TOO_LARGE, f"the script is larger than {cap} bytes", field)]
    if not text.strip():
        return None, [input_error(ErrorCode.INVALID_SCRIPT, "the script is empty", field)]
    try:
        compile(text, s.script_name, "exec", dont_inherit=True)
    except SyntaxError as error:
        where = f"line {error.lineno}" + (f", column {error.offset}" if error.offset else "")
        return None, [input_error(ErrorCode.INVALID_SCRIPT, f"syntax error at {where}: {error.msg}", field)]
    except ValueError as error:  # e.g. NUL bytes
        return None, [input_error(ErrorCode.INVALID_SCRIPT, f"the script cannot be compiled: {error}", field)]
    return text, []


def _requirements(values: tuple[str, ...]) -> list[InputError]:
    errors = InputErrorList()
    if len(values) > MAX_REQUIREMENTS:
        errors.add(ErrorCode.LIMIT_EXCEEDED, f"at most {MAX_REQUIREMENTS} requirements", "requirements")
    for i, value in enumerate(values):
        try:
            requirement = Requirement(value)
        except InvalidRequirement as error:
            errors.add(
                ErrorCode.INVALID_REQUIREMENT, f"{value!r} is not a PEP 508 requirement: {error}", "requirements", i
            )
            continue
        problem = _not_from_an_index(value, requirement)
        if problem:
            errors.add(ErrorCode.INVALID_REQUIREMENT, f"{value!r}: {problem}", "requirements", i)
    return errors


# What pip takes as an archive (pip._internal.utils.filetypes), and eggs.
ARCHIVE_SUFFIXES = (
    ".zip", ".whl", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma", ".tar.gz", ".tgz",
    ".tar", ".egg",
)  # fmt: skip


def _not_from_an_index(text: str, requirement: Requirement) -> str | None:
    """Requirements name a project on the package index, with versions: never a file, a directory, an
    archive, a URL (VCS or not) or a pip option, which would install from elsewhere than the index."""
    if text.lstrip().startswith("-"):
        return "pip options are not requirements"
    if requirement.url:
        return "install from the package index by name and version, not from a URL"
    if requirement.name.lower().endswith(ARCHIVE_SUFFIXES):
        return "archives are not installed: name a project on the package index"
    # pip reads the text itself: what stands before the marker must not look like a path to it. `===`
    # (arbitrary equality) takes any token, so "x===/../../some/dir" would install that directory.
    before_marker = text.split(";", 1)[0]
    if "/" in before_marker or "\\" in before_marker:
        return "paths are not installed: name a project on the package index"
    for specifier in requirement.specifier:
        if specifier.operator == "===":
            return "arbitrary equality (===) is not accepted: give a version with == or a range"
        try:
            Version(specifier.version.removesuffix(".*"))
        except InvalidVersion:
            return f"{specifier.version!r} is not a version (PEP 440)"
    return None


def validate_submission(
    s: Submission, settings: JobSettings, feature_services: set[str]
) -> tuple[JobSpec | None, list[InputError]]:
    errors = InputErrorList()
    if not SCRIPT_NAME.match(s.script_name):
        errors.add(
            ErrorCode.INVALID_NAME,
            "scriptName must be a file name ending in .py (letters, digits, _ . -)",
            "scriptName",
        )
    script, script_errors = _script_text(s, settings.max_script_bytes)
    errors += script_errors
    if not s.experiment_name.strip() or len(s.experiment_name) > 500:
        errors.add(ErrorCode.INVALID_NAME, "experimentName must be 1-500 characters", "experimentName")
    if s.model_name is not None and (not s.model_name.strip() or len(s.model_name) > 255):
        errors.add(ErrorCode.INVALID_NAME, "modelName must be 1-255 characters", "modelName")
    errors += _requirements(s.requirements)
    timeout = s.timeout_seconds if s.timeout_seconds is not None else settings.default_timeout_seconds
    if not 0 < timeout <= settings.max_timeout_seconds:
        errors.add(
            ErrorCode.INVALID_VALUE,
            f"timeoutSeconds must be between 1 and {settings.max_timeout_seconds}",
            "timeoutSeconds",
        )
    if not 0 <= s.retries <= MAX_RETRIES:
        errors.add(ErrorCode.INVALID_VALUE, f"retries must be between 0 and {MAX_RETRIES}", "retries")
    if len(json.dumps(s.parameters)) > MAX_PARAMETERS_BYTES:
        errors.add(ErrorCode.TOO_LARGE, f"parameters are larger than {MAX_PARAMETERS_BYTES} bytes", "parameters")
    if s.feature_service is not None and s.feature_service not in feature_services:
        errors.add(ErrorCode.NOT_FOUND, f"feature service {s.feature_service!r} does not exist", "featureService")
    if errors or script is None:
        return None, errors
    return (
        JobSpec(
            script_name=s.script_name,
            script=script,
            experiment_name=s.experiment_name,
            model_name=s.model_name,
            requirements=tuple(s.requirements),
            parameters=s.parameters,
            timeout_seconds=timeout,
            feature_service=s.feature_service,
            retries=s.retries,
        ),
        [],
    )
