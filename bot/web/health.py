"""`/healthz`: can every school's bot reach its database and Telegram?

200 with `{"status": "ok", ...}` when all is well, 503 naming what failed. The database is
asked `SELECT 1` at every check; Telegram's `getMe` answer is kept a few seconds, so a monitor
probing often does not turn into a stream of requests to Telegram.

With a `Coordinator` (several processes share the schools, bot/cluster/) the report is this
process's: its id, how many processes are alive, the schools it owns, and the checks of those
schools only (`bots` is then the runner's live view of them). A process that owns nothing, the
others owning the schools, is healthy as long as its database answers.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text

from bot.app import BotApp
from bot.cluster.coordinator import Coordinator

log = logging.getLogger(__name__)
DB_TIMEOUT = 3.0  # seconds
TELEGRAM_TIMEOUT = 3.0
TELEGRAM_CACHE = timedelta(seconds=10)


@dataclass
class HealthChecker:
    """Checks the schools' databases and Telegram; remembers Telegram's answer briefly."""

    bots: dict[str, BotApp]
    coordinator: Coordinator | None = None  # several processes: report this one's share
    _telegram: dict[str, tuple[datetime, str | None]] = field(default_factory=dict)

    async def check(self) -> tuple[bool, dict[str, Any]]:
        """(all fine, a JSON-ready report per school, and of this process in a cluster)."""
        report: dict[str, Any] = {}
        healthy = True
        for key, app in list(self.bots.items()):
            database, telegram = await asyncio.gather(
                self._database(app.bot_data.engine), self._bot_api(key, app)
            )
            report[key] = {"database": database or "ok", "telegram": telegram or "ok"}
            healthy = healthy and database is None and telegram is None
        result: dict[str, Any] = {"status": "ok", "schools": report}
        if (coordinator := self.coordinator) is not None:
            database = await self._shared_database(coordinator)
            healthy = healthy and database is None
            result |= {
                "process": coordinator.process_id,
                "processes": coordinator.live(),
                "owned": sorted(coordinator.owned()),
                "database": database or "ok",
            }
        result["status"] = "ok" if healthy else "failing"
        return healthy, result

    async def _database(self, engine: Any) -> str | None:
        """None when `SELECT 1` works, else why not."""
        if engine is None:
            return "not started"
        try:
            async with asyncio.timeout(DB_TIMEOUT):
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception as err:
            log.warning("health: the database does not answer: %s", err)
            return f"unreachable: {type(err).__name__}"
        return None

    async def _shared_database(self, coordinator: Coordinator) -> str | None:
        """None when the database the processes share answers `SELECT 1`, else why not."""
        try:
            async with asyncio.timeout(DB_TIMEOUT):
                async with coordinator.sessions() as session:
                    await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        except Exception as err:
            log.warning("health: the database does not answer: %s", err)
            return f"unreachable: {type(err).__name__}"
        return None

    async def _bot_api(self, key: str, app: BotApp) -> str | None:
        """None when Telegram answered getMe recently, else why not."""
        now = app.bot_data.clock.now()
        cached = self._telegram.get(key)
        if cached is not None and now - cached[0] < TELEGRAM_CACHE:
            return cached[1]
        problem: str | None = None
        try:
            await app.bot.get_me(
                read_timeout=TELEGRAM_TIMEOUT,
                connect_timeout=TELEGRAM_TIMEOUT,
                write_timeout=TELEGRAM_TIMEOUT,
                pool_timeout=TELEGRAM_TIMEOUT,
            )
        except Exception as err:
            log.warning("health: Telegram does not answer for %s: %s", key, err)
            problem = f"unreachable: {type(err).__name__}"
        self._telegram[key] = (now, problem)
        return problem
