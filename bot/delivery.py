"""The outbox sender: delivers announcements to parents, translated, within Telegram's limits.

Every copy is a row in `delivery`; the sender claims pending rows, sends them paced at about
29 messages/s overall and 1 message/s per chat, retries 429 (after `retry_after`) and network
errors (with backoff), marks parents who blocked the bot, and keeps the author's delivery report
up to date. Rows claimed but not finished when the process stopped are sent again at start-up,
so nobody is skipped; at most the message in flight during a crash can arrive twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlmodel import col, select
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.models import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    DeliveryStatus,
    Member,
    MemberStatus,
)
from bot.services.announcements import report
from bot.services.compose import parent_copy, report_text

if TYPE_CHECKING:
    from bot.context import BotData

log = logging.getLogger(__name__)
BATCH = 60
MAX_ATTEMPTS = 5


class Pacer:
    """Spaces sends: a minimum interval overall and per chat, and a shared pause after a 429."""

    def __init__(self, per_second: float = 29.0, per_chat_interval: float = 1.0) -> None:
        self.interval = 1.0 / per_second
        self.per_chat = per_chat_interval
        self._next = 0.0
        self._chat_next: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def slot(self, chat_id: int) -> None:
        """Wait for this chat's and the bot's next free moment."""
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next, self._chat_next.get(chat_id, 0.0))
            self._next = start + self.interval
            self._chat_next[chat_id] = start + self.per_chat
        if start > now:
            await asyncio.sleep(start - now)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends before `seconds` from now."""
        self._next = max(self._next, time.monotonic() + seconds)


class Sender:
    """Drains the outbox in the background while the bot runs."""

    def __init__(self, bot: Bot, services: BotData, pacer: Pacer | None = None) -> None:
        self.bot = bot
        self.services = services
        self.pacer = pacer or Pacer()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._report_sent: dict[int, float] = {}
        self._report_due: dict[int, asyncio.TimerHandle] = {}

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

    async def stop(self) -> None:
        """Stop after the sends in flight."""
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
        while True:
            self._wake.clear()
            try:
                batch = await self._claim()
            except Exception:
                log.exception("the outbox cannot be read; retrying in 5 s")
                await asyncio.sleep(5)
                continue
            if not batch:
                await self._wake.wait()
                continue
            await asyncio.gather(*(self._deliver(d) for d in batch))
            for announcement_id in {d.announcement_id for d in batch}:
                await self._refresh_report(announcement_id)

    async def _claim(self) -> list[Delivery]:
        """Take pending copies, alternating between announcements so none waits behind another."""
        async with self.services.sessions() as session:
            query = (
                select(Delivery)
                .where(Delivery.status == DeliveryStatus.PENDING)
                .order_by(col(Delivery.id))
                .limit(BATCH * 4)
            )
            if (
                self.services.engine is not None
                and self.services.engine.dialect.name == "postgresql"
            ):
                query = query.with_for_update(skip_locked=True)
            rows = list(await session.exec(query))
            by_announcement: dict[int, list[Delivery]] = defaultdict(list)
            for row in rows:
                by_announcement[row.announcement_id].append(row)
            chosen: list[Delivery] = []
            while len(chosen) < BATCH and any(by_announcement.values()):
                for queue in by_announcement.values():
                    if queue and len(chosen) < BATCH:
                        chosen.append(queue.pop(0))
            for row in chosen:
                row.status = DeliveryStatus.SENDING
                session.add(row)
            await session.commit()
            return chosen

    async def _deliver(self, delivery: Delivery) -> None:
        """Send one copy, retrying what can be retried; record the outcome."""
        services = self.services
        async with services.sessions() as session:
            member = await session.get(Member, delivery.member_id)
            announcement = await session.get(Announcement, delivery.announcement_id)
        if member is None or announcement is None or member.status != MemberStatus.ACTIVE:
            await self._finish(delivery, DeliveryStatus.FAILED, error="not reachable any more")
            return
        copy = await parent_copy(services, announcement, member, delivery_id=delivery.id)
        delivery.language, delivery.via = copy.language, copy.via
        error = "too many failures"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.pacer.slot(delivery.chat_id)
            try:
                message_id = await self._send(announcement, delivery, copy.text, copy.markup)
            except Forbidden:
                await self._mark_blocked(member)
                await self._finish(delivery, DeliveryStatus.FAILED, error="blocked the bot")
                return
            except RetryAfter as err:
                self.pacer.pause(_seconds(err.retry_after))
                error = "429"
                continue
            except BadRequest as err:
                await self._finish(delivery, DeliveryStatus.FAILED, error=str(err)[:300])
                return
            except (NetworkError, TelegramError) as err:
                error = str(err)[:300]
                await asyncio.sleep(min(0.2 * 2**attempt, 10.0))
                continue
            delivery.message_id = message_id
            await self._finish(delivery, DeliveryStatus.SENT, attempts=attempt)
            return
        await self._finish(delivery, DeliveryStatus.FAILED, error=error, attempts=MAX_ATTEMPTS)

    async def _send(
        self,
        announcement: Announcement,
        delivery: Delivery,
        text: str,
        markup: InlineKeyboardMarkup,
    ) -> int:
        """The media first (if any), then the text with the buttons; returns the text's id."""
        if announcement.kind == "photo" and announcement.file_id:
            await self.bot.send_photo(delivery.chat_id, announcement.file_id)
        elif announcement.kind == "document" and announcement.file_id:
            await self.bot.send_document(delivery.chat_id, announcement.file_id)
        sent = await self.bot.send_message(delivery.chat_id, text, reply_markup=markup)
        return sent.message_id

    async def _finish(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        *,
        error: str | None = None,
        attempts: int | None = None,
    ) -> None:
        delivery.status = status
        delivery.last_error = error
        if attempts is not None:
            delivery.attempts = attempts
        if status == DeliveryStatus.SENT:
            delivery.sent_at = self.services.clock.now()
        async with self.services.sessions() as session:
            session.add(delivery)
            await session.commit()

    async def _mark_blocked(self, member: Member) -> None:
        async with self.services.sessions() as session:
            member.status = MemberStatus.BLOCKED
            session.add(member)
            await session.commit()

    async def _refresh_report(self, announcement_id: int) -> None:
        """Update the author's report in place (at most every 2 s, and once at the end)."""
        async with self.services.sessions() as session:
            announcement = await session.get(Announcement, announcement_id)
            figures = await report(session, announcement_id=announcement_id)
            if announcement is None:
                return
            if figures.done and announcement.status == AnnouncementStatus.SENDING:
                announcement.status = AnnouncementStatus.SENT
                session.add(announcement)
                await session.commit()
        last = self._report_sent.get(announcement_id, 0.0)
        if not figures.done and time.monotonic() - last < 2.0:
            return
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
    try:
        await bot.edit_message_text(
            text, chat_id=announcement.author_chat_id, message_id=announcement.report_message_id
        )
    except BadRequest as err:
        if "not modified" not in str(err):
            log.warning("could not update the report of announcement %s: %s", announcement.id, err)
    except TelegramError as err:
        log.warning("could not update the report of announcement %s: %s", announcement.id, err)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
