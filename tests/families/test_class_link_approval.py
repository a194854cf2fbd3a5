"""Stories of the class QR with approval: a parent without a letter says whose parent they are,
the class's teacher approves or refuses with one tap, and nothing of the class reaches the parent
before that; teachers remove a parent and rotate the class link."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from bot.core.clock import ManualClock
from bot.core.codes import family_payload
from bot.core.settings import Settings
from bot.demo.school import School
from bot.families import service as families
from bot.models import ClassMembership, Delivery, Guardian, JoinRequest, LinkStatus
from bot.simulator import SimUser
from tests.helpers.restart import restarted


async def announce(school: School, teacher: SimUser, text: str) -> None:
    """The teacher writes to the class and presses Send now."""
    await teacher.send(text)
    await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(school.t("nl", "announce.send_now"))


async def copies_for(school: School, user: SimUser) -> int:
    """How many announcement copies the outbox ever made for this parent."""
    member = await school.member(user)
    assert member is not None
    async with school.app.bot_data.sessions() as session:
        found = await session.exec(
            select(func.count()).select_from(Delivery).where(Delivery.member_id == member.id)
        )
        return int(found.one())


async def requests_of(school: School, user: SimUser) -> list[JoinRequest]:
    """The join requests a parent made."""
    member = await school.member(user)
    async with school.app.bot_data.sessions() as session:
        return list(
            await session.exec(select(JoinRequest).where(JoinRequest.member_id == member.id))
        )


async def notice(school: School, teacher: SimUser, parent: str) -> object:
    """The request as it reaches a teacher: in Dutch, with Approve and Refuse."""
    return await teacher.wait_for_message(
        lambda m: m.text.startswith(f"🙋 {parent} (") and "jr:a:" in str(m.buttons)
    )


async def scan_and_pick(school: School, name: str, lang: str, child: str, role: str) -> SimUser:
    """A parent scans the class QR of 1A, picks the child from the list and their role."""
    user = school.person(name, language_code=lang)
    await user.send("/start " + school.classes["1A"])
    await school.pick_language(user, lang)
    await user.expect_text(school.t(lang, "approval.pick_child", class_name="1A"))
    await user.press(child)
    await user.expect_text(school.t(lang, "approval.ask_role", child=child))
    await user.press(school.t(lang, f"families.role_{role}"))
    await user.expect_text(school.t(lang, "approval.requested", class_name="1A"))
    return user


async def class_1a(school: School) -> dict[str, SimUser]:
    """Class 1A with two teachers, a roster of nine children and one family joined by letter."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {
        "sofie": sofie,
        "lies": await school.teacher(sofie, "Juf Lies", "1A"),
        "els": await school.teacher(sofie, "Meester Els", "1A"),
    }
    for child in ["Adam", "Bilal", "Chloé", "Dina", "Emre", "Fien", "Gust", "Hiba", "Ilias"]:
        await school.on_roster("1A", child)
    people["amina"] = await school.parent("Amina", "ar", "1A", child="Jana")
    return people


async def test_a_class_link_parent_gets_nothing_of_the_class_until_a_teacher_approves(
    school: School,
) -> None:
    """Mehmet scans the class QR: he picks his son from the list (first names only, paged), says
    he is the father, and waits; an announcement sent meanwhile does not reach him. The second
    teacher approves first; the first teacher's copy then says so, and her late press is told
    who decided. From then on the class's messages reach Mehmet."""
    people = await class_1a(school)
    lies, els, amina = people["lies"], people["els"], people["amina"]
    mehmet = school.person("Mehmet", language_code="tr")
    await mehmet.send("/start " + school.classes["1A"])
    await school.pick_language(mehmet, "tr")
    picker = await mehmet.expect_text(school.t("tr", "approval.pick_child", class_name="1A"))
    labels = [label for row in picker.buttons for label, _ in row]
    assert labels[:8] == ["Adam", "Bilal", "Chloé", "Dina", "Emre", "Fien", "Gust", "Hiba"]
    assert "›" in labels and "Ilias" not in labels  # 8 a page
    assert labels[-1] == school.t("tr", "approval.not_in_list")
    await mehmet.press("›")
    await mehmet.press("Ilias")
    await mehmet.press(school.t("tr", "families.role_father"))
    await mehmet.expect_text(school.t("tr", "approval.requested", class_name="1A"))

    await mehmet.send("/start " + school.classes["1A"])  # scans again: still waiting, no copy
    await mehmet.expect_text(school.t("tr", "approval.waiting", class_name="1A"))
    assert len(await requests_of(school, mehmet)) == 1

    copies = {}
    for teacher in (lies, els):
        copies[teacher.first_name] = shown = await notice(school, teacher, "Mehmet")
        assert shown.text == school.t(
            "nl", "approval.notice", parent="Mehmet", language="Turks", class_name="1A",
            role="vader", child="Ilias (1A)",
        )  # fmt: skip

    await announce(school, lies, "Morgen turnen: breng sportschoenen mee.")
    await amina.expect_text("Morgen turnen", timeout=10)
    assert await copies_for(school, mehmet) == 0
    assert not any("Morgen turnen" in m.text for m in mehmet.messages)

    lies_copy = copies["Juf Lies"]
    await els.press(school.t("nl", "approval.approve"))
    done = school.t(
        "nl", "approval.done_approved", name="Meester Els", parent="Mehmet",
        child="Ilias (1A)", class_name="1A",
    )  # fmt: skip
    await els.expect_text(done)
    edited = await lies.expect_text(done)  # her copy, edited in place: no buttons any more
    assert edited.message_id == lies_copy.message_id and not edited.buttons
    late = await lies.press_data(f"jr:a:{(await requests_of(school, mehmet))[0].id}", lies_copy)
    answer = await lies.wait_callback_answer(late)
    assert answer.text == school.t("nl", "approval.already_approved", name="Meester Els")

    await mehmet.expect_text(
        school.t("tr", "approval.approved", class_name="1A", child="Ilias (1A)")
    )
    [request] = await requests_of(school, mehmet)
    assert request.status == LinkStatus.APPROVED and request.via == "class_link"
    member = await school.member(mehmet)
    async with school.app.bot_data.sessions() as session:
        link = (await session.exec(select(Guardian).where(Guardian.member_id == member.id))).one()
    assert (link.role, link.via, link.status) == ("father", "class_link", "approved")

    await announce(school, lies, "Vrijdag is er een schoolfeest.")
    await mehmet.expect_text("Vrijdag is er een schoolfeest", timeout=10)


async def test_a_refused_parent_is_told_kindly_and_only_the_refusal_is_kept(
    school: School,
) -> None:
    """Sara's mother types a name that is not in the list; the teacher refuses. She reads, in
    French, that she can contact the school; no membership, and the typed name is not kept."""
    people = await class_1a(school)
    lies = people["lies"]
    mother = school.person("Nadia", language_code="fr")
    await mother.send("/start " + school.classes["1A"])
    await school.pick_language(mother, "fr")
    await mother.press(school.t("fr", "approval.not_in_list"))
    await mother.expect_text(school.t("fr", "approval.type_name"))
    await mother.send("Sara K")
    await mother.press(school.t("fr", "families.role_mother"))
    await mother.expect_text(school.t("fr", "approval.requested", class_name="1A"))
    shown = await notice(school, lies, "Nadia")
    assert school.t("nl", "approval.typed_child", name="Sara K") in shown.text

    await lies.press(school.t("nl", "approval.refuse"))
    await lies.expect_text(
        school.t("nl", "approval.done_refused", name="Juf Lies", parent="Nadia", class_name="1A")
    )
    await mother.expect_text(school.t("fr", "approval.refused", class_name="1A"))
    [request] = await requests_of(school, mother)
    assert (request.status, request.typed_name, request.pupil_id) == ("refused", "", None)
    member = await school.member(mother)
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(
            select(ClassMembership).where(ClassMembership.member_id == member.id)
        )
        assert list(rows) == []
    await people["els"].press_data(f"jr:r:{request.id}")  # too late: the answer says who decided
    answer = await people["els"].wait_callback_answer(next(reversed(people["els"].presses.keys())))
    assert answer.text == school.t("nl", "approval.already_refused", name="Juf Lies")


async def test_for_a_typed_name_the_teacher_picks_the_child_or_the_class_only(
    school: School,
) -> None:
    """Two parents type their child's name. For the first the teacher picks the child from the
    class list (the family is linked); for the second she approves the class only: the class's
    messages reach him, but he is linked to no family."""
    people = await class_1a(school)
    lies, joined = people["lies"], []
    for name, lang, typed in [("Olena", "uk", "Dina V"), ("Kofi", "en", "Kwame")]:
        parent = school.person(name, language_code=lang)
        joined.append(parent)
        await parent.send("/start " + school.classes["1A"])
        await school.pick_language(parent, lang)
        await parent.press(school.t(lang, "approval.not_in_list"))
        await parent.send(typed)
        await parent.press(school.t(lang, "families.role_other"))
        await notice(school, lies, name)
        await lies.press(school.t("nl", "approval.approve"))
        await lies.expect_text(school.t("nl", "approval.pick_for", parent=name, typed=typed))
        if name == "Olena":
            await lies.press("Dina")
            await lies.expect_text(school.t(
                "nl", "approval.done_approved", name="Juf Lies", parent=name,
                child="Dina (1A)", class_name="1A",
            ))  # fmt: skip
            await parent.expect_text(
                school.t(lang, "approval.approved", class_name="1A", child="Dina (1A)")
            )
        else:
            await lies.press(school.t("nl", "approval.without_child"))
            await parent.expect_text(school.t(lang, "approval.approved_class", class_name="1A"))
        member = await school.member(parent)
        async with school.app.bot_data.sessions() as session:
            links = list(
                await session.exec(select(Guardian).where(Guardian.member_id == member.id))
            )
            classes = list(
                await session.exec(
                    select(ClassMembership).where(ClassMembership.member_id == member.id)
                )
            )
        assert len(classes) == 1
        assert len(links) == (1 if name == "Olena" else 0)
    await announce(school, lies, "Woensdag vrij.")
    for parent in joined:
        await parent.expect_text("Woensdag vrij", timeout=10)


async def test_only_the_class_teachers_or_a_coordinator_decide(school: School) -> None:
    """A forged approve from a parent or from the teacher of another class changes nothing;
    the answer does not even tell them whether the request exists."""
    people = await class_1a(school)
    await school.new_class(people["sofie"], "2B")
    koen = await school.teacher(people["sofie"], "Meester Koen", "2B")
    await koen.send("/start " + school.classes["1A"])  # the parents' flyer makes no teacher
    await koen.expect_text(school.t("nl", "approval.staff_link", class_name="1A"))
    mehmet = await scan_and_pick(school, "Mehmet", "tr", "Adam", "father")
    [request] = await requests_of(school, mehmet)
    amina = people["amina"]
    forged = await amina.press_data(f"jr:a:{request.id}")
    assert (await amina.wait_callback_answer(forged)).text == school.t("ar", "error.stale_button")
    forged = await koen.press_data(f"jr:a:{request.id}")
    assert (await koen.wait_callback_answer(forged)).text == school.t("nl", "approval.gone")
    forged = await koen.press_data(f"jp:{request.id}:0")
    assert (await koen.wait_callback_answer(forged)).text == school.t("nl", "approval.gone")
    forged = await koen.press_data(f"jq:r:{request.class_id}:{request.pupil_id}:father")
    assert (await koen.wait_callback_answer(forged)).text == school.t("nl", "error.stale_button")
    assert await requests_of(school, koen) == []  # staff never ask to join as a parent
    [request] = await requests_of(school, mehmet)
    assert request.status == "pending"
    sofie = people["sofie"]  # a coordinator may decide for any class
    await sofie.press_data(f"jr:a:{request.id}")
    await mehmet.expect_text(
        school.t("tr", "approval.approved", class_name="1A", child="Adam (1A)")
    )


async def test_a_pending_request_survives_a_restart(
    school: School, settings: Settings, clock: ManualClock
) -> None:
    """The bot restarts while Mehmet waits; the teacher's Approve still works afterwards."""
    people = await class_1a(school)
    mehmet = await scan_and_pick(school, "Mehmet", "tr", "Bilal", "father")
    copy = await notice(school, people["lies"], "Mehmet")
    async with restarted(school.app, settings, clock) as fresh:
        again = School(tg=school.tg, app=fresh, classes=school.classes)
        await people["lies"].press(again.t("nl", "approval.approve"), copy)
        await mehmet.expect_text(
            again.t("tr", "approval.approved", class_name="1A", child="Bilal (1A)")
        )


async def test_a_teacher_removes_a_parent_and_rotates_the_class_link(school: School) -> None:
    """Juf Lies removes a parent from 1A (she is told kindly, in Arabic, and the next message
    does not reach her) and makes a new class link: the old flyer no longer works, the parents
    who joined stay."""
    people = await class_1a(school)
    lies, amina = people["lies"], people["amina"]
    tom = await school.parent_via_class_link("Tom", "nl", "1A", "Kato", lies, role="father")
    old_link = school.classes["1A"]
    forged = await amina.press_data(f"rmy:{(await school.class_row('1A')).id}:1")
    assert (await amina.wait_callback_answer(forged)).text == school.t("ar", "error.stale_button")

    await lies.send("/myclasses")
    await lies.press(school.t("nl", "classes.button_members"))
    await lies.expect_text(school.t("nl", "classes.members_title", class_name="1A"))
    await lies.press("Amina (Arabisch)")
    await lies.press(school.t("nl", "common.yes"))
    await lies.expect_text(school.t("nl", "classes.removed", name="Amina", class_name="1A"))
    await amina.expect_text(school.t("ar", "classes.removed_notice", class_name="1A"))
    member = await school.member(amina)
    async with school.app.bot_data.sessions() as session:
        assert (
            list(await session.exec(select(Guardian).where(Guardian.member_id == member.id))) == []
        )

    await lies.send("/myclasses")
    await lies.press(school.t("nl", "classes.button_rotate"))
    await lies.expect_text(school.t("nl", "classes.rotate_confirm", name="1A"))
    await lies.press(school.t("nl", "common.yes"))
    await lies.expect_text(school.t("nl", "classes.rotated", name="1A"))
    new = await lies.expect_text("https://t.me/")
    new_link = new.text.split("start=", 1)[1].split()[0]
    assert new_link != old_link
    late = school.person("Late", language_code="nl")
    await late.send("/start " + old_link)
    await school.pick_language(late, "nl")
    await late.expect_text(school.t("nl", "start.bad_code"))
    late2 = school.person("Nieuw", language_code="nl")
    await late2.send("/start " + new_link)
    await school.pick_language(late2, "nl")
    await late2.expect_text(school.t("nl", "approval.pick_child", class_name="1A"))

    await announce(school, lies, "Donderdag uitstap naar de zoo.")
    await tom.expect_text("Donderdag uitstap", timeout=10)
    assert await copies_for(school, amina) == 0


async def test_a_parent_removed_from_one_class_keeps_the_other_and_no_sync_brings_it_back(
    school: School,
) -> None:
    """Amina's family has Jana in 1A and Omar in 2B. Juf Lies removes her from 1A: her link to
    that family goes (she is not Jana's guardian, says the teacher), 2B's messages still reach
    her, the family's other guardian still joins with the letter, and when a roster import
    recomputes memberships 1A does not come back for Amina."""
    people = await class_1a(school)
    lies, amina, sofie = people["lies"], people["amina"], people["sofie"]
    await school.new_class(sofie, "2B")
    member = await school.member(amina)
    assert member is not None and member.id is not None
    services = school.app.bot_data
    async with services.sessions() as session:
        [family_id] = await families.guardian_families(session, member_id=member.id)
        two_b = await school.class_row("2B")
        await families.add_pupil(
            session, school_id=services.school_id, family_id=family_id, class_id=two_b.id,
            first_name="Omar", now=services.clock.now(),
        )  # fmt: skip
        await families.sync_class_memberships(
            session, member_id=member.id, now=services.clock.now()
        )
        [code] = await families.issue_codes(
            session, school_id=services.school_id, family_id=family_id, count=1,
            now=services.clock.now(),
        )  # fmt: skip
        await session.commit()

    await lies.send("/myclasses")
    await lies.press(school.t("nl", "classes.button_members"))
    await lies.press("Amina (Arabisch)")
    await lies.press(school.t("nl", "common.yes"))
    await amina.expect_text(school.t("ar", "classes.removed_notice", class_name="1A"))
    karim = school.person("Karim", language_code="ar")
    await karim.send("/start " + family_payload(code))
    await school.pick_language(karim, "ar")
    await karim.expect_text(school.t("ar", "families.ask_role"))

    async with services.sessions() as session:  # as a roster import recomputes memberships
        await families.sync_class_memberships(
            session, member_id=member.id, now=services.clock.now()
        )
        await session.commit()
        classes = set(
            await session.exec(
                select(ClassMembership.class_id).where(ClassMembership.member_id == member.id)
            )
        )
        links = list(await session.exec(select(Guardian).where(Guardian.member_id == member.id)))
    assert classes == {two_b.id} and links == []
