"""Poll benchmark (not a test): what a frozen definition adds to each press, and the editor's cost.

Every launched poll carries its flow as JSON (Poll.definition); each parent's press reads the poll
row and turns the definition into a Flow (cached by its text). Compares, on SQLite: reading the poll
and its flow from the flow files (older polls) and from the frozen definition. Also the cost of one
editor change (load, edit, validate against 15 languages, save).
Run: scripts/bench  (or python bench/bench_poll_definition.py [reads])
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.db import create_all, create_engine, session_factory  # noqa: E402
from bot.core.i18n import Catalogs  # noqa: E402
from bot.models import Poll, PollStatus, School  # noqa: E402
from bot.polls import editor as poll_editor  # noqa: E402
from bot.polls import flow_edits  # noqa: E402
from bot.polls.flows import dump, load_flows  # noqa: E402
from bot.polls.service import flow_of  # noqa: E402

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
CATALOGS = Catalogs.load(ROOT / "locales")
FLOWS = load_flows(ROOT / "flows", languages=CATALOGS.languages)


async def per_read(sessions, poll_id: int, reads: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Microseconds to read the poll row and get its flow, `reads` times (a session each)."""
    times = []
    for _ in range(reads):
        started = time.perf_counter()
        async with sessions() as session:
            poll = await session.get(Poll, poll_id)
            assert poll is not None and flow_of(poll, flows=FLOWS) is not None
        times.append((time.perf_counter() - started) * 1e6)
    return times


async def main(reads: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await create_all(engine)
        sessions = session_factory(engine)
        barriers = FLOWS["barriers"]
        async with sessions() as session:
            session.add(School(id=1, name="Bench", created_at=NOW))
            await session.commit()
            for pid, definition in ((1, None), (2, dump(barriers))):
                session.add(
                    Poll(
                        id=pid, school_id=1, flow_id="barriers", status=PollStatus.OPEN,
                        created_at=NOW, closes_at=NOW + timedelta(days=7), definition=definition,
                    )
                )  # fmt: skip
            await session.commit()
            own = await poll_editor.adapt(
                session, school_id=1, flow=barriers, author_id=None,
                languages=CATALOGS.languages, now=NOW,
            )  # fmt: skip
        found: dict[str, list[float]] = {"flow file (older polls)": [], "frozen definition": []}
        for pid in (1, 2):
            await per_read(sessions, pid, 50)  # warm up
        for _ in range(10):  # alternate, so both see the same background load
            for pid, times in enumerate(found.values(), 1):
                times += await per_read(sessions, pid, reads // 10)
        rows = []
        for label, times in found.items():
            times.sort()
            rows.append((label, statistics.median(times), times[int(len(times) * 0.99)]))
        edits = []
        for n in range(50):
            started = time.perf_counter()
            async with sessions() as session:
                await poll_editor.change(
                    session, school_id=1, own_id=own.id, languages=CATALOGS.languages, now=NOW,
                    edit=lambda raw, n=n: flow_edits.reword(raw, ("title",), {"nl": f"T{n}"} | {
                        lang: f"T{n}" for lang in CATALOGS.languages}, None),
                )  # fmt: skip
            edits.append((time.perf_counter() - started) * 1000)
        await engine.dispose()
    size = len(dump(barriers).encode())
    print("| figure | p50 | p99 |")
    print("|---|---|---|")
    for label, p50, p99 in rows:
        print(f"| poll row + flow per press, {label} | {p50:.0f} µs | {p99:.0f} µs |")
    edits.sort()
    print(
        f"| one editor change (load, validate 15 languages, save; {size // 1024} KB of JSON) "
        f"| {statistics.median(edits):.1f} ms | {edits[int(len(edits) * 0.99)]:.1f} ms |"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
