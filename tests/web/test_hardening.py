"""The web side under hostile requests: nested bodies, floods of bad posts, strangers asking
/metrics and /healthz."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest

from bot.core.settings import Settings, load_settings
from bot.demo.school import School
from bot.simulator import FakeTelegram
from tests.conftest import TOKEN
from tests.helpers.web import Site, app, metric_value, site, text_update

__all__ = ["app", "site"]  # the webhook fixtures (tests/helpers/web.py)

MONITOR = "prometheus-reads-this-0123456789"


@pytest.fixture
def settings(tg: FakeTelegram, fresh_db: str, tmp_path: Path) -> Settings:
    """The test settings with a monitoring token."""
    return load_settings(
        env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        DATABASE_URL=fresh_db,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
        OUDERBRUG_METRICS_TOKEN=MONITOR,
    )


def secret_of(tg: FakeTelegram) -> str:
    """The token the bot gave Telegram with setWebhook."""
    assert tg.webhook is not None and tg.webhook.secret
    return tg.webhook.secret


async def test_a_deeply_nested_body_with_the_right_secret_is_a_400(
    tg: FakeTelegram, site: Site, school: School
) -> None:
    """200 000 nested lists (well under the 1 MB limit) are refused as not an update; the bot
    goes on answering."""
    body = b"[" * 200_000 + b"]" * 200_000
    assert await site.post(body, secret=secret_of(tg)) == 400
    body = b'{"update_id": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert await site.post(body, secret=secret_of(tg)) == 400
    await school.coordinator()  # still handling real updates


async def test_a_flood_of_bad_posts_writes_one_warning(
    tg: FakeTelegram, site: Site, school: School, caplog: pytest.LogCaptureFixture
) -> None:
    """Fifty posts without the secret and fifty broken bodies: all refused, one warning each."""
    forged = text_update(school.person("Yusuf"), 700_001, "/start")
    with caplog.at_level(logging.WARNING, logger="bot.web.webhook"):
        for _ in range(50):
            assert await site.post(forged, secret="wrong-secret-0123456789") == 403
            assert await site.post(b"{not json", secret=secret_of(tg)) == 400
    warnings = [r for r in caplog.records if r.name == "bot.web.webhook"]
    assert len(warnings) == 2, [r.getMessage() for r in warnings]
    headers = {"Authorization": f"Bearer {MONITOR}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(site.url + "/metrics", headers=headers) as response:
            text = await response.text()
    assert metric_value(text, "ouderbrug_webhook_rejected_total", reason="secret") == 50
    assert metric_value(text, "ouderbrug_webhook_rejected_total", reason="bad_json") == 50


async def test_metrics_and_health_answer_only_with_the_monitoring_token(site: Site) -> None:
    """Without OUDERBRUG_METRICS_TOKEN as a bearer token, /metrics and /healthz are a 401."""
    for path in ("/metrics", "/healthz"):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": MONITOR}):
            async with aiohttp.ClientSession() as http:
                async with http.get(site.url + path, headers=headers) as response:
                    assert response.status == 401, (path, headers)
                    assert "ouderbrug_" not in await response.text()
        async with aiohttp.ClientSession() as http:
            headers = {"Authorization": f"Bearer {MONITOR}"}
            async with http.get(site.url + path, headers=headers) as response:
                assert response.status == 200, path
