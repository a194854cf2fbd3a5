"""Waiting for a condition that no event announces (a counter of the Feeder, a row), with a
deadline: asked every 20 ms, never a fixed sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

EVERY = 0.02  # seconds between two looks


async def until(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    """True as soon as `check()` holds; False if it still does not after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(EVERY)
    return True
