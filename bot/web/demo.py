"""The demo in webhook mode: the bot behind its web server, and what /healthz and /metrics say."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from bot.app import BotApp
from bot.core.settings import Settings
from bot.web.server import WebServer, web_side

# The /metrics lines the demo shows (prefixes).
SHOWN = (
    "ouderbrug_updates_handled_total",
    "ouderbrug_webhook_updates_total",
    "ouderbrug_webhook_rejected_total",
    "ouderbrug_deliveries",
    "ouderbrug_outbox_depth",
    "ouderbrug_translation_cache_hit_ratio",
)


@asynccontextmanager
async def web_demo(settings: Settings, app: BotApp) -> AsyncIterator[WebServer]:
    """The demo school's bot (built with webhook=True) behind the web server on 127.0.0.1."""
    local = settings.model_copy(update={"public_url": None})  # Telegram posts to this server
    async with web_side(local, {"default": app}, host="127.0.0.1", port=0) as server:
        yield server


async def web_report(server: object) -> list[str]:
    """What a monitor would read: the health check and the main metrics."""
    assert isinstance(server, WebServer)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.local_url}/healthz") as response:
            health = (response.status, await response.json())
        async with http.get(f"{server.local_url}/metrics") as response:
            metrics = await response.text()
    lines = [
        "\n== The web side (webhook mode): every update above came by POST ==",
        f"GET /healthz -> {health[0]} {json.dumps(health[1])}",
        "GET /metrics (excerpt):",
    ]
    lines += [f"  {line}" for line in metrics.splitlines() if line.startswith(SHOWN)]
    return lines
