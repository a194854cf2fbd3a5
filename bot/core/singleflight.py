"""Concurrent identical requests share one result: the first does the work, the others wait.

Used where the same expensive thing is often asked for at the same moment (one announcement
translated for 200 parents of one language, the same voice copy for each of them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """One piece of work per key at a time; callers of a key that is running wait for its result."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Future[T]] = {}

    async def run(
        self,
        key: Hashable,
        work: Callable[[], Awaitable[T]],
        *,
        joined: Callable[[], None] | None = None,
    ) -> T:
        """`work()`'s result, or that of the call for `key` already running (`joined` is then
        called). A failure reaches every waiter; a waiter that is cancelled does not cancel the
        work the others wait for."""
        running = self._running.get(key)
        if running is not None:
            if joined is not None:
                joined()
            return await asyncio.shield(running)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            result = await work()
            future.set_result(result)
            return result
        except BaseException as err:
            future.set_exception(err)
            future.exception()  # mark retrieved: joiners re-raise it themselves
            raise
        finally:
            del self._running[key]
