"""Stories of the school team: invites, roles, and what each role may do."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import Role


async def test_coordinator_invites_a_teacher_for_a_class(school: School) -> None:
    """The teacher opens the one-time link, becomes teacher of 1A and sees its parent link."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    member = await school.member(lies)
    assert member is not None and member.role == Role.TEACHER
    await lies.send("/myclasses")
    msg = await lies.expect_text(school.t("nl", "myclasses.title"))
    assert "1A" in msg.text and school.classes["1A"] in msg.text
    menu = [c["command"] for c in school.tg.commands_for_chat(lies.id)]
    assert "myclasses" in menu and "classes" not in menu and "invite" not in menu


async def test_roles_are_checked_for_commands_and_buttons(school: School) -> None:
    """A parent cannot invite, a teacher cannot manage classes, an old coordinator button is stale."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    parent = await school.parent("Kasia", "pl", "1A")
    await parent.send("/invite")
    await parent.expect_text(school.t("pl", "error.not_allowed"))
    await parent.send("/classes")
    await parent.expect_text(school.t("pl", "error.not_allowed"))
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    await lies.send("/newclass 6Z")
    await lies.expect_text(school.t("nl", "error.not_allowed"))
    callback = await parent.press_data("inv:coordinator")
    answer = await parent.wait_callback_answer(callback)
    assert answer.text == school.t("pl", "error.stale_button")


async def test_an_invite_works_once_and_expires(school: School, clock: ManualClock) -> None:
    """A used or expired invite is refused with a clear answer; the role stays as it was."""
    sofie = await school.coordinator()
    await sofie.send("/invite")
    await sofie.press(school.t("nl", "invite.role_coordinator"))
    msg = await sofie.expect_text("https://t.me/")
    payload = msg.text.split("start=", 1)[1].split()[0]
    clock.advance(timedelta(days=8))
    late = school.person("Bart")
    await late.send("/start " + payload)
    await school.pick_language(late, "nl")
    await late.expect_text(school.t("nl", "start.bad_code"))
    member = await school.member(late)
    assert member is not None and member.role == Role.PARENT
    await late.send("/start " + payload)
    await late.expect_text(school.t("nl", "invite.bad"))


async def test_a_second_coordinator_and_the_inviter_blocked_the_bot(school: School) -> None:
    """The invite still works when the inviter blocked the bot; they are marked unreachable."""
    sofie = await school.coordinator()
    await sofie.send("/invite")
    await sofie.press(school.t("nl", "invite.role_coordinator"))
    msg = await sofie.expect_text("https://t.me/")
    payload = msg.text.split("start=", 1)[1].split()[0]
    sofie.block()
    jan = school.person("Jan")
    await jan.send("/start " + payload)
    await school.pick_language(jan, "nl")
    await jan.expect_text(school.t("nl", "invite.joined", role=school.t("nl", "role.coordinator")))
    stored = await school.member(sofie)
    assert stored is not None and stored.status == "blocked"
