"""Story of the exclusive answer: "Nothing stops me" has its own symbol and is never combined (issue 15).

✅ marks what a parent ticked on a multiple-choice question; the option itself shows 💪. Choosing
it clears the barriers ticked before, and choosing a barrier clears it; what is counted is what
the keyboard showed at Done.
"""

from __future__ import annotations

from sqlmodel import select

from bot.demo.school import School
from bot.models import PollAnswer
from bot.polls.views import CHECK
from bot.simulator import SimUser
from tests.helpers.polls import FLOWS, has_data, invitation, launch


def ticked(message: object) -> set[str]:
    """The option ids ticked on the keyboard (their button starts with ✅)."""
    return {
        b.value.split(":")[3]
        for row in getattr(message, "buttons", [])
        for b in row
        if b.value.startswith("pq:") and b.text.startswith(CHECK)
    }


async def tick(parent: SimUser, message: object, poll_id: int, option: str) -> set[str]:
    """Press an option of the first question and wait for the keyboard to change."""
    before = message.touched  # type: ignore[attr-defined]
    await parent.press(f"pq:{poll_id}:hard:{option}", message=message)
    await parent.wait_for(lambda u: message.touched > before)  # type: ignore[attr-defined]
    return ticked(message)


async def test_nothing_stops_me_is_exclusive_and_counted_alone(school: School) -> None:
    """Tom ticks two barriers, then "Nothing stops me" (they clear), a barrier (it clears), and it again."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    tom = await school.parent("Tom", "nl", "1A")
    nothing = FLOWS["barriers"].questions[0].option("nothing")
    assert nothing is not None and nothing.exclusive and nothing.emoji != CHECK.strip()
    poll_id = await launch(school, sofie, "barriers", parents=1)
    msg = await invitation(tom, poll_id)
    await tom.press(school.t("nl", "poll.start_button"), message=msg)
    await tom.wait_for(lambda u: has_data(msg, "pq:"))
    label = next(b.text for row in msg.buttons for b in row if b.value.endswith(":hard:nothing"))
    assert label == "💪 Niets houdt me tegen"
    assert await tick(tom, msg, poll_id, "hours") == {"hours"}
    assert await tick(tom, msg, poll_id, "language") == {"hours", "language"}
    assert await tick(tom, msg, poll_id, "nothing") == {"nothing"}
    assert await tick(tom, msg, poll_id, "transport") == {"transport"}
    assert await tick(tom, msg, poll_id, "nothing") == {"nothing"}
    shown = next(b.text for row in msg.buttons for b in row if b.value.endswith(":hard:nothing"))
    assert shown == CHECK + "💪 Niets houdt me tegen"
    await tom.press(f"pd:{poll_id}:hard", message=msg)
    await tom.wait_for(lambda u: "2/3" in msg.text)
    await tom.press(f"px:{poll_id}", message=msg)  # stops: what he answered counts
    await tom.wait_for(lambda u: not has_data(msg, "ps:"))
    closing = await sofie.press_data(f"pz:{poll_id}")
    await sofie.wait_callback_answer(closing)
    async with school.app.bot_data.sessions() as session:
        answers = list(await session.exec(select(PollAnswer)))
    assert [(a.question_id, a.option_id) for a in answers] == [("hard", "nothing")]
