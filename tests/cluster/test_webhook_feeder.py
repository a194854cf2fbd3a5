"""The webhook's way into the bot in one process: stored first, then fed to the bot by the Feeder.

The real bot runs without an updater behind the real aiohttp server; the fake Telegram posts
every update to it (setWebhook) and retries what was not answered 2xx, as Telegram does.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import select

from bot.app import BotApp
from bot.cluster import inbox
from bot.cluster.feeder import KEEP, Feeder
from bot.core.clock import ManualClock
from bot.core.db import session_factory
from bot.demo.school import School
from bot.models import WebhookUpdate
from bot.simulator import FakeTelegram
from bot.web.server import FEEDER, INBOX
from tests.helpers.waiting import until
from tests.helpers.web import Site, app, site, text_update

__all__ = ["app", "site"]  # the webhook fixtures (tests/helpers/web.py)


async def stored(app: BotApp) -> list[WebhookUpdate]:
    """The webhook inbox's rows."""
    assert app.bot_data.shared is not None
    async with app.bot_data.shared.sessions() as session:
        return list((await session.exec(select(WebhookUpdate))).all())


async def test_with_the_database_away_telegram_hears_503_and_nothing_is_lost(
    tg: FakeTelegram, site: Site, school: School, unused_tcp_port: int
) -> None:
    """The database server is unreachable when Yusuf writes: the webhook answers 503, so
    Telegram keeps his /start and retries; once the database is back he gets his answer, and
    what he wrote is no longer kept in the inbox."""
    store = site.server.web_app[INBOX]
    working = store.sessions
    gone = create_async_engine(f"postgresql+asyncpg://ouderbrug:x@127.0.0.1:{unused_tcp_port}/x")
    store.sessions = session_factory(gone)
    try:
        yusuf = school.person("Yusuf")
        await yusuf.send("/start")
        assert tg.webhook is not None
        assert await tg.wait_until(lambda: tg.webhook.statuses.count(503) >= 2, 10)
        assert yusuf.messages == [] and await stored(site.app) == []
    finally:
        store.sessions = working
        await gone.dispose()
    await yusuf.expect_text(school.t("nl", "start.no_code"), timeout=10)
    feeder = site.server.web_app[FEEDER]
    assert await until(lambda: feeder.handled == 1)
    rows = await stored(site.app)
    assert len(rows) == 1 and rows[0].payload is None and rows[0].handled_at is not None


async def test_the_same_update_posted_five_times_at_once_is_handled_once(
    tg: FakeTelegram, site: Site, school: School
) -> None:
    """Five copies of one /start arrive together (written in one go): all answered 200, one
    reply; then a later update of Yusuf's, handled after it."""
    yusuf = school.person("Yusuf")
    assert tg.webhook is not None and tg.webhook.secret
    again = text_update(yusuf, 700_000, "/start")
    statuses = await asyncio.gather(*(site.post(again, tg.webhook.secret) for _ in range(5)))
    assert statuses == [200] * 5
    assert await site.post(text_update(yusuf, 700_001, "/start"), tg.webhook.secret) == 200
    await yusuf.wait_for_message(lambda m: len(yusuf.messages) >= 2)
    feeder = site.server.web_app[FEEDER]
    assert await until(lambda: feeder.handled == 2)
    assert len(yusuf.messages) == 2 and feeder.fed == 2
    assert await site.metric("ouderbrug_webhook_updates_total", outcome="duplicate") == 4


async def test_a_week_after_handling_the_rows_are_deleted(
    site: Site, school: School, clock: ManualClock
) -> None:
    """Rows handled more than a week ago go at the Feeder's hourly purge, with a row never
    handled that came in as long ago; newer ones stay."""
    assert site.app.bot_data.shared is not None
    sessions = site.app.bot_data.shared.sessions

    async def arrives(uid: int) -> None:
        async with sessions() as session:
            update = {"update_id": uid, "poll": {"id": str(uid)}}
            await inbox.store_update(session, school_key="other", update=update, now=clock.now())

    await arrives(1)
    await arrives(4)  # never handled
    async with sessions() as session:
        await inbox.mark_handled(session, school_key="other", update_ids={1}, now=clock.now())
    clock.advance(KEEP - timedelta(hours=1))
    await arrives(2)
    await arrives(3)
    async with sessions() as session:
        await inbox.mark_handled(session, school_key="other", update_ids={2}, now=clock.now())
    clock.advance(timedelta(hours=2))  # updates 1 and 4 arrived a week and an hour ago
    feeder = Feeder(sessions=sessions, clock=clock)
    await feeder.round()  # its first look purges
    left = {(r.update_id, r.handled_at is not None) for r in await stored(site.app)}
    assert left == {(2, True), (3, False)}
