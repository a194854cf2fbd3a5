"""What the simulated Telegram remembers: bot messages, files, answers, transcript, counters."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Json = dict[str, Any]


class Button(NamedTuple):
    """An inline button as a person sees it: its label and its callback data (or url)."""

    text: str
    value: str


Buttons = list[list[Button]]


class Upload(NamedTuple):
    """A file part of a multipart request."""

    data: bytes
    filename: str | None
    mime_type: str | None


Uploads = dict[str, Upload]


@dataclass
class ApiCall:
    """One request the bot made: the method and its decoded parameters."""

    method: str
    params: Json
    at: float = 0.0  # time.monotonic() when it arrived
    status: int = 0  # the HTTP status of the answer (0 until answered; 429: refused)


@dataclass
class StoredFile:
    """Bytes behind a file_id."""

    file_id: str
    data: bytes
    name: str | None = None
    mime_type: str | None = None
    kind: str = "document"
    path: str = ""

    @property
    def unique_id(self) -> str:
        """Same bytes, same file_unique_id (as in Telegram)."""
        return "u" + hashlib.sha1(self.data, usedforsecurity=False).hexdigest()[:16]

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass
class BotMessage:
    """A message the bot sent to a user, as the user sees it now."""

    message_id: int
    chat_id: int
    kind: (
        str  # text | photo | document | voice | audio | video | location | ... (see media_group_id)
    )
    text: str = ""  # text or caption as the bot sent it (with HTML/Markdown markup)
    plain: str = ""  # text or caption as shown (markup removed)
    buttons: Buttons = field(default_factory=list)
    keyboard: list[list[str]] = field(default_factory=list)  # a reply keyboard, if any
    markup: Json | None = None
    entities: list[Json] = field(default_factory=list)
    parse_mode: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    media_group_id: str | None = None
    reply_to: int | None = None
    edited: bool = False
    deleted: bool = False
    history: list[str] = field(default_factory=list)  # earlier texts, oldest first
    touched: int = 0  # server serial of the delivery or latest edit
    raw: Json = field(default_factory=dict)  # the Telegram Message object

    @property
    def caption(self) -> str:
        """The caption of a media message (same as text)."""
        return self.text

    @property
    def labels(self) -> list[str]:
        """All inline button labels, row by row."""
        return [b.text for row in self.buttons for b in row]

    def shows(self, text: str) -> bool:
        """Whether the text or caption contains `text` (with or without markup)."""
        return text in self.text or text in self.plain


@dataclass
class CallbackAnswer:
    """What the bot answered to a button press."""

    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass
class TranscriptEvent:
    """One line of what happened, for the demo's transcript."""

    who: str
    to: str
    kind: str  # message | edit | delete | press | answer
    text: str
    buttons: Buttons = field(default_factory=list)
    media: str = ""  # e.g. "photo", "document flyer.pdf, 12 KB", "album: 3 items"
    keyboard: list[list[str]] = field(default_factory=list)

    @property
    def direction(self) -> str:
        """`who → to`."""
        return f"{self.who} → {self.to}"


@dataclass
class Stats:
    """Counters for tests and benchmarks."""

    requests: Counter[str] = field(default_factory=Counter)  # per method
    statuses: Counter[int] = field(default_factory=Counter)  # per HTTP status
    failures: Counter[str] = field(default_factory=Counter)  # error answers per method
    sent: int = 0  # messages delivered

    @property
    def too_many(self) -> int:
        """How many 429 answers were given."""
        return self.statuses[429]

    @property
    def errors(self) -> int:
        """How many error answers (status >= 400) were given."""
        return sum(n for status, n in self.statuses.items() if status >= 400)

    @property
    def total(self) -> int:
        """All requests."""
        return sum(self.requests.values())
