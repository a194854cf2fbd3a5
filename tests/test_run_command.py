"""`ouderbrug run` as a school's ICT person starts it: real process, long polling, first-start link."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.simulator import FakeTelegram
from tests.conftest import BOT_USERNAME, TOKEN


async def test_run_creates_the_database_prints_the_coordinator_link_and_answers(
    tmp_path: Path,
) -> None:
    """A fresh folder: the bot migrates ./data, prints a one-time link, serves a user, stops on Ctrl+C."""
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("OUDERBRUG_", "TELEGRAM_", "DATABASE_URL"))
        }
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": tg.base_url.removesuffix("/bot"),
            "OUDERBRUG_LOCALES_DIR": str(Path(__file__).resolve().parents[1] / "locales"),
            "HOME": str(tmp_path),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        assert proc.stdout is not None
        link = ""
        try:
            async with asyncio.timeout(60):
                while not link:
                    line = (await proc.stdout.readline()).decode()
                    assert line, "the bot stopped before printing the coordinator link"
                    if "one-time link" in line:
                        link = line.rsplit(" ", 1)[-1].strip()
            assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=i")
            assert (tmp_path / "data" / "ouderbrug.db").exists()
            sofie = tg.user(4242, "Sofie")
            await sofie.send("/start " + link.split("start=")[1])
            await sofie.press("Nederlands", timeout=30)
            await sofie.expect_text("coördinator", timeout=30)
        finally:
            proc.send_signal(signal.SIGINT)
            async with asyncio.timeout(30):
                rest = await proc.stdout.read()
                code = await proc.wait()
        assert code == 0, rest.decode()[-2000:]
