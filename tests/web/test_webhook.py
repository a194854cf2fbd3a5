"""Stories of the webhook mode: Telegram posts updates to the school's server, monitors ask it how it is.

The real bot runs without an updater behind the real aiohttp server on 127.0.0.1; the fake
Telegram was told the webhook by the bot's own setWebhook call and posts every update to it.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core.clock import ManualClock
from bot.core.i18n import Catalogs
from bot.demo.school import School
from bot.simulator import FakeTelegram
from tests.conftest import BOT_USERNAME, TOKEN
from tests.helpers.web import Site, app, site, text_update

__all__ = ["app", "site"]  # the webhook fixtures (tests/helpers/web.py)

FORGED_ID = 700_000  # update ids far above the fake Telegram's own
LOCALES = Path(__file__).resolve().parents[2] / "locales"


def secret_of(tg: FakeTelegram) -> str:
    """The token the bot gave Telegram with setWebhook."""
    assert tg.webhook is not None and tg.webhook.secret
    return tg.webhook.secret


async def test_a_parent_joins_through_the_webhook(
    tg: FakeTelegram, site: Site, school: School
) -> None:
    """The bot set its webhook; Sofie, then a parent, talk to it and every update comes by POST."""
    assert tg.webhook is not None and tg.webhook.url == site.webhook_url
    assert "callback_query" in tg.webhook.allowed_updates
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    amina = await school.parent("Amina", "ar", "1A")
    assert amina.messages and tg.webhook.delivered >= 5
    assert tg.calls("getUpdates") == []
    assert tg.webhook.statuses and set(tg.webhook.statuses) == {200}
    assert await site.metric("ouderbrug_webhook_updates_total", outcome="accepted") == (
        tg.webhook.delivered
    )


async def test_without_the_right_secret_nothing_is_handled(
    tg: FakeTelegram, site: Site, school: School
) -> None:
    """Someone who found the URL posts a /start without the secret, then with a wrong one: 403."""
    yusuf = school.person("Yusuf")
    forged = text_update(yusuf, FORGED_ID, "/start")
    assert await site.post(forged, secret=None) == 403
    assert await site.post(forged, secret="wrong-" + secret_of(tg)[6:]) == 403
    assert await site.post(b"{not json", secret=secret_of(tg)) == 400
    await yusuf.send("/help")  # the real Telegram route still works, and comes after the forgeries
    await yusuf.expect_text(school.t("nl", "start.no_code"))
    assert len(yusuf.messages) == 1
    assert await site.metric("ouderbrug_webhook_rejected_total", reason="secret") == 2
    assert await site.metric("ouderbrug_webhook_rejected_total", reason="bad_json") == 1
    assert await site.metric("ouderbrug_updates_handled_total", school="default") == 1


async def test_an_update_posted_twice_is_handled_once(
    tg: FakeTelegram, site: Site, school: School
) -> None:
    """Telegram did not hear our answer and posts the same /start again: one reply."""
    yusuf = school.person("Yusuf")
    again = text_update(yusuf, FORGED_ID, "/start")
    assert await site.post(again, secret=secret_of(tg)) == 200
    assert await site.post(again, secret=secret_of(tg)) == 200
    await yusuf.send("/mydata")  # handled after both posts: the repeat would have come first
    await yusuf.wait_for_message(lambda m: len(yusuf.messages) >= 2)
    answers = [m for m in yusuf.messages if m.shows(school.t("nl", "start.no_code"))]
    assert len(answers) == 1
    assert await site.metric("ouderbrug_webhook_updates_total", outcome="duplicate") == 1


async def test_an_unreadable_update_is_logged_and_the_bot_goes_on(
    tg: FakeTelegram, site: Site, school: School, caplog: pytest.LogCaptureFixture
) -> None:
    """An update with a proper id but a garbled message: accepted, logged, skipped."""
    yusuf = school.person("Yusuf")
    assert await site.post({"update_id": FORGED_ID, "message": "garbled"}, secret_of(tg)) == 200
    await yusuf.send("/start")
    await yusuf.expect_text(school.t("nl", "start.no_code"))
    assert f"update {FORGED_ID} is not readable" in caplog.text


async def test_the_fake_telegram_retries_until_the_bot_answers(
    tg: FakeTelegram, site: Site, school: School
) -> None:
    """The server is briefly away (port closed): Telegram keeps the update and delivers it later."""
    await site.server.stop()
    yusuf = school.person("Yusuf")
    await yusuf.send("/start")
    assert await tg.wait_until(lambda: tg.webhook is not None and tg.webhook.attempts >= 2, 5)
    info = await site.app.bot.get_webhook_info()
    assert info.pending_update_count == 1 and info.last_error_message
    await site.server.start()  # same port: the next retry gets through
    await yusuf.expect_text(school.t("nl", "start.no_code"), timeout=10)


async def test_healthz_says_what_is_wrong(
    tg: FakeTelegram, site: Site, clock: ManualClock, unused_tcp_port: int
) -> None:
    """All fine: 200. The database server gone: 503 naming it. Telegram down: 503 naming it."""
    status, body = await site.get("/healthz")
    assert status == 200 and '"status": "ok"' in body
    services = site.app.bot_data
    working = services.engine
    services.engine = create_async_engine(
        f"postgresql+asyncpg://ouderbrug:x@127.0.0.1:{unused_tcp_port}/gone"
    )  # where no database listens
    try:
        status, body = await site.get("/healthz")
    finally:
        await services.engine.dispose()
        services.engine = working
    assert status == 503 and '"database": "unreachable' in body and '"telegram": "ok"' in body
    tg.inject("getMe", status=502, description="Bad Gateway", times=None)
    status, body = await site.get("/healthz")
    assert status == 200, "Telegram's answer is kept a few seconds"
    clock.advance(timedelta(seconds=11))
    status, body = await site.get("/healthz")
    assert status == 503 and '"telegram": "unreachable' in body and '"database": "ok"' in body
    tg.clear_faults()


async def test_metrics_count_updates_and_deliveries(
    tg: FakeTelegram, site: Site, school: School
) -> None:
    """A teacher's announcement reaches one parent: /metrics shows the updates and the copy sent."""
    handled = await site.metric("ouderbrug_updates_handled_total", school="default")
    assert handled == 0
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    tom = await school.parent("Tom", "nl", "1A")
    await lies.send("Morgen is er geen school.")
    await lies.press(school.t("nl", "announce.send_now"))
    await tom.expect_text("Morgen is er geen school.", timeout=10)
    report = school.t(
        "nl", "announce.report", classes="1A", sent=1, total=1, seen=0, failed=0,
        languages="X", second=0, original=0,
    ).split("🌍")[0]  # fmt: skip
    await lies.expect_text(report, timeout=10)  # the outcome is stored
    status, text = await site.get("/metrics")
    assert status == 200
    assert "# TYPE ouderbrug_updates_handled_total counter" in text
    assert await site.metric("ouderbrug_updates_handled_total", school="default") >= 10
    assert await site.metric("ouderbrug_deliveries", status="sent") == 1
    assert await site.metric("ouderbrug_outbox_depth", school="default") == 0
    assert await site.metric("ouderbrug_database_up", school="default") == 1
    assert "ouderbrug_translation_cache_hit_ratio" in text


async def test_ouderbrug_run_webhook_serves_and_stops_on_sigterm(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    """The school's server: `ouderbrug run --webhook` migrates, sets the webhook, answers, stops cleanly."""
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("OUDERBRUG_", "TELEGRAM_", "DATABASE_URL"))
        }
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": tg.base_url.removesuffix("/bot"),
            "OUDERBRUG_LOCALES_DIR": str(LOCALES),
            "OUDERBRUG_LISTEN_PORT": str(unused_tcp_port),
            "OUDERBRUG_PUBLIC_URL": f"http://127.0.0.1:{unused_tcp_port}",
            "HOME": str(tmp_path),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--webhook", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        assert proc.stdout is not None
        try:
            assert await tg.wait_until(lambda: tg.webhook is not None, 60), "no setWebhook"
            assert tg.webhook is not None
            assert tg.webhook.url == f"http://127.0.0.1:{unused_tcp_port}/telegram/default"
            assert (tmp_path / "data" / "webhook.key").exists()
            yusuf = tg.user(4242, "Yusuf")
            await yusuf.send("/start")
            no_code = Catalogs.load(LOCALES, "nl").t("nl", "start.no_code")
            await yusuf.expect_text(no_code, timeout=30)
        finally:
            proc.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                rest = await proc.stdout.read()
                code = await proc.wait()
        assert code == 0, rest.decode()[-2000:]
        assert "stopping" in rest.decode()


def test_webhook_mode_without_a_public_address_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ICT person forgets OUDERBRUG_PUBLIC_URL: one clear sentence, nothing started."""
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("OUDERBRUG_PUBLIC_URL", raising=False)
    assert main(["run", "--webhook"]) == 2
    assert "OUDERBRUG_PUBLIC_URL" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


async def test_the_demo_runs_through_the_webhook(tmp_path: Path, model_files: Path) -> None:
    """`ouderbrug demo --webhook`: the demo school, every update by POST; health and metrics last."""
    from bot.demo import run_demo
    from bot.translation.manage import install_from_dir
    from tests.helpers.web import metric_value

    install_from_dir(tmp_path, model_files)
    out = io.StringIO()
    assert await run_demo(parents=8, out=out, models_dir=tmp_path, webhook=True) == 0
    shown = out.getvalue()
    assert "[en>ar]" in shown, "the school's story is the same"
    assert 'GET /healthz -> 200 {"status": "ok"' in shown
    metrics = shown.split("GET /metrics (excerpt):", 1)[1]
    assert metric_value(metrics.replace("\n  ", "\n"), "ouderbrug_updates_handled_total") > 20
    assert metric_value(metrics.replace("\n  ", "\n"), "ouderbrug_deliveries", status="sent") >= 8
