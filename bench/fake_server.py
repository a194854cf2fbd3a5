"""Run the simulated Telegram in its own process (for benchmarks): python bench/fake_server.py ...

Prints the base URL on the first line, then serves until stdin closes; on exit prints the
request, 429 and message counts as JSON on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.simulator import FakeTelegram


class AnyId(set[str]):
    """Every callback query id is open (the load process makes up presses the server never saw)."""

    def __contains__(self, item: object) -> bool:
        return True


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--first-user", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--limit", type=float, default=0)
    parser.add_argument("--any-press", action="store_true", help="answerCallbackQuery: any id")
    args = parser.parse_args()
    async with FakeTelegram(token=args.token) as tg:
        for i in range(args.users):
            tg.user(args.first_user + i, f"P{i}")
        if args.any_press:
            tg.open_callbacks = AnyId()
        if args.limit:
            tg.set_limits(args.limit, 1)
        print(tg.base_url.removesuffix("/bot"), flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
        summary = {
            "requests": sum(tg.stats.requests.values()),
            "too_many": tg.stats.too_many,
            "sent": tg.stats.sent,
            "server_cpu": time.process_time(),
        }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
