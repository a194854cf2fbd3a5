"""Simulated Telegram plus simulated parents, in their own process (for bench_poll_presses.py).

python bench/poll_parents.py --token T --parents 500 --think 1.6
Prints the base URL on the first line. Once every parent has the poll's invitation (a "pg:" button)
it prints "ready"; on a line "go" from stdin each parent presses Start and one option per question,
waiting for the bot's edit before the next press and thinking for an exponentially distributed
time (mean --think seconds; 0 = pressing again at once) between presses, and before the first
(so the press rate is steady from the start: a uniform spread over the first think time raised
it by about 40% in the first two seconds). At the end it prints one JSON line: presses, seconds, latencies (ms), completion times (s).
The parents wait on their own chat (not on a scan of every parent at every change of the server),
so the load process stays cheap next to the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.simulator import BotMessage, FakeTelegram, SimUser, TranscriptEvent


class LoadTelegram(FakeTelegram):
    """The simulated server, telling each parent when the bot wrote or edited in their chat."""

    def __init__(self, token: str) -> None:
        super().__init__(token=token)
        self.events: dict[str, asyncio.Event] = {}

    def record(self, event: TranscriptEvent) -> None:
        """Keep no transcript (it grows with every press); wake the parent concerned."""
        if event.kind in ("message", "edit") and (flag := self.events.get(event.to)) is not None:
            flag.set()


def poll_message(user: SimUser) -> BotMessage | None:
    """The message with the poll's Start button."""
    return next((m for m in user.messages if "pg:1" in str(m.buttons)), None)


def first_option(msg: BotMessage) -> str:
    """The first option of the question shown."""
    for row in msg.buttons:
        for b in row:
            if b.value.startswith("pq:"):
                return b.value.split(":")[3]
    raise AssertionError(f"no option on {msg.plain!r}")


async def parent(
    tg: LoadTelegram, user: SimUser, think: float, latencies: list[float], rng: random.Random,
    ends: list[float],
) -> None:  # fmt: skip
    """Start, then one option per question, each press waiting for its edit."""
    flag = tg.events[user.display_name]
    msg = poll_message(user)
    assert msg is not None
    if think:  # the first press after an exponential wait too: a steady rate from the start
        await asyncio.sleep(rng.expovariate(1 / think))
    for n in range(6):
        data = "pg:1" if n == 0 else f"pq:1:q{n - 1}:{first_option(msg)}"
        before = msg.touched
        flag.clear()
        started = time.perf_counter()
        await user.press_data(data, msg)
        while msg.touched == before:
            async with asyncio.timeout(60):
                await flag.wait()
            flag.clear()
        ended = time.perf_counter()
        latencies.append(ended - started)
        ends.append(ended)
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--first-user", type=int, default=10_000)
    parser.add_argument("--parents", type=int, default=500)
    parser.add_argument("--think", type=float, default=1.6)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    loop = asyncio.get_running_loop()
    async with LoadTelegram(token=args.token) as tg:
        users = [tg.user(args.first_user + i, f"P{i}") for i in range(args.parents)]
        for user in users:
            tg.events[user.display_name] = asyncio.Event()
        print(tg.base_url.removesuffix("/bot"), flush=True)
        assert await tg.wait_until(lambda: all(poll_message(u) for u in users), 300)
        print("ready", flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)
        latencies: list[float] = []
        ends: list[float] = []
        rng = random.Random(args.seed)
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(parent(tg, u, args.think, latencies, rng, ends) for u in users))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            json.dumps(
                {
                    "presses": len(latencies),
                    "seconds": seconds,
                    "server_cpu": cpu,
                    "latencies": [round(x * 1000, 2) for x in latencies],
                    "ends": sorted(round(x - started, 4) for x in ends),
                }
            ),
            flush=True,
        )
        await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main())
