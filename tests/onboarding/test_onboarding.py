"""Stories of joining: the first coordinator, classes, parents in their own languages."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from bot.demo.school import School
from bot.models import ClassMembership, Member, Role


async def test_first_coordinator_joins_with_the_printed_link_once(school: School) -> None:
    """The start-up link makes the first coordinator; nobody can use it a second time."""
    link = school.app.bot_data.bootstrap_link
    assert link and link.startswith("https://t.me/ouderbrug_test_bot?start=i")
    sofie = await school.coordinator("Sofie")
    member = await school.member(sofie)
    assert member is not None and member.role == Role.COORDINATOR and member.language == "nl"

    intruder = school.person("Mallory")
    await intruder.send("/start " + link.split("start=")[1])
    await school.pick_language(intruder, "nl")
    await intruder.expect_text(school.t("nl", "start.bad_code"))
    mallory = await school.member(intruder)
    assert mallory is not None and mallory.role == Role.PARENT


async def test_parents_join_in_five_languages_and_read_a_warm_welcome(school: School) -> None:
    """Each parent picks their language by its own name and is welcomed in it."""
    coordinator = await school.coordinator()
    await school.new_class(coordinator, "1A")
    picker_seen = False
    for name, lang in [
        ("Amina", "ar"),
        ("Mehmet", "tr"),
        ("Kasia", "pl"),
        ("Ioana", "ro"),
        ("Olena", "uk"),
    ]:
        parent = await school.parent(name, lang, "1A", second="fr")
        if not picker_seen:
            picker = next(e for e in school.tg.transcript if e.to == name and e.buttons)
            labels = [text for row in picker.buttons for text, _ in row]
            assert "العربية" in labels and "Türkçe" in labels and "Polski" in labels
            picker_seen = True
        welcome = school.t(lang, "start.welcome", name=name)
        assert any(welcome in m.text for m in parent.messages), f"{lang} welcome missing"
        member = await school.member(parent)
        assert member is not None
        assert (member.language, member.second_language, member.role) == (lang, "fr", Role.PARENT)


async def test_mother_and_father_join_the_same_class_on_their_own(school: School) -> None:
    """Two guardians of one child are two members of the class, each in their language."""
    coordinator = await school.coordinator()
    await school.new_class(coordinator, "2B")
    await school.parent("Fatima", "ar", "2B")
    await school.parent("Youssef", "fr", "2B")
    await coordinator.send("/classes")
    await coordinator.expect_text("2B: 2 ouders, 0 leerkrachten")


async def test_a_parent_adds_the_class_of_another_child(school: School) -> None:
    """Opening a second class link asks no language again, only whose parent he is there; once
    the school approves, the same parent is in both classes."""
    coordinator = await school.coordinator()
    await school.new_class(coordinator, "1A")
    await school.new_class(coordinator, "4C")
    await school.on_roster("4C", "Elif")
    mehmet = await school.parent("Mehmet", "tr", "1A")
    await mehmet.send("/start " + school.classes["4C"])
    await mehmet.expect_text(school.t("tr", "approval.pick_child", class_name="4C"))
    await mehmet.press("Elif")
    await mehmet.press(school.t("tr", "families.role_father"))
    await mehmet.expect_text(school.t("tr", "approval.requested", class_name="4C"))
    await coordinator.press(school.t("nl", "approval.approve"))  # 4C has no teacher yet
    await mehmet.expect_text(
        school.t("tr", "approval.approved", class_name="4C", child="Elif (4C)")
    )
    await mehmet.send("/start " + school.classes["4C"])
    await mehmet.expect_text(school.t("tr", "start.already_in_class", class_name="4C"))
    member = await school.member(mehmet)
    assert member is not None
    async with school.app.bot_data.sessions() as session:
        count = await session.exec(
            select(func.count())
            .select_from(ClassMembership)
            .where(ClassMembership.member_id == member.id)
        )
        assert count.one() == 2


async def test_a_wrong_or_missing_code_gets_a_kind_answer_in_the_phone_language(
    school: School,
) -> None:
    """Without a valid link nobody is stored, and the answer is in the phone's language."""
    stranger = school.person("Ali", language_code="tr")
    await stranger.send("/start")
    await stranger.expect_text(school.t("tr", "start.no_code"))
    await stranger.send("/start cnotacode")
    await school.pick_language(stranger, "tr")
    await stranger.expect_text(school.t("tr", "start.bad_code"))
    forged = school.person("Eve", language_code="pl")
    await forged.send("/start ../../etc/passwd")
    await forged.expect_text(school.t("pl", "start.no_code"))
    assert await school.member(forged) is None


async def test_a_parent_changes_language_and_the_menu_follows(school: School) -> None:
    """/language switches every later message, and the chat's command menu, to the new language."""
    coordinator = await school.coordinator()
    await school.new_class(coordinator, "1A")
    olena = await school.parent("Olena", "uk", "1A")
    await olena.send("/language")
    await olena.expect_text(school.t("uk", "language.prompt"))
    await school.pick_language(olena, "ru", second="en")
    await olena.send("/help")
    await olena.expect_text(school.help("ru", "parent"))
    menu = school.tg.commands_for_chat(olena.id)
    assert [c["description"] for c in menu][:1] == [school.t("ru", "cmd.help")]
    async with school.app.bot_data.sessions() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == olena.id))).one()
    assert (member.language, member.second_language) == ("ru", "en")
