"""`ouderbrug demo --city`: several `ouderbrug run` processes share a city's schools (issue 20).

Four schools, each with its own bot on one simulated Telegram (30 messages/s per bot, 1/s per
chat, as Telegram), broadcast to their parents at once while real `ouderbrug run` processes share
the schools through leases in one database (a SQLite file here; PostgreSQL across machines):
process A is killed (SIGKILL) mid-broadcast, B takes its schools over, C joins and gets its
share. At the end every school's copies are counted at the simulated Telegram: each parent's,
the duplicates, the most a bot sent in one second and the 429 answers.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.demo.cluster import Cluster
from bot.demo.cluster_process import BotProcess

Say = Callable[[str], None]
SCHOOLS = 4
PARENTS = 300  # per school: at 20 messages/s a broadcast takes 15 s, time to kill A during it
WAIT = 120.0  # seconds a step may take on a slow machine before the demo gives up


async def run_city(out: TextIO = sys.stdout, *, parents: int = PARENTS) -> int:
    """Play the city scene and print what happened; 0 when nothing was lost."""

    def say(line: str = "") -> None:
        print(line, file=out, flush=True)

    logging.getLogger("alembic").setLevel(logging.WARNING)  # the demo's own database, migrated
    with tempfile.TemporaryDirectory(prefix="ouderbrug-city-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'city.db'}"
        env = {"OUDERBRUG_SEND_RATE": "20"}  # below Telegram's 30/s: room for a busy machine
        async with Cluster(
            Path(tmp), url, schools=SCHOOLS, parents=parents, broadcast=True, env=env
        ) as city:
            say(f"== A city on one machine: {SCHOOLS} schools, {parents} parents each ==")
            say("Every school's announcement waits in the outbox; two processes start.")
            a, b = await city.start("A"), await city.start("B")
            await city.wait(lambda: city.shares({a: 2, b: 2}), "two schools each", timeout=WAIT)
            await _owners(city, say)
            mine = (await city.owned_by()).get(a, [])
            await city.wait(
                lambda: sum(city.sent(key) for key in mine) >= parents // 3,
                "A's schools sending",
                timeout=WAIT,
            )
            sent = sum(city.sent(key) for key in mine)
            say(f"\nA is killed (SIGKILL) after its schools sent {sent} of {2 * parents} copies.")
            await a.kill()
            took = await city.wait(lambda: city.shares({b: SCHOOLS}), "B owns all", timeout=WAIT)
            say(f"B took A's schools over {took:.1f} s later (lease 3 s in this demo; 15 s by default).")  # fmt: skip
            c = await city.start("C")
            await city.wait(lambda: city.shares({b: 2, c: 2}), "B and C share", timeout=WAIT)
            say("C joined: B gave two schools back, C took them.")
            await _owners(city, say)
            await city.wait_all_sent(timeout=WAIT)
            lost = _report(city, parents, say)
            for process in (b, c):
                await process.terminate()
            say("\nB and C stopped (SIGTERM): every lease given back.")
    return 1 if lost else 0


async def _owners(city: Cluster, say: Say) -> None:
    """Which process owns which school now."""
    owned = await city.owned_by()
    for process, keys in sorted(owned.items(), key=lambda item: _name(item[0])):
        say(f"  {_name(process)}: {', '.join(keys)}")


def _name(process: BotProcess | None) -> str:
    return f"process {process.name}" if process is not None else "nobody"


def _report(city: Cluster, parents: int, say: Say) -> int:
    """Per school what the simulated Telegram received; the number of parents missed."""
    say("\n| school | parents reached | duplicates | most in one second | 429 answers |")
    say("|---|---|---|---|---|")
    missed = 0
    for key in city.keys:
        reached = len(city.received(key))
        missed += parents - reached
        say(
            f"| {key} | {reached} of {parents} | {city.duplicates(key)} "
            f"| {city.max_per_second(key)} | {city.too_many(key)} |"
        )
    return missed
