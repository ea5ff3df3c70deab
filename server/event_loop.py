"""The server's event loop: uvloop's, run from a frame that holds one large stack chunk.

CPython 3.11 keeps a thread's Python frames in 16 KB chunks and frees a chunk as soon as the call that needed
it returns: a loop that keeps calling across a chunk's end (graphql-core completing a list of objects, as
deep as the middleware and resolvers of a request put it) allocates and frees a chunk, an mmap and a munmap,
on every call. The same query measured 2-5x slower at some call depths than at others (CPython gh-142183,
fixed in 3.13 and 3.14 by keeping one spare chunk, not in 3.11). `run_until_complete` here starts from a
frame that reserves about a megabyte: the loop and everything it runs live in the one 2 MB chunk that frame
needs, and never reach its end (a megabyte is some 5,000 frames, more than Python's recursion limit allows).
Only the frame's own slots are written, so the rest of the chunk costs address space, not memory.

uvicorn takes the loop as `loop="server.event_loop:new_event_loop"`, in every worker process too.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Callable
from typing import Any, TypeVar

import uvloop

T = TypeVar("T")
RESERVED_SLOTS = 140_000  # 8 bytes each: ~1.1 MB, so CPython allocates a 2 MB chunk for the frame


def _call(run: Callable[..., T], *args: Any) -> T:
    return run(*args)


# `_call` with a frame as large as RESERVED_SLOTS evaluation-stack slots (more than it uses, which is safe).
in_one_chunk: Callable[..., Any] = types.FunctionType(
    _call.__code__.replace(co_stacksize=RESERVED_SLOTS), _call.__globals__, "in_one_chunk"
)


class OneChunkLoop(uvloop.Loop):
    """uvloop's loop, run from `in_one_chunk`."""

    def run_until_complete(self, future: Any) -> Any:
        return in_one_chunk(super().run_until_complete, future)


def new_event_loop() -> asyncio.AbstractEventLoop:
    return OneChunkLoop()
