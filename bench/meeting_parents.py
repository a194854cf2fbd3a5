"""Simulated Telegram plus simulated families, in their own process (for bench_meeting_slots.py).

python bench/meeting_parents.py --token T --families 500 --spread 60
Prints the base URL on the first line; once every family has its invitation (free times as `ms:`
buttons) it prints "ready". On a line "go" from stdin each family waits a uniformly random moment
within --spread seconds (the first minute after the plan opens), then presses one of the first
three free times it sees (so families of a class collide on the same times, as they do when
everyone wants the earliest). It waits for the bot's edit: "booked", or "just taken" with the
times still free, then presses again until it has a time or none is left. At the end it prints one
JSON line: presses, latencies (ms), outcomes, and the times each family was told it booked.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from poll_parents import LoadTelegram

from bot.simulator import BotMessage, SimUser

LANGUAGES = ("nl", "ar", "tr", "pl", "ro", "uk")


def offer(user: SimUser) -> BotMessage | None:
    """The message with the free times."""
    return next((m for m in user.messages if "ms:" in str(m.buttons)), None)


def free(msg: BotMessage) -> list[str]:
    """The free times' callback data on the message, in order."""
    return [data for row in msg.buttons for _, data in row if data.startswith("ms:")]


async def family(
    tg: LoadTelegram, user: SimUser, spread: float, rng: random.Random, out: dict[str, list]
) -> None:
    """Wait for one's moment, then press free times until one is booked or none is left."""
    flag = tg.events[user.display_name]
    msg = offer(user)
    assert msg is not None
    await asyncio.sleep(rng.uniform(0, spread))
    while choices := free(msg):
        data = rng.choice(choices[:3])
        before = msg.touched
        flag.clear()
        started = time.perf_counter()
        cb = await user.press_data(data, msg)
        while msg.touched == before:
            async with asyncio.timeout(120):
                await flag.wait()
            flag.clear()
        out["latencies"].append(round((time.perf_counter() - started) * 1000, 2))
        answer = tg.answered_callbacks.get(cb)
        if answer is not None and (answer.text or "").startswith("✅"):
            out["booked"].append([user.id, data.split(":")[1]])
            return
        out["taken"].append(user.id)
    out["full"].append(user.id)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--first-user", type=int, default=10_000)
    parser.add_argument("--families", type=int, default=500)
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    loop = asyncio.get_running_loop()
    async with LoadTelegram(token=args.token) as tg:
        users = [
            tg.user(args.first_user + i, f"P{i}", language_code=LANGUAGES[i % len(LANGUAGES)])
            for i in range(args.families)
        ]
        for user in users:
            tg.events[user.display_name] = asyncio.Event()
        print(tg.base_url.removesuffix("/bot"), flush=True)
        assert await tg.wait_until(lambda: all(offer(u) for u in users), 600)
        print("ready", flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)
        out: dict[str, list] = {"latencies": [], "booked": [], "taken": [], "full": []}
        rng = random.Random(args.seed)
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(family(tg, u, args.spread, rng, out) for u in users))
        out["seconds"] = [time.perf_counter() - started]
        out["server_cpu"] = [time.process_time() - cpu]
        print(json.dumps(out), flush=True)
        await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main())
