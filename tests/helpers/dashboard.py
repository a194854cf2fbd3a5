"""The dashboard in tests: served by aiohttp on 127.0.0.1, opened in Debian's Chromium.

Chromium is Debian's `chromium` package (installed by .ci/run), driven by Playwright from PyPI;
Playwright's own browser download is never used.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright

from bot.app import BotApp
from bot.dashboard.views import setup_dashboard
from bot.simulator import SimUser
from tests.helpers.machine import chromium_path, require

SHOTS = Path("/tmp/dash/shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1100, "height": 800}
LINK = re.compile(r"https?://\S+/dashboard/login/[A-Za-z0-9_-]+")
PHONE_360 = {"width": 360, "height": 800}  # the smallest phones the schools' parents carry
TAGS = re.compile(r"<[^>]+>")


def text_of(page: str) -> str:
    """A page's text without its tags (entities decoded), one space between words."""
    return " ".join(html.unescape(TAGS.sub(" ", page)).split())


@dataclass
class Served:
    """The dashboard's web server and the bots it serves (added once they have started)."""

    url: str
    apps: list[BotApp] = field(default_factory=list)


@asynccontextmanager
async def serve_dashboard() -> AsyncIterator[Served]:
    """An aiohttp server with the dashboard on a free port of 127.0.0.1, closed at the end."""
    web_app = web.Application()
    apps: list[BotApp] = []
    setup_dashboard(web_app, apps)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        yield Served(url=f"http://127.0.0.1:{port}", apps=apps)
    finally:
        await runner.cleanup()


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Headless Chromium, closed at the end."""
    require("browser")  # outside CI: skipped without Chromium; with CI=true: failed
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=chromium_path(), headless=True)
        try:
            yield browser
        finally:
            await browser.close()


async def ask_login_link(user: SimUser) -> str:
    """The coordinator sends /dashboard; the link in the bot's answer."""
    await user.send("/dashboard")
    message = await user.wait_for_message(lambda m: LINK.search(m.text) is not None)
    found = LINK.search(message.text)
    assert found is not None
    return found.group(0)


async def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG to look at (kept under /tmp/dash/shots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
