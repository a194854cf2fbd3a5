"""Stories of a class's Telegram group: nothing personal or privileged ever happens there.

The bot is in the group "Ouders 1A" with the coordinator, a teacher and an outsider. Whatever they
type or press there, the group reads at most one short line pointing to the bot's private chat:
no login link, no join or invite code, no names, no data; nobody's membership is bound to the
group; nothing reaches anyone's private chat either.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlmodel import col, select

from bot.core.clock import ManualClock
from bot.core.commands import COMMANDS
from bot.demo.school import School
from bot.models import Member
from bot.simulator import SimGroup, SimUser
from bot.simulator.state import BotMessage
from bot.telegram.middleware import GROUP_HINT_EVERY
from tests.conftest import BOT_USERNAME
from tests.helpers.hostile import FORGED

GROUP_ID = -1001234567890  # a supergroup's id, as Telegram gives them
PRIVATE_CHAT = f"https://t.me/{BOT_USERNAME}"
ARGUMENTS = {"newclass": "2B", "retention": "30", "quiethours": "20:00-08:00"}


def button_data(*people: SimUser) -> list[str]:
    """Every callback data the bot ever put under these people's private messages."""
    found = {
        value
        for person in people
        for message in person.messages
        for row in message.buttons
        for _, value in row
        if not value.startswith("http")
    }
    return sorted(found)


def hints(group: SimGroup) -> list[BotMessage]:
    """What the bot posted in the group."""
    return list(group.messages)


async def private_team(school: School) -> tuple[SimUser, SimUser, SimUser, str]:
    """Sofie (coordinator) and Lies (teacher of 1A) have used their private keyboards; Eve has
    never talked to the bot. Returns them and the class's start payload."""
    sofie = await school.coordinator()
    payload = await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    await sofie.send("/classes")
    await sofie.press("1A")
    await sofie.wait_for_message(lambda m: "cls:rename:" in str(m.buttons))
    await sofie.send("/invite")
    await sofie.expect_text(school.t("nl", "invite.choose_role"))
    await sofie.send("/forget")
    await sofie.press(school.t("nl", "forget.no"))
    await sofie.expect_text(school.t("nl", "forget.cancelled"))
    await lies.send("/myclasses")
    await lies.expect_text(school.t("nl", "myclasses.title"))
    return sofie, lies, school.person("Eve", language_code="en"), payload


async def test_every_command_and_button_in_a_class_group_leaks_nothing(school: School) -> None:
    """Every command of the table, by each of the three, and every kind of button (the real
    private keyboards' data and a forged one per handler) pressed in the group: one line pointing
    to the private chat, alerts for the presses, and nothing else anywhere."""
    sofie, lies, eve, payload = await private_team(school)
    group = school.tg.group(GROUP_ID, "Ouders 1A")
    seats = [group.member(sofie), group.member(lies), group.member(eve)]
    presses = [
        *button_data(sofie, lies),
        *(f"lang:{code}:{payload}" for code in ("nl", "ar", "en")),
        *(template.replace("{n}", "1") for template in FORGED),
    ]
    before = {who.id: len(who.messages) for who in (sofie, lies, eve)}
    members_before = await stored_members(school)
    first_request = len(school.tg.requests)

    await seats[2].send(f"/help@{BOT_USERNAME}")
    hint = await group.expect_text(PRIVATE_CHAT)
    assert hint.text == school.t("en", "group.private_only", link=PRIVATE_CHAT)
    for number, command in enumerate(COMMANDS):
        for turn, seat in enumerate(seats):
            words = [f"/{command.name}@{BOT_USERNAME}", ARGUMENTS.get(command.name, "")]
            if command.name == "start":
                words[1] = payload
            await seat.send(" ".join(words).strip())
            await seat.send(f"/{command.name}")
            # Each seat's presses come after its commands (its updates run in order): once a
            # press is answered, the commands before it have been handled.
            for data in presses[(number * 3 + turn) :: 3 * len(COMMANDS)] or ["cls:link:1"]:
                answer = await seat.wait_callback_answer(await seat.press_data(data, hint))
                assert answer.show_alert, data
                assert answer.text == school.t(seat.language_code, "group.press_private"), data

    assert hints(group) == [hint]  # the rest of those minutes: silence
    assert {who.id: len(who.messages) for who in (sofie, lies, eve)} == before
    assert await stored_members(school) == members_before
    assert await school.member(eve) is None
    requests = school.tg.requests[first_request:]
    methods = Counter(call.method for call in requests if call.method != "getUpdates")
    assert set(methods) == {"sendMessage", "answerCallbackQuery"}, methods
    assert {call.params["chat_id"] for call in requests if call.method == "sendMessage"} == {
        GROUP_ID
    }
    for call in requests:  # no link with a code, no code, no names, no class
        shown = str(call.params)
        for secret in ("start=", payload[1:], "Sofie", "Lies", "1A"):
            assert secret not in shown, (secret, call)


async def test_joining_from_a_group_binds_nothing_to_the_group(school: School) -> None:
    """`/start <class code>` in the group and a tap on a (forged) language button there: the
    tapper is not a member, and no member row ever holds a group's chat id."""
    _, _, eve, payload = await private_team(school)
    group = school.tg.group(GROUP_ID, "Ouders 1A")
    seat = group.member(eve)
    await seat.send(f"/start {payload}")
    hint = await group.expect_text(PRIVATE_CHAT)
    assert payload not in hint.text and "start=" not in hint.text
    for data in (f"lang:en:{payload}", f"lang2:-:{payload}", "lang:en:"):
        answer = await seat.wait_callback_answer(await seat.press_data(data, hint))
        assert answer.text == school.t("en", "group.press_private")
    assert await school.member(eve) is None
    assert not await members_in_groups(school)
    await eve.send(f"/start {payload}")  # the private chat works as always
    await school.pick_language(eve, "en")
    await eve.expect_text(school.t("en", "approval.pick_child", class_name="1A"))
    member = await school.member(eve)
    assert member is not None and member.chat_id == eve.id
    assert group.messages == [hint]


async def test_group_chatter_is_ignored_and_the_pointer_comes_once_every_few_minutes(
    school: School, clock: ManualClock
) -> None:
    """Plain chatter, edits and other bots' commands get no answer; a command or a mention of
    the bot gets one line, at most once per group every few minutes, in the writer's language."""
    sofie, lies, eve, _ = await private_team(school)
    group = school.tg.group(GROUP_ID, "Ouders 1A")
    sofie_there, lies_there, eve_there = (group.member(p) for p in (sofie, lies, eve))
    chatter = await eve_there.send("Hello everyone, is there school on Friday?")
    await eve_there.edit(chatter, "/dashboard")
    await sofie_there.send("/start@another_bot")
    await lies_there.send(f"Vraag het aan @{BOT_USERNAME}")
    hint = await group.expect_text(PRIVATE_CHAT)
    assert hint.text == school.t("nl", "group.private_only", link=PRIVATE_CHAT)
    await sofie_there.send("/inbox")
    await eve_there.send("/mydata")
    clock.advance(GROUP_HINT_EVERY - timedelta(seconds=1))
    await sofie_there.send(f"/dashboard@{BOT_USERNAME}")
    for seat in (eve_there, sofie_there, lies_there):  # in line: all above has been handled
        await seat.wait_callback_answer(await seat.press_data("cls:link:1", hint))
    assert hints(group) == [hint]
    clock.advance(timedelta(seconds=1))
    await eve_there.send("/help")
    second = await group.expect_text(PRIVATE_CHAT)
    assert second.text == school.t("en", "group.private_only", link=PRIVATE_CHAT)
    assert hints(group) == [hint, second]
    assert eve.messages == [] and await school.member(eve) is None


async def stored_members(school: School) -> list[tuple[int, int, str]]:
    """Every member's Telegram id, chat id and role."""
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(select(Member).order_by(col(Member.id)))
        return [(m.telegram_id, m.chat_id, m.role) for m in rows]


async def members_in_groups(school: School) -> list[Member]:
    """Members whose chat is not a private one (a group's id is negative)."""
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(select(Member).where(col(Member.chat_id) <= 0))
        return list(rows)
