"""The outbox sender: delivers announcements to parents, translated, within Telegram's limits.

Every copy is a row in `delivery`; the sender claims pending rows, sends them paced at up to
30 messages/s overall and 1 message/s per chat (see Pacer), retries 429 (after `retry_after`) and network
errors (with backoff), marks parents who blocked the bot, and keeps the author's delivery report
up to date. Rows claimed but not finished when the process stopped are sent again at start-up,
so nobody is skipped; at most the messages in flight during a crash (and those answered in the
last few tens of milliseconds, whose outcomes are written together) can arrive twice.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, update
from sqlmodel import col, func, select
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.models import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    DeliveryStatus,
    Member,
    MemberStatus,
)
from bot.services.announcements import report
from bot.services.compose import Byline, Copy, byline_of, parent_copy, report_markup, report_text

if TYPE_CHECKING:
    from bot.context import BotData

log = logging.getLogger(__name__)
WINDOW = 100  # copies in flight at once (mostly waiting for their turn in the Pacer)
BATCH_DELAY = 0.02  # seconds to wait for more outcomes before writing them
MAX_ATTEMPTS = 5


class Pacer:
    """Keeps sends under Telegram's limits, counted the way the server counts them.

    Telegram counts a message when it arrives, which is some time between our starting to send it
    and its answer; how long depends on the network and on both event loops. So a send occupies
    its slot from the moment it starts until `window` seconds after its answer: then at most
    `per_second` messages can arrive in any second, whatever the jitter, and likewise one per chat
    per `per_chat_interval`. Slots are also handed out on an even schedule (1/`per_second` apart),
    so there are no bursts, not even after a pause. After a 429 nobody sends until `retry_after`
    has passed, and the budget shrinks a little (growing back after a run of good sends), in case
    the server counts more strictly than we do. Use: `async with pacer.slot(chat_id): send`.
    """

    def __init__(
        self,
        per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.limit = max(1, int(per_second))
        self.window = 1.0 if per_second >= 1 else 1.0 / per_second
        self.per_chat = per_chat_interval
        self.allowed = self.limit  # lowered after a 429, restored by good sends
        self._clock = clock
        self._spacing = self.window / per_second if per_second >= 1 else self.window
        self._base_spacing = self._spacing
        self._inflight = 0
        self._ends: deque[float] = deque()  # answers of recent sends, oldest first
        self._next = 0.0  # the even schedule: no send starts before this
        self._paused_until = 0.0
        self._good = 0
        self._chat_busy: set[int] = set()
        self._chat_next: dict[int, float] = {}
        self._freed = asyncio.Event()
        self._lock = asyncio.Lock()  # FIFO: waiters are served in order

    def now(self) -> float:
        """The pacer's clock: the event loop's (monotonic) unless one was injected."""
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    @asynccontextmanager
    async def slot(self, chat_id: int | None) -> AsyncIterator[None]:
        """Wait until this chat and the bot may send, hold the slot while sending."""
        await self._acquire(chat_id)
        ok = False
        try:
            yield
            ok = True
        finally:
            self._release(chat_id, ok)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends before `seconds` from now, and send a little slower."""
        now = self.now()
        if now >= self._paused_until:  # once per pause, however many answers said so
            self.allowed = max(1, self.allowed - max(1, self.limit // 10))
            self._spacing = self._base_spacing * self.limit / self.allowed
            self._good = 0
        self._paused_until = max(self._paused_until, now + seconds)
        self._next = max(self._next, self._paused_until)

    def _chat_wait(self, chat_id: int | None, now: float) -> float | None:
        """0 if the chat may send now, seconds to wait, or None while its last send is in flight."""
        if chat_id is None:
            return 0.0
        if chat_id in self._chat_busy:
            return None
        return max(0.0, self._chat_next.get(chat_id, 0.0) - now)

    async def _wait_freed(self) -> None:
        await self._freed.wait()

    async def _acquire(self, chat_id: int | None) -> None:
        while True:
            # First this chat (outside the queue, so one busy chat holds up nobody else) ...
            while (wait := self._chat_wait(chat_id, self.now())) != 0.0:
                if wait is None:
                    await self._wait_freed()
                else:
                    await asyncio.sleep(wait)
            # ... then the bot's turn, in order of arrival.
            async with self._lock:
                while True:
                    now = self.now()
                    while self._ends and now - self._ends[0] >= self.window:
                        self._ends.popleft()
                    wait = max(self._paused_until, self._next) - now
                    if self._inflight + len(self._ends) >= self.allowed:
                        if not self._ends:  # every slot is in flight: wait for an answer
                            await self._wait_freed()
                            continue
                        wait = max(wait, self._ends[0] + self.window - now)
                    if wait > 0:
                        await asyncio.sleep(wait)
                        continue
                    if self._chat_wait(chat_id, now) != 0.0:
                        break  # another copy to this chat went first: queue again
                    self._inflight += 1
                    # Even spacing, measured from the real start; a late start may make up at
                    # most half a step, so lateness never turns into a burst.
                    self._next = max(self._next + self._spacing, now + self._spacing / 2)
                    if chat_id is not None:
                        self._chat_busy.add(chat_id)
                    return

    def _release(self, chat_id: int | None, ok: bool) -> None:
        now = self.now()
        self._inflight -= 1
        self._ends.append(now)
        if chat_id is not None:
            self._chat_busy.discard(chat_id)
            self._chat_next[chat_id] = now + self.per_chat
            if len(self._chat_next) > 10_000:
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        if ok and self.allowed < self.limit:
            self._good += 1
            if self._good >= 10 * self.allowed:  # about ten seconds without a 429
                self.allowed += 1
                self._spacing = self._base_spacing * self.limit / self.allowed
                self._good = 0
        self._freed.set()
        self._freed = asyncio.Event()


_frozen = False


def _freeze_startup_objects() -> None:
    """Once per process: what start-up made (modules, handlers, catalogs) lives as long as the
    bot, so keep it out of the garbage collector's scans (about a tenth of a busy outbox's CPU)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


@dataclass
class Job:
    """A claimed copy with what is needed to send it."""

    delivery: Delivery
    member: Member
    outcome: dict[str, object] | None = None


class Sender:
    """Drains the outbox in the background while the bot runs.

    Up to WINDOW copies are in flight; as soon as some finish, more are claimed, so the pacer is
    never starved between batches. Outcomes are written to the database in one transaction per
    round, not one per copy.
    """

    def __init__(self, bot: ExtBot[Any], services: BotData) -> None:
        self.bot = bot  # its rate limiter (bot/ratelimit.py) paces every request
        self.services = services
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._report_sent: dict[int, float] = {}
        self._report_due: dict[int, asyncio.TimerHandle] = {}
        self._announcements: dict[int, asyncio.Future[tuple[Announcement, Byline] | None]] = {}
        self._unreported: set[int] = set()  # announcements with outcomes not yet in the report

    async def start(self) -> None:
        """Requeue copies interrupted by a stop, then start draining."""
        async with self.services.sessions() as session:
            await session.exec(
                update(Delivery)
                .where(col(Delivery.status) == DeliveryStatus.SENDING)
                .values(status=DeliveryStatus.PENDING)
            )
            await session.commit()
        self._task = asyncio.create_task(self._run(), name="outbox-sender")
        self.wake()
        _freeze_startup_objects()

    async def stop(self) -> None:
        """Stop now; copies in flight go back to the outbox at the next start."""
        for handle in self._report_due.values():
            handle.cancel()
        self._report_due.clear()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

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
        running: set[asyncio.Task[Job]] = set()
        drained = False  # the last claim found fewer copies than it could take
        while True:
            self._wake.clear()
            if len(running) < WINDOW // 2:
                try:
                    jobs = await self._claim(WINDOW - len(running))
                except Exception:
                    log.exception("the outbox cannot be read; retrying in 5 s")
                    await asyncio.sleep(5)
                    continue
                drained = len(jobs) < WINDOW - len(running)
                running |= {asyncio.create_task(self._deliver(job)) for job in jobs}
            if not running:
                await self._sleep_until_due()
                continue
            waker = asyncio.ensure_future(self._wake.wait())
            await asyncio.wait({*running, waker}, return_when=asyncio.FIRST_COMPLETED)
            waker.cancel()
            # Gather what else finishes within a moment: one transaction for many outcomes.
            await asyncio.wait(running, timeout=BATCH_DELAY)
            done = {task for task in running if task.done()}
            running -= done
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
        """Take pending copies, alternating between announcements so none waits behind another."""
        async with self.services.sessions() as session:
            query = (
                select(Delivery, Member)
                .join(Member, col(Member.id) == col(Delivery.member_id))
                .where(
                    Delivery.status == DeliveryStatus.PENDING,
                    col(Delivery.next_attempt_at) <= self.services.clock.now(),
                )
                .order_by(col(Delivery.id))
                .limit(limit * 4)
            )
            engine = self.services.engine
            if engine is not None and engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True, of=Delivery)
            rows = list(await session.exec(query))
            by_announcement: dict[int, list[Job]] = defaultdict(list)
            for delivery, member in rows:
                by_announcement[delivery.announcement_id].append(Job(delivery, member))
            chosen: list[Job] = []
            while len(chosen) < limit and any(by_announcement.values()):
                for queue in by_announcement.values():
                    if queue and len(chosen) < limit:
                        chosen.append(queue.pop(0))
            if chosen:
                await session.exec(
                    update(Delivery)
                    .where(col(Delivery.id).in_([job.delivery.id for job in chosen]))
                    .values(status=DeliveryStatus.SENDING)
                )
                await session.commit()
            return chosen

    async def _sleep_until_due(self) -> None:
        """Nothing to send now: wait for new work, or for held copies (quiet hours) to fall due."""
        async with self.services.sessions() as session:
            due = (
                await session.exec(
                    select(func.min(Delivery.next_attempt_at)).where(
                        Delivery.status == DeliveryStatus.PENDING
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

    async def _context(self, announcement_id: int) -> tuple[Announcement, Byline] | None:
        """The announcement and its byline, looked up once (copies in flight share the lookup)."""
        if announcement_id not in self._announcements:
            self._announcements[announcement_id] = asyncio.ensure_future(
                self._load_context(announcement_id)
            )
        task = self._announcements[announcement_id]
        try:
            context = await asyncio.shield(task)
        except Exception:
            context = None
            raise
        finally:
            if context is None and self._announcements.get(announcement_id) is task:
                del self._announcements[announcement_id]  # look again for the next copy
        return context

    async def _load_context(self, announcement_id: int) -> tuple[Announcement, Byline] | None:
        async with self.services.sessions() as session:
            announcement = await session.get(Announcement, announcement_id)
        if announcement is None:
            return None
        return announcement, await byline_of(self.services, announcement)

    async def _deliver(self, job: Job) -> Job:
        """Send one copy, retrying what can be retried; the outcome is recorded by the caller."""
        delivery, member = job.delivery, job.member
        context = await self._context(delivery.announcement_id)
        if context is None or member.status != MemberStatus.ACTIVE:
            return self._outcome(job, DeliveryStatus.FAILED, error="not reachable any more")
        announcement, byline = context
        try:
            copy = await parent_copy(
                self.services, announcement, member, delivery_id=delivery.id, sender=byline
            )
        except Exception as err:  # translation trouble must not lose the copy: send the original
            log.exception("could not prepare a copy; sending the original")
            copy = await parent_copy(
                self.services,
                announcement,
                member.model_copy(update={"language": announcement.language}),
                delivery_id=delivery.id,
                sender=byline,
            )
            del err
        error = "too many failures"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                message_id = await self._send(announcement, delivery, copy.text, copy.markup)
            except Forbidden:
                return self._outcome(
                    job,
                    DeliveryStatus.FAILED,
                    error="blocked the bot",
                    blocked=True,
                    copy=copy,
                    attempts=attempt,
                )
            except RetryAfter:
                error = "429"  # the rate limiter paused everybody; just try again
                continue
            except BadRequest as err:
                return self._outcome(
                    job, DeliveryStatus.FAILED, error=str(err)[:300], copy=copy, attempts=attempt
                )
            except (NetworkError, TelegramError) as err:
                error = str(err)[:300]
                await asyncio.sleep(min(0.2 * 2**attempt, 10.0))
                continue
            return self._outcome(
                job, DeliveryStatus.SENT, copy=copy, attempts=attempt, message_id=message_id
            )
        return self._outcome(
            job, DeliveryStatus.FAILED, error=error, copy=copy, attempts=MAX_ATTEMPTS
        )

    def _outcome(self, job: Job, status: DeliveryStatus, *, error: str | None = None, copy: Copy | None = None, attempts: int = 0, message_id: int | None = None, blocked: bool = False) -> Job:  # fmt: skip
        job.outcome = {
            "id": job.delivery.id,
            "status": status,
            "last_error": error,
            "attempts": attempts,
            "message_id": message_id,
            "sent_at": self.services.clock.now() if status == DeliveryStatus.SENT else None,
            "language": copy.language if copy else job.delivery.language,
            "via": copy.via if copy else job.delivery.via,
            "blocked": blocked,
        }
        return job

    async def _send(
        self,
        announcement: Announcement,
        delivery: Delivery,
        text: str,
        markup: InlineKeyboardMarkup,
    ) -> int:
        """The media first (if any), then the text with the buttons; returns the text's id."""
        paced = 0  # no retries inside the rate limiter: this loop retries, paced like the rest
        if announcement.kind == "photo" and announcement.file_id:
            await self.bot.send_photo(delivery.chat_id, announcement.file_id, rate_limit_args=paced)
        elif announcement.kind == "document" and announcement.file_id:
            await self.bot.send_document(
                delivery.chat_id, announcement.file_id, rate_limit_args=paced
            )
        sent = await self.bot.send_message(
            delivery.chat_id, text, reply_markup=markup, rate_limit_args=paced
        )
        return sent.message_id

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
            if figures.done and announcement.status == AnnouncementStatus.SENDING:
                announcement.status = AnnouncementStatus.SENT
                session.add(announcement)
                await session.commit()
        self._report_sent[announcement_id] = time.monotonic()
        await refresh_report_message(self.bot, self.services, announcement, figures)


async def refresh_report_message(
    bot: Bot, services: BotData, announcement: Announcement, figures: object
) -> None:
    """Edit the author's report message; an unchanged or vanished message is not an error."""
    if announcement.report_message_id is None or announcement.author_chat_id is None:
        return
    async with services.sessions() as session:
        text = await report_text(session, services, announcement, figures)  # type: ignore[arg-type]
        author = (
            await session.get(Member, announcement.author_id) if announcement.author_id else None
        )
    markup = report_markup(
        services, services.catalogs.pick(author.language if author else None), announcement.id or 0
    )
    try:
        await bot.edit_message_text(
            text,
            chat_id=announcement.author_chat_id,
            message_id=announcement.report_message_id,
            reply_markup=markup,
        )
    except BadRequest as err:
        if "not modified" not in str(err):
            log.warning("could not update the report of announcement %s: %s", announcement.id, err)
    except TelegramError as err:
        log.warning("could not update the report of announcement %s: %s", announcement.id, err)
