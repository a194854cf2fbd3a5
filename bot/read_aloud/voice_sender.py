"""Voice messages after the text: announcements' voice copies (from the outbox) and one-offs.

Announcements: a read-aloud parent's outbox row is marked `voice = wanted` when the outbox is
written (bot/announcements/outbox.py). Once the text sender has nothing due (every text copy of
every announcement is out: `Sender.idle`), this sender claims sent rows whose voice is wanted, a
few at a time, reads each copy's words in the copy's language (made once per text and language
by the Speaker, uploaded once and then resent by Telegram's file_id) and sends them paced as the
outbox's. So the text copies of a broadcast are never slowed by voices, and a restart loses
nothing: the wishes are rows. A claim is a lease (`next_attempt_at`, which a sent row does not
use otherwise): a crashed sender's claims are taken over when it ends (SQLite: at the next start).
The voice's message id joins the copy's media ids, so withdrawing the announcement deletes it too.

One-offs (`read_aloud`): answers from the team, reminders, invitations to meetings; a background
task after the text was sent, lost on a restart (the text is out; only the voice is missed).
A voice that cannot be made or sent is logged and never touches the text copy.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, update
from sqlmodel import col, select
from telegram import InputFile, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.announcements.views import Byline, byline_of, heading
from bot.cluster.fence import LeaseLost
from bot.invitations.copy_views import invitation_copy
from bot.models import Announcement, AnnouncementStatus, Delivery, DeliveryStatus, Member
from bot.read_aloud.service import FAILED, NONE, SENDING, SENT, WANTED, listens, voice_language
from bot.read_aloud.speakable import speakable
from bot.telegram.ratelimit import OUTBOX, Pacing
from bot.translation.status import render

if TYPE_CHECKING:
    from bot.speech import Speaker, Speech
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)
WINDOW = 10  # voice copies in flight at once: a new announcement's text waits behind few
LEASE = timedelta(minutes=5)
ATTEMPTS = 3


@dataclass
class VoiceJob:
    """A claimed voice copy and how it ended."""

    delivery: Delivery
    member: Member
    status: str = FAILED
    message_id: int | None = None


class VoiceSender:
    """Sends voice messages after texts, for the parents who asked (one per school's bot)."""

    def __init__(self, bot: ExtBot[Any], services: BotData, *, window: int = WINDOW) -> None:
        self.bot, self.services, self.window = bot, services, window
        self._wake = asyncio.Event()
        self.idle = asyncio.Event()  # nothing to voice right now (tests and benchmarks wait)
        self._task: asyncio.Task[None] | None = None
        self._file_ids: dict[str, str] = {}  # Speech.key -> Telegram's file_id on this bot
        self._uploads: dict[str, asyncio.Lock] = {}
        self._bylines: dict[tuple[int, object], Byline] = {}
        self._claimed: list[int] = []
        self._one_offs: set[asyncio.Task[None]] = set()

    @property
    def speaker(self) -> Speaker | None:
        """The process's Speaker (None: read-aloud switched off)."""
        return self.services.speaker

    async def start(self) -> None:
        """SQLite (one sender): claims a crash left are wanted again; then start voicing."""
        engine = self.services.engine
        if engine is None or engine.dialect.name != "postgresql" or self.services.exclusive:
            await self._give_back(None)  # one sender (SQLite), or the school's lease is ours
        self._task = asyncio.create_task(self._run(), name="voice-sender")

    async def stop(self) -> None:
        """Stop: voice copies claimed but not sent are wanted again; one-offs are dropped."""
        for task in [self._task, *self._one_offs]:
            if task is not None:
                task.cancel()
        await asyncio.gather(
            *[t for t in [self._task, *self._one_offs] if t], return_exceptions=True
        )
        self._task, self._one_offs = None, set()
        try:
            if self._claimed:
                await self._give_back(self._claimed)
        except Exception:  # the lease gives them back anyway
            log.exception("could not give the claimed voice copies back")

    def wake(self) -> None:
        """The text outbox ran dry, or there is new work: not idle until it was looked at."""
        self._wake.set()
        self.idle.clear()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            idle = getattr(self.services.sender, "idle", None)
            if idle is not None:
                await idle.wait()  # texts first: nothing of the outbox is due any more
            try:
                jobs = await self._claim()
            except Exception:
                log.exception("voice copies cannot be read; retrying in 5 s")
                await asyncio.sleep(5)
                continue
            if not jobs:
                if not self._wake.is_set():  # no new work came in while the outbox was read
                    self.idle.set()
                try:
                    await asyncio.wait_for(self._wake.wait(), LEASE.total_seconds())
                except TimeoutError:
                    pass
                continue
            self.idle.clear()
            await asyncio.gather(*(self._voice(job) for job in jobs))
            await self._record(jobs)

    async def _claim(self) -> list[VoiceJob]:
        """Sent copies whose voice is wanted (or whose claim's lease ran out), oldest first."""
        now = self.services.clock.now()
        ours = select(Announcement.id).where(Announcement.school_id == self.services.school_id)
        wanted = or_(
            col(Delivery.voice) == WANTED,
            and_(col(Delivery.voice) == SENDING, col(Delivery.next_attempt_at) <= now),
        )
        async with self.services.sessions() as session:
            query = (
                select(Delivery, Member)
                .join(Member, col(Member.id) == col(Delivery.member_id))
                .where(
                    wanted,
                    col(Delivery.status) == DeliveryStatus.SENT,
                    col(Delivery.announcement_id).in_(ours),
                )
                .order_by(col(Delivery.id))
                .limit(self.window)
            )
            engine = self.services.engine
            if engine is not None and engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True, of=Delivery)
            jobs = [VoiceJob(d, m) for d, m in await session.exec(query)]
            if jobs:
                await session.exec(
                    update(Delivery)
                    .where(col(Delivery.id).in_([j.delivery.id for j in jobs]))
                    .values(voice=SENDING, next_attempt_at=now + LEASE)
                )
            await session.commit()
        self._claimed = [j.delivery.id for j in jobs if j.delivery.id]
        return jobs

    async def _give_back(self, ids: list[int] | None) -> None:
        """Claims (all of them: None) wanted again, due at once."""
        statement = update(Delivery).where(col(Delivery.voice) == SENDING)
        if ids is not None:
            statement = statement.where(col(Delivery.id).in_(ids))
        elif self.services.exclusive:  # a lease on this school only: the others' stay claimed
            ours = select(Announcement.id).where(Announcement.school_id == self.services.school_id)
            statement = statement.where(col(Delivery.announcement_id).in_(ours))
        async with self.services.sessions() as session:
            await session.exec(statement.values(voice=WANTED))
            await session.commit()

    async def _voice(self, job: VoiceJob) -> None:
        """Make and send one copy's voice; its outcome on the job (never raises)."""
        try:
            if job.delivery.voice_message_id:  # the copy was edited: its old voice goes first
                await self._delete(job.delivery.chat_id, job.delivery.voice_message_id)
            words, language = await self._words(job)
            if not words or language is None or self.speaker is None:
                job.status = NONE
                return
            speech = await self.speaker.speak(words, language=language)
            if speech is None:
                job.status = NONE if not self.speaker.can_speak(language) else FAILED
                return
            job.message_id = await self._send(job.delivery.chat_id, speech, OUTBOX)
            job.status = SENT
        except Forbidden:
            job.status = FAILED  # the text sender marks them blocked
        except LeaseLost:  # the school went to another process: this claim is given back
            raise
        except Exception:
            log.exception("could not send a voice copy (delivery %s)", job.delivery.id)
            job.status = FAILED

    async def _delete(self, chat_id: int, message_id: int) -> None:
        """Delete an outdated voice message (Telegram allows it for 48 hours; later it stays)."""
        try:
            await self.bot.delete_message(chat_id, message_id, rate_limit_args=OUTBOX)
        except TelegramError as err:
            log.info("an outdated voice message stays in chat %s: %s", chat_id, err)

    async def _words(self, job: VoiceJob) -> tuple[str, str | None]:
        """What the copy says, cleaned for a voice, and the language to say it in."""
        delivery, member = job.delivery, job.member
        language = voice_language(
            own=member.language, second=member.second_language, copy_language=delivery.language
        )
        speaker = self.speaker
        if (
            not listens(member)
            or language is None
            or not speaker
            or not speaker.can_speak(language)
        ):
            return "", None
        async with self.services.sessions() as session:
            announcement = await session.get(Announcement, delivery.announcement_id)
        if announcement is None or announcement.status == AnnouncementStatus.WITHDRAWN:
            return "", None
        key = (announcement.id or 0, announcement.edited_at)
        if key not in self._bylines:  # author and classes: once per announcement (and edit)
            if len(self._bylines) > 256:  # a long-running bot: only recent announcements matter
                self._bylines.clear()
            self._bylines[key] = await byline_of(self.services, announcement)
        byline = self._bylines[key]
        # Translated again for each copy (from the cache): a reviewer's correction counts at once.
        invitation = (
            await invitation_copy(self.services, announcement, member)
            if announcement.kind == "invitation"
            else None
        )
        if invitation is None:
            invitation = await render(
                self.services.translator, announcement.text, source=announcement.language,
                own=member.language, second=member.second_language, protected=byline.protected,
            )  # fmt: skip
        body, outcome = invitation
        head = heading(self.services, byline, outcome.language)
        return (speakable(f"{head}\n{body}") if outcome.language == language else ""), language

    async def _send(self, chat_id: int, speech: Speech, pacing: Pacing | None) -> int:
        """sendVoice: uploaded the first time, then by its file_id (kept per bot and text)."""
        file_id = self._file_ids.get(speech.key)
        if file_id is None:
            async with self._uploads.setdefault(speech.key, asyncio.Lock()):
                file_id = self._file_ids.get(speech.key)
                if file_id is None:
                    upload = InputFile(speech.ogg, filename="voice.ogg")
                    message = await self._retry(chat_id, upload, speech.duration, pacing)
                    if message.voice is not None:
                        self._file_ids[speech.key] = message.voice.file_id
                    return message.message_id
        return (await self._retry(chat_id, file_id, speech.duration, pacing)).message_id

    async def _retry(
        self, chat_id: int, voice: InputFile | str, duration: int, pacing: Pacing | None
    ) -> Message:
        """One sendVoice, again after a 429 or a network error (a 400 or 403 is final)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self.bot.send_voice(
                    chat_id, voice, duration=duration, rate_limit_args=pacing
                )
            except (Forbidden, BadRequest):
                raise
            except RetryAfter:
                continue
            except TelegramError:
                if attempt == ATTEMPTS:
                    raise
                await asyncio.sleep(0.2 * 2**attempt)
        raise TelegramError("too many 429s")

    async def _record(self, jobs: list[VoiceJob]) -> None:
        """Write how each voice copy ended; a sent voice's id replaces the old one's among the
        copy's media ids (withdrawing the announcement deletes it with the rest)."""
        ids = [job.delivery.id for job in jobs]
        async with self.services.sessions() as session:
            media = dict(
                (await session.exec(
                    select(Delivery.id, Delivery.media_message_ids).where(col(Delivery.id).in_(ids))
                )).all()
            )  # fmt: skip
            for job in jobs:
                values: dict[str, Any] = {"voice": job.status}
                old = str(job.delivery.voice_message_id or "")
                kept = [x for x in (media.get(job.delivery.id) or "").split(",") if x and x != old]
                if job.message_id is not None:
                    kept.append(str(job.message_id))
                    values["voice_message_id"] = job.message_id
                elif old:
                    values["voice_message_id"] = None
                values["media_message_ids"] = ",".join(kept)
                await session.exec(
                    update(Delivery)
                    .where(col(Delivery.id) == job.delivery.id, col(Delivery.voice) == SENDING)
                    .values(**values)
                )
            await session.commit()
        self._claimed = []

    def read_aloud(
        self, member: Member, text: str, *, language: str | None, personal: bool = False
    ) -> None:
        """After a message was sent to `member` (in `language`): its voice message follows in the
        background, when they asked for read-aloud and a voice speaks that language. `personal`
        (an answer from the team): the audio is not kept, nor its file_id."""
        spoken = voice_language(
            own=member.language, second=member.second_language, copy_language=language
        )
        speaker = self.speaker
        if not listens(member) or spoken is None or speaker is None:
            return
        if not speaker.can_speak(spoken):
            return
        task = asyncio.create_task(self._one_off(member.chat_id, text, spoken, personal))
        self._one_offs.add(task)
        task.add_done_callback(self._one_offs.discard)

    async def _one_off(self, chat_id: int, text: str, language: str, personal: bool) -> None:
        try:
            words = speakable(text)
            speech = await self.speaker.speak(words, language=language, cache=not personal) if (
                words and self.speaker
            ) else None  # fmt: skip
            if speech is None:
                return
            if personal:
                upload = InputFile(speech.ogg, filename="voice.ogg")
                await self._retry(chat_id, upload, speech.duration, OUTBOX)
            else:  # paced as the outbox's: behind the texts and replies still waiting
                await self._send(chat_id, speech, OUTBOX)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("could not send a voice message after a text")

    async def settled(self) -> None:
        """Wait until every one-off voice in flight is out (tests and the demo)."""
        while self._one_offs:
            await asyncio.gather(*list(self._one_offs), return_exceptions=True)
