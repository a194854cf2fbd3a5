"""Story helpers for meeting slots: class 1A in four languages, and a teacher publishing a plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from bot.demo.school import School
from bot.families import service as families
from bot.models import MeetingBooking, MeetingPlan
from bot.simulator import BotMessage, SimUser

EXAMPLE, BREAK_EXAMPLE = "10/12 16:00-19:00", "17:30-17:45"


@pytest.fixture(name="class_1a")
async def meeting_class_1a(school: School) -> dict[str, SimUser]:
    """Class 1A: Juf Lies, coordinator Sofie and parents in Dutch, Arabic, Turkish and Polish."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {"sofie": sofie, "lies": await school.teacher(sofie, "Juf Lies", "1A")}
    for name, lang in (("Tom", "nl"), ("Amina", "ar"), ("Mehmet", "tr"), ("Kasia", "pl")):
        people[name] = await school.parent(name, lang, "1A")
    return people


async def publish(
    school: School,
    teacher: SimUser,
    when: str = "26/11 16:00-18:00",
    *,
    minutes: int = 15,
    pause: str | None = None,
    place: str = "lokaal 12",
    invite: tuple[str, ...] = (),
    only_invited: bool = False,
    for_teacher: str | None = None,
) -> BotMessage:
    """The teacher publishes a plan with /oudercontact; returns the 'published' message."""
    await teacher.send("/oudercontact")
    await teacher.expect_text(school.t("nl", "meet.ask_when", example=EXAMPLE))
    await teacher.send(when)
    await teacher.press(school.tn("nl", "meet.minutes", minutes, minutes=minutes))
    await teacher.expect_text(school.t("nl", "meet.ask_break", example=BREAK_EXAMPLE))
    if pause:
        await teacher.send(pause)
    else:
        await teacher.press(school.t("nl", "meet.no_break"))
    await teacher.expect_text(school.t("nl", "meet.ask_place"))
    await teacher.send(place)
    preview = await teacher.wait_for_message(lambda m: "mp:pub:0" in str(m.buttons))
    if for_teacher:  # a coordinator publishes the evening of one of the class's teachers
        await teacher.press(f"👩‍🏫 {for_teacher}", message=preview)
        await teacher.wait_for(lambda u: f"✅ {for_teacher}" in str(preview.buttons))
    if invite:
        await teacher.press(school.t("nl", "meet.families_button"), message=preview)
        for child in invite:
            await teacher.wait_for(lambda u: child in str(preview.buttons))
            await teacher.press(child, message=preview)
            await teacher.wait_for(lambda u, c=child: f"⭐ {c}" in str(preview.buttons))
        await teacher.press(school.t("nl", "meet.back_button"), message=preview)
        if only_invited:
            await teacher.press(school.t("nl", "meet.only_invited_off"), message=preview)
    await teacher.press(school.t("nl", "meet.publish_button"), message=preview)
    await teacher.wait_for(lambda u: "mo:" in str(preview.buttons))
    return preview


def offer(user: SimUser, child: str = "") -> BotMessage:
    """The newest message with free times (`ms:` buttons), about `child` if given."""
    found = [m for m in user.messages if "ms:" in str(m.buttons) and child in m.text]
    assert found, f"{user.display_name}: no free times offered"
    return found[-1]


async def offered(user: SimUser, child: str = "", timeout: float = 10) -> BotMessage:
    """Wait for the free times to arrive."""
    await user.wait_for(lambda u: any("ms:" in str(m.buttons) and child in m.text for m in u.messages), timeout=timeout)  # fmt: skip
    return offer(user, child)


def slot_data(message: BotMessage, label: str) -> str:
    """The callback data of the free time labelled `label` on a message."""
    return next(data for row in message.buttons for text, data in row if text == label)


async def bookings(school: School) -> list[MeetingBooking]:
    """Every booking stored."""
    async with school.app.bot_data.sessions() as session:
        return list(await session.exec(select(MeetingBooking).order_by(col(MeetingBooking.id))))


async def plans(school: School) -> list[MeetingPlan]:
    """Every plan stored."""
    async with school.app.bot_data.sessions() as session:
        return list(await session.exec(select(MeetingPlan).order_by(col(MeetingPlan.id))))


async def sibling(school: School, parent: SimUser, child: str, class_name: str) -> None:
    """The school puts a brother or sister of `parent`'s child on the roster of another class."""
    services = school.app.bot_data
    member = await school.member(parent)
    school_class = await school.class_row(class_name)
    assert member is not None and member.id is not None
    async with services.sessions() as session:
        family_id = (await families.guardian_families(session, member_id=member.id))[0]
        await families.add_pupil(
            session, school_id=services.school_id, family_id=family_id,
            class_id=school_class.id, first_name=child, now=services.clock.now(),
        )  # fmt: skip
        await families.sync_class_memberships(session, member_id=member.id, now=services.clock.now())  # fmt: skip
        await session.commit()


def brussels(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, given in Brussels time (UTC+1)."""
    return datetime(2026, 11, day, hour - 1, minute, tzinfo=UTC)
