"""Cost of importing the administration's list of 1,000 pupils (not a test).

What a coordinator waits for after tapping Import: the file read and checked (CSV with BOM, and
XLSX), the plan against the roster, and the ONE transaction that writes 40 classes, the families
(siblings by family key) and the pupils into a real SQLite file (or BENCH_DATABASE_URL). Then the
same list again (nothing changes: the re-import path) and as next year's list (every pupil moves
class). Median of 3 runs each; prints a markdown table.
Run: python bench/bench_roster.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.db import create_all, create_engine, drop_all, session_factory
from bot.families import roster, roster_apply, roster_service
from bot.models import School
from tests.helpers.roster import csv_bytes, xlsx_bytes

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
PUPILS = 1000
LANGUAGES = ("Arabisch", "tr", "Pools", "nl + fr", "Roemeens", "arabe / français", "Berbers")


def pupil_rows(shift: int = 0) -> list[list[str]]:
    """1,000 pupils in 40 classes, two children per family, with columns never stored."""
    return [
        [str(10000 + i), f"Kind{i}", f"Familie{i // 2}", "2019-01-01", f"{(i + shift) % 40}A",
         LANGUAGES[i % len(LANGUAGES)], f"G{i // 2}", "Straat 1", "0470 00 00 00"]
        for i in range(PUPILS)
    ]  # fmt: skip


HEADER = ["Leerlingnummer", "Voornaam", "Naam", "Geboortedatum", "Klas", "Thuistaal", "Gezin",
          "Adres", "GSM"]  # fmt: skip


def as_csv(rows: list[list[str]]) -> bytes:
    """The rows as a `;` CSV with BOM."""
    return csv_bytes([";".join(row) for row in [HEADER, *rows]])


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    """Seconds of one awaited call."""
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def import_once(url: str, data: bytes, name: str, *, again: bytes | None = None) -> float:
    """A fresh database; with `again`, the list is imported first and `again` is timed."""
    engine = create_engine(url)
    if url.startswith("postgresql"):
        await drop_all(engine)
    await create_all(engine)
    sessions = session_factory(engine)
    async with sessions() as session:
        session.add(School(id=1, name="Bench", created_at=NOW))
        await session.commit()

    async def run(content: bytes, next_year: bool = False) -> None:
        parsed = roster.parse(roster.read_table(content, name))
        async with sessions() as session:
            plan = await roster_service.plan_import(session, school_id=1, parsed=parsed)
            await roster_apply.apply_import(
                session, school_id=1, plan=plan, next_year=next_year, now=NOW
            )

    if again is not None:
        await run(data)
        seconds = await timed(lambda: run(again, next_year=True))
    else:
        seconds = await timed(lambda: run(data))
    await engine.dispose()
    return seconds


async def main() -> None:
    """Median of 3 of each case, as a markdown table."""
    base = os.environ.get("BENCH_DATABASE_URL")
    csv_data, xlsx_data = as_csv(pupil_rows()), xlsx_bytes([HEADER, *pupil_rows()])
    cases = {
        "1,000 pupils, `;` CSV with BOM, first import (parse + plan + one transaction)": (
            csv_data, "lijst.csv", None),
        "same, XLSX": (xlsx_data, "lijst.xlsx", None),
        "same list again (1,000 unchanged)": (csv_data, "lijst.csv", csv_data),
        "next year's list: 1,000 pupils move class": (csv_data, "lijst.csv", as_csv(pupil_rows(1))),
    }  # fmt: skip
    print("| measure | median of 3 | target |\n|---|---|---|")
    for label, (data, name, again) in cases.items():
        times = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as folder:
                url = base or f"sqlite+aiosqlite:///{folder}/bench.db"
                times.append(await import_once(url, data, name, again=again))
        print(f"| {label} | {sorted(times)[1] * 1000:.0f} ms | < 2 s |")


if __name__ == "__main__":
    asyncio.run(main())
