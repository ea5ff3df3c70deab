"""Reading an old request body: the JSON type of each field is checked, and every problem is kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """Something wrong with a request, named by the old API's dotted field (None: the whole body)."""

    field: str | None
    code: str
    message: str


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class Body:
    """One JSON object of a request body; nested objects share the list of problems."""

    data: Mapping[str, Any]
    problems: list[Problem] = field(default_factory=list)
    prefix: str = ""

    @classmethod
    def of(cls, payload: Any) -> Body:
        if isinstance(payload, dict):
            return cls(payload)
        return cls({}, [Problem(None, "INVALID_VALUE", "the body must be a JSON object")])

    def where(self, key: str | int) -> str:
        return f"{self.prefix}{key}"

    def refuse(self, key: str | int, message: str, code: str = "INVALID_VALUE") -> None:
        self.problems.append(Problem(self.where(key), code, message))

    def has(self, key: str) -> bool:
        return key in self.data

    def value(self, key: str) -> Any:
        """The field as it is (any JSON), None when absent."""
        return self.data.get(key)

    def _present(self, key: str, required: bool) -> bool:
        if self.data.get(key) is not None:
            return True
        if required:
            self.refuse(key, "field required")
        return False

    def text(self, key: str, required: bool = False) -> str | None:
        if not self._present(key, required):
            return None
        value = self.data[key]
        if isinstance(value, str):
            return value
        self.refuse(key, "must be a string")
        return None

    def integer(self, key: str) -> int | None:
        if not self._present(key, False):
            return None
        value = self.data[key]
        if _is_int(value):
            return int(value)
        self.refuse(key, "must be an integer")
        return None

    def flag(self, key: str, default: bool) -> bool:
        if not self._present(key, False):
            return default
        value = self.data[key]
        if isinstance(value, bool):
            return value
        self.refuse(key, "must be true or false")
        return default

    def texts(self, key: str, required: bool = False) -> list[str] | None:
        if not self._present(key, required):
            return None
        values = self.data[key]
        if not isinstance(values, list):
            self.refuse(key, "must be a list of strings")
            return None
        for i, value in enumerate(values):
            if not isinstance(value, str):
                self.refuse(f"{key}.{i}", "must be a string")
        return [v for v in values if isinstance(v, str)]

    def labels(self, key: str) -> dict[str, str]:
        """A {"key": "value"} object of strings (old tags)."""
        if not self._present(key, False):
            return {}
        values = self.data[key]
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            self.refuse(key, "must be an object of string values")
            return {}
        return dict(values)

    def child(self, key: str, required: bool = False) -> Body | None:
        if not self._present(key, required):
            return None
        value = self.data[key]
        if isinstance(value, dict):
            return Body(value, self.problems, f"{self.where(key)}.")
        self.refuse(key, "must be an object")
        return None

    def children(self, key: str, required: bool = False) -> list[Body] | None:
        if not self._present(key, required):
            return None
        values = self.data[key]
        if not isinstance(values, list):
            self.refuse(key, "must be a list of objects")
            return None
        items = []
        for i, value in enumerate(values):
            if isinstance(value, dict):
                items.append(Body(value, self.problems, f"{self.where(key)}.{i}."))
            else:
                self.refuse(f"{key}.{i}", "must be an object")
        return items
