"""The outbox sender: delivers announcements to parents, translated, within Telegram's limits.

Every copy is a row in `delivery`; the sender claims pending rows, sends them paced at about
29 messages/s overall and 1 message/s per chat, retries 429 (after `retry_after`) and network
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, update
from sqlmodel import col, func, select
from telegram import InlineKeyboardMarkup, InputFile, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.announcements.outbox import catch_up
from bot.announcements.report_views import refresh_report_message
from bot.announcements.sender_changes import edit_copy, take_back
from bot.announcements.service import report
from bot.announcements.views import Byline, Copy, byline_of, parent_copy
from bot.invitations.service import calendar_file, event_of
from bot.models import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    Member,
    MemberStatus,
)

if TYPE_CHECKING:
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)
WINDOW = 100  # copies in flight at once (mostly waiting for their turn in the Pacer)
BATCH_DELAY = 0.02  # seconds to wait for more outcomes before writing them
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)  # a claimed copy not finished by then is taken over by any sender
SINGLE_MEDIA = {"photo": "send_photo", "document": "send_document", "voice": "send_voice"}


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
    composed_at: datetime | None = None  # the announcement's edited_at the copy was made from


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
        self._announcements: dict[int, tuple[Announcement, Byline]] = {}
        self._lookups: dict[int, asyncio.Lock] = {}
        self._calendars: dict[int, tuple[bytes, tuple[float, float] | None]] = {}  # ics, map
        self._unreported: set[int] = set()  # announcements with outcomes not yet in the report

    async def start(self) -> None:
        """Requeue copies interrupted by a stop (SQLite: the only sender), then start draining.

        On PostgreSQL other senders may be working right now, so their claims are left alone:
        a claim is a lease (LEASE) that any sender takes over once it has run out.
        """
        if not self._shared_outbox():
            async with self.services.sessions() as session:
                await session.exec(
                    update(Delivery)
                    .where(
                        col(Delivery.status) == DeliveryStatus.SENDING,
                        col(Delivery.announcement_id).in_(self._ours()),
                    )
                    .values(status=DeliveryStatus.PENDING)
                )
                await session.commit()
        _freeze_startup_objects()
        self.idle.clear()  # not known to be idle until the outbox was looked at
        self._task = asyncio.create_task(self._run(), name="outbox-sender")
        self.wake()

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
        running: set[asyncio.Task[Job]] = set()
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
                running |= {asyncio.create_task(self._deliver(job)) for job in jobs}
            if not running:
                self.idle.set()  # nothing due: every outcome so far is recorded
                await self._sleep_until_due()
                self.idle.clear()
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

    async def _context(self, announcement_id: int) -> tuple[Announcement, Byline] | None:
        """The announcement and its byline, looked up once (copies in flight share the lookup)."""
        if announcement_id not in self._announcements:
            lock = self._lookups.setdefault(announcement_id, asyncio.Lock())
            async with lock:
                if announcement_id not in self._announcements:
                    async with self.services.sessions() as session:
                        announcement = await session.get(Announcement, announcement_id)
                    if announcement is None:
                        return None
                    self._announcements[announcement_id] = (
                        announcement,
                        await byline_of(self.services, announcement),
                    )
        return self._announcements[announcement_id]

    def forget(self, announcement_id: int) -> None:
        """The announcement changed (edited, withdrawn): look it up again before the next copy."""
        self._announcements.pop(announcement_id, None)

    async def _deliver(self, job: Job) -> Job:
        """Send, edit or delete one copy, retrying what can be retried; the caller records it."""
        delivery, member = job.delivery, job.member
        if delivery.action != DeliveryAction.SEND:
            self.forget(delivery.announcement_id)  # edits are rare: always the newest text
        context = await self._context(delivery.announcement_id)
        if context is None:
            return self._outcome(job, DeliveryStatus.FAILED, error="announcement deleted")
        announcement, byline = context
        job.composed_at = announcement.edited_at
        if delivery.action == DeliveryAction.SEND and announcement.status == "withdrawn":
            return self._outcome(job, DeliveryStatus.WITHDRAWN)
        if delivery.action == DeliveryAction.DELETE:
            return await self._take_back(job, announcement)
        if member.status != MemberStatus.ACTIVE:
            return self._outcome(job, DeliveryStatus.FAILED, error="not reachable any more")
        try:
            copy = await parent_copy(
                self.services, announcement, member, delivery_id=delivery.id, sender=byline
            )
        except Exception:  # translation trouble must not lose the copy: send the original
            log.exception("could not prepare a copy; sending the original")
            copy = await parent_copy(
                self.services,
                announcement,
                member.model_copy(update={"language": announcement.language}),
                delivery_id=delivery.id,
                sender=byline,
            )
        editing = delivery.action == DeliveryAction.EDIT
        error = "too many failures"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                if editing:
                    await edit_copy(self.bot, delivery, copy)
                    return self._outcome(job, DeliveryStatus.SENT, copy=copy, attempts=attempt)
                message_id, media = await self._send(
                    announcement, delivery, copy.text, copy.markup, copy.before
                )
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
                status = DeliveryStatus.SENT if editing else DeliveryStatus.FAILED
                return self._outcome(job, status, error=str(err)[:300], copy=copy, attempts=attempt)
            except (NetworkError, TelegramError) as err:
                error = str(err)[:300]
                await asyncio.sleep(min(0.2 * 2**attempt, 10.0))
                continue
            return self._outcome(
                job,
                DeliveryStatus.SENT,
                copy=copy,
                attempts=attempt,
                message_id=message_id,
                media=media,
            )
        status = DeliveryStatus.SENT if editing else DeliveryStatus.FAILED
        return self._outcome(job, status, error=error, copy=copy, attempts=MAX_ATTEMPTS)

    async def _take_back(self, job: Job, announcement: Announcement) -> Job:
        """Delete a withdrawn copy (or replace it by a notice when it is too old to delete)."""
        error = await take_back(self.bot, self.services, job.delivery, job.member)
        return self._outcome(job, DeliveryStatus.WITHDRAWN, error=error, attempts=1)

    def _outcome(self, job: Job, status: DeliveryStatus, *, error: str | None = None, copy: Copy | None = None, attempts: int = 0, message_id: int | None = None, media: list[int] | None = None, blocked: bool = False) -> Job:  # fmt: skip
        delivery = job.delivery
        job.outcome = {
            "id": delivery.id,
            "status": status,
            "action": DeliveryAction.SEND
            if status != DeliveryStatus.WITHDRAWN
            else DeliveryAction.DELETE,
            "last_error": error,
            "attempts": attempts,
            "message_id": message_id or delivery.message_id,
            "media_message_ids": ",".join(map(str, media))
            if media is not None
            else delivery.media_message_ids,
            "sent_at": (self.services.clock.now() if delivery.sent_at is None else delivery.sent_at)
            if status == DeliveryStatus.SENT
            else delivery.sent_at,
            "language": copy.language if copy else delivery.language,
            "via": copy.via if copy else delivery.via,
            "blocked": blocked,
        }
        return job

    async def _send(
        self,
        announcement: Announcement,
        delivery: Delivery,
        text: str,
        markup: InlineKeyboardMarkup,
        before: tuple[str, ...] = (),
    ) -> tuple[int, list[int]]:
        """The media first (if any), then the text with the buttons; the messages' ids."""
        paced, chat, file_id = 0, delivery.chat_id, announcement.file_id or ""
        media: list[int] = []  # no retries inside the rate limiter: the caller retries, paced
        photos = announcement.album.split()
        if announcement.kind == "album" and len(photos) == 1:
            media = [(await self.bot.send_photo(chat, photos[0], rate_limit_args=paced)).message_id]
        elif announcement.kind == "album" and photos:
            album = [InputMediaPhoto(f) for f in photos]
            sent_album = await self.bot.send_media_group(chat, album, rate_limit_args=paced)
            media = [m.message_id for m in sent_album]
        elif announcement.kind == "invitation" and file_id:  # the template's picture or a photo
            media = [(await self.bot.send_photo(chat, file_id, rate_limit_args=paced)).message_id]
        elif announcement.kind in SINGLE_MEDIA and file_id:
            method = getattr(self.bot, SINGLE_MEDIA[announcement.kind])
            media = [(await method(chat, file_id, rate_limit_args=paced)).message_id]
        for part in before:  # a long text's first parts; withdrawing deletes them with the media
            media.append(
                (await self.bot.send_message(chat, part, rate_limit_args=paced)).message_id
            )
        sent = await self.bot.send_message(chat, text, reply_markup=markup, rate_limit_args=paced)
        if announcement.kind == "invitation":  # the date straight into the phone's calendar
            media.extend(await self._send_calendar(announcement, chat))
        return sent.message_id, media

    async def _send_calendar(self, announcement: Announcement, chat: int) -> list[int]:
        """The invitation's .ics file (made once per announcement), and the map when there is one."""
        if announcement.id not in self._calendars:
            async with self.services.sessions() as session:
                event = await event_of(session, announcement_id=announcement.id or 0)
            if event is None:
                raise BadRequest("invitation without its event")
            ics = calendar_file(
                event, description=announcement.text, tz=self.services.settings.tz,
                domain=self.bot.username or "ouderbrug",
            )  # fmt: skip
            where = None
            if event.latitude is not None and event.longitude is not None:
                where = (event.latitude, event.longitude)
            self._calendars[announcement.id or 0] = (ics, where)
        data, where = self._calendars[announcement.id or 0]
        name = "uitnodiging.ics"
        sent = [
            (
                await self.bot.send_document(
                    chat, InputFile(data, filename=name), rate_limit_args=0
                )
            ).message_id
        ]
        if where is not None:
            sent.append((await self.bot.send_location(chat, where[0], where[1], rate_limit_args=0)).message_id)  # fmt: skip
        return sent

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
        self._report_sent[announcement_id] = time.monotonic()
        await refresh_report_message(self.bot, self.services, announcement, figures)
