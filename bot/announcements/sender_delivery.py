"""Delivering one copy of an announcement to Telegram: send, edit or take it back, with retries.

The outbox sender (bot/announcements/sender.py) claims rows and records outcomes; for each
claimed copy it asks a `CopyDeliverer` to do the Telegram part. The deliverer never writes to the
database: it fills in the `Job`'s outcome and the sender writes many outcomes in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from telegram import InputFile, InputMediaPhoto, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.announcements.sender_changes import edit_copy, take_back
from bot.announcements.views import Byline, Copy, byline_of, parent_copy
from bot.cluster.fence import LeaseLost
from bot.invitations.service import calendar_file, event_of
from bot.models import (
    Announcement,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    Member,
    MemberStatus,
)
from bot.pictograms.strip_sender import Strips
from bot.telegram.ratelimit import OUTBOX

if TYPE_CHECKING:
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SINGLE_MEDIA = {"photo": "send_photo", "document": "send_document", "voice": "send_voice"}
Piece = Callable[[], Awaitable[list[int]]]  # one request of a copy; the ids of its messages


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
        self.strips = Strips(bot)  # pictograms: one strip per announcement, uploaded once

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
        """Send, edit or delete one copy, retrying what can be retried; the caller records it.

        When the school's lease is lost (bot/cluster/) the copy gets no outcome: it stays
        claimed, and the school's next owner gives it back to the outbox when it starts."""
        try:
            return await self._deliver(job)
        except LeaseLost:
            return job

    async def _deliver(self, job: Job) -> Job:
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
            return await self._take_back(job, announcement, byline)
        if member.status != MemberStatus.ACTIVE:
            return self._outcome(job, DeliveryStatus.FAILED, error="not reachable any more")
        try:
            copy = await parent_copy(
                self.services, announcement, member, delivery_id=delivery.id, sender=byline
            )
        except Exception:  # trouble making the copy must not lose it: the original, marked so
            log.exception("could not prepare a copy; sending the original")
            copy = await parent_copy(
                self.services, announcement, member, delivery_id=delivery.id, sender=byline,
                translate=False,
            )  # fmt: skip
        editing = delivery.action == DeliveryAction.EDIT
        error = "too many failures"
        sent: list[list[int]] = []  # the pieces of the copy already out (kept across retries)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                if editing:
                    await edit_copy(self.bot, delivery, copy)
                    return self._outcome(job, DeliveryStatus.SENT, copy=copy, attempts=attempt)
                message_id, media = await self._send(announcement, delivery, copy, sent)
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
                error = "429"  # the rate limiter held the chat (or everybody): try again
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

    async def _take_back(self, job: Job, announcement: Announcement, byline: Byline) -> Job:
        """Delete a withdrawn copy (or replace it by a notice when it is too old to delete)."""
        error = await take_back(
            self.bot, self.services, job.delivery, job.member, announcement, byline
        )
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
            "wanted": copy.outcome.wanted if copy and copy.outcome else delivery.wanted,
            "reviewed": copy.outcome.reviewed if copy and copy.outcome else delivery.reviewed,
            "blocked": blocked,
        }
        return job

    async def _send(
        self,
        announcement: Announcement,
        delivery: Delivery,
        copy: Copy,
        sent: list[list[int]],
    ) -> tuple[int, list[int]]:
        """The media first (if any), then the text with the buttons, then an invitation's calendar
        file and map; the text's id and the others'. `sent` keeps the ids of the pieces already
        out, so a retry goes on where a failure stopped instead of sending them again."""
        pieces, text_at = await self._pieces(announcement, delivery.chat_id, copy)
        for piece in pieces[len(sent) :]:
            sent.append(await piece())
        media = [i for at, ids in enumerate(sent) if at != text_at for i in ids]
        return sent[text_at][0], media

    async def _pieces(
        self, announcement: Announcement, chat: int, copy: Copy
    ) -> tuple[list[Piece], int]:
        """What one parent gets, in order, as requests still to make; where the text is."""
        bot, file_id, photos = self.bot, announcement.file_id or "", announcement.album.split()
        pieces: list[Piece] = []  # every request paced as the outbox's (OUTBOX): see ratelimit
        if announcement.pictograms:  # the strip first; a short text as its caption
            if self.strips.carries(announcement, copy):
                return [partial(self.strips.send, chat, announcement, copy)], 0
            pieces.append(partial(self.strips.send, chat, announcement, None))
        if announcement.kind == "album" and len(photos) == 1:
            pieces.append(partial(_one, bot.send_photo, chat, photos[0]))
        elif announcement.kind == "album" and photos:
            album = [InputMediaPhoto(f) for f in photos]
            pieces.append(partial(_many, bot.send_media_group, chat, album))
        elif announcement.kind == "invitation" and file_id:  # the template's picture or a photo
            pieces.append(partial(_one, bot.send_photo, chat, file_id))
        elif announcement.kind in SINGLE_MEDIA and file_id:
            method = getattr(bot, SINGLE_MEDIA[announcement.kind])
            pieces.append(partial(_one, method, chat, file_id))
        for part in copy.before:  # a long text's first parts; withdrawing deletes them too
            pieces.append(partial(_one, bot.send_message, chat, part))
        text_at = len(pieces)
        pieces.append(partial(_one, bot.send_message, chat, copy.text, reply_markup=copy.markup))
        if announcement.kind == "invitation":  # the date straight into the phone's calendar
            data, where = await self._calendar(announcement)
            ics = InputFile(data, filename="uitnodiging.ics")
            pieces.append(partial(_one, bot.send_document, chat, ics))
            if where is not None:
                pieces.append(partial(_one, bot.send_location, chat, *where))
        return pieces, text_at

    async def _calendar(
        self, announcement: Announcement
    ) -> tuple[bytes, tuple[float, float] | None]:
        """The invitation's .ics file and where on the map (made once per announcement)."""
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
        return self._calendars[announcement.id or 0]


async def _one(method: Callable[..., Awaitable[Message]], *args: Any, **kwargs: Any) -> list[int]:
    """Send one piece of a copy, paced as the outbox's; its message's id."""
    return [(await method(*args, **kwargs, rate_limit_args=OUTBOX)).message_id]


async def _many(
    method: Callable[..., Awaitable[Sequence[Message]]], *args: Any, **kwargs: Any
) -> list[int]:
    """Send one piece that is several messages (an album); their ids."""
    return [m.message_id for m in await method(*args, **kwargs, rate_limit_args=OUTBOX)]
