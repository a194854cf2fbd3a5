"""Privacy with families: /mydata shows a guardian whose parent they are and how that was decided;
/forget removes the guardian (links, requests, the child's name they typed) but not the children's
roster rows, which are the school's own record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from bot.core.codes import family_payload
from bot.demo.school import School
from bot.families import service as families
from bot.models import FamilyCode, Guardian, JoinRequest, LinkVia, Pupil
from bot.simulator import SimUser
from tests.helpers.privacy import (
    diff,
    dump,
    in_files,
    mentions,
    needles,
    raw_bytes,
    rows_mentioning,
)

ZEHRA = "Zehra Yıldırımoğlu"  # the mother, who reads Turkish
ZEHRA_ID = 7_305_118_264
TYPED = "Yusufcikcik"  # the name she typed at 2B's class link, for a child not on the roster


@dataclass
class Family:
    """Adam B. (1A) and his sister Sara B. (2B): their mother Zehra joined with her letter (and
    waits for 2B's teacher about a third child); their father Karim with his."""

    sofie: SimUser
    lies: SimUser
    zehra: SimUser
    karim: SimUser
    family_id: int


async def scan(school: School, user: SimUser, lang: str, payload: str, role: str) -> None:
    """A guardian scans their personal letter, picks their language and says who they are."""
    await user.send("/start " + payload)
    await school.pick_language(user, lang)
    await user.expect_text(school.t(lang, "families.joined", children="Adam B. (1A), Sara B. (2B)"))
    await user.press(school.t(lang, f"families.role_{role}"))
    await user.expect_text(
        school.t(lang, "families.role_saved", role=school.t(lang, f"families.role_{role}"))
    )


async def siblings(school: School) -> Family:
    """The roster has the siblings; Juf Lies prints the family's letter (two codes)."""
    sofie = await school.coordinator()
    for name in ("1A", "2B"):
        await school.new_class(sofie, name)
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    printer = await school.member(lies)
    services = school.app.bot_data
    now = services.clock.now()
    async with services.sessions() as session:
        family = await families.new_family(session, school_id=services.school_id, now=now)
        for child, class_name in (("Adam", "1A"), ("Sara", "2B")):
            await families.add_pupil(
                session, school_id=services.school_id, family_id=family.id or 0,
                class_id=(await school.class_row(class_name)).id, first_name=child,
                last_initial="B.", languages="tr", now=now,
            )  # fmt: skip
        codes = await families.issue_codes(
            session, school_id=services.school_id, family_id=family.id or 0, count=2, now=now,
            created_by=printer.id if printer else None,
        )  # fmt: skip
        await session.commit()
    zehra = school.person(ZEHRA, "tr", user_id=ZEHRA_ID)
    await scan(school, zehra, "tr", family_payload(codes[0]), "mother")
    karim = school.person("Karim", "tr")
    await scan(school, karim, "tr", family_payload(codes[1]), "father")
    member = await school.member(zehra)
    assert member is not None
    async with services.sessions() as session:  # as the class link stores it (bot/families/)
        session.add(
            JoinRequest(
                school_id=services.school_id, member_id=member.id or 0,
                class_id=(await school.class_row("2B")).id or 0, typed_name=TYPED,
                role="mother", via=LinkVia.CLASS_LINK, created_at=now,
            )
        )  # fmt: skip
        await session.commit()
    return Family(sofie, lies, zehra, karim, family.id or 0)


async def test_mydata_shows_whose_parent_and_how(school: School) -> None:
    """Zehra reads her children, that she is their mother, linked by her letter, and the request
    that waits for 2B's teacher, with the name she typed; and that the roster is the school's."""
    family = await siblings(school)
    t = school.t
    mother = t("tr", "families.role_mother")
    await family.zehra.send("/mydata")
    shown = await family.zehra.expect_text(t("tr", "mydata.families"))
    linked = t(
        "tr", "mydata.link", children="Adam B. (1A), Sara B. (2B)", role=mother,
        via=t("tr", "mydata.via_letter"),
    )  # fmt: skip
    assert linked in shown.text
    assert t("tr", "mydata.pending", children=f"{TYPED} (2B)", role=mother) in shown.text
    assert t("tr", "mydata.roster_note") in shown.text
    assert "Karim" not in shown.text  # the other guardian's data is his own
    services, karim = school.app.bot_data, await school.member(family.karim)
    assert karim is not None
    async with services.sessions() as session:  # 1A's teacher refused him (only that is kept)
        session.add(
            JoinRequest(
                school_id=services.school_id, member_id=karim.id or 0, status="refused",
                class_id=(await school.class_row("1A")).id or 0, role="father",
                created_at=services.clock.now(),
            )
        )  # fmt: skip
        await session.commit()
    await family.karim.send("/mydata")
    his = await family.karim.expect_text(t("tr", "mydata.families"))
    father = t("tr", "families.role_father")
    assert t("tr", "mydata.refused", children="1A", role=father) in his.text
    assert TYPED not in his.text
    await family.sofie.send("/mydata")  # staff, linked to no family: no families part
    mine = await family.sofie.expect_text("Sofie")
    assert t("nl", "mydata.families") not in mine.text


async def test_forget_removes_the_guardian_not_the_roster(school: School, db_url: str) -> None:
    """After Zehra's /forget nothing derived from her is in any table or in the SQLite file: her
    links, her request and the name she typed went. Adam's and Sara's rows, the family, Karim's
    link stay; the letter code she used stays used (it holds nothing of her, and a lost letter
    must not let someone else in). When Juf Lies leaves, her codes stay without her name."""
    family = await siblings(school)
    member = await school.member(family.zehra)
    assert member is not None
    before = await dump(school)
    words = [ZEHRA, TYPED]
    assert mentions(before, words, [ZEHRA_ID])
    if db_url.startswith("sqlite"):
        assert in_files(raw_bytes(db_url), needles(words, ZEHRA_ID))
    await family.zehra.send("/forget")
    await family.zehra.expect_text(school.t("tr", "forget.child_stays"))
    await family.zehra.press(school.t("tr", "forget.yes"))
    await family.zehra.expect_text(school.t("tr", "forget.done"))
    after = await dump(school)

    assert mentions(after, words, [ZEHRA_ID]) == []
    assert await rows_mentioning(school, member.id, ZEHRA_ID) == []
    if db_url.startswith("sqlite"):  # the raw file and its WAL, as an insider would copy them
        assert in_files(raw_bytes(db_url), needles(words, ZEHRA_ID)) == []
    gone, came = diff(before, after)
    assert {"member", "guardian", "join_request", "class_membership"} <= set(gone), gone.keys()
    assert came == {}
    for table in ("pupil", "family", "family_code"):
        assert before[table] == after[table], table  # the school's record, untouched
    async with school.app.bot_data.sessions() as session:
        left = list(await session.exec(select(Guardian)))
        kids = list(await session.exec(select(Pupil)))
        codes = list(await session.exec(select(FamilyCode)))
    assert [g.role for g in left] == ["father"] and {k.first_name for k in kids} == {"Adam", "Sara"}
    assert sorted(c.uses_left for c in codes) == [0, 0]
    assert all(c.created_by is not None for c in codes)

    await family.lies.send("/forget")
    await family.lies.press(school.t("nl", "forget.yes"))
    await family.lies.expect_text(school.t("nl", "forget.done"))
    async with school.app.bot_data.sessions() as session:
        codes = list(await session.exec(select(FamilyCode)))
    assert len(codes) == 2 and all(c.created_by is None for c in codes)


async def test_mydata_of_a_parent_the_teacher_approved(school: School) -> None:
    """Nadia came by 2B's class link without a letter; 2B has no teacher yet, so coordinator
    Sofie approved her. /mydata says so: through the class link, approved by the teacher."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2B")
    nadia = await school.parent_via_class_link("Nadia", "ar", "2B", "Yasmine", sofie)
    await nadia.send("/mydata")
    shown = await nadia.expect_text(school.t("ar", "mydata.families"))
    linked = school.t(
        "ar", "mydata.link", children="Yasmine (2B)", role=school.t("ar", "families.role_mother"),
        via=school.t("ar", "mydata.via_class_link"),
    )  # fmt: skip
    assert linked in shown.text
