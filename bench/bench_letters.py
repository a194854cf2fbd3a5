"""Personal invitation letters for a class of 25 families (not a test): from the roster in SQLite
to the PDF, as /letters does it (bot/families/letter_handlers.py `print_letters`): the families'
letters read, every language set checked and drawn, 2 codes per family made and committed, the
25 pages drawn and put in one PDF. Target (issue 17): under 3 s.

The families' home languages are spread as in a Brussels class: Dutch, Arabic, Tigrinya, Turkish,
Polish, Romanian, Persian, Somali, an unknown code (Dutch, French and English instead), and
siblings. Prints the median of 3 runs (wall clock per part, and the process's CPU time: on a
machine shared with other work the wall clock waits for the CPU too) and the PDF's size.
Run: scripts/bench  (or python bench/bench_letters.py)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.db import create_all, create_engine, session_factory
from bot.core.i18n import Catalogs
from bot.families import letters as svc
from bot.families import service
from bot.families.letter_drawing import LetterPage, LetterText, Printer
from bot.models import School, SchoolClass

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
LANGUAGES = ("nl", "ar", "ti", "tr", "pl", "ro", "fa", "so", "ku", "ar,nl", "nl", "ti")
CATALOGS = Catalogs.load(Path(__file__).resolve().parents[1] / "locales")


async def seed(url: str, families: int) -> int:
    """A school with class 1A of `families` families (every fifth with a sibling in 2B)."""
    engine = create_engine(url)
    await create_all(engine)
    sessions = session_factory(engine)
    async with sessions() as session:
        school = School(name="Basisschool De Buurt", key="bench", created_at=NOW)
        session.add(school)
        await session.flush()
        one = SchoolClass(school_id=school.id or 0, name="1A", join_code="a1", created_at=NOW)
        two = SchoolClass(school_id=school.id or 0, name="2B", join_code="b2", created_at=NOW)
        session.add_all([one, two])
        await session.flush()
        for k in range(families):
            family = await service.new_family(session, school_id=school.id or 0, now=NOW)
            langs = LANGUAGES[k % len(LANGUAGES)]
            for class_id, name in [(one.id, f"Kind{k:02d}")] + (
                [(two.id, f"Zus{k:02d}")] if k % 5 == 0 else []
            ):
                await service.add_pupil(
                    session, school_id=school.id or 0, family_id=family.id or 0, class_id=class_id,
                    first_name=name, last_initial="B.", languages=langs, now=NOW,
                )  # fmt: skip
        await session.commit()
        class_id = one.id or 0
    await engine.dispose()
    return class_id


async def one_print(url: str, class_id: int) -> tuple[dict[str, float], int]:
    """Seconds of each part of one print of the class's letters, and the PDF's size."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    times: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    async with sessions() as session:
        ids = await svc.families_of(session, school_id=1, class_id=class_id)
        families = await svc.letter_families(session, family_ids=ids, known=CATALOGS.languages)
    times["read"] = time.perf_counter() - started
    printer = Printer(school_name="Basisschool De Buurt", bot="ouderbrug_bot", guardians=2)
    pages = [
        (
            " · ".join(kid.label for kid in family.children),
            tuple(
                LetterText(lang, CATALOGS.tn(lang, "letters.title", len(family.children)),
                           CATALOGS.t(lang, "letters.body"))
                for lang in family.languages
            ),
        )
        for family in families
    ]  # fmt: skip
    mark = time.perf_counter()
    await asyncio.to_thread(printer.prepare_all, pages)
    times["check and draw the texts"] = time.perf_counter() - mark
    mark = time.perf_counter()
    async with sessions() as session:
        issued = await svc.issue_letters(
            session, school_id=1, families=families, now=NOW, created_by=None
        )
    times["codes"] = time.perf_counter() - mark
    mark = time.perf_counter()
    letters = [
        LetterPage(children=page[0], texts=page[1], codes=letter.codes)
        for page, letter in zip(pages, issued, strict=True)
    ]
    pdf = await asyncio.to_thread(printer.render, letters)
    times["pages and PDF"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - started
    times["total, CPU time of the process"] = time.process_time() - cpu
    await engine.dispose()
    return times, len(pdf)


async def main() -> None:
    families = 25
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        class_id = await seed(url, families)
        runs = [await one_print(url, class_id) for _ in range(3)]
    runs.sort(key=lambda run: run[0]["total"])
    times, size = runs[1]
    print(f"## Letters for a class of {families} families (median of 3)\n")
    print("| part | seconds |\n| --- | --- |")
    for part, seconds in times.items():
        print(f"| {part} | {seconds:.2f} |")
    print(f"\nPDF: {families} pages, {size / 1e6:.1f} MB; target under 3 s: "
          f"{'met' if times['total'] < 3 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
