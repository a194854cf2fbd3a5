"""Polls stay anonymous with families: the k-anonymity rule counts families, not guardians.

The mother and father of one child are one family: if they were counted as two, a class where
6 guardians of only 3 families are invited would be named in the answers, and an insider reading
the database would know each such answer came from one of 3 families. The school's k is 5.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import Family, Guardian, Member
from bot.models import School as SchoolRow
from bot.polls.coarsen import POOL, family_units, kept, kept_units, shown
from bot.simulator import SimUser
from tests.conftest import START
from tests.helpers.polls import answer, launch

K = 5


def test_two_guardians_of_one_family_count_once() -> None:
    """Six guardians of three families are three; a guardian without a family is one."""
    assert kept_units({"2B": {"f1", "f2", "f3"}, "3C": {1, 2, 3, 4, 5, 6}}, k=K) == set()
    assert kept_units({"3C": {1, 2, 3, 4, 5, 6}, "1A": {7, 8, 9, 10, 11}}, k=K) == {"3C", "1A"}
    # A family with guardians in two values counts once in the pool they both join.
    pool = {"nl": {1, 2, 3, 4, 5, 6}, "ar": {"f1", "f2"}, "ti": {"f1", "f2", "f3"}}
    assert kept_units(pool, k=K) == set()  # ar + ti are 3 families: nl must join them
    assert kept(Counter({"nl": 6, "ar": 2, "ti": 3}), k=K) == {"nl"}  # counted as guardians: 5
    audience: list[tuple[int | None, str]] = [(2, "ar")] * 6 + [(3, "nl")] * 6 + [(1, "nl")] * 5
    families = ["f1", "f1", "f2", "f2", "f3", "f3", *range(6), *range(10, 15)]
    assert shown(audience, k=K).classes == {1, 2, 3}  # guardians: 2B would be named
    found = shown(audience, k=K, units=families)
    assert found.classes == {3}  # 2B (3 families) is not; 1A joins its pool to make k
    assert found.languages == {3: {"nl"}}  # the pool's Arabic (3 families) is not named either
    assert found.class_of(2) is None and found.language_of(2, "ar") is None
    assert shown([(1, "nl")] * 5, k=K, units=["f1", "f1", 1, 2, 3]).classes == set()


async def test_families_that_share_a_guardian_are_one(sessions) -> None:  # type: ignore[no-untyped-def]
    """Ana is a guardian of two families (her son; her new partner's daughter), Ben of the second:
    the three are one unit. A refused claim does not join; a member with no family is absent."""
    async with sessions() as session:
        school = SchoolRow(name="De Buurt", created_at=START)
        session.add(school)
        await session.commit()
        sid = school.id or 0
        people = [
            Member(school_id=sid, telegram_id=n, chat_id=n, first_name=name, created_at=START)
            for n, name in enumerate(["Ana", "Ben", "Cem", "Dua", "Eva"], start=1)
        ]
        session.add_all(people)
        fams = [Family(school_id=sid, key=f"g{n}", created_at=START) for n in range(3)]
        session.add_all(fams)
        await session.commit()
        ana, ben, cem, dua, eva = (p.id or 0 for p in people)
        links = [(ana, 0, "approved"), (ana, 1, "pending"), (ben, 1, "approved"),
                 (cem, 2, "approved"), (dua, 2, "refused")]  # fmt: skip
        session.add_all(
            Guardian(school_id=sid, family_id=fams[f].id or 0, member_id=m, status=s,
                     created_at=START)
            for m, f, s in links
        )  # fmt: skip
        await session.commit()
        units = await family_units(session, member_ids=[ana, ben, cem, dua, eva])
    assert units[ana] == units[ben] != units[cem]
    assert dua not in units and eva not in units


async def family(school: School, class_name: str, child: str, names: list[str]) -> list[SimUser]:
    """The school prints a personal letter for a child; each guardian scans their own code."""
    people = []
    payloads = await school.letter(class_name, child, languages="ar", guardians=len(names))
    for name, payload in zip(names, payloads, strict=True):
        user = school.person(name, language_code="ar")
        await user.send("/start " + payload)
        await school.pick_language(user, "ar")
        await user.expect_text(
            school.t("ar", "families.joined", children=f"{child} ({class_name})")
        )
        people.append(user)
    return people


def insider_reads(settings: Settings, query: str) -> list[tuple[object, ...]]:
    """What someone who copied the SQLite file reads in it, with any SQLite tool."""
    path = Path(settings.db_url.split(":///", 1)[1])
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return list(db.execute(query))


async def rows(school: School, settings: Settings, query: str) -> list[tuple[object, ...]]:
    """The attacker's view: the raw file on SQLite, the tables on PostgreSQL."""
    if settings.db_url.startswith("sqlite"):
        return insider_reads(settings, query)
    async with school.app.bot_data.sessions() as session:
        return [tuple(r) for r in await session.exec(text(query))]  # type: ignore[call-overload]


async def test_a_class_of_six_guardians_from_three_families_is_not_named(
    school: School, settings: Settings
) -> None:
    """2B: three children, each with a mother and a father who scanned their letters (6 guardians,
    3 families, all Arabic). 3C: six Dutch-speaking families, 1A five. The 12 of 2B and 3C answer;
    the database names 3C in its answers, never 2B, and never Arabic."""
    sofie = await school.coordinator()
    for name in ("1A", "2B", "3C"):
        await school.new_class(sofie, name)
    for n in range(5):
        await school.parent(f"Ouder1A{n}", "nl", "1A")
    dutch = [await school.parent(f"Ouder3C{n}", "nl", "3C") for n in range(6)]
    arabic: list[SimUser] = []
    for child, parents in (("Adam", ["Hiba", "Omar"]), ("Lina", ["Rania", "Karim"])):
        arabic += await family(school, "2B", child, parents)
    arabic += await family(school, "2B", "Sami", ["Layla", "Nour"])
    poll_id = await launch(school, sofie, "barriers", parents=17)
    for n, user in enumerate(arabic + dutch):
        lang = "ar" if user in arabic else "nl"
        done = await answer(
            school, user, lang, poll_id, [("other", f"woorden {n:02d}"), "often", None]
        )
        await user.wait_for(lambda u, done=done: done.text.startswith("🙏"))
    closing = await sofie.press_data(f"pz:{poll_id}")
    await sofie.wait_callback_answer(closing)

    class_2b, class_3c = (await school.class_row("2B")).id, (await school.class_row("3C")).id
    [(stored,)] = await rows(school, settings, f"SELECT shown FROM poll WHERE id = {poll_id}")
    assert json.loads(str(stored))["classes"] == [class_3c]
    assert json.loads(str(stored))["languages"] == {str(class_3c): ["nl"]}
    answered = await rows(
        school, settings,
        "SELECT r.class_id, a.language, a.text FROM poll_response r"
        " JOIN poll_answer a ON a.response_id = r.id WHERE a.text IS NOT NULL",
    )  # fmt: skip
    assert len(answered) == 12
    by_words = {str(words): (class_id, lang) for class_id, lang, words in answered}
    for n in range(len(arabic)):  # 2B's six, whose words the test (not the attacker) knows
        assert by_words[f"woorden {n:02d}"] == (None, None)
    for n in range(len(arabic), 12):
        assert by_words[f"woorden {n:02d}"] == (class_3c, "nl")
    assert class_2b not in {c for c, _, _ in answered}
    assert Counter(c for c, _, _ in answered) == {class_3c: 6, None: 6}
    assert POOL not in {c for c, _, _ in answered}
