"""One busy chat slows nobody else: a parent who floods the chat is served aside and told to slow
down, and everybody else's updates are handled beside the flood, each person's still in order
(bot/telegram/updates.py, bot/telegram/flood.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import InboxMessage
from bot.simulator import SimUser
from bot.simulator.state import BotMessage
from bot.telegram.flood import MESSAGES, PRESSES

FLOOD = 2 * MESSAGES  # Amina's burst: 60 messages within a minute


@pytest.fixture
async def class_1a(school: School, clock: ManualClock) -> dict[str, SimUser]:
    """Class 1A: coordinator Sofie (who reads the parents' messages), Amina and Tom, who joined
    a minute ago (what they sent while joining no longer counts for the flood control)."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {
        "sofie": sofie,
        "amina": await school.parent("Amina", "en", "1A"),
        "tom": await school.parent("Tom", "nl", "1A"),
    }
    clock.advance(timedelta(minutes=1))
    return people


def slow_chat(school: School, person: SimUser) -> None:
    """Telegram takes a moment for every message the bot sends to this person's chat."""
    school.tg.inject("sendMessage", status=200, delay=0.05, times=None, chat_id=person.id)


async def flood(person: SimUser, count: int = FLOOD) -> None:
    """A burst of messages, one after the other, without waiting for any answer."""
    for n in range(1, count + 1):
        await person.send(f"Bericht {n}")


def receipts(school: School, person: SimUser) -> list[BotMessage]:
    """The bot's "thank you, your message went to Sofie" answers in a parent's chat."""
    text = school.t(person.language_code, "conversation.received", who="Sofie")
    return [m for m in person.messages if m.shows(text)]


async def kept(school: School, person: SimUser) -> list[str]:
    """What the team can read of a parent's messages, in the order they were stored."""
    member = await school.member(person)
    assert member is not None
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(
            select(InboxMessage)
            .where(InboxMessage.member_id == member.id, InboxMessage.direction == "in")
            .order_by(col(InboxMessage.id))
        )
        return [row.text for row in rows]


@pytest.mark.slow  # the bot shuts down only when Amina's last receipts are out
async def test_another_parents_help_is_answered_while_one_parent_floods_the_chat(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina sends 60 messages in a burst to a chat Telegram answers slowly; Tom's /help, sent
    after all of them, is answered while Amina's flood is still being answered."""
    amina, tom = class_1a["amina"], class_1a["tom"]
    slow_chat(school, amina)
    await flood(amina)
    await tom.send("/help")
    answer = await tom.expect_text(school.help("nl", "parent"))
    await amina.wait_for(
        lambda amina: any(r.touched > answer.touched for r in receipts(school, amina))
    )


async def test_each_persons_updates_stay_in_order_beside_a_busy_chat(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina sends 20 messages in a burst to a chat Telegram answers slowly; meanwhile Tom writes
    three messages and asks /mydata. Tom's answers come in his order before Amina's flood is
    done, and the team has everything each of them wrote in the order they wrote it."""
    amina, tom = class_1a["amina"], class_1a["tom"]
    slow_chat(school, amina)
    await flood(amina, 20)
    for words in ("Is er morgen opvang?", "Tot hoe laat?", "Dank je!"):
        await tom.send(words)
    await tom.send("/mydata")
    mydata = await tom.expect_text(school.t("nl", "mydata.messages", messages=3))
    assert len(receipts(school, tom)) == 3  # his three messages were stored before /mydata
    assert max(m.touched for m in receipts(school, tom)) < mydata.touched
    await amina.wait_for(lambda amina: len(receipts(school, amina)) == 20)
    assert mydata.touched < receipts(school, amina)[-1].touched  # beside Amina's flood
    assert await kept(school, amina) == [f"Bericht {n}" for n in range(1, 21)]
    assert await kept(school, tom) == ["Is er morgen opvang?", "Tot hoe laat?", "Dank je!"]


@pytest.mark.slow  # replies to one chat are paced (bot/telegram/ratelimit.py): her 30 take a while
async def test_a_flood_is_told_to_slow_down_and_what_came_before_is_kept(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Amina's first 30 messages of the minute reach the team; the 31st is answered, quoting it,
    that it and the rest of the minute did not; a minute later she is heard again."""
    amina, sofie = class_1a["amina"], class_1a["sofie"]
    await flood(amina)
    notice = await amina.expect_text(school.t("en", "flood.messages"))
    first_refused = next(i for i, m in amina.sent.items() if m.get("text") == "Bericht 31")
    assert notice.reply_to == first_refused
    clock.advance(timedelta(minutes=1))
    await amina.send("Sorry! One more question: is there school tomorrow?")
    await amina.wait_for(lambda amina: len(receipts(school, amina)) == MESSAGES + 1, timeout=30)
    assert await kept(school, amina) == [f"Bericht {n}" for n in range(1, MESSAGES + 1)] + [
        "Sorry! One more question: is there school tomorrow?"
    ]
    assert [m for m in amina.messages if m.shows(school.t("en", "flood.messages"))] == [notice]
    await sofie.send("/inbox")
    entry = await sofie.wait_for_message(lambda m: m.text.startswith("👤 Amina"))
    assert "Bericht 30" in entry.text and "Bericht 31" not in entry.text


async def test_a_press_beyond_the_limit_gets_a_short_answer(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Tom presses an old button 60 times in a minute, each press is answered as usual; the
    61st is answered at once with "slow down" instead of being handled."""
    tom = class_1a["tom"]
    presses = [await tom.press_data("cls:archive_yes:1") for _ in range(PRESSES + 1)]
    answers = [await tom.wait_callback_answer(cb) for cb in presses]
    assert {a.text for a in answers[:PRESSES]} == {school.t("nl", "error.stale_button")}
    assert answers[PRESSES].text == school.t("nl", "flood.presses")
