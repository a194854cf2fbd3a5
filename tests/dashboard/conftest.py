"""The dashboard's web server beside the running bot, shared by the dashboard stories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

from bot.app import BotApp
from bot.core.settings import Settings, load_settings
from bot.simulator import FakeTelegram
from tests.conftest import TOKEN
from tests.helpers.dashboard import Served, chromium, serve_dashboard


@pytest.fixture
async def web() -> AsyncIterator[Served]:
    """The dashboard's web server on 127.0.0.1."""
    async with serve_dashboard() as served:
        yield served


@pytest.fixture
def web_settings(tg: FakeTelegram, fresh_db: str, tmp_path: Path, web: Served) -> Settings:
    """The test settings, with the web server's address as the public URL."""
    return load_settings(
        env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        DATABASE_URL=fresh_db,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
        OUDERBRUG_SCHOOL_NAME="Basisschool De Buurt",
        OUDERBRUG_PUBLIC_URL=web.url,
    )


@pytest.fixture
async def served(web: Served, app: BotApp) -> Served:
    """The dashboard serving the running bot's school."""
    web.apps.append(app)
    return web


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium (skipped with one line when it is not installed, outside CI)."""
    async with chromium() as found:
        yield found
