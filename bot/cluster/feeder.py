"""The Feeder: hands the webhook updates waiting in the database to the bots this process owns.

One per process. Every school bot this process runs is `attach`ed while it owns the school. An
update this process has just stored for such a school is handed to the bot at once (`offer`),
unless older ones of it still wait in the database (just attached, or too many in flight): then
it waits its turn. What other processes stored is found by a look every `poll` seconds: ONE query for all attached
schools (`inbox.waiting_updates`), each school's rows in update id order. Each update is put on
its bot's queue once: it stays "in flight" until the bot's OrderedUpdateProcessor says its
handlers have finished (`finished`, bot/telegram/updates.py); its row is then marked handled
(payload emptied) at the next look, and never read again. The order within each chat is the
OrderedUpdateProcessor's, as in polling. Once an hour it deletes the rows handled more than a
week ago. A database that does not answer is tried again a second later.

An update whose bot stopped before its handlers ran (the process lost or gave up the school)
stays waiting in the database, and the next owner handles it. An update whose handlers ran but
whose mark was not written yet (at most `poll` seconds) when this process died is handled again
by the next owner: "exactly once" holds except for the updates in flight at a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Update

from bot.cluster import inbox
from bot.core.clock import Clock
from bot.core.db import SessionFactory
from bot.telegram.updates import OrderedUpdateProcessor

if TYPE_CHECKING:
    from bot.app import BotApp

log = logging.getLogger(__name__)
POLL = 0.25  # seconds between looks for updates another process stored
KEEP = timedelta(days=7)  # handled rows (ids only) are kept this long: repeats stay repeats
PURGE_EVERY = 3600.0  # seconds between purges
RETRY = 1.0  # seconds before the next look after the database failed
MARK_BATCH = 100  # finished updates of a school that make the Feeder write their marks at once


class Feeder:
    """Feeds the owned schools' waiting webhook updates to their bots, each once, in order."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        poll: float = POLL,
        per_school: int = inbox.PER_SCHOOL,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.poll = poll
        self.per_school = per_school
        self.fed = 0  # updates handed to a bot (since start)
        self.handled = 0  # updates marked handled
        self._apps: dict[str, BotApp] = {}
        self._in_flight: dict[str, set[int]] = {}  # handed over, not yet marked handled
        self._finished: dict[str, set[int]] = {}  # handlers done, mark not written yet
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._purged_at: float | None = None
        self._marking = asyncio.Lock()
        # Schools with nothing older waiting in the database than what was handed over: an
        # update stored here goes to the bot at once. `_missed` counts updates stored here that
        # had to wait for a look (a look that raced with one does not count as caught up).
        self._caught_up: set[str] = set()
        self._missed: dict[str, int] = {}

    # the owner's bots ----------------------------------------------------------------------
    def attach(self, key: str, app: BotApp) -> None:
        """Feed this school's waiting updates to `app` (started, without an updater)."""
        processor = app.update_processor
        if not isinstance(processor, OrderedUpdateProcessor):
            raise TypeError("the Feeder needs the bot's OrderedUpdateProcessor")
        processor.finished = lambda update: self._done(key, update)
        self._apps[key] = app
        self._in_flight.setdefault(key, set())
        self._caught_up.discard(key)  # until a look has handed over what waits in the database
        self.wake()

    def detach(self, key: str) -> None:
        """Feed this school no more (what it has on its queue may still finish and be marked)."""
        self._apps.pop(key, None)
        self._caught_up.discard(key)

    async def forget(self, key: str) -> None:
        """The school's bot has stopped: write its last marks; updates it did not finish stay
        waiting in the database for the next owner."""
        self._apps.pop(key, None)
        with contextlib.suppress(Exception):
            await self._mark()
        self._in_flight.pop(key, None)
        self._finished.pop(key, None)

    def attached(self) -> list[str]:
        """The schools fed now."""
        return sorted(self._apps)

    def in_flight(self, key: str) -> int:
        """Updates of the school handed over and not marked handled yet."""
        return len(self._in_flight.get(key, ()))

    def wake(self, key: str | None = None) -> None:
        """Look now (an update of `key` was just stored here, or a bot finished one)."""
        if key is None or key in self._apps:
            self._wake.set()

    # running -------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start looking in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="webhook-feeder")

    async def stop(self) -> None:
        """Stop looking (after the bots stopped: their last marks are written first)."""
        with contextlib.suppress(Exception):
            await self._mark()
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            pause = self.poll
            try:
                await self.round()
            except Exception as err:
                log.warning("webhook inbox: the database did not answer (%s); retrying", err)
                pause = RETRY
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self._wake.wait()

    async def round(self) -> int:
        """One look: write the marks, hand over what waits, purge once an hour; how many fed
        (handed over by this look)."""
        await self._mark()
        fed = await self._feed()
        now = time.monotonic()
        if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
            self._purged_at = now
            async with self.sessions() as session:
                gone = await inbox.purge_handled(session, before=self.clock.now() - KEEP)
            if gone:
                log.info("webhook inbox: %s handled update(s) older than a week deleted", gone)
        return fed

    def offer(self, key: str, update_id: int, data: dict[str, Any]) -> bool:
        """An update this process has just stored: handed to the school's bot at once when this
        process feeds it and nothing older of it waits in the database (no query); False when
        the next look will find it instead (then soon: the Feeder is woken)."""
        app = self._apps.get(key)
        flying = self._in_flight.get(key)
        if app is None or flying is None or update_id in flying:
            return False
        if key not in self._caught_up or len(flying) >= self.per_school:
            self._caught_up.discard(key)  # older ones wait: this one must not overtake them
            self._missed[key] = self._missed.get(key, 0) + 1
            self._wake.set()
            return False
        self._hand_over(key, app, update_id, data)
        return True

    async def _feed(self) -> int:
        apps = dict(self._apps)
        if not apps:
            return 0
        skip = {key: set(self._in_flight.get(key, ())) for key in apps}
        missed = dict(self._missed)
        async with self.sessions() as session:
            rows = await inbox.waiting_updates(
                session, school_keys=list(apps), skip=skip, per_school=self.per_school
            )
        for key in apps.keys() - {row.school_key for row in rows}:
            if self._missed.get(key, 0) == missed.get(key, 0) and self._apps.get(key) is apps[key]:
                self._caught_up.add(key)  # nothing older waits: what is stored next goes at once
        fed = 0
        for row in rows:
            app = self._apps.get(row.school_key)
            flying = self._in_flight.get(row.school_key)
            if app is not apps[row.school_key] or flying is None or row.update_id in flying:
                continue  # detached meanwhile, or handed over by `offer` meanwhile
            try:
                data = json.loads(row.payload)
            except ValueError:
                data = {}
            self._hand_over(row.school_key, app, row.update_id, data)
            fed += 1
        return fed

    def _hand_over(self, key: str, app: BotApp, update_id: int, data: dict[str, Any]) -> None:
        """Put one update on the bot's queue; one that cannot be read is marked handled."""
        self._in_flight[key].add(update_id)
        self.fed += 1
        try:
            update = Update.de_json(data, app.bot)
        except Exception:
            log.exception("webhook %s: update %s is not readable; dropped", key, update_id)
            self._finished.setdefault(key, set()).add(update_id)
            return
        app.update_queue.put_nowait(update)

    def _done(self, key: str, update: object) -> None:
        """The bot's handlers finished an update: marked at the next look (within `poll`
        seconds, at once when many are waiting)."""
        if isinstance(update, Update) and update.update_id in self._in_flight.get(key, ()):
            finished = self._finished.setdefault(key, set())
            finished.add(update.update_id)
            if len(finished) >= MARK_BATCH:
                self._wake.set()

    async def _mark(self) -> None:
        """Write every finished update's mark (one statement per school)."""
        async with self._marking:
            await self._mark_all()

    async def _mark_all(self) -> None:
        for key in list(self._finished):
            ids = self._finished.get(key)
            if not ids:
                continue
            batch = set(ids)
            async with self.sessions() as session:
                await inbox.mark_handled(
                    session, school_key=key, update_ids=batch, now=self.clock.now()
                )
            ids -= batch
            self._in_flight.get(key, set()).difference_update(batch)
            self.handled += len(batch)
