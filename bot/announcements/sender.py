"""The outbox sender: delivers announcements to parents, translated, within Telegram's limits.

Every copy is a row in `delivery`; the sender claims pending rows, sends them paced at about
30 messages/s overall and 1 message/s per chat, retries 429 (after `retry_after`) and network
errors (with backoff), marks parents who blocked the bot, and keeps the author's delivery report
up to date. Rows claimed but not finished are given back when the sender stops (a crash's are
requeued at the next start, or on PostgreSQL taken over when their lease ends), due at once, so
nobody is skipped; at most the messages in flight during a stop or crash (and those answered in
the last few tens of milliseconds, whose outcomes are written together) can arrive twice.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, update
from sqlmodel import col, func, select
from telegram.ext import ExtBot

from bot.announcements.outbox import catch_up
from bot.announcements.report_views import refresh_report_message
from bot.announcements.sender_delivery import CopyDeliverer, Job
from bot.announcements.service import report
from bot.cluster.fence import LeaseLost
from bot.models import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    Member,
    MemberStatus,
)
from bot.read_aloud.service import voice_again
from bot.reviews.jobs import ask_reviewers

if TYPE_CHECKING:
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)
WINDOW = 100  # copies in flight at once (mostly waiting for their turn in the Pacer)
BATCH_DELAY = 0.02  # seconds to wait for more outcomes before writing them
LEASE = timedelta(minutes=5)  # a claimed copy not finished by then is taken over by any sender


_frozen = False


def _freeze_startup_objects() -> None:
    """Once per process: what start-up made (modules, handlers, catalogs) lives as long as the
    bot, so keep it out of the garbage collector's scans (about a tenth of a busy outbox's CPU)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


class Sender:
    """Drains the outbox in the background while the bot runs.

    Up to WINDOW copies are in flight; as soon as some finish, more are claimed, so the pacer is
    never starved between batches. Outcomes are written to the database in one transaction per
    round, not one per copy.
    """

    def __init__(self, bot: ExtBot[Any], services: BotData, *, window: int = WINDOW) -> None:
        self.window = window
        self.bot = bot  # its rate limiter (bot/telegram/ratelimit.py) paces every request
        self.services = services
        self._wake = asyncio.Event()
        self.idle = asyncio.Event()  # set while nothing is due (tests and benchmarks wait on it)
        self._task: asyncio.Task[None] | None = None
        self._report_sent: dict[int, float] = {}
        self._report_due: dict[int, asyncio.TimerHandle] = {}
        self.copies = CopyDeliverer(bot, services)  # the Telegram side of each single copy
        self._unreported: set[int] = set()  # announcements with outcomes not yet in the report
        self._flying: dict[asyncio.Task[Job], Job] = {}  # copies being delivered right now

    async def start(self) -> None:
        """Requeue copies interrupted by a crash (SQLite: the only sender), then start draining.

        Requeued copies are due at once, not when their claim's lease would have run out. On
        PostgreSQL other senders may be working right now, so their claims are left alone: a
        claim is a lease (LEASE) that any sender takes over once it has run out (a sender that
        stops rather than crashes gives its own claims back at once, in `stop`). A school owned
        by a lease (bot/cluster/, `exclusive`): claims left are a dead or former owner's.
        """
        if not self._shared_outbox() or self.services.exclusive:  # a lease: the others' are gone
            await self._requeue(col(Delivery.announcement_id).in_(self._ours()))
        _freeze_startup_objects()
        self.idle.clear()  # not known to be idle until the outbox was looked at
        self._task = asyncio.create_task(self._run(), name="outbox-sender")
        self.wake()

    async def stop(self) -> None:
        """Stop now: outcomes already in are written, copies in flight go back to the outbox.

        Only this sender's own claims are given back (due at once), so on PostgreSQL the other
        senders' leases stay as they are.
        """
        for handle in self._report_due.values():
            handle.cancel()
        self._report_due.clear()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, LeaseLost):  # LeaseLost: the school went elsewhere
                pass
            self._task = None
        flying, self._flying = self._flying, {}
        for task in flying:
            task.cancel()
        await asyncio.gather(*flying, return_exceptions=True)
        done = [t for t in flying if not t.cancelled() and t.exception() is None]
        back = [job.delivery.id for t, job in flying.items() if t not in done and job.delivery.id]
        try:
            if done:
                await self._record([task.result() for task in done])
            if back:
                await self._requeue(col(Delivery.id).in_(back))
        except Exception:  # the next start (or another sender, when the lease ends) takes over
            log.exception("could not give the copies in flight back to the outbox")

    async def _requeue(self, which: Any) -> None:
        """Put claimed copies (`which`) back in the outbox, due at once."""
        async with self.services.sessions() as session:
            await session.exec(
                update(Delivery)
                .where(col(Delivery.status) == DeliveryStatus.SENDING, which)
                .values(status=DeliveryStatus.PENDING, next_attempt_at=self.services.clock.now())
            )
            await session.commit()

    def _ours(self) -> Any:
        """This school's announcements: each school's bot sends only its own copies."""
        return select(Announcement.id).where(Announcement.school_id == self.services.school_id)

    def wake(self) -> None:
        """There is new work in the outbox."""
        self._wake.set()

    def report_soon(self, announcement_id: int) -> None:
        """A parent pressed Seen: refresh the author's report, at most every 2 s."""
        if announcement_id in self._report_due:
            return
        wait = max(0.0, 2.0 - (time.monotonic() - self._report_sent.get(announcement_id, 0.0)))
        self._report_due[announcement_id] = asyncio.get_running_loop().call_later(
            wait, lambda: asyncio.ensure_future(self._due_report(announcement_id))
        )

    async def _due_report(self, announcement_id: int) -> None:
        self._report_due.pop(announcement_id, None)
        self._report_sent.pop(announcement_id, None)
        await self._refresh_report(announcement_id)

    async def _run(self) -> None:
        running = self._flying
        drained = False  # the last claim found fewer copies than it could take
        while True:
            self._wake.clear()
            if len(running) <= self.window // 2:
                try:
                    jobs = await self._claim(self.window - len(running))
                except Exception:
                    log.exception("the outbox cannot be read; retrying in 5 s")
                    await asyncio.sleep(5)
                    continue
                drained = len(jobs) < self.window - len(running)
                running.update({asyncio.create_task(self._deliver(job)): job for job in jobs})
            if not running:
                self.idle.set()  # nothing due: every outcome so far is recorded
                if self.services.voices is not None:  # voice copies follow (bot/read_aloud/)
                    self.services.voices.wake()
                await self._sleep_until_due()
                self.idle.clear()
                continue
            waker = asyncio.ensure_future(self._wake.wait())
            await asyncio.wait({*running, waker}, return_when=asyncio.FIRST_COMPLETED)
            waker.cancel()
            # Gather what else finishes within a moment: one transaction for many outcomes.
            await asyncio.wait(running, timeout=BATCH_DELAY)
            done = [task for task in running if task.done()]
            for task in done:
                del running[task]
            finished = [task.result() for task in done]
            if finished:
                await self._record(finished)
                self._unreported |= {job.delivery.announcement_id for job in finished}
            # The author's report: every 2 s while sending, and once at the end. Whether the end
            # has come is only asked of the database when the outbox ran (nearly) dry.
            for announcement_id in list(self._unreported):
                last = self._report_sent.get(announcement_id, 0.0)
                if time.monotonic() - last >= 2.0 or (
                    drained and await self._finished(announcement_id)
                ):
                    self._unreported.discard(announcement_id)
                    await self._refresh_report(announcement_id)

    async def _claim(self, limit: int) -> list[Job]:
        """Take due copies, an equal share from each announcement, so none waits behind another."""
        now = self.services.clock.now()
        due = (
            col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
            col(Delivery.next_attempt_at) <= now,  # due, or a claim whose lease ran out
            col(Delivery.announcement_id).in_(self._ours()),
        )
        async with self.services.sessions() as session:
            waiting = list(
                await session.exec(
                    select(Delivery.announcement_id)
                    .where(*due)
                    .group_by(col(Delivery.announcement_id))
                    .order_by(col(Delivery.announcement_id))
                    .limit(limit)
                )
            )
            share = max(1, limit // max(1, len(waiting)))
            by_announcement: dict[int, list[Job]] = {}
            for announcement_id in waiting:
                query = (
                    select(Delivery, Member)
                    .join(Member, col(Member.id) == col(Delivery.member_id))
                    .where(*due, col(Delivery.announcement_id) == announcement_id)
                    .order_by(col(Delivery.id))
                    .limit(share)
                )
                if self._shared_outbox():
                    query = query.with_for_update(skip_locked=True, of=Delivery)
                rows = await session.exec(query)
                by_announcement[announcement_id] = [Job(d, m) for d, m in rows]
            chosen: list[Job] = []  # interleaved: the first copy of each announcement goes first
            while len(chosen) < limit and any(by_announcement.values()):
                for queue in by_announcement.values():
                    if queue and len(chosen) < limit:
                        chosen.append(queue.pop(0))
            if chosen:
                await session.exec(
                    update(Delivery)
                    .where(col(Delivery.id).in_([job.delivery.id for job in chosen]))
                    .values(status=DeliveryStatus.SENDING, next_attempt_at=now + LEASE)
                )
            await session.commit()
            return chosen

    def _shared_outbox(self) -> bool:
        """PostgreSQL: several senders may drain the outbox at once."""
        engine = self.services.engine
        return engine is not None and engine.dialect.name == "postgresql"

    async def _sleep_until_due(self) -> None:
        """Nothing to send now: wait for new work, or for held copies (quiet hours) to fall due."""
        async with self.services.sessions() as session:
            due = (
                await session.exec(
                    select(func.min(Delivery.next_attempt_at)).where(
                        col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
                        col(Delivery.announcement_id).in_(self._ours()),
                    )
                )
            ).one()
        timeout = None
        if due is not None:
            if due.tzinfo is None:
                due = due.replace(tzinfo=UTC)
            timeout = min(60.0, max(0.5, (due - self.services.clock.now()).total_seconds()))
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            pass

    async def _finished(self, announcement_id: int) -> bool:
        """Whether no copy of the announcement is waiting any more (a cheap query)."""
        async with self.services.sessions() as session:
            waiting = await session.exec(
                select(Delivery.id)
                .where(
                    Delivery.announcement_id == announcement_id,
                    col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
                )
                .limit(1)
            )
            return waiting.first() is None

    def forget(self, announcement_id: int) -> None:
        """The announcement changed (edited, withdrawn): look it up again before the next copy."""
        self.copies.forget(announcement_id)

    async def _deliver(self, job: Job) -> Job:
        """Send, edit or delete one copy (bot/announcements/sender_delivery.py); _record writes it."""
        return await self.copies.deliver(job)

    async def _record(self, jobs: list[Job]) -> None:
        """Write the outcomes of finished copies in one transaction."""
        outcomes = [dict(job.outcome) for job in jobs if job.outcome]
        blocked = [job.member.id for job in jobs if job.outcome and job.outcome["blocked"]]
        for outcome in outcomes:
            outcome.pop("blocked")
            outcome["row_id"] = outcome.pop("id")
        table = Delivery.__table__  # type: ignore[attr-defined]
        # Core executemany: a row deleted meanwhile (the parent used /forget) is simply skipped.
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(name) for name in outcomes[0] if name != "row_id"})
        ) if outcomes else None  # fmt: skip
        async with self.services.sessions() as session:
            if statement is not None:  # on the connection: no ORM bookkeeping for plain rows
                connection = await session.connection()
                await connection.execute(statement, outcomes)
            if blocked:
                await session.exec(
                    update(Member)
                    .where(col(Member.id).in_(blocked))
                    .values(status=MemberStatus.BLOCKED)
                )
            await session.commit()
            sent = [j for j in jobs if j.outcome and j.outcome["status"] == DeliveryStatus.SENT]
            await catch_up(
                session,
                sent_ids=[j.delivery.id for j in sent if j.delivery.id],
                composed_at={j.delivery.id or 0: j.composed_at for j in sent},
                now=self.services.clock.now(),
            )
            edited = [j.delivery.id or 0 for j in sent if j.delivery.action == DeliveryAction.EDIT]
            await voice_again(session, delivery_ids=edited)  # a new voice message (read_aloud)

    async def _refresh_report(self, announcement_id: int) -> None:
        """Update the author's report in place (at most every 2 s, and once at the end)."""
        last = self._report_sent.get(announcement_id, 0.0)
        if time.monotonic() - last < 2.0 and not await self._finished(announcement_id):
            return
        async with self.services.sessions() as session:
            announcement = await session.get(Announcement, announcement_id)
            if announcement is None:
                return
            figures = await report(session, announcement_id=announcement_id)
            if figures.settled and announcement.status == AnnouncementStatus.SENDING:
                announcement.status = AnnouncementStatus.SENT
                session.add(announcement)
                await session.commit()
                await ask_reviewers(self.bot, self.services, announcement_id)  # bot/reviews/
        self._report_sent[announcement_id] = time.monotonic()
        await refresh_report_message(self.bot, self.services, announcement, figures)
