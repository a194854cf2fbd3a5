"""Coordinators of several processes, here in one event loop on one database (SQLite file, or
PostgreSQL with TEST_DATABASE_URL), each with a runner that records which school's bot it runs.

The ticks are driven by the test (`tick_once`); the database's time is the test's clock on SQLite
and PostgreSQL's own clock there (its short leases then run out in real time).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cluster import leases
from bot.cluster.coordinator import Coordinator
from bot.cluster.fence import Fence, LeaseLost
from bot.core.clock import ManualClock
from bot.core.db import SessionFactory, session_factory
from bot.core.settings import Settings, load_settings

KEYS = [f"s{n}" for n in range(1, 7)]


class RecordingRunner:
    """Runs nothing: notes which bots it started, and fails where told to.

    `running` (shared by all runners) says where each school's bot runs, with its fence: a bot
    may start only where no other process could still send for it (its fence not valid)."""

    def __init__(
        self, name: str, running: dict[str, str], fences: dict[str, Fence], sessions: SessionFactory
    ) -> None:
        self.name, self.running, self.fences, self.sessions = name, running, fences, sessions
        self.apps: dict[str, Any] = {}
        self.fail: set[str] = set()  # the next start of these schools raises
        self.stopped: list[tuple[str, str | None]] = []  # (key, its lease's owner at stop time)

    async def start(self, school: Settings, fence: Fence) -> None:
        key = school.school_key
        if key in self.fail:
            self.fail.discard(key)
            raise RuntimeError(f"{key}: Telegram does not know this token")
        assert fence.valid(), f"{key} started behind an expired fence"
        other = self.fences.get(key)
        assert other is None or not other.valid(), f"{key}: {self.running[key]} may still send"
        self.running[key], self.fences[key] = self.name, fence
        self.apps[key] = fence

    async def stop(self, key: str) -> None:
        async with self.sessions() as session:
            owner = (await leases.lease_table(session)).get(key, (None, 0))[0]
        self.stopped.append((key, owner))
        if self.apps.pop(key, None) is not None and self.running.get(key) == self.name:
            del self.running[key], self.fences[key]


class Cluster:
    """Coordinators on one database; `running` says which school's bot runs where."""

    def __init__(self, engine: AsyncEngine, clock: ManualClock, *, lease: float) -> None:
        self.sessions = session_factory(engine)
        self.clock, self.lease = clock, lease
        self.postgres = engine.dialect.name == "postgresql"
        self.running: dict[str, str] = {}  # school -> the process running its bot
        self.fences: dict[str, Fence] = {}  # school -> the fence of the bot running
        base = load_settings(
            env_file=None, TELEGRAM_BOT_TOKEN="123456789:TEST-token-for-coordinator-tests"
        )
        self.schools = [base.model_copy(update={"school_key": key}) for key in KEYS]
        self.members: list[Coordinator] = []

    async def join(self, name: str) -> Coordinator:
        """A new process: registers now, takes schools from its next tick on."""
        coordinator = Coordinator(
            schools=self.schools, sessions=self.sessions, clock=self.clock,
            runner=RecordingRunner(name, self.running, self.fences, self.sessions),
            process_id=f"{name}:1:abcdef", address=None, lease_seconds=self.lease, tick=3600,
            monotonic=time.monotonic if self.postgres else self.clock_seconds,
        )  # fmt: skip
        await coordinator.start()
        self.members.append(coordinator)
        return coordinator

    def clock_seconds(self) -> float:
        """SQLite: the fences follow the test's clock, as the leases do."""
        return self.clock.now().timestamp()

    async def tick(self, *who: Coordinator, seconds: float = 0.0) -> None:
        """Time moves on (the clock; on PostgreSQL real time), then each given one ticks."""
        self.clock.advance(timedelta(seconds=seconds))
        if self.postgres and seconds:
            await asyncio.sleep(seconds)  # PostgreSQL's clock_timestamp() is the lease's time
        for coordinator in who:
            await coordinator.tick_once()

    async def until(self, done: Callable[[], bool], *who: Coordinator, step: float) -> None:
        """Tick the given coordinators, `step` seconds apart, until `done()` (at most 60 steps)."""
        for _ in range(60):
            if done():
                return
            await self.tick(*who, seconds=step)
        raise AssertionError(f"not reached; running: {self.running}")

    async def close(self) -> None:
        for coordinator in self.members:
            await coordinator.stop()


def counts(running: dict[str, str]) -> dict[str, int]:
    """process name -> how many school bots it runs."""
    found: dict[str, int] = {}
    for name in running.values():
        found[name] = found.get(name, 0) + 1
    return found


@pytest.fixture
async def make_cluster(
    engine: AsyncEngine, clock: ManualClock
) -> AsyncIterator[Callable[[float], Cluster]]:
    """Cluster(lease seconds), stopped at the end."""
    made: list[Cluster] = []

    def build(lease: float) -> Cluster:
        made.append(Cluster(engine, clock, lease=lease))
        return made[-1]

    yield build
    for cluster in made:
        await cluster.close()


async def test_three_processes_started_together_share_six_schools_fairly(
    make_cluster: Callable[[float], Cluster],
) -> None:
    """Each registers, waits a tick, then takes ceil(6 / 3) = 2; every school runs exactly once."""
    cluster = make_cluster(15.0)
    a, b, c = [await cluster.join(name) for name in ("a", "b", "c")]
    await cluster.tick(a, b, c)  # the first tick after registering: everyone seen, take 2 each
    await cluster.tick(a, b, c)
    assert counts(cluster.running) == {"a": 2, "b": 2, "c": 2}
    assert sorted(cluster.running) == KEYS
    assert [x.live() for x in (a, b, c)] == [3, 3, 3]
    assert sorted(a.owned()) == sorted(k for k, v in cluster.running.items() if v == "a")
    assert a.takeovers == b.takeovers == c.takeovers == 0


async def test_a_silent_process_is_taken_over_and_its_fences_are_revoked(
    make_cluster: Callable[[float], Cluster],
) -> None:
    """b stops renewing (stuck or dead): a takes its schools once the leases ran out, b's late
    renew fails, so b revokes its fences (nothing more is sent) and stops those bots."""
    cluster = make_cluster(3.0)
    a, b = await cluster.join("a"), await cluster.join("b")
    await cluster.until(lambda: counts(cluster.running) == {"a": 3, "b": 3}, a, b, step=0.2)
    b_schools = sorted(b.owned())
    b_fences = [b.fences[key] for key in b_schools]
    # b is silent; a keeps ticking, and sees b's schools free once their leases ran out.
    await cluster.until(lambda: len(a.owned()) == 6, a, step=0.2)
    assert a.takeovers == 3
    assert not any(fence.revoked for fence in b_fences)  # b does not know yet
    await cluster.tick(b)  # b wakes up: its renew finds its epochs gone
    assert b.owned() == {}
    assert all(fence.revoked for fence in b_fences)
    with pytest.raises(LeaseLost):
        await b_fences[0].wait_valid()
    await asyncio.gather(*b._background)  # the stops it started
    runner = b.runner
    assert isinstance(runner, RecordingRunner)
    assert sorted(key for key, _ in runner.stopped) == b_schools
    assert runner.apps == {}
    assert counts(cluster.running) == {"a": 6}


async def test_a_process_that_joins_gets_its_share_and_no_school_runs_twice(
    make_cluster: Callable[[float], Cluster],
) -> None:
    """a runs all six; b joins: a stops three bots fully, then gives their leases back, b takes
    them (the recording runner fails if a school would start while it still runs elsewhere)."""
    cluster = make_cluster(15.0)
    a = await cluster.join("a")
    await cluster.tick(a)
    assert counts(cluster.running) == {"a": 2}  # a quarter of its share (six) per tick, rounded up
    await cluster.until(lambda: counts(cluster.running) == {"a": 6}, a, step=0.0)
    b = await cluster.join("b")
    await cluster.until(lambda: counts(cluster.running) == {"a": 3, "b": 3}, a, b, step=0.1)
    runner = a.runner
    assert isinstance(runner, RecordingRunner)
    # Stopped while the lease was still a's: the bot stops before anyone else may start it.
    assert [owner for _, owner in runner.stopped] == ["a:1:abcdef"] * 3
    given = {key for key, _ in runner.stopped}
    assert given == set(b.owned())
    assert all(a.fences.get(key) is None or a.fences[key].revoked for key in given)
    assert b.takeovers == 0  # given back, not taken over


async def test_a_school_whose_bot_fails_to_start_is_given_back_and_tried_again(
    make_cluster: Callable[[float], Cluster],
) -> None:
    """s2's first start fails: its lease is released at once, and a later tick starts it."""
    cluster = make_cluster(15.0)
    a = await cluster.join("a")
    runner = a.runner
    assert isinstance(runner, RecordingRunner)
    runner.fail.add("s2")
    await cluster.until(lambda: "s2" not in runner.fail, a, step=0.0)  # its start was tried
    assert "s2" not in cluster.running
    async with cluster.sessions() as session:
        assert (await leases.lease_table(session))["s2"] == (None, 1)
    await cluster.until(lambda: "s2" in cluster.running, a, step=0.1)
    assert sorted(a.owned()) == KEYS
    async with cluster.sessions() as session:
        assert (await leases.lease_table(session))["s2"] == ("a:1:abcdef", 2)


async def test_a_process_that_stops_gives_every_school_back_at_once(
    make_cluster: Callable[[float], Cluster],
) -> None:
    """SIGTERM: a leaves, stops its bots and releases; b takes them a second later (the quiet
    second after a release), not after the leases would have run out (15 s)."""
    cluster = make_cluster(15.0)
    a, b = await cluster.join("a"), await cluster.join("b")
    await cluster.until(lambda: counts(cluster.running) == {"a": 3, "b": 3}, a, b, step=0.1)
    await a.stop()
    cluster.members.remove(a)
    await cluster.tick(b)  # at once: a's bots stopped, yet Telegram's second is not over
    assert counts(cluster.running) == {"b": 3}
    await cluster.tick(b, seconds=1.1)
    await cluster.tick(b)  # two ticks: at most a quarter of its share (six) per tick
    assert counts(cluster.running) == {"b": 6}
    assert b.live() == 1


async def test_health_and_metrics_show_which_schools_this_process_owns(
    make_cluster: Callable[[float], Cluster],
) -> None:
    """/healthz and /metrics of each process: its id, the processes alive, the schools it owns."""
    from bot.web.health import HealthChecker
    from bot.web.metrics import Metrics, render

    cluster = make_cluster(15.0)
    a, b = await cluster.join("a"), await cluster.join("b")
    await cluster.until(lambda: counts(cluster.running) == {"a": 3, "b": 3}, a, b, step=0.1)
    healthy, report = await HealthChecker({}, coordinator=a).check()
    assert healthy and report["status"] == "ok" and report["database"] == "ok"
    assert report["process"] == "a:1:abcdef" and report["processes"] == 2
    assert report["owned"] == sorted(k for k, v in cluster.running.items() if v == "a")
    text = await render(Metrics(), {}, coordinator=b)
    owned = [line for line in text.splitlines() if line.startswith("ouderbrug_school_owned{")]
    assert owned == [f'ouderbrug_school_owned{{school="{key}"}} 1' for key in sorted(b.owned())]
    assert "ouderbrug_cluster_processes 2" in text.splitlines()
    assert "ouderbrug_lease_takeovers_total 0" in text.splitlines()
