"""Stories of big broadcasts in bad weather: Telegram storms, and a small message among big ones."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlmodel import select

from bot.announcements.sender import Sender
from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import Delivery, DeliveryStatus
from bot.simulator import SimUser

LANGUAGES = ("nl", "ar", "tr", "pl")


def copies_of(parent: SimUser) -> int:
    """How many announcement copies a parent holds."""
    return sum(1 for m in parent.messages if "ann:seen:" in str(m.buttons))


async def settled(school: School) -> None:
    """Wait until the sender has nothing left to do."""
    sender = school.app.bot_data.sender
    assert sender is not None
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
