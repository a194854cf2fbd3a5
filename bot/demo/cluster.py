"""A city on one machine: several real `ouderbrug run` processes on one database (issue 20).

Used by `ouderbrug demo --city` (bot/demo/city.py), the city-scale tests (tests/cluster/) and
bench/bench_cluster.py.

    async with Cluster(tmp_path, db_url, schools=6, parents=120) as cluster:
        one = await cluster.start("one")              # python -m bot run, a subprocess
        two = await cluster.start("two", webhook=True)
        await cluster.wait(lambda: cluster.shares({one: 3, two: 3}), "3 schools each")
        await one.kill()                              # SIGKILL; terminate() is SIGTERM + wait
        await cluster.wait_all_sent(timeout=30)

`Cluster` (an async context manager) empties the database (test database: TEST_DATABASE_URL),
migrates it with `bot.core.migrate.upgrade`, seeds it (per school `s1`..`sN` one class, `parents`
parents and, with `broadcast=True`, one announcement whose copies wait in the outbox, due now),
writes the schools file (tokens inline), and starts one `FakeTelegram` serving every school's bot
(`cluster.bots[key]`), each limited like Telegram to 30 messages/s and 1/s per chat unless
`limited=False`. Every process it started is killed on exit (no process or port left behind);
a process's output is kept in a file and shown by `BotProcess.output()` and in failures.

Waiting is always on a condition (`wait`, every 0.1 s until a deadline), never a bare sleep.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from types import TracebackType

from sqlalchemy import func, insert, text
from sqlmodel import select

from bot.core.db import SessionFactory, create_engine, session_factory
from bot.core.migrate import upgrade_async
from bot.demo.cluster_process import ROOT, SENDS, BotProcess, free_port, token
from bot.models import (
    Announcement,
    AnnouncementStatus,
    ClassMembership,
    Delivery,
    DeliveryStatus,
    Member,
    School,
    SchoolClass,
    SchoolLease,
)
from bot.simulator import FakeTelegram

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
FIRST_PARENT = 10_000  # parent i of every school has Telegram id FIRST_PARENT + i
Check = Callable[[], Awaitable[bool]] | Callable[[], bool]


class Cluster:
    """A seeded database, a fake Telegram with a bot per school, and the processes started."""

    def __init__(
        self,
        tmp: Path,
        db_url: str,
        *,
        schools: int = 6,
        parents: int = 0,
        broadcast: bool = False,
        limited: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.tmp, self.db_url, self.count, self.parents = tmp, db_url, schools, parents
        self.broadcast, self.limited, self.extra_env = broadcast, limited, env or {}
        self.keys = [f"s{n}" for n in range(1, schools + 1)]
        self.tg = FakeTelegram(token=token(1), bot_username="school001_bot")
        self.bots: dict[str, FakeTelegram] = {"s1": self.tg}
        self.processes: list[BotProcess] = []
        self._engine = create_engine(db_url)
        self.sessions: SessionFactory = session_factory(self._engine)

    async def __aenter__(self) -> Cluster:
        await self._reset_database()
        await upgrade_async(self.db_url)
        await self._seed()
        for n in range(2, self.count + 1):
            self.bots[f"s{n}"] = self.tg.add_bot(token=token(n), bot_username=f"school{n:03d}_bot")
        for bot in self.bots.values():
            if self.limited:
                bot.set_limits(30, 1)
            for i in range(self.parents):
                bot.user(FIRST_PARENT + i, f"P{i}")
        await self.tg.start()
        self._write_schools_file()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            for process in self.processes:
                await process.kill()
        finally:
            await self.tg.stop()
            await self._engine.dispose()
        if exc is not None and not isinstance(exc, asyncio.CancelledError):
            print("\n".join(p.output() for p in self.processes))  # shown by pytest on failure

    # processes ---------------------------------------------------------------------------
    async def start(self, name: str, *, webhook: bool = False) -> BotProcess:
        """Start another `ouderbrug run` (polling, or `--webhook` on its own free port)."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("OUDERBRUG_", "TELEGRAM_", "DATABASE_URL"))
        }
        env |= {
            "DATABASE_URL": self.db_url,
            "TELEGRAM_API_BASE_URL": self.tg.base_url.removesuffix("/bot"),
            "OUDERBRUG_SCHOOLS_FILE": str(self.tmp / "schools.yaml"),
            "OUDERBRUG_DATA_DIR": str(self.tmp / "data"),
            "OUDERBRUG_SECRETS_DIR": str(self.tmp / "secrets"),
            # Shared by every process, as a deployment gives them (never generated by each one).
            "OUDERBRUG_SECRET": "cluster-test-poll-secret-0123456789",
            "OUDERBRUG_SECRET_KEY": "cluster-test-session-key-0123456789abcdef",
            "OUDERBRUG_WEBHOOK_SECRET": "cluster-test-webhook-secret",
            "OUDERBRUG_LEASE_SECONDS": "3",
            "OUDERBRUG_CLUSTER_TICK": "0.3",
            "OUDERBRUG_READ_ALOUD": "false",
            "OUDERBRUG_ESPEAK": "off",
            "OUDERBRUG_LISTEN_PORT": str(free_port()),
            "OUDERBRUG_LOG_LEVEL": "INFO",
            "OUDERBRUG_LOCALES_DIR": str(ROOT / "locales"),
            "OUDERBRUG_FLOWS_DIR": str(ROOT / "flows"),
        }
        if webhook:
            env["OUDERBRUG_PUBLIC_URL"] = f"http://127.0.0.1:{env['OUDERBRUG_LISTEN_PORT']}"
        env |= self.extra_env
        process = BotProcess(name, env, self.tmp / f"{name}.log", webhook)
        self.processes.append(process)
        await process.start()
        return process

    def output(self) -> str:
        """Every process's output (for assertion messages)."""
        return "\n".join(p.output() for p in self.processes)

    # waiting -----------------------------------------------------------------------------
    async def wait(self, check: Check, what: str, *, timeout: float = 30.0) -> float:
        """Until `check()` is true (asked every 0.1 s); the seconds it took. Fails after timeout."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while True:
            result = check()
            if not isinstance(result, bool):
                result = await result
            if result:
                return loop.time() - started
            if loop.time() - started > timeout:
                raise AssertionError(f"not within {timeout} s: {what}\n{self.output()}")
            for process in self.processes:
                ended = process.proc is not None and process.proc.returncode not in (None, -9)
                if ended and not process.terminated:
                    raise AssertionError(f"{process.name} ended\n{process.output()}")
            await asyncio.sleep(0.1)

    async def owners(self) -> dict[str, str | None]:
        """school key -> the owner (process id) of its lease; None: nobody. Expired ones too."""
        async with self.sessions() as session:
            rows = (await session.exec(select(SchoolLease.school_key, SchoolLease.owner))).all()
        return {key: owner for key, owner in rows}

    async def owned_by(self) -> dict[BotProcess | None, list[str]]:
        """process -> the school keys whose lease names it (None: no known process)."""
        found: dict[BotProcess | None, list[str]] = {}
        for key, owner in sorted((await self.owners()).items()):
            holder = next((p for p in self.processes if p.owns(owner)), None)
            found.setdefault(holder if owner else None, []).append(key)
        return found

    async def shares(self, wanted: dict[BotProcess, int]) -> bool:
        """Whether each process owns exactly that many schools, and all schools are owned."""
        owned = await self.owned_by()
        counts = {p: len(owned.get(p, [])) for p in wanted}
        return counts == wanted and sum(counts.values()) == self.count

    async def deliveries(self) -> Counter[str]:
        """Copies in the outbox by status (every school)."""
        query = select(Delivery.status, func.count()).group_by(Delivery.status)
        async with self.sessions() as session:
            rows = (await session.exec(query)).all()
        return Counter({str(status): int(n) for status, n in rows})

    async def all_sent(self) -> bool:
        """Whether every seeded copy is sent."""
        return (await self.deliveries())[DeliveryStatus.SENT] >= self.count * self.parents

    async def wait_all_sent(self, *, timeout: float = 30.0) -> float:
        """Until every seeded copy is sent; the seconds it took."""
        return await self.wait(self.all_sent, "every copy sent", timeout=timeout)

    def sent(self, key: str) -> int:
        """Messages the school's bot delivered (accepted sends)."""
        return self.bots[key].stats.sent

    def received(self, key: str) -> Counter[int]:
        """chat id -> how many messages the school's bot delivered there."""
        calls = self.bots[key].requests
        return Counter(
            int(c.params["chat_id"]) for c in calls if c.method in SENDS and c.status == 200
        )

    def duplicates(self, key: str) -> int:
        """Copies beyond the first per chat (the seed sends one message per parent)."""
        return sum(n - 1 for n in self.received(key).values() if n > 1)

    def max_per_second(self, key: str) -> int:
        """The most sends the school's bot made arrive within any one second (sliding)."""
        times = sorted(c.at for c in self.bots[key].requests if c.method in SENDS)
        best, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= 1.0:
                first += 1
            best = max(best, last - first + 1)
        return best

    def longest_pause(self, key: str) -> float:
        """The longest time (s) between two sends of the school's bot (a handover's gap)."""
        times = sorted(c.at for c in self.bots[key].requests if c.method in SENDS)
        return max((b - a for a, b in pairwise(times)), default=0.0)

    def too_many(self, key: str) -> int:
        """429 answers the school's bot got."""
        return self.bots[key].stats.too_many

    # set-up ------------------------------------------------------------------------------
    async def _reset_database(self) -> None:
        """Nothing left of an earlier test (PostgreSQL: the whole public schema)."""
        if self.db_url.startswith("postgresql"):
            async with self._engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await self._engine.dispose()

    def _write_schools_file(self) -> None:
        lines = ["schools:"]
        for n, key in enumerate(self.keys, start=1):
            lines += [f"  - key: {key}", f"    name: School {n}", f'    token: "{token(n)}"']
            lines += [f"    bot_username: {self.bots[key].bot_user['username']}"]
        (self.tmp / "schools.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    async def _seed(self) -> None:
        """Per school one class and its parents; with `broadcast`, copies waiting to be sent."""
        due = datetime.now(UTC)
        parents = self.parents
        async with self._engine.begin() as conn:
            for n in range(1, self.count + 1):
                await conn.execute(insert(School).values(id=n, key=f"s{n}", name=f"School {n}", created_at=NOW))  # fmt: skip
                await conn.execute(insert(SchoolClass).values(id=n, school_id=n, name="1A", join_code=f"c{n}", created_at=NOW))  # fmt: skip
                if not parents:
                    continue
                first = (n - 1) * parents + 1
                await conn.execute(insert(Member), [
                    dict(id=first + i, school_id=n, telegram_id=FIRST_PARENT + i,
                         chat_id=FIRST_PARENT + i, first_name=f"P{i}", language="nl",
                         created_at=NOW)
                    for i in range(parents)
                ])  # fmt: skip
                await conn.execute(insert(ClassMembership), [
                    dict(member_id=first + i, class_id=n, created_at=NOW) for i in range(parents)
                ])  # fmt: skip
                if not self.broadcast:
                    continue
                await conn.execute(insert(Announcement).values(
                    id=n, school_id=n, class_ids=str(n), text=f"Nieuws van school {n}.",
                    status=AnnouncementStatus.SENDING, created_at=NOW,
                ))  # fmt: skip
                await conn.execute(insert(Delivery), [
                    dict(announcement_id=n, member_id=first + i, chat_id=FIRST_PARENT + i,
                         language="nl", next_attempt_at=due)
                    for i in range(parents)
                ])  # fmt: skip
            if self.db_url.startswith("postgresql"):  # explicit ids: move the sequences past them
                for table in ("school", "school_class", "member", "announcement"):
                    await conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                        )
                    )
        await self._engine.dispose()
