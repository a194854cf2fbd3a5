"""Stories of big broadcasts in bad weather: Telegram storms, and a small message among big ones."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlmodel import select

from bot.announcements.sender import LEASE, Sender
from bot.app import BotApp, build_application
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import Delivery, DeliveryStatus
from bot.runtime import running
from bot.simulator import SimUser
from tests.helpers.restart import stop

LANGUAGES = ("nl", "ar", "tr", "pl")


def copies_of(parent: SimUser) -> int:
    """How many announcement copies a parent holds."""
    return sum(1 for m in parent.messages if "ann:seen:" in str(m.buttons))


async def settled(school: School | BotApp) -> None:
    """Wait until the sender (of the school's bot, or of this bot) has nothing left to do."""
    sender = (school.app if isinstance(school, School) else school).bot_data.sender
    assert isinstance(sender, Sender)
    sender.wake()
    await asyncio.sleep(0)  # let it pick the wake-up before waiting for idle
    await asyncio.wait_for(sender.idle.wait(), 30)


async def test_a_429_storm_and_ten_percent_5xx_lose_nothing(school: School) -> None:
    """40 parents in four languages; Telegram throws 429s, then fails 1 request in 10: all get one copy."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2C")
    lies = await school.teacher(sofie, "Juf Lies", "2C")
    parents = await school.crowd("2C", 40, LANGUAGES)
    await lies.send("Beste ouders, donderdag is er geen school door de staking.")
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    school.tg.inject("sendMessage", status=429, retry_after=1, times=6)
    school.tg.inject("sendMessage", status=502, probability=0.1, times=None)
    school.tg.inject("sendMessage", status=503, probability=0.05, times=None, delay=0.2)
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    for parent in parents:
        await parent.wait_for(lambda u: copies_of(u) >= 1, timeout=30)
    await settled(school)
    school.tg.clear_faults()
    assert Counter(copies_of(p) for p in parents) == {1: 40}
    async with school.app.bot_data.sessions() as session:
        statuses = Counter((await session.exec(select(Delivery.status))).all())
    assert statuses == {DeliveryStatus.SENT: 40}
    assert school.tg.faults.fired >= 6  # the storm really happened


async def test_a_small_message_is_not_stuck_behind_a_newsletter(school: School) -> None:
    """The school newsletter goes to 100 parents; Juf Lies's note to Tom's class overtakes its tail."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "6B")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    tom = await school.parent("Tom", "nl", "1A")
    crowd = await school.crowd("6B", 100, LANGUAGES)
    services = school.app.bot_data
    assert services.sender is not None
    await services.sender.stop()  # a sender with a small window: what is in flight is little
    services.sender = Sender(school.app.bot, services, window=10)
    await services.sender.start()
    await sofie.send("Nieuwsbrief: alle data van het tweede trimester.")
    preview = await sofie.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await sofie.press("✅ 1A", message=preview)  # only 6B
    await sofie.wait_for(lambda u: "◻️ 1A" in str(preview.buttons))
    await sofie.press(school.t("nl", "announce.send_now"), message=preview)
    await crowd[0].wait_for(lambda u: copies_of(u) == 1, timeout=10)
    await lies.send("Tom, vergeet je turnzak niet!")
    await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    pressed_at = len(school.tg.requests)
    await lies.press(school.t("nl", "announce.send_now"))
    await tom.wait_for(lambda u: copies_of(u) == 1, timeout=20)
    await settled(school)
    assert all(copies_of(p) == 1 for p in crowd)
    copies = [  # every copy sent since Juf Lies pressed Send now, in order
        int(r.params["chat_id"])
        for r in school.tg.requests[pressed_at:]
        if r.method == "sendMessage" and "ann:seen:" in str(r.params.get("reply_markup"))
    ]
    overtaken = copies.index(tom.id)
    assert overtaken < 25, f"Tom waited for {overtaken} newsletter copies"
    assert len(copies) - overtaken > 25, "the newsletter still had a long tail after Tom's copy"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The bot gives Telegram one second before it retries (the default is ten)."""
    return settings.model_copy(update={"telegram_timeout": 1.0})


async def test_timeouts_are_retried_and_nobody_is_left_out(school: School) -> None:
    """Three requests hang past the timeout: the bot retries them; a late original may arrive too."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2C")
    lies = await school.teacher(sofie, "Juf Lies", "2C")
    parents = await school.crowd("2C", 12, LANGUAGES)
    await lies.send("Morgen start de school een uur later.")
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    school.tg.inject("sendMessage", status=200, delay=1.5, times=3)
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    for parent in parents:
        await parent.wait_for(lambda u: copies_of(u) >= 1, timeout=30)
    await settled(school)
    counts = Counter(copies_of(p) for p in parents)
    assert set(counts) <= {1, 2} and counts[2] <= 3  # a timed-out request may still have arrived
    async with school.app.bot_data.sessions() as session:
        statuses = Counter((await session.exec(select(Delivery.status))).all())
    assert statuses == {DeliveryStatus.SENT: 12}


async def statuses_of(app: BotApp) -> Counter[str]:
    """How many outbox rows are in each state."""
    async with app.bot_data.sessions() as session:
        return Counter((await session.exec(select(Delivery.status))).all())


async def test_a_restart_mid_broadcast_sends_the_interrupted_copies_at_once(
    school: School, app: BotApp, settings: Settings, clock: ManualClock
) -> None:
    """Telegram hangs while 30 copies are on their way; the bot is stopped (an update) and started
    again: right after the restart every parent has the message, once (not five minutes later:
    the clock is not moved)."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2C")
    lies = await school.teacher(sofie, "Juf Lies", "2C")
    parents = await school.crowd("2C", 30, LANGUAGES)
    await lies.send("Beste ouders, de schoolpoort gaat morgen pas om 8.45 uur open.")
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    school.tg.inject("sendMessage", status=200, delay=120, times=None)  # answers nothing
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    ids = {parent.id for parent in parents}

    def arrived() -> int:
        return sum(1 for c in school.tg.calls("sendMessage") if int(c["chat_id"]) in ids)

    await school.tg.wait_until(lambda: arrived() >= 5, timeout=10)
    assert (await statuses_of(app))[DeliveryStatus.SENDING] == 30  # all claimed, some in flight
    await stop(app)
    school.tg.clear_faults()  # Telegram answers again (the hanging requests never will)
    async with running(build_application(settings, clock=clock), poll_timeout=5) as fresh:
        await settled(fresh)
        assert Counter(copies_of(p) for p in parents) == {1: 30}
        assert await statuses_of(fresh) == {DeliveryStatus.SENT: 30}


async def test_after_a_crash_the_claimed_copies_go_out_at_once(
    school: School, app: BotApp, settings: Settings, clock: ManualClock
) -> None:
    """The bot crashed with 20 copies claimed (sending, their lease running five more minutes):
    at the next start they go out at once (SQLite: the only sender). On PostgreSQL another sender
    may still be working on them, so they wait for the end of the lease."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2C")
    lies = await school.teacher(sofie, "Juf Lies", "2C")
    parents = await school.crowd("2C", 20, LANGUAGES)
    await stop(app)  # from here on the outbox is only written to, as by a crashed process
    services = app.bot_data
    async with services.sessions() as session:
        from bot.announcements import outbox
        from bot.announcements import service as svc

        author = await school.member(lies)
        assert author is not None and author.id is not None
        draft = await svc.create_draft(
            session, author=author, classes=[await school.class_row("2C")], kind="text",
            text="Vrijdag is het schoolfeest.", now=clock.now(),
        )  # fmt: skip
        await outbox.confirm(session, announcement_id=draft.id or 0, author_id=author.id, now=clock.now())  # fmt: skip
        for row in (await session.exec(select(Delivery))).all():  # what the crashed claim left
            row.status, row.next_attempt_at = DeliveryStatus.SENDING, clock.now() + LEASE
            session.add(row)
        await session.commit()
    async with running(build_application(settings, clock=clock), poll_timeout=5) as fresh:
        await settled(fresh)
        assert fresh.bot_data.engine is not None
        if fresh.bot_data.engine.dialect.name == "postgresql":  # other senders may be alive:
            assert Counter(copies_of(p) for p in parents) == {0: 20}  # their claims are leases
            clock.advance(LEASE)
            for parent in parents:
                await parent.wait_for(lambda u: copies_of(u) == 1, timeout=10)
            await settled(fresh)
        assert Counter(copies_of(p) for p in parents) == {1: 20}
        assert await statuses_of(fresh) == {DeliveryStatus.SENT: 20}
