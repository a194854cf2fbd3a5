"""Stories of the outbox against a Telegram that counts like Telegram: edits and every piece of a
copy paced (30/s overall, 1/s per chat with short bursts), and a 429 in one chat holding only it."""

from __future__ import annotations

from collections.abc import Callable

from bot.demo.school import School
from bot.simulator import SimUser
from bot.simulator.state import ApiCall

TEXT = "Beste ouders, donderdag is er een studiedag: de kinderen hebben vrij."
NEW = "Beste ouders, de studiedag is verplaatst naar vrijdag: donderdag is er gewoon school."


def copies_of(parent: SimUser) -> int:
    """How many announcement copies a parent holds."""
    return sum(1 for m in parent.messages if "ann:seen:" in str(m.buttons))


def most_in_one_second(calls: list[ApiCall]) -> int:
    """The most requests that arrived at Telegram within any one second."""
    times, best, first = sorted(c.at for c in calls), 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def to(parents: list[SimUser], since: int, school: School) -> Callable[[str], list[ApiCall]]:
    """The requests of one method to these parents' chats, since request number `since`."""
    ids = {parent.id for parent in parents}

    def calls(method: str) -> list[ApiCall]:
        found = school.tg.requests[since:]
        return [c for c in found if c.method == method and int(c.params["chat_id"]) in ids]

    return calls


async def test_an_edit_of_a_big_announcement_goes_out_paced(school: School) -> None:
    """Juf Lies moves the study day in an announcement to 45 parents; Telegram limits edits like
    messages (30/s, 1/s per chat): the 45 edits go out paced, and Telegram refuses none."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2C")
    lies = await school.teacher(sofie, "Juf Lies", "2C")
    parents = await school.crowd("2C", 45, ("nl",))
    await lies.send(TEXT)
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    report = await lies.wait_for_message(
        lambda m: "ann:wd:" in str(m.buttons) and "📤" in m.text and " 45 " in m.text, timeout=20
    )
    school.tg.set_limits(30, 1, per_chat_burst=3, edits=True)
    since = len(school.tg.requests)
    await lies.press(school.t("nl", "announce.button_edit"), message=report)
    await lies.expect_text(school.t("nl", "announce.edit_prompt"))
    await lies.send(NEW)
    await lies.expect_text(school.t("nl", "announce.edit_done", count=45))
    for parent in parents:
        copy = next(m for m in parent.messages if "ann:seen:" in str(m.buttons))
        await parent.wait_for(lambda u, copy=copy: NEW in copy.text, timeout=20)  # type: ignore[misc]
    edits = to(parents, since, school)("editMessageText")
    assert [c for c in edits if c.status == 429] == []  # no edit refused
    assert len(edits) == 45 and most_in_one_second(edits) <= 30
    assert all(copies_of(p) == 1 for p in parents)  # changed in place


async def test_an_invitation_reaches_each_parent_in_four_pieces_without_a_refusal(
    school: School,
) -> None:
    """Juf Lies invites 2C with a photo and the place on a map: every parent gets the picture,
    the text, the calendar file and the map; Telegram allows three back to back per chat, and the
    fourth a second later: none is refused, none comes twice."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2C")
    lies = await school.teacher(sofie, "Juf Lies", "2C")
    parents = await school.crowd("2C", 6, ("nl",))
    await lies.send("/meeting")
    await lies.press(school.t("nl", "event.own_button"))
    await lies.expect_text(school.t("nl", "event.ask_title", max=80))
    await lies.send("Soep en babbel")
    await lies.expect_text(school.t("nl", "event.ask_text", max=700))
    await lies.send("We koken samen soep en praten over de eerste weken in de klas.")
    await lies.expect_text(school.t("nl", "event.ask_when", example="12/12 08:30-10:00"))
    await lies.send("27/11 15:30")
    await lies.expect_text(school.t("nl", "event.ask_place"))
    await lies.send("de refter")
    await lies.wait_for_message(lambda m: "evo:ok:" in str(m.buttons))
    await lies.send_photo(b"\x89PNG soep")
    await lies.expect_text(school.t("nl", "event.picture_set"))
    await lies.send_location(51.2194, 4.4025)
    await lies.expect_text(school.t("nl", "event.location_set"))
    await lies.press(school.t("nl", "event.option_preview"))
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    school.tg.set_limits(30, 1, per_chat_burst=3)
    since = len(school.tg.requests)
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    for parent in parents:
        await parent.wait_for(lambda u: any(m.kind == "location" for m in u.messages), timeout=20)
        assert sorted(m.kind for m in parent.messages) == ["document", "location", "photo", "text"]
    calls = to(parents, since, school)
    pieces = [c for m in ("sendPhoto", "sendMessage", "sendDocument", "sendLocation") for c in calls(m)]  # fmt: skip
    assert [c for c in pieces if c.status == 429] == []
    assert len(pieces) == 4 * len(parents)


async def test_a_429_in_one_parents_chat_holds_only_her_chat(school: School) -> None:
    """Telegram refuses the copy to Amina's chat (retry after 3 s): the other 39 parents keep
    getting theirs meanwhile, and Amina gets hers once the 3 s have passed."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2C")
    lies = await school.teacher(sofie, "Juf Lies", "2C")
    parents = await school.crowd("2C", 40, ("nl",))
    amina, others = parents[0], parents[1:]  # Amina's copy is the first to go
    await lies.send(TEXT)
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    school.tg.inject("sendMessage", status=429, retry_after=3, chat_id=amina.id)
    since = len(school.tg.requests)
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    for parent in parents:
        await parent.wait_for(lambda u: copies_of(u) == 1, timeout=20)
    refused, delivered = to([amina], since, school)("sendMessage")
    assert refused.status == 429 and delivered.at - refused.at >= 3.0
    meanwhile = [c for c in to(others, since, school)("sendMessage") if c.at < delivered.at]
    assert len(meanwhile) >= 30  # the broadcast went on (a pause of everybody: at most 8)
    assert all(copies_of(p) == 1 for p in parents)
