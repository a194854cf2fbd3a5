"""City scale (issue 20): 60 schools x 300 parents on 3 `ouderbrug run` processes, one PostgreSQL.

Every school's announcement waits in the outbox, due at one moment, so every school broadcasts at
once. The fake Telegram (bot/simulator/) serves all the bots from this process, each limited like
Telegram: 30 messages/s and 1/s per chat, a 429 beyond. The processes are real `python -m bot run`
subprocesses (tests/helpers/cluster.py) with the default lease (15 s) and tick (1 s). When a
third of the copies are out, one process is killed with SIGKILL; its schools must go on from the
others.

Measured: messages/s of all bots together, the most sends one bot made arrive within any second,
429 answers, copies lost and duplicated (per chat, per bot), seconds until the killed process's
schools send again, memory (RSS) per process owning none, 20 and all schools, and how many schools
one process carries at 30 msg/s each (one process, every school broadcasting at once).

The fake Telegram stands for Telegram's own machines: this process asks for a higher CPU priority
(nice -5, when allowed), because on a busy machine a late fake server counts requests that queued
up meanwhile as arriving together and answers 429 to bots that sent them evenly.

Needs BENCH_DATABASE_URL (or TEST_DATABASE_URL): a PostgreSQL database it may empty.
Run: python bench/bench_cluster.py [--schools 60] [--parents 300] [--processes 3] [--lead 60]
     (BENCH_KEEP=1 keeps the processes' logs and lists every 429 answer)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, update  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot.models import ClusterProcess, Delivery  # noqa: E402
from tests.helpers.cluster import FIRST_PARENT, SENDS, BotProcess, Cluster  # noqa: E402

DEFAULTS = {"OUDERBRUG_LEASE_SECONDS": "15", "OUDERBRUG_CLUSTER_TICK": "1.0"}  # as deployed
Row = tuple[str, str]
KEEP = bool(os.environ.get("BENCH_KEEP"))  # keep the temporary folder (the processes' logs)


def rss_mb(process: BotProcess) -> float:
    """Resident memory of a running process (Linux /proc), MB."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(process: BotProcess) -> float:
    """CPU time (user + system) a running process used so far."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sends(cluster: Cluster, key: str, *, accepted: bool = True) -> list[float]:
    """Arrival times (time.monotonic()) of one bot's message sends (only accepted ones)."""
    return sorted(
        call.at
        for call in cluster.bots[key].requests
        if call.method in SENDS and (call.status == 200 or not accepted)
    )


def lost(cluster: Cluster, key: str) -> int:
    """Parents of the school who got no copy."""
    got = cluster.received(key)
    return sum(1 for i in range(cluster.parents) if got[FIRST_PARENT + i] == 0)


async def sharing(cluster: Cluster, processes: list[BotProcess], since: float) -> bool:
    """Every bot polled since `since` and, with leases, the schools spread evenly."""
    for bot in cluster.bots.values():
        if not any(c.method == "getUpdates" and c.at >= since for c in bot.requests):
            return False
    owned = await cluster.owned_by()
    if not any(owned.values()):  # no lease rows: `ouderbrug run` without the coordinator
        return True
    counts = [len(owned.get(p, [])) for p in processes if p.alive]
    return sum(counts) == cluster.count and max(counts) - min(counts) <= 1


class LoopLag:
    """How late this process's event loop (the fake Telegram's) wakes up, sampled every 20 ms."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []  # (time.monotonic(), seconds late)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.02)
            self.samples.append((before, time.monotonic() - before - 0.02))

    def worst(self, start: float, end: float) -> float:
        """The longest lag between two moments."""
        return max((lag for at, lag in self.samples if start <= at <= end), default=0.0)


def refusals(
    cluster: Cluster, lag: LoopLag, taken: list[str], killed_at: float
) -> tuple[int, int, int, int]:
    """429 answers: with 30 sends of the bot arriving in the second before (the bot's budget),
    else the chat's (1/s); how many came while this loop lagged over 100 ms that second; and how
    many went to the killed process's schools (`taken`) in the first 3 s of their new owner."""
    budget = chat = late = after = 0
    for key in cluster.keys:
        every = sends(cluster, key, accepted=False)
        resumed = min((at for at in every if at > killed_at), default=math.inf)
        for call in cluster.bots[key].requests:
            if call.method in SENDS and call.status == 429:
                before = sum(1 for at in every if call.at - 1.0 < at < call.at)
                budget, chat = (budget + 1, chat) if before >= 30 else (budget, chat + 1)
                late += lag.worst(call.at - 1.0, call.at) > 0.1
                after += key in taken and resumed <= call.at < resumed + 3.0
    return budget, chat, late, after


async def due_at(cluster: Cluster, seconds: float) -> float:
    """Make every seeded copy due `seconds` from now; that moment on time.monotonic()."""
    when = datetime.now(UTC) + timedelta(seconds=seconds)
    async with cluster.sessions() as session:
        await session.exec(update(Delivery).values(next_attempt_at=when))  # type: ignore[call-overload]
        await session.commit()
    return time.monotonic() + seconds


def accepted(cluster: Cluster) -> int:
    """Messages the fake server accepted so far, every bot (cheap: it must not slow the server)."""
    return sum(bot.stats.sent for bot in cluster.bots.values())


def totals(cluster: Cluster) -> tuple[int, int, int, int]:
    """Accepted sends, 429 answers, parents without a copy, copies beyond the first per chat."""
    keys = cluster.keys
    return (
        sum(cluster.sent(k) for k in keys),
        sum(cluster.too_many(k) for k in keys),
        sum(lost(cluster, k) for k in keys),
        sum(cluster.duplicates(k) for k in keys),
    )


async def city(url: str, schools: int, parents: int, count: int, lead: float) -> list[Row]:
    """`count` processes share the schools; one is killed when a third of the copies are out."""
    rows: list[Row] = []
    folder = contextlib.nullcontext(tempfile.mkdtemp()) if KEEP else tempfile.TemporaryDirectory()
    with folder as tmp:
        if KEEP:
            print(f"(the processes' logs stay in {tmp})")
        cluster = Cluster(Path(tmp), url, schools=schools, parents=parents, broadcast=True, env=DEFAULTS)  # fmt: skip
        async with cluster:
            due = await due_at(cluster, lead)
            started = time.monotonic()
            cpu_before = time.process_time()
            lag = LoopLag()
            lag.start()
            processes = [await cluster.start(f"p{n}") for n in range(1, count + 1)]
            for process in processes:  # the usual priority (this process may have a higher one)
                os.setpriority(os.PRIO_PROCESS, process.pid, 0)
            ready = await cluster.wait(
                lambda: sharing(cluster, processes, started), "schools shared", timeout=lead + 120
            )
            owned = await cluster.owned_by()
            after_due = "" if time.monotonic() < due else ", AFTER the copies were due"
            rows.append((f"{count} processes started until every bot is polled and the schools are shared", f"{ready:.1f} s ({', '.join(str(len(owned.get(p, []))) for p in processes)} schools{after_due})"))  # fmt: skip
            idle_rss = [rss_mb(p) for p in processes]
            cpu_ready = {p.name: cpu_seconds(p) for p in processes}
            total = schools * parents
            victim: BotProcess | None = None
            victim_keys: list[str] = []
            victim_cpu = 0.0
            killed_at = math.inf
            if count > 1:
                await cluster.wait(lambda: accepted(cluster) >= total / 3, "a third out", timeout=lead + 600)  # fmt: skip
                owned = await cluster.owned_by()
                victim = max(processes, key=lambda p: len(owned.get(p, [])))
                victim_keys = owned.get(victim, [])
                busy_rss = [rss_mb(p) for p in processes]
                victim_cpu = cpu_seconds(victim)
                await victim.kill()
                killed_at = time.monotonic()
                taken = await cluster.wait(lambda: taken_over(cluster, victim, victim_keys), "taken over", timeout=120)  # fmt: skip
            await cluster.wait(lambda: accepted(cluster) >= total, "as many out as parents", timeout=lead + 900)  # fmt: skip
            await cluster.wait(cluster.all_sent, "every copy recorded", timeout=300)
            survivors = [p for p in processes if p.alive]
            end_rss = {p.name: rss_mb(p) for p in survivors}
            cpu = {p.name: cpu_seconds(p) for p in survivors}
            here = time.process_time() - cpu_before
            lag.stop()
            async with cluster.sessions() as session:
                seen = (await session.exec(select(func.count()).select_from(ClusterProcess))).one()
        every = sorted(at for k in cluster.keys for at in sends(cluster, k))
        first = every[0]
        sent, too_many, missing, doubled = totals(cluster)
        before_kill = [at for at in every if at < killed_at]
        window = min(killed_at, every[-1]) - first
        rows.append((f"{schools} schools x {parents} parents, every school broadcasting at once on {count} process(es): all copies out", f"{every[-1] - due:.1f} s after the moment they were due (first send {first - due:+.1f} s)"))  # fmt: skip
        rows.append(("messages/s, all bots together, while every process runs", f"{len(before_kill) / window:.0f} msg/s ({len(before_kill):,} sends in {window:.1f} s)"))  # fmt: skip
        rows.append(("messages/s, whole broadcast (first to last send)", f"{sent / (every[-1] - first):.0f} msg/s"))  # fmt: skip
        most = max(cluster.max_per_second(k) for k in cluster.keys)
        rows.append(("most sends one bot made arrive within any one second (limit 30)", f"{most}"))
        rows.append(("429 answers / copies sent", f"{too_many} / {sent:,}"))
        if too_many and KEEP:  # where the 429 answers came
            for key in cluster.keys:
                times = sends(cluster, key, accepted=False)
                back_at = min((at for at in times if at > killed_at), default=math.inf)
                for call in cluster.bots[key].requests:
                    if call.method in SENDS and call.status == 429:
                        print(f"429 {key} {'killed' if key in victim_keys else 'kept'} at {call.at - first:.2f} s, {call.at - killed_at:+.2f} s from the kill, {call.at - back_at:+.2f} s from the resume, {sum(1 for at in times if call.at - 1 < at < call.at)} before, chat {call.params.get('chat_id')}")  # fmt: skip
        if too_many:
            budget, chat, late, after = refusals(cluster, lag, victim_keys, killed_at)
            rows.append(("… 429 with 30 sends of that bot in the second before / without (its chat's 1/s) / while the fake server's loop lagged > 100 ms / in the killed process's schools, within 3 s of their new owner's first send", f"{budget} / {chat} / {late} / {after}"))  # fmt: skip
        lags = sorted(x for _, x in lag.samples)
        rows.append(("fake server's event loop late, p99 / max", f"{lags[int(len(lags) * 0.99)] * 1000:.0f} / {lags[-1] * 1000:.0f} ms"))  # fmt: skip
        rows.append(("copies lost / duplicated (per chat, per bot)", f"{missing} / {doubled}"))
        if victim is not None:
            resumed = [
                min(at for at in sends(cluster, k) if at > killed_at) - killed_at
                for k in victim_keys
                if any(at > killed_at for at in sends(cluster, k))
            ]
            doubled_there = sum(cluster.duplicates(k) for k in victim_keys)
            rows.append(("… duplicated copies in the killed process's schools (its copies in flight)", f"{doubled_there}"))  # fmt: skip
            rows.append((f"SIGKILL of one process (owning {len(victim_keys)} schools) after a third of the copies: its schools owned again", f"{taken:.1f} s"))  # fmt: skip
            if resumed:
                rows.append(("… its schools send again (first copy after the kill), median / slowest", f"{statistics.median(resumed):.1f} / {max(resumed):.1f} s ({len(resumed)} schools)"))  # fmt: skip
            rows.append(("RSS per process mid-broadcast, just before the kill", " / ".join(f"{m:.0f}" for m in busy_rss) + " MB"))  # fmt: skip
        rows.append(("RSS per process once the schools are shared, before the broadcast", " / ".join(f"{m:.0f}" for m in idle_rss) + " MB"))  # fmt: skip
        rows.append(("RSS of the processes left at the end", " / ".join(f"{n} {m:.0f}" for n, m in end_rss.items()) + " MB"))  # fmt: skip
        rows.append(("CPU seconds: processes left / this process (fake Telegram for every bot)", " / ".join(f"{c:.0f}" for c in cpu.values()) + f" / {here:.0f} s"))  # fmt: skip
        spent = sum(cpu[n] - cpu_ready[n] for n in cpu)
        if victim is not None:
            spent += victim_cpu - cpu_ready[victim.name]
        per_message = spent / sent * 1000
        rows.append(("CPU per message sent, all bot processes, from the moment the schools were shared → what one busy core carries", f"{per_message:.2f} ms → {1000 / per_message:.0f} msg/s → {1000 / per_message / 30:.0f} schools at 30 msg/s"))  # fmt: skip
        rows.append(("processes registered in cluster_process", f"{seen}"))
    return rows


async def taken_over(cluster: Cluster, victim: BotProcess, keys: list[str]) -> bool:
    """Whether none of the victim's schools is still held by it (or by nobody)."""
    owned = await cluster.owned_by()
    return all(key not in owned.get(victim, []) and key not in owned.get(None, []) for key in keys)


async def idle_process(url: str) -> float | None:
    """RSS of a process that owns no school (two processes, one school); None without leases."""
    with tempfile.TemporaryDirectory() as tmp:
        async with Cluster(Path(tmp), url, schools=1, env=DEFAULTS) as cluster:
            one, two = await cluster.start("one"), await cluster.start("two")

            async def settled() -> bool:
                async with cluster.sessions() as session:
                    live = (await session.exec(select(func.count()).select_from(ClusterProcess))).one()  # fmt: skip
                owned = await cluster.owned_by()
                return live == 2 and (len(owned.get(one, [])) + len(owned.get(two, []))) == 1

            try:
                await cluster.wait(settled, "one school owned by one of two processes", timeout=60)
            except AssertionError:
                return None
            owned = await cluster.owned_by()
            return rss_mb(two if owned.get(one) else one)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=60)
    parser.add_argument("--parents", type=int, default=300)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--lead", type=float, default=60.0, help="seconds to start before due")
    parser.add_argument("--skip-one", action="store_true", help="no single-process run")
    parser.add_argument("--server-nice", type=int, default=-5, help="this process's niceness")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        print("(skipped: set BENCH_DATABASE_URL to a PostgreSQL database it may empty)")
        return
    logging.basicConfig(level=logging.ERROR)
    # The fake Telegram stands for other machines: on a busy machine it must not fall behind (it
    # would count requests that queued up while it waited as arriving together, and refuse them).
    try:
        os.setpriority(os.PRIO_PROCESS, 0, args.server_nice)
    except PermissionError:
        print("(the fake Telegram runs at the usual priority: 429s may come from its own delays)")
    rows = await city(url, args.schools, args.parents, args.processes, args.lead)
    nobody = await idle_process(url)
    if nobody is not None:
        rows.append(("RSS of a process owning no school (2 processes, 1 school)", f"{nobody:.0f} MB"))  # fmt: skip
    if not args.skip_one:
        one = await city(url, args.schools, args.parents, 1, args.lead)
        rows += [(f"one process: {label}", value) for label, value in one if any(w in label for w in ("RSS", "messages/s", "all copies", "429", "CPU per", "most sends"))]  # fmt: skip
    print(f"\n{args.schools} schools x {args.parents} parents, {args.processes} processes, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, fake Telegram at nice {os.getpriority(os.PRIO_PROCESS, 0)}\n")  # fmt: skip
    print("| measure | value |")
    print("|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    asyncio.run(main())
