"""Stories of single pupils and the end of the school year: a coordinator adds a pupil in the
bot (beside a sibling), removes one with every link to it, and what left is deleted after the
school year's last day (the clock is the injected one)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import Family, FamilyCode, Guardian, JoinRequest, Member
from bot.simulator import SimUser
from tests.helpers.roster import class_names, csv_bytes, letter_for, pupils, send_list

LIST = [
    "Leerlingnummer;Voornaam;Naam;Klas;Thuistaal;Gezin",
    "1001;Adam;Benali;1A;ar;G1",
    "1002;Sara;Benali;3B;ar;G1",
    "1003;Mila;Peeters;1A;nl;G2",
]


async def amina_and_her_children(school: School) -> tuple[SimUser, SimUser]:
    """Sofie imports the list; Amina joins with the letter of the Benali family."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    report = await send_list(school, sofie, csv_bytes(LIST), "lijst.csv")
    await sofie.press(school.t("nl", "roster.button_import"), message=report)
    await sofie.expect_text(school.t("nl", "roster.imported", added=3, changed=0, archived=0))
    amina = school.person("Amina", language_code="ar")
    await amina.send("/start " + await letter_for(school, (await pupils(school))["Adam B."]))
    await school.pick_language(amina, "ar")
    await amina.expect_text(
        school.t("ar", "families.joined", children="Adam B. (1A), Sara B. (3B)")
    )
    return sofie, amina


async def counts(school: School) -> dict[str, int]:
    """How many families, guardian links, letter codes and members are stored."""
    async with school.app.bot_data.sessions() as session:
        return {
            table.__name__: len(list(await session.exec(select(table))))
            for table in (Family, Guardian, FamilyCode, Member)
        }


async def test_what_left_is_deleted_after_the_school_years_last_day(
    school: School, clock: ManualClock
) -> None:
    """Next year's list without the Benali children archives them; on 31 August nothing goes;
    the night after, they are deleted with their family, Amina's link and the letter codes.
    Amina keeps her member row; Mila stays."""
    sofie, amina = await amina_and_her_children(school)
    report = await send_list(school, sofie, csv_bytes([LIST[0], LIST[3]]), "september.csv")
    await sofie.press(school.t("nl", "roster.button_next_year"), message=report)
    await sofie.expect_text(school.t("nl", "roster.imported", added=0, changed=0, archived=2))
    assert await class_names(school, amina) == set()
    before = await counts(school)
    services = school.app.bot_data
    assert services.scheduler is not None
    clock.set(datetime(2027, 8, 31, 1, 30, tzinfo=UTC))  # 31 August, 03:30 in Brussels
    await services.scheduler.ran("roster-year-end", 1)
    assert set(await pupils(school, archived=True)) == {"Adam B.", "Sara B."}
    assert await counts(school) == before
    clock.set(datetime(2027, 9, 1, 1, 30, tzinfo=UTC))  # the night after the last day
    await services.scheduler.ran("roster-year-end", 2)
    assert await pupils(school, archived=True) == {}
    assert set(await pupils(school)) == {"Mila P."}
    after = await counts(school)
    assert after["Family"] == before["Family"] - 1
    assert after["Guardian"] == 0 and after["FamilyCode"] == 0
    assert after["Member"] == before["Member"] and await school.member(amina) is not None


async def test_a_coordinator_adds_a_pupil_beside_a_sibling(school: School) -> None:
    """Yasmina B. joins 2A with Arabic and French at home, in the Benali family: Amina, already
    their guardian, now gets 2A's messages too. A pupil without initial in a new family."""
    sofie, amina = await amina_and_her_children(school)
    await school.new_class(sofie, "2A")
    t = school.t
    await sofie.send("/addpupil")
    await sofie.expect_text(t("nl", "pupil.pick_class"))
    await sofie.press("2A")
    await sofie.expect_text(t("nl", "pupil.type_first_name", name="2A"))
    await sofie.send("Yasmina")
    await sofie.expect_text(t("nl", "pupil.type_initial", name="Yasmina"))
    await sofie.send("benali")
    await sofie.expect_text(t("nl", "pupil.pick_languages", name="Yasmina"))
    await sofie.press("Arabisch")
    await sofie.press("Frans")
    await sofie.press(t("nl", "pupil.button_done"))
    await sofie.expect_text(t("nl", "pupil.ask_sibling", name="Yasmina"))
    await sofie.send("sar")
    await sofie.expect_text(t("nl", "pupil.pick_sibling", name="sar"))
    await sofie.press("Sara B. (3B)")
    await sofie.expect_text(t("nl", "pupil.added", child="Yasmina B. (2A)"))
    roster = await pupils(school)
    assert roster["Yasmina B."].languages == "ar,fr"
    assert roster["Yasmina B."].family_id == roster["Sara B."].family_id
    assert await class_names(school, amina) == {"1A", "2A", "3B"}

    await sofie.send("/addpupil")
    await sofie.press("2A")
    await sofie.send("Bram")
    await sofie.press(t("nl", "pupil.button_no_initial"))
    await sofie.press(t("nl", "pupil.button_done"))
    await sofie.send("Xavier")
    await sofie.expect_text(t("nl", "pupil.no_sibling_found", name="Xavier"))
    await sofie.press(t("nl", "pupil.button_new_family"))
    await sofie.expect_text(t("nl", "pupil.added", child="Bram (2A)"))
    roster = await pupils(school)
    assert roster["Bram"].family_id not in {p.family_id for n, p in roster.items() if n != "Bram"}


async def test_removing_a_pupil_removes_every_link_to_it(school: School) -> None:
    """Adam goes: Amina leaves 1A but stays Sara's guardian in 3B. Sara goes: the family is
    empty, so Amina's link, the letter codes and a join request for Sara go too."""
    sofie, amina = await amina_and_her_children(school)
    services = school.app.bot_data
    member = await school.member(amina)
    sara = (await pupils(school))["Sara B."]
    async with services.sessions() as session:
        class_3b = await school.class_row("3B")
        session.add(
            JoinRequest(
                school_id=services.school_id, member_id=member.id if member else 0,
                class_id=class_3b.id or 0, pupil_id=sara.id, created_at=services.clock.now(),
            )
        )  # fmt: skip
        await session.commit()
    t = school.t
    await sofie.send("/removepupil")
    await sofie.expect_text(t("nl", "pupil.remove_pick_class"))
    await sofie.press("1A")
    await sofie.expect_text(t("nl", "pupil.remove_pick_child"))
    await sofie.press("Adam B. (1A)")
    await sofie.expect_text(t("nl", "pupil.remove_confirm", child="Adam B. (1A)"))
    await sofie.press(t("nl", "common.yes"))
    await sofie.expect_text(t("nl", "pupil.removed", child="Adam B. (1A)"))
    assert await class_names(school, amina) == {"3B"}
    assert (await counts(school))["Guardian"] == 1
    await sofie.send("/removepupil")
    await sofie.press("3B")
    await sofie.press("Sara B. (3B)")
    await sofie.press(t("nl", "common.yes"))
    await sofie.expect_text(t("nl", "pupil.removed", child="Sara B. (3B)"))
    assert set(await pupils(school)) == {"Mila P."}
    assert await class_names(school, amina) == set()
    left = await counts(school)
    assert left["Guardian"] == 0 and left["FamilyCode"] == 0 and left["Family"] == 1
    async with services.sessions() as session:
        assert list(await session.exec(select(JoinRequest))) == []
    assert await school.member(amina) is not None
