"""The one way from a service call to a mutation payload."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from server.blocking import run_blocking
from server.schema.common import user_errors
from server.services.errors import InputError, InputErrors

P = TypeVar("P")
R = TypeVar("R")


async def mutate(payload: Callable[..., P], shape: Callable[[R], P], call: Callable[..., R], *args: Any) -> P:
    """Run a service call off the event loop and shape its result into the payload. Input the service
    refused comes back as the payload's `userErrors` with every other field null, or with the object as
    it still is when the refusal carries one."""
    try:
        result = await run_blocking(call, *args)
    except InputErrors as refused:
        return _refused(payload, shape, refused)
    return shape(result)


async def mutate_async(
    payload: Callable[..., P], shape: Callable[[R], P], call: Callable[..., Awaitable[R]], *args: Any
) -> P:
    """mutate for a service call that is a coroutine (it decides what runs off the loop itself)."""
    try:
        result = await call(*args)
    except InputErrors as refused:
        return _refused(payload, shape, refused)
    return shape(result)


def _refused(payload: Callable[..., P], shape: Callable[[R], P], refused: InputErrors) -> P:
    if refused.current is not None:
        shaped = shape(cast(R, refused.current))
        return dataclasses.replace(shaped, user_errors=user_errors(refused.errors))  # type: ignore[type-var]
    return refusal(payload, refused.errors)


def refusal(payload: Callable[..., P], errors: list[InputError]) -> P:
    """A payload that says why nothing was done."""
    return payload(user_errors=user_errors(errors))
