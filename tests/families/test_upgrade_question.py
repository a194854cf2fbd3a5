"""Stories of the parents from before families existed: asked once, at their next use of the bot,
whose parent they are; they keep receiving everything while the class's teacher confirms."""

from __future__ import annotations

from sqlmodel import select

from bot.demo.school import School
from bot.models import ClassMembership, Guardian, JoinRequest, Member
from bot.simulator import SimUser
from tests.families.test_class_link_approval import announce, notice


async def old_parent(school: School, name: str, lang: str, class_name: str) -> SimUser:
    """A parent who joined the class with its link before the upgrade: a member of the class,
    nobody's guardian, never asked (what migration 0010 leaves)."""
    user = school.person(name, language_code=lang)
    services, school_class = school.app.bot_data, await school.class_row(class_name)
    now = services.clock.now()
    async with services.sessions() as session:
        member = Member(
            school_id=services.school_id, telegram_id=user.id, chat_id=user.id,
            first_name=name, language=lang, created_at=now,
        )  # fmt: skip
        session.add(member)
        await session.flush()
        session.add(ClassMembership(member_id=member.id or 0, class_id=school_class.id or 0,
                                    created_at=now))  # fmt: skip
        await session.commit()
    return user


async def stored(school: School, user: SimUser) -> tuple[Member, list[Guardian], list[int]]:
    """The member, their guardian links and the classes they receive."""
    async with school.app.bot_data.sessions() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == user.id))).one()
        links = list(await session.exec(select(Guardian).where(Guardian.member_id == member.id)))
        classes = await session.exec(
            select(ClassMembership.class_id).where(ClassMembership.member_id == member.id)
        )
        return member, links, list(classes)


async def test_an_old_parent_is_asked_once_and_the_teacher_confirms(school: School) -> None:
    """Kasia used the bot before families: her next message is handled as always, then she is
    asked (in Polish) whose parent she is. She keeps receiving the class's messages while Juf
    Lies confirms; after that her family is linked and she is never asked again."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    await school.on_roster("1A", "Bilal")
    await school.on_roster("1A", "Zofia")
    kasia = await old_parent(school, "Kasia", "pl", "1A")

    await kasia.send("/help")
    await kasia.expect_text(school.help("pl", "parent"))
    ask = await kasia.expect_text(school.t("pl", "approval.upgrade_ask", class_name="1A"))
    assert [label for row in ask.buttons for label, _ in row][:2] == ["Bilal", "Zofia"]
    member, _, _ = await stored(school, kasia)
    assert member.family_asked_at is not None

    await announce(school, lies, "Maandag is er zwemles.")  # meanwhile: everything reaches her
    await kasia.expect_text("Maandag is er zwemles", timeout=10)

    await kasia.press("Zofia", ask)
    await kasia.press(school.t("pl", "families.role_mother"))
    await kasia.expect_text(school.t("pl", "approval.requested_upgrade", class_name="1A"))
    shown = await notice(school, lies, "Kasia")
    assert shown.text == school.t(
        "nl", "approval.notice_upgrade", parent="Kasia", language="Pools", class_name="1A",
        role="moeder", child="Zofia (1A)",
    )  # fmt: skip
    assert school.t("nl", "approval.not_parent") in str(shown.labels)
    await lies.press(school.t("nl", "approval.approve"))
    await kasia.expect_text(
        school.t("pl", "approval.confirmed", class_name="1A", child="Zofia (1A)")
    )
    _, links, classes = await stored(school, kasia)
    assert [(g.via, g.role, g.status) for g in links] == [("upgrade", "mother", "approved")]
    assert len(classes) == 1

    await kasia.send("/help")  # asked once: never again
    await kasia.expect_text(school.help("pl", "parent"))
    await kasia.send("Dank u!")
    await school.tg.wait_until(lambda: False, 0.3)
    assert not any(
        m.text == school.t("pl", "approval.upgrade_ask", class_name="1A")
        for m in kasia.messages[kasia.messages.index(ask) + 1 :]
    )


async def test_not_a_parent_of_this_class_stops_the_messages(school: School) -> None:
    """Ioana says she is Bilal's mother, but the teacher knows better: "not a parent of this
    class". Ioana is told kindly in Romanian and no longer receives 1A's messages. An old parent
    who ignores the question is not asked a second time."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    await school.on_roster("1A", "Bilal")
    ioana = await old_parent(school, "Ioana", "ro", "1A")
    quiet = await old_parent(school, "Petar", "bg", "1A")

    await quiet.send("/mydata")
    await quiet.expect_text(school.t("bg", "approval.upgrade_ask", class_name="1A"))
    await quiet.send("/help")
    await quiet.expect_text(school.help("bg", "parent"))

    await ioana.send("Bună ziua")
    await ioana.expect_text(school.t("ro", "approval.upgrade_ask", class_name="1A"))
    await ioana.press("Bilal")
    await ioana.press(school.t("ro", "families.role_mother"))
    await notice(school, lies, "Ioana")
    await lies.press(school.t("nl", "approval.not_parent"))
    await lies.expect_text(
        school.t("nl", "approval.done_not_parent", name="Juf Lies", parent="Ioana", class_name="1A")
    )
    await ioana.expect_text(school.t("ro", "approval.removed_not_parent", class_name="1A"))
    _, links, classes = await stored(school, ioana)
    assert (links, classes) == ([], [])
    async with school.app.bot_data.sessions() as session:
        [request] = await session.exec(select(JoinRequest).where(JoinRequest.via == "upgrade"))
    assert (request.status, request.pupil_id) == ("refused", None)

    await announce(school, lies, "Dinsdag sportdag.")
    await quiet.expect_text("Dinsdag sportdag", timeout=10)  # Petar never answered: still in
    assert not any("Dinsdag sportdag" in m.text for m in ioana.messages)
    asked = [m for m in quiet.messages if m.text.startswith(school.t("bg", "approval.upgrade_ask",
                                                                     class_name="1A"))]  # fmt: skip
    assert len(asked) == 1


async def test_an_old_parent_of_two_classes_gets_one_question_per_class(school: School) -> None:
    """Olena's children are in 1A and 2B: one picker for each class, each to its teacher."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2B")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    koen = await school.teacher(sofie, "Meester Koen", "2B")
    await school.on_roster("1A", "Maks")
    await school.on_roster("2B", "Sofiia")
    olena = await old_parent(school, "Olena", "uk", "1A")
    member, _, _ = await stored(school, olena)
    async with school.app.bot_data.sessions() as session:
        class_2b = await school.class_row("2B")
        session.add(ClassMembership(member_id=member.id or 0, class_id=class_2b.id or 0,
                                    created_at=member.created_at))  # fmt: skip
        await session.commit()

    await olena.send("/help")
    first = await olena.expect_text(school.t("uk", "approval.upgrade_ask", class_name="1A"))
    second = await olena.expect_text(school.t("uk", "approval.upgrade_ask", class_name="2B"))
    assert first.labels[0] == "Maks" and second.labels[0] == "Sofiia"
    await olena.press("Sofiia", second)
    await olena.press(school.t("uk", "families.role_mother"))
    await olena.press("Maks", first)
    await olena.press(school.t("uk", "families.role_mother"))
    await notice(school, koen, "Olena")
    await notice(school, lies, "Olena")
    await koen.press(school.t("nl", "approval.approve"))
    await olena.expect_text(
        school.t("uk", "approval.confirmed", class_name="2B", child="Sofiia (2B)")
    )
    await lies.press(school.t("nl", "approval.approve"))
    await olena.expect_text(
        school.t("uk", "approval.confirmed", class_name="1A", child="Maks (1A)")
    )
    _, links, classes = await stored(school, olena)
    assert len(links) == 2 and len(classes) == 2
