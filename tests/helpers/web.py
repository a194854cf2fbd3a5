"""The web side as Telegram and a monitor see it: webhook posts, /healthz, /metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.app import BotApp, build_application
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.simulator import SimUser
from bot.web.server import WebServer, web_side
from bot.web.webhook import SECRET_HEADER


@dataclass
class Site:
    """The running web server and the school bot behind it."""

    server: WebServer
    app: BotApp

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>."""
        return self.server.local_url

    @property
    def webhook_url(self) -> str:
        """The default school's webhook."""
        return f"{self.url}/telegram/default"

    async def post(self, body: bytes | dict[str, Any], secret: str | None) -> int:
        """POST to the webhook as anyone could; the HTTP status."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with aiohttp.ClientSession() as http:
            if isinstance(body, dict):
                response = await http.post(self.webhook_url, json=body, headers=headers)
            else:
                response = await http.post(self.webhook_url, data=body, headers=headers)
            async with response:
                return response.status

    async def get(self, path: str) -> tuple[int, str]:
        """GET a page: (status, body)."""
        async with aiohttp.ClientSession() as http, http.get(self.url + path) as response:
            return response.status, await response.text()

    async def metric(self, name: str, **labels: str) -> float:
        """One value from /metrics (0 when the series is absent)."""
        status, text = await self.get("/metrics")
        assert status == 200
        return metric_value(text, name, **labels)


@pytest.fixture
async def site(settings: Settings, clock: ManualClock) -> AsyncIterator[Site]:
    """The bot in webhook mode behind its web server on a free port."""
    application = build_application(settings, clock=clock, webhook=True)
    async with web_side(settings, {"default": application}, host="127.0.0.1", port=0) as server:
        yield Site(server, application)


@pytest.fixture
def app(site: Site) -> BotApp:
    """The school's bot (the `school` fixture builds on it)."""
    return site.app


def metric_value(text: str, name: str, **labels: str) -> float:
    """Find `name{labels}` in Prometheus' text format."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        if series == name and not labels:
            return float(value)
        if series.startswith(name + "{") and all(f'{k}="{v}"' in series for k, v in labels.items()):
            return float(value)
    return 0.0


def text_update(
    user: SimUser, update_id: int, text: str, message_id: int = 90_000
) -> dict[str, Any]:
    """An update as Telegram would post it, for a message this user never really sent."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "from": user.user_json(),
            "chat": user.chat_json(),
            "date": user.tg.now(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if text.startswith("/")
            else [],
        },
    }
