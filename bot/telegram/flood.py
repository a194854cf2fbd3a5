"""Flood control: how much one person may send before the bot stops passing it on.

Counted per person as updates arrive (in `OrderedUpdateProcessor.process_update`, so in arrival
order), on the bot's clock:
- **Messages** in their private chat with the bot (texts, commands, files, edits; an album counts
  once): `MESSAGES` per `WINDOW` (30 a minute). The next one is refused and answered, quoting it:
  this message and whatever they send in the next minute does not reach the school, send it again
  after that (`flood.messages`). For that minute the bot drops their messages without another
  word (the notice said so); then the count starts afresh.
- **Button presses**: `PRESSES` per `WINDOW` (60 a minute). Each press beyond is answered at once
  with a short "slow down" (a toast, `flood.presses`) and not handled: Telegram wants every press
  answered within 15 s, so none waits for the person's queue.
- Group chats are not counted: there the bot answers nothing but commands, and never scolds
  anyone in public.
Below these limits nothing is refused, and nothing is dropped without the person being told (the
notice covers its minute). A person typing, sending a few albums or answering a poll stays far
below them: 30 messages a minute is one every two seconds for a whole minute.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from telegram import Update

from bot.core.clock import Clock

MESSAGES = 30  # messages per person per WINDOW in their private chat with the bot
PRESSES = 60  # button presses per person per WINDOW
WINDOW = timedelta(minutes=1)
FORGET_AFTER = 10_000  # people remembered before the quiet ones are forgotten


class Verdict(Enum):
    """What becomes of an update."""

    PASS = "pass"  # handled as usual
    NOTICE = "notice"  # refused; the person is told (the middleware answers it)
    DROP = "drop"  # refused without a word (a notice in the last minute said so)


@dataclass
class _Count:
    """One person's recent messages (or presses)."""

    times: deque[datetime] = field(default_factory=deque)  # accepted ones, oldest first
    refusing_until: datetime | None = None  # messages: everything until then is dropped
    album: str | None = None  # the media group of the latest accepted message


class FloodGate:
    """Judges each update of a person against their limits (see the module's docstring)."""

    def __init__(
        self,
        clock: Clock,
        *,
        messages: int = MESSAGES,
        presses: int = PRESSES,
        window: timedelta = WINDOW,
    ) -> None:
        self.clock = clock
        self.messages = messages
        self.presses = presses
        self.window = window
        self._counts: dict[tuple[str, int], _Count] = {}
        self._tidied = clock.now()  # when the quiet people were last forgotten

    @property
    def remembered(self) -> int:
        """How many people's (messages' or presses') counts are kept."""
        return len(self._counts)

    def judge(self, update: object) -> Verdict:
        """Count this update (call once per update, in the order they arrived)."""
        if not isinstance(update, Update) or update.effective_user is None:
            return Verdict.PASS
        person = update.effective_user.id
        if update.callback_query is not None:
            return self._press(self._count("press", person))
        msg = update.message or update.edited_message
        if msg is None or msg.chat.type != "private":
            return Verdict.PASS
        return self._message(self._count("message", person), msg.media_group_id)

    def _count(self, kind: str, person: int) -> _Count:
        if len(self._counts) > FORGET_AFTER and self.clock.now() - self._tidied > self.window:
            self._forget_quiet(self.clock.now())  # at most once a window: cheap however many
        return self._counts.setdefault((kind, person), _Count())

    def _recent(self, count: _Count, now: datetime) -> int:
        """How many were accepted in the window up to now."""
        while count.times and count.times[0] <= now - self.window:
            count.times.popleft()
        return len(count.times)

    def _press(self, count: _Count) -> Verdict:
        now = self.clock.now()
        if self._recent(count, now) >= self.presses:
            return Verdict.NOTICE
        count.times.append(now)
        return Verdict.PASS

    def _message(self, count: _Count, album: str | None) -> Verdict:
        now = self.clock.now()
        if count.refusing_until is not None:
            if now < count.refusing_until:
                return Verdict.DROP
            count.refusing_until, count.album = None, None
            count.times.clear()
        if album is not None and album == count.album:
            return Verdict.PASS  # the rest of an album that was let in
        if self._recent(count, now) >= self.messages:
            count.refusing_until = now + self.window
            return Verdict.NOTICE
        count.times.append(now)
        count.album = album
        return Verdict.PASS

    def _forget_quiet(self, now: datetime) -> None:
        """Forget the people with nothing in their window (the table stays small)."""
        self._tidied = now
        self._counts = {
            key: count
            for key, count in self._counts.items()
            if self._recent(count, now)
            or (count.refusing_until is not None and count.refusing_until > now)
        }
