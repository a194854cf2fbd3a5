"""Stories of "Something else": a parent's own words stay anonymous, whatever they send, however
they change it, and also when the bot restarts between the question and the answer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.core.settings import Settings, project_root
from bot.demo.school import School
from bot.models import InboxMessage, Member, PollAnswer
from bot.polls.anonymity import participation_key
from bot.polls.views import CHECK
from bot.simulator import BotMessage, SimUser
from tests.helpers.polls import has_data, invitation, launch
from tests.helpers.restart import restarted

PICTURE = project_root() / "flows" / "invitations" / "pictures" / "coffee.png"
WORDS = "العمل حتى السادسة مساءً كل يوم"  # "work until six every evening"


@pytest.fixture
async def class_1a(school: School) -> dict[str, SimUser]:
    """Sofie (coordinator, she reads 1A's messages), Amina (Arabic) and Tom (Dutch) in 1A."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    return {
        "sofie": sofie,
        "Amina": await school.parent("Amina", "ar", "1A"),
        "Tom": await school.parent("Tom", "nl", "1A"),
    }


async def something_else(school: School, amina: SimUser, poll_id: int) -> BotMessage:
    """Amina starts, ticks 🗣️ the language on the first question and taps ✏️ Something else."""
    msg = await invitation(amina, poll_id)
    await amina.press(school.t("ar", "poll.start_button"), message=msg)
    await amina.wait_for(lambda u: "1/3" in msg.text and has_data(msg, "pq:"))
    before = msg.touched
    await amina.press(f"pq:{poll_id}:hard:language", message=msg)
    await amina.wait_for(lambda u: msg.touched > before)
    await amina.press(f"po:{poll_id}:hard", message=msg)
    await amina.wait_for(lambda u: school.t("ar", "poll.write_other") in msg.text)
    return msg


async def inbox_of(app: BotApp, user: SimUser) -> list[str]:
    """What the team's inbox holds from this person."""
    async with app.bot_data.sessions() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == user.id))).one()
        rows = await session.exec(select(InboxMessage).where(InboxMessage.member_id == member.id))
        return [m.text for m in rows]


async def writing_rows(app: BotApp) -> list[dict[str, Any]]:
    """Every row that remembers own words are awaited."""
    async with app.bot_data.sessions() as session:
        rows = await session.exec(text("SELECT * FROM poll_writing"))  # type: ignore[call-overload]
        return [dict(r._mapping) for r in rows]


async def closed_answers(app: BotApp, sofie: SimUser, poll_id: int) -> set[tuple[Any, ...]]:
    """Sofie closes the poll; every stored answer as (question, option, text)."""
    cb = await sofie.press_data(f"pz:{poll_id}")
    await sofie.wait_callback_answer(cb)
    async with app.bot_data.sessions() as session:
        rows = await session.exec(select(PollAnswer).where(PollAnswer.poll_id == poll_id))
        return {(a.question_id, a.option_id, a.text) for a in rows}


async def test_a_voice_note_a_photo_a_file_or_an_edit_never_reach_the_team(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina is asked to type; her words count anonymously; her edit of them is refused kindly;
    an ordinary message of hers still reaches the team, and its edit only gets a note."""
    sofie, amina = class_1a["sofie"], class_1a["Amina"]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    hello = await amina.send("مرحبا، ابني مريض اليوم")  # an ordinary message to the school
    await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
    await something_else(school, amina, poll_id)

    type_it = school.t("ar", "poll.type_it")
    await amina.send_voice(b"OggS" + bytes(200))
    await amina.expect_text(type_it)
    await amina.send_photo(PICTURE.read_bytes())
    await amina.expect_text(type_it)
    await amina.send_document(b"%PDF-1.4 my answer", "antwoord.pdf", "application/pdf")
    await amina.expect_text(type_it)
    await amina.edit(hello, "مرحبا، ابني مريض اليوم وغدا")  # an earlier message, while asked
    await amina.expect_text(school.t("ar", "edit.not_passed_on"))

    sent = await amina.send(WORDS)  # still the answer that was asked for
    second = await amina.wait_for_message(lambda m: "2/3" in m.text and has_data(m, "pq:"))
    await amina.edit(sent, "أسماء: " + WORDS)  # she adds her name
    await amina.expect_text(school.t("ar", "poll.edit_anonymous"))
    assert "2/3" in second.text  # the poll goes on where it was

    assert await inbox_of(school.app, amina) == ["مرحبا، ابني مريض اليوم"]
    shown = [m.text for m in sofie.messages]
    assert not [t for t in shown if WORDS in t or "أسماء" in t]
    assert await writing_rows(school.app) == []
    answers = await closed_answers(school.app, sofie, poll_id)
    assert answers == {("hard", None, WORDS), ("hard", "language", None)}


async def test_the_words_asked_for_before_a_restart_still_count_anonymously(
    school: School,
    class_1a: dict[str, SimUser],
    app: BotApp,
    settings: Settings,
    clock: ManualClock,
) -> None:
    """The bot restarts while Amina writes. It does not assume: it quotes her voice note and her
    words back and asks; she chooses the poll, and her typed words go into it with the option she
    ticked (the voice note cannot be anonymous: it goes nowhere), never to Sofie. Meanwhile the
    database holds one row that names nobody: no member, chat, message or Telegram id, a key only
    the secret can recompute."""
    sofie, amina = class_1a["sofie"], class_1a["Amina"]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    await something_else(school, amina, poll_id)

    rows = await writing_rows(app)
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"key", "poll_id", "question", "chosen", "expires"}
    assert (row["poll_id"], row["question"], row["chosen"]) == (poll_id, 0, "language")
    async with app.bot_data.sessions() as session:
        people = list(await session.exec(select(Member)))
    personal = {str(v) for m in people for v in (m.telegram_id, m.chat_id, m.first_name)}
    assert not any(p in str(v) for c, v in row.items() if c != "key" for p in personal)
    assert len(row["key"]) == 64 and int(row["key"], 16) >= 0
    secret = app.bot_data.poll_secret
    assert row["key"] not in {participation_key(secret, poll_id, m.telegram_id) for m in people}

    async with restarted(app, settings, clock) as fresh:
        await amina.send_voice(b"OggS" + bytes(200))
        asked = await amina.wait_for_message(lambda m: has_data(m, "pw:"))
        assert "🎤" in asked.text
        await amina.send(WORDS)  # one question for both: the newest
        asked = await amina.wait_for_message(lambda m: WORDS in m.text and has_data(m, "pw:"))
        assert "🎤" in asked.text
        assert asked.labels == [school.t("ar", f"poll.to_{way}_button") for way in ("poll", "team")]
        await amina.press(school.t("ar", "poll.to_poll_button"), message=asked)
        await amina.wait_for(lambda u: "2/3" in asked.text and has_data(asked, "pq:"))
        assert await inbox_of(fresh, amina) == []
        assert not [m for m in sofie.messages if WORDS in m.text]
        assert await writing_rows(fresh) == []
        answers = await closed_answers(fresh, sofie, poll_id)
    assert answers == {("hard", None, WORDS), ("hard", "language", None)}


ILL = "ابني مريض غدًا"  # "my son is ill tomorrow"


async def test_after_cancel_and_a_restart_a_message_goes_to_the_teacher(
    school: School,
    class_1a: dict[str, SimUser],
    app: BotApp,
    settings: Settings,
    clock: ManualClock,
) -> None:
    """Amina taps Something else, then /cancel: the prompt turns back into the question (the
    option she ticked still ticked) and no row is left. After a restart "my son is ill tomorrow"
    reaches Sofie with Amina's name, as any message of hers, and the poll takes nothing."""
    sofie, amina = class_1a["sofie"], class_1a["Amina"]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    prompt = await something_else(school, amina, poll_id)
    await amina.send("/cancel")
    await amina.expect_text(school.t("ar", "common.cancelled"))
    await amina.wait_for(lambda u: "1/3" in prompt.text and has_data(prompt, "po:"))
    assert any(label.startswith(CHECK) for label in prompt.labels)  # 🗣️ the language, still ticked
    assert await writing_rows(app) == []

    async with restarted(app, settings, clock) as fresh:
        await amina.send(ILL)
        await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
        assert await inbox_of(fresh, amina) == [ILL]
        assert not [m for m in amina.messages if has_data(m, "pw:")]  # nothing to choose
        answers = await closed_answers(fresh, sofie, poll_id)
    assert answers == set()  # she answered no question


async def test_another_button_leaves_the_words_behind(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """While asked for her words Amina presses a button of another message (🏫 under the receipt
    of an earlier message): the words are no longer awaited, the prompt turns back into the
    question, and her next message goes to the school, not into the poll."""
    sofie, amina = class_1a["sofie"], class_1a["Amina"]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    await amina.send("مرحبا")
    receipt = await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
    prompt = await something_else(school, amina, poll_id)
    await amina.press(school.t("ar", "conversation.to_school_button"), message=receipt)
    await amina.wait_for(lambda u: "1/3" in prompt.text and has_data(prompt, "po:"))
    assert await writing_rows(school.app) == []
    await amina.send(ILL)
    await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
    assert await inbox_of(school.app, amina) == ["مرحبا", ILL]
    assert "2/3" not in prompt.text  # the poll did not take it


async def test_after_a_restart_amina_sends_her_message_to_the_teacher(
    school: School,
    class_1a: dict[str, SimUser],
    app: BotApp,
    settings: Settings,
    clock: ManualClock,
) -> None:
    """After a restart "my son is ill tomorrow" is quoted back with 🗳️ and 📨; Amina taps 📨: it
    reaches Sofie exactly as her messages do, the row is gone, and her next message goes to
    Sofie at once. A second tap of 📨 is answered as stale and sends nothing twice."""
    sofie, amina = class_1a["sofie"], class_1a["Amina"]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    await something_else(school, amina, poll_id)

    async with restarted(app, settings, clock) as fresh:
        await amina.send(ILL)
        asked = await amina.wait_for_message(lambda m: ILL in m.text and has_data(m, "pw:"))
        assert school.t("ar", "poll.which_way", words="💬 " + ILL) == asked.text
        assert await inbox_of(fresh, amina) == []
        team = next(b.value for row in asked.buttons for b in row if b.value.endswith(":t"))
        await amina.press(school.t("ar", "poll.to_team_button"), message=asked)
        await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
        assert await inbox_of(fresh, amina) == [ILL]
        assert await writing_rows(fresh) == []
        again = await amina.press_data(team, asked)
        assert (await amina.wait_callback_answer(again)).text == school.t(
            "ar", "error.stale_button"
        )
        await amina.send("شكرا")
        await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
        assert await inbox_of(fresh, amina) == [ILL, "شكرا"]
        answers = await closed_answers(fresh, sofie, poll_id)
    assert answers == set()  # her words went to Sofie, not into the poll


async def test_a_forged_press_and_a_press_from_before_another_restart(
    school: School,
    class_1a: dict[str, SimUser],
    app: BotApp,
    settings: Settings,
    clock: ManualClock,
) -> None:
    """A forged choice is answered as stale. When the bot restarts again before Amina chooses,
    her press finds nothing held: stale, and she is asked to send it again; nothing went
    anywhere. Sent again, she is asked again, and her choice holds."""
    sofie, amina = class_1a["sofie"], class_1a["Amina"]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    await something_else(school, amina, poll_id)

    async with restarted(app, settings, clock) as fresh:
        await amina.send(ILL)
        asked = await amina.wait_for_message(lambda m: ILL in m.text and has_data(m, "pw:"))
        stale = school.t("ar", "error.stale_button")
        for forged in ("pw:forged:t", "pw:forged:p", "pw:" + "9" * 61, "pw::t"):
            cb = await amina.press_data(forged, asked)
            assert (await amina.wait_callback_answer(cb)).text == stale
        token = next(b.value for row in asked.buttons for b in row).split(":")[1]
        cb = await amina.press_data(f"pw:{token}:x", asked)
        assert (await amina.wait_callback_answer(cb)).text == stale
        assert await inbox_of(fresh, amina) == []

        async with restarted(fresh, settings, clock) as again:
            await amina.press(school.t("ar", "poll.to_team_button"), message=asked)
            await amina.expect_text(school.t("ar", "poll.send_again"))
            assert not has_data(asked, "pw:")
            assert await inbox_of(again, amina) == []
            await amina.send(ILL)
            asked = await amina.wait_for_message(lambda m: ILL in m.text and has_data(m, "pw:"))
            await amina.press(school.t("ar", "poll.to_team_button"), message=asked)
            await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
            assert await inbox_of(again, amina) == [ILL]


async def test_the_poll_closing_while_words_are_awaited(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Sofie closes the poll while Amina is asked for her words: the row goes with it. What
    Amina then writes is not taken for the poll nor passed on unasked: she reads that the poll
    is closed, her words quoted, and only 📨; she taps it and Sofie gets her message."""
    sofie, amina = class_1a["sofie"], class_1a["Amina"]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    await something_else(school, amina, poll_id)
    await closed_answers(school.app, sofie, poll_id)
    assert await writing_rows(school.app) == []
    await amina.send(ILL)
    asked = await amina.wait_for_message(lambda m: ILL in m.text and has_data(m, "pw:"))
    assert asked.text.startswith(school.t("ar", "poll.closed"))
    assert asked.labels == [school.t("ar", "poll.to_team_button")]
    assert await inbox_of(school.app, amina) == []
    await amina.press(school.t("ar", "poll.to_team_button"), message=asked)
    await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
    assert await inbox_of(school.app, amina) == [ILL]


async def test_after_a_restart_a_command_ends_the_wait_and_says_so(
    school: School,
    class_1a: dict[str, SimUser],
    app: BotApp,
    settings: Settings,
    clock: ManualClock,
) -> None:
    """The bot restarts while Amina is asked for her words; she types /cancel. The prompt from
    before cannot change (its id was in the old memory), so she reads that what she writes now
    goes to the teacher with her name, and it does."""
    sofie, amina = class_1a["sofie"], class_1a["Amina"]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    await something_else(school, amina, poll_id)

    async with restarted(app, settings, clock) as fresh:
        await amina.send("/cancel")
        await amina.expect_text(school.t("ar", "poll.words_dropped"))
        assert await writing_rows(fresh) == []
        await amina.send(ILL)
        await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
        assert await inbox_of(fresh, amina) == [ILL]
