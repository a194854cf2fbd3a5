"""The demo's dashboard: served on 127.0.0.1 while the demo runs; the coordinator asks a link."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TextIO

from aiohttp import web

from bot.app import BotApp
from bot.dashboard.views import setup_dashboard
from bot.simulator import SimUser


@dataclass
class DemoWeb:
    """The dashboard's address and the bot it serves (added once it runs)."""

    url: str
    apps: list[BotApp] = field(default_factory=list)


@asynccontextmanager
async def dashboard_server(port: int = 0) -> AsyncIterator[DemoWeb]:
    """The dashboard on 127.0.0.1 (`port` 0: any free one), closed at the end."""
    web_app = web.Application()
    served = DemoWeb(url="")
    setup_dashboard(web_app, served.apps)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        served.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        yield served
    finally:
        await runner.cleanup()


async def ask_link(coordinator: SimUser) -> str:
    """The coordinator sends /dashboard; the one-time link from the bot's answer."""
    await coordinator.send("/dashboard")
    message = await coordinator.wait_for_message(lambda m: "/dashboard/login/" in m.text)
    return next(word for word in message.text.split() if "/dashboard/login/" in word)


async def keep_serving(link: str, out: TextIO) -> None:
    """Print the link and serve until Ctrl-C."""
    print(f"\n🖥️  The coordinator's dashboard: open {link} in your browser.", file=out)
    print("    (the link works once; Ctrl-C stops the demo)", file=out, flush=True)
    await asyncio.Event().wait()
