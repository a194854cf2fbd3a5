"""What the simulated Telegram remembers: bot messages, files, commands, faults, limits."""

from __future__ import annotations

import json
import random
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data or url)


@dataclass
class BotMessage:
    """A message the bot sent to a user, as the user sees it now."""

    message_id: int
    chat_id: int
    kind: str  # text | photo | document | voice | audio | video | location | media_group
    text: str = ""  # text, or caption for media
    buttons: Buttons = field(default_factory=list)
    file_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    media_group_id: str | None = None
    parse_mode: str | None = None
    edited: bool = False
    deleted: bool = False
    history: list[str] = field(default_factory=list)
    raw: Json = field(default_factory=dict)

    @property
    def caption(self) -> str:
        """The caption of a media message (same as text)."""
        return self.text


@dataclass
class CallbackAnswer:
    """What the bot answered to a button press."""

    text: str | None
    show_alert: bool


@dataclass
class TranscriptEvent:
    """One line of what happened, for the demo's transcript."""

    who: str
    to: str
    kind: str  # message | edit | delete | press
    text: str
    buttons: Buttons = field(default_factory=list)


@dataclass
class Fault:
    """An injected failure for the next matching requests."""

    method: str | None
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    chat_id: int | None = None
    probability: float | None = None
    delay: float | None = None


@dataclass
class Stats:
    """Counters for tests and benchmarks."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    sent: int = 0

    @property
    def too_many(self) -> int:
        """How many 429 answers were given."""
        return self.statuses[429]


class RateLimits:
    """Telegram-like limits: messages per second overall and per chat."""

    def __init__(self) -> None:
        self.global_per_second: float | None = None
        self.per_chat_per_second: float | None = None
        self._recent: deque[float] = deque()
        self._last_in_chat: dict[int, float] = {}

    def check(self, chat_id: int | None) -> int | None:
        """None if the send may go now, else the retry_after seconds to answer with."""
        now = time.monotonic()
        if self.global_per_second is not None:
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.global_per_second:
                return 1
        if self.per_chat_per_second is not None and chat_id is not None:
            last = self._last_in_chat.get(chat_id)
            if last is not None and now - last < 1.0 / self.per_chat_per_second:
                return 1
        self._recent.append(now)
        if chat_id is not None:
            self._last_in_chat[chat_id] = now
        return None


class Faults:
    """Injected failures, matched in order."""

    def __init__(self, seed: int = 0) -> None:
        self.pending: list[Fault] = []
        self.random = random.Random(seed)

    def match(self, method: str, chat_id: int | None) -> Fault | None:
        """The fault to apply to this request, if any (consumes one use)."""
        for fault in self.pending:
            if fault.method not in (None, method):
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            if fault.probability is not None and self.random.random() >= fault.probability:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self.pending.remove(fault)
            return fault
        return None


def canonical_scope(scope: object) -> str:
    """A stable key for a BotCommandScope (default when absent)."""
    if scope in (None, ""):
        scope = {"type": "default"}
    if isinstance(scope, str):
        scope = json.loads(scope)
    return json.dumps(scope, sort_keys=True)


def parse_buttons(markup: object) -> Buttons:
    """Inline keyboard rows as (label, callback data or url)."""
    if isinstance(markup, str):
        markup = json.loads(markup) if markup else None
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [
        [(str(b.get("text", "")), str(b.get("callback_data") or b.get("url") or "")) for b in row]
        for row in rows
    ]
