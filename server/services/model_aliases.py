"""MLflow's rules for model aliases, checked before MLflow sees an alias."""

from __future__ import annotations

import re

from server.services.errors import ErrorCode, InputError, input_error

ALIAS_PATTERN = re.compile(r"^[\w\-]{1,255}$")
VERSION_ALIAS = re.compile(r"^[vV]\d+$")


def check_alias(alias: str) -> list[InputError]:
    """Why `alias` cannot name a model version (empty when it can)."""
    if alias.lower() == "latest":
        return [input_error(ErrorCode.INVALID_NAME, "'latest' is reserved and cannot be an alias", "alias")]
    if not ALIAS_PATTERN.fullmatch(alias):
        return [
            input_error(
                ErrorCode.INVALID_NAME,
                f"alias {alias!r} must be 1-255 letters, digits, underscores or dashes",
                "alias",
            )
        ]
    if VERSION_ALIAS.fullmatch(alias):
        return [
            input_error(ErrorCode.INVALID_NAME, f"alias {alias!r} looks like a version reference (v<number>)", "alias")
        ]
    return []
