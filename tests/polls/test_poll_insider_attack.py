"""An insider with the database tries to tie poll answers to parents, and cannot beat groups of k.

Twenty parents in three classes answer a poll through the bot: class 1A has one parent, a father
has children in 2B and 3C, and some languages are rare (one Tigrinya, one Pashto, two Turkish
parents). Then an attacker reads what the database holds (on SQLite the file and its WAL as raw
bytes, on PostgreSQL the tables and their physical order) and links every response they can by
every stored column, by the order of the rows and by time. The school's threshold is k = 5.
"""

from __future__ import annotations

import io
from collections import Counter
from contextlib import AsyncExitStack
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Connection, inspect, text
from sqlmodel import select

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import ClassMembership, Member, Poll, PollAnswer, PollPending, PollResponse
from bot.polls import coarsen
from bot.polls.anonymity import SECRET_FILE
from bot.polls.export import tables, to_csv, to_xlsx
from bot.polls.service import flow_of
from bot.polls.tally import tally_cached
from bot.simulator import BotMessage, SimUser
from bot.translation.manage import install_from_dir
from tests.helpers import sqlite_pages
from tests.helpers.polls import Pick, answer, has_data, invitation, launch
from tests.helpers.restart import restarted

K = 5
# (name, language, classes); the order in which they will answer is ORDER below.
PARENTS = (
    [(f"Ouder{n}", "nl", ["2B"]) for n in range(5)]
    + [("Hiba", "ar", ["2B"]), ("Samira", "ar", ["2B"]), ("Tesfay", "ti", ["2B"])]
    + [("Emre", "tr", ["2B"]), ("Ayse", "tr", ["2B"])]
    + [(n, "ar", ["3C"]) for n in ("Omar", "Rania", "Karim", "Layla", "Nour")]
    + [("Jan", "nl", ["3C"]), ("Els", "nl", ["3C"]), ("Gul", "ps", ["3C"])]
    + [("Lone", "nl", ["1A"]), ("Wim", "nl", ["2B", "3C"])]
)
ORDER = ["Tesfay", "Lone", "Ouder0", "Omar", "Wim", "Gul", "Emre", "Hiba", "Jan", "Ouder1",
         "Rania", "Ayse", "Karim", "Samira", "Ouder2", "Els", "Layla", "Ouder3", "Nour", "Ouder4"]  # fmt: skip
IN_PROGRESS = "Hiba"  # answers the first question, the bot restarts, then she stops
STOPS = "Karim"  # answers the first question and stops


def token(name: str) -> str:
    """The free text a parent writes: unique, so that the test (not the attacker) knows whose."""
    return f"antwoord {ORDER.index(name):02d}"


def picks(name: str) -> list[Pick]:
    """Everyone writes "something else" (so every response carries a language), then answers."""
    return [("other", token(name)), "often", ["interpreter"]]


async def published_ids(school: School) -> set[str]:
    """The responses the results are made of."""
    async with school.app.bot_data.sessions() as session:
        return set(await session.exec(select(PollResponse.id)))


async def pending_ids(school: School) -> list[str]:
    """The rows held back of respondents who finished (they go with the next batch), by id."""
    async with school.app.bot_data.sessions() as session:
        return [p.id for p in await session.exec(select(PollPending)) if p.ready]


async def first_answer_only(
    school: School, user: SimUser, lang: str, poll_id: int, words: str
) -> BotMessage:
    """Start, write "something else" for the first question; returns the second question."""
    msg = await invitation(user, poll_id)
    await user.press(school.t(lang, "poll.start_button"), message=msg)
    await user.wait_for(lambda u: "1/3" in msg.text and has_data(msg, "pq:"))
    await user.press(f"po:{poll_id}:hard", message=msg)
    await user.wait_for(lambda u: school.t(lang, "poll.write_other") in msg.text)
    await user.send(words)
    return await user.wait_for_message(lambda m: "2/3" in m.text and has_data(m, "px:"))


def db_file(settings: Settings) -> Path | None:
    """The SQLite file (None on PostgreSQL)."""
    url = settings.db_url
    return Path(url.split(":///", 1)[1]) if url.startswith("sqlite") else None


async def guardians(school: School) -> dict[int, tuple[int | None, str]]:
    """What the attacker reads in the member tables: each guardian's single class and language."""
    async with school.app.bot_data.sessions() as session:
        people = {m.id: m for m in await session.exec(select(Member)) if m.role == "parent"}
        rows = list(await session.exec(select(ClassMembership)))
    classes: dict[int, set[int]] = {}
    for row in rows:
        if row.member_id in people:
            classes.setdefault(row.member_id, set()).add(row.class_id)
    return {
        mid: (next(iter(c)) if len(c := classes.get(mid, set())) == 1 else None, m.language or "")
        for mid, m in people.items()
        if mid is not None
    }


def candidates(
    who: dict[int, tuple[int | None, str]], shown: coarsen.Shown, class_id: int | None,
    languages: set[str | None],
) -> set[int]:  # fmt: skip
    """The guardians a response (its class, the languages of its free texts) could be from."""
    found = set()
    for mid, (single, lang) in who.items():
        key = shown.class_of(single)
        if key != class_id:
            continue
        named = shown.languages.get(key or coarsen.POOL, frozenset())
        if all((lang == stored) if stored else (lang not in named) for stored in languages):
            found.add(mid)
    return found


async def test_the_database_alone_ties_no_answer_to_fewer_than_k_parents(
    school: School, settings: Settings, clock: ManualClock, model_files: Path
) -> None:
    """The attack on the stored columns, the order of rows, the times and the results."""
    async with AsyncExitStack() as restart:
        await attack(school, settings, clock, model_files, restart)


async def attack(
    school: School, settings: Settings, clock: ManualClock, model_files: Path,
    restart: AsyncExitStack,
) -> None:  # fmt: skip
    """The story (the bot restarts once on the way: `restart` keeps the new one running)."""
    data = school.app.bot_data
    install_from_dir(data.settings.models_data_dir, model_files)  # tr>en, ar>en, en>nl
    assert data.translator is not None
    data.translator.reload_models()
    sofie = await school.coordinator()
    for name in ("1A", "2B", "3C"):
        await school.new_class(sofie, name)
    people: dict[str, SimUser] = {}
    langs = {}
    for name, lang, classes in PARENTS:
        people[name], langs[name] = await school.parent(name, lang, classes[0]), lang
        for other in classes[1:]:  # a second child, in another class: the letter for it
            [letter] = await school.letter(other, f"Kind {name} {other}", guardians=1)
            await people[name].send("/start " + letter)
            joined = school.t(lang, "families.joined", children=f"Kind {name} {other} ({other})")
            await people[name].expect_text(joined)
    poll_id = await launch(school, sofie, "barriers", parents=len(PARENTS))
    async with data.sessions() as session:
        poll = await session.get(Poll, poll_id)
    assert poll is not None and poll.audience_at_launch == 20 and poll.batch == K
    shown = coarsen.load(poll.shown)
    class_2b = (await school.class_row("2B")).id
    # 1A (1 parent) and Wim (2B + 3C) are too few to be named; 3C joins them to make k.
    assert shown.classes == {class_2b}
    assert shown.languages == {class_2b: {"nl"}, coarsen.POOL: {"ar"}}

    # Parents answer one by one. The results move only when k more respondents are complete.
    batches: list[set[str]] = []  # the response ids published together, batch after batch
    seen: set[str] = set()
    last = await downloads(school, poll_id)
    for name in ORDER:
        held_before = await pending_ids(school)
        if held_before and (path := db_file(settings)) is not None:  # readable in the files
            raw = path.read_bytes() + _wal(path)
            assert all(i.encode() in raw for i in held_before)
        lang, user = langs[name], people[name]
        if name == IN_PROGRESS:
            second = await first_answer_only(school, user, lang, poll_id, token(name))
            # ... the bot restarts while her first answer waits: it is in the database.
            async with school.app.bot_data.sessions() as session:
                mine = [p for p in await session.exec(select(PollPending)) if p.text == token(name)]
            assert len(mine) == 1 and not mine[0].ready
            school.app = await restart.enter_async_context(
                restarted(school.app, settings, clock)
            )  # runs until the end of the test
            await user.press_data(f"px:{poll_id}", second)  # she stops after the restart
            await user.wait_for(lambda u: not has_data(second, "ps:"))
            continue
        if name == STOPS:
            await answer(school, user, lang, poll_id, picks(name), stop_at=1)
        else:
            done = await answer(school, user, lang, poll_id, picks(name))
            await user.wait_for(lambda u: done.text.startswith("🙏"))
        now = await published_ids(school)
        files = await downloads(school, poll_id)
        assert (files == last) == (now == seen)  # exports change with a batch, and only then
        last = files
        if now != seen:
            batches.append(now - seen)
            seen = now
            assert len(batches[-1]) >= K
            if (path := db_file(settings)) is not None:  # the held rows are gone, WAL too
                raw = path.read_bytes() + _wal(path)
                assert not [i for i in held_before if i.encode() in raw]
    assert [len(b) for b in batches] == [5, 5, 5]  # 4 more finished and Hiba's answer wait

    # 1. Every stored column: class, language, day, and all of them together.
    who = await guardians(school)
    async with school.app.bot_data.sessions() as session:
        responses = list(await session.exec(select(PollResponse)))
        answers = list(await session.exec(select(PollAnswer)))
        held = list(await session.exec(select(PollPending)))
    assert len({r.day for r in responses}) == 1  # the opening day, for everyone
    texts: dict[str, set[str | None]] = {}
    for a in answers:
        if a.text:
            texts.setdefault(a.response_id, set()).add(a.language)
    for r in responses:
        found = candidates(who, shown, r.class_id, texts.get(r.id, set()))
        writer = next(
            m for m in ORDER if token(m) in {a.text for a in answers if a.response_id == r.id}
        )
        member = await school.member(people[writer])
        assert member is not None and member.id in found  # the attack is right ...
        assert len(found) >= K, (r, found)  # ... and no sharper than k
    for row in held:
        assert len(candidates(who, shown, row.class_id, {row.language} if row.text else set())) >= K
    stored = Counter(
        (r.class_id, a.language)
        for r in responses
        for a in answers
        if a.response_id == r.id and a.text
    )
    assert {lang for _, lang in stored} <= {"nl", "ar", None}  # ti, ps, tr never named
    assert await roster_in_poll_tables(school) == []  # the families add no column to tie by

    # 2. The order of the rows: batch after batch, nothing finer.
    batch_of = {rid: n for n, ids in enumerate(batches) for rid in ids}
    for order in await physical_order(school, settings):
        numbers = [batch_of[rid] for rid in order]
        assert numbers == sorted(numbers), numbers

    # 3. Time: nothing written about the free texts' translation, which did happen.
    async with school.app.bot_data.sessions() as session:
        cached = (await session.exec(text("SELECT COUNT(*) FROM translation_cache"))).one()[0]  # type: ignore[call-overload]
    assert cached == 0
    assert any("[en>nl]" in (a.text_nl or "") for a in answers if a.text)

    # 4. The coordinator's report says how results move, and shows the 15 published.
    await sofie.press_data(f"pr:{poll_id}")
    report = await sofie.wait_for_message(lambda m: m.text.startswith("🚧"))
    assert school.t("nl", "poll.batch_note", k=K) in report.text
    assert school.tn("nl", "poll.respondents", 15, count=15, invited=20) in report.text

    # Closing publishes the rest (Hiba's answer from before the restart too) and erases order.
    closing = await sofie.press_data(f"pz:{poll_id}")
    await sofie.wait_callback_answer(closing)
    async with school.app.bot_data.sessions() as session:
        final = list(await session.exec(select(PollAnswer)))
        assert not list(await session.exec(select(PollPending)))
        assert len(list(await session.exec(select(PollResponse)))) == 20
    assert {a.text for a in final if a.text} == {token(n) for n in ORDER}
    if (path := db_file(settings)) is not None:
        for page in sqlite_pages.written_order(path, "poll_response"):
            assert page == sorted(page)  # rebuilt in key (random id) order
        assert sqlite_pages.wal_frames(path) == 0
    else:
        async with school.app.bot_data.sessions() as session:
            found = await session.exec(text("SELECT COUNT(DISTINCT xmin::text) FROM poll_response"))  # type: ignore[call-overload]
            assert found.one()[0] == 1

    # The secret that would turn participation records into names is not in the data folder.
    assert not (settings.data_dir / SECRET_FILE).exists()
    secret = settings.secrets_path / SECRET_FILE
    assert secret.exists() and secret.stat().st_mode & 0o777 == 0o600
    assert settings.secrets_path.stat().st_mode & 0o777 == 0o700


async def downloads(school: School, poll_id: int) -> tuple[bytes, list[list[object]], int]:
    """What the bot's /export, the dashboard's downloads and its page are made of, now."""
    data = school.app.bot_data
    async with data.sessions() as session:
        poll = await session.get(Poll, poll_id)
        assert poll is not None
        flow = flow_of(poll, flows=data.flows)
        assert flow is not None
        results = await tally_cached(session, poll=poll, flow=flow)
    made = tables(results, data.catalogs, "nl")
    book = load_workbook(io.BytesIO(to_xlsx(made)))  # its cells (the file carries a time)
    cells = [[c.value for c in row] for sheet in book.worksheets for row in sheet.iter_rows()]
    return to_csv(made.totals_header, made.totals), cells, results.respondents


ROSTER = ("pupil", "family", "guardian", "join_request", "child")


async def roster_in_poll_tables(school: School) -> list[str]:
    """Every column of a poll table, as the database has them, that is or points at roster data
    (a pupil, a family, a guardian link): a quasi-identifier the roster would add."""

    def read(conn: Connection) -> list[str]:
        found, schema = [], inspect(conn)
        polls = [t for t in schema.get_table_names() if t.startswith("poll")]
        assert {"poll_response", "poll_answer", "poll_pending"} <= set(polls)  # read them all
        for table in polls:
            keys = {k["referred_table"] for k in schema.get_foreign_keys(table)}
            names = [c["name"] for c in schema.get_columns(table)]
            found += [f"{table}.{n}" for n in names if any(r in n for r in ROSTER)]
            found += [f"{table} -> {k}" for k in keys if any(r in k for r in ROSTER)]
        return found

    async with school.app.bot_data.engine.connect() as conn:
        return await conn.run_sync(read)


def _wal(path: Path) -> bytes:
    wal = Path(str(path) + "-wal")
    return wal.read_bytes() if wal.exists() else b""


async def physical_order(school: School, settings: Settings) -> list[list[str]]:
    """The responses in the order they were written, as the attacker recovers it."""
    path = db_file(settings)
    if path is not None:  # cells in the page: the newest lowest
        return sqlite_pages.written_order(path, "poll_response")
    async with school.app.bot_data.sessions() as session:  # PostgreSQL: the heap order
        rows = await session.exec(text("SELECT id FROM poll_response ORDER BY ctid"))  # type: ignore[call-overload]
        return [[r[0] for r in rows]]
