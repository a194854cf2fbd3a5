"""Stories of poll integrity: one person answers a poll once, also after /forget and joining again;
only the poll's real audience can start it or answer, whatever poll id a press carries."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import PollAnswer, PollParticipation
from bot.simulator import SimUser
from tests.helpers.invitations import invitation_class_1a, invite
from tests.helpers.polls import answer, has_data, launch

__all__ = ["invitation_class_1a"]  # the fixture class_1a: Juf Lies, Tom, Amina, Mehmet, Kasia


async def respondents(app: BotApp, sofie: SimUser, poll_id: int) -> int:
    """Sofie closes the poll; how many respondents its stored answers come from."""
    cb = await sofie.press_data(f"pz:{poll_id}")
    await sofie.wait_callback_answer(cb)
    async with app.bot_data.sessions() as session:
        rows = await session.exec(select(PollAnswer).where(PollAnswer.poll_id == poll_id))
        return len({a.response_id for a in rows})


async def participations(app: BotApp, poll_id: int) -> list[PollParticipation]:
    """The keyed participation records of a poll."""
    async with app.bot_data.sessions() as session:
        found = await session.exec(
            select(PollParticipation).where(PollParticipation.poll_id == poll_id)
        )
        return list(found)


async def test_after_forget_and_joining_again_a_parent_cannot_answer_twice(
    school: School,
) -> None:
    """Tom answers, erases everything with /forget and joins 1A again: Start on the old
    invitation says he already answered, an old answer button does nothing; /mydata says why."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    tom = await school.parent("Tom", "nl", "1A")
    await school.parent("Kasia", "pl", "1A")
    poll_id = await launch(school, sofie, "barriers", parents=2)
    done = await answer(school, tom, "nl", poll_id, [["hours"], "rarely", ["time"]])
    await tom.wait_for(lambda u: done.text.startswith("🙏"))  # the invitation, answered

    await tom.send("/forget")
    await tom.press(school.t("nl", "forget.yes"))
    await tom.expect_text(school.t("nl", "forget.done"))
    assert await school.member(tom) is None
    [letter] = await school.letter("1A", "Kind Tom", guardians=1)  # the school's new letter
    await tom.send("/start " + letter)
    await school.pick_language(tom, "nl")
    await tom.expect_text(school.t("nl", "families.joined", children="Kind Tom (1A)"))

    cb = await tom.press_data(f"pg:{poll_id}", done)
    assert (await tom.wait_callback_answer(cb)).text == school.t("nl", "poll.already_answered")
    cb = await tom.press_data(f"pq:{poll_id}:often:often", done)
    assert (await tom.wait_callback_answer(cb)).text == school.t("nl", "error.stale_button")
    assert len(await participations(school.app, poll_id)) == 1

    await tom.send("/mydata")
    mydata = await tom.wait_for_message(lambda m: m.text.startswith("🔒"))
    assert "een code zonder je naam" in mydata.text and "Die code blijft na /forget" in mydata.text
    assert await respondents(school.app, sofie, poll_id) == 1


async def test_only_those_who_said_they_would_come_get_the_thank_you_question(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """After the coffee morning Tom (yes) is asked; Mehmet (no) and Kasia (never answered) are
    in the class but not in the poll's audience: a forged Start or answer from them is refused
    and leaves no record."""
    lies, tom, mehmet, kasia = (class_1a[n] for n in ("lies", "Tom", "Mehmet", "Kasia"))
    await invite(school, lies)
    for parent, lang, key in ((tom, "nl", "event.button_yes"), (mehmet, "tr", "event.button_no")):
        copy = await parent.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
        await parent.press(school.t(lang, key), message=copy)
    await tom.expect_text(school.t("nl", "event.how_many"))
    clock.set(datetime(2026, 11, 27, 9, 31, tzinfo=UTC))  # half an hour after the end
    await tom.wait_for(lambda u: any(has_data(m, "pg:") for m in u.messages), timeout=10)
    poll_id = int(next(b.value for m in tom.messages for row in m.buttons for b in row
                       if b.value.startswith("pg:"))[3:])  # fmt: skip

    stale = school.t("tr", "error.stale_button")
    for data in (f"pg:{poll_id}", f"pq:{poll_id}:worth:yes", f"po:{poll_id}:worth"):
        cb = await mehmet.press_data(data)
        assert (await mehmet.wait_callback_answer(cb)).text == stale, data
    cb = await kasia.press_data(f"pg:{poll_id}")
    assert (await kasia.wait_callback_answer(cb)).text == school.t("pl", "error.stale_button")
    assert await participations(school.app, poll_id) == []

    done = await answer(school, tom, "nl", poll_id, ["yes"])
    await tom.wait_for(lambda u: not has_data(done, "pg:") and not has_data(done, "pq:"))
    assert [p.done for p in await participations(school.app, poll_id)] == [True]
