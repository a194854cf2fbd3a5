"""Delivering one copy of an announcement to Telegram: send, edit or take it back, with retries.

The outbox sender (bot/announcements/sender.py) claims rows and records outcomes; for each
claimed copy it asks a `CopyDeliverer` to do the Telegram part. The deliverer never writes to the
database: it fills in the `Job`'s outcome and the sender writes many outcomes in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, InputFile, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.announcements.sender_changes import edit_copy, take_back
from bot.announcements.views import Byline, Copy, byline_of, parent_copy
from bot.invitations.service import calendar_file, event_of
from bot.models import (
    Announcement,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    Member,
    MemberStatus,
)

if TYPE_CHECKING:
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SINGLE_MEDIA = {"photo": "send_photo", "document": "send_document", "voice": "send_voice"}


@dataclass
class Job:
    """A claimed copy with what is needed to send it."""

    delivery: Delivery
    member: Member
    outcome: dict[str, object] | None = None
    composed_at: datetime | None = None  # the announcement's edited_at the copy was made from


class CopyDeliverer:
    """Sends, edits or deletes single copies; remembers per announcement what every copy shares."""

    def __init__(self, bot: ExtBot[Any], services: BotData) -> None:
        self.bot = bot  # its rate limiter (bot/telegram/ratelimit.py) paces every request
        self.services = services
        self._announcements: dict[int, tuple[Announcement, Byline]] = {}
        self._lookups: dict[int, asyncio.Lock] = {}
        self._calendars: dict[int, tuple[bytes, tuple[float, float] | None]] = {}  # ics, map

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

    async def deliver(self, job: Job) -> Job:
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
        """Put the copy's new row values on the job, for the sender to write with the others."""
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
