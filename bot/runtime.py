"""Running the bot inside an existing event loop (demo, tests): start, poll, stop cleanly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import BotApp


@asynccontextmanager
async def running(app: BotApp, *, poll_timeout: int = 10) -> AsyncIterator[BotApp]:
    """Initialise, run post_init, start long polling; undo it all on exit."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
    finally:
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()
