"""Asgard: one GraphQL front door to an ML platform."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("asgard")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+local"
