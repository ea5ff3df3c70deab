"""How the typed client converts Asgard's DateTime scalar; ariadne-codegen copies this module into the package.

The server sends ISO-8601 strings with an offset and reads them back the same way, so both directions go
through the standard library rather than pydantic's lenient coercion (which would also accept numbers).
"""

from datetime import datetime
from typing import Any


def parse_datetime(value: Any) -> Any:
    """An ISO-8601 string from the server as a datetime; anything else is left to pydantic to reject."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def serialize_datetime(value: datetime) -> str:
    """A datetime as the ISO-8601 string the server reads; give it a zone where the API asks for one."""
    return value.isoformat()
