"""Test controls of the simulated Telegram: injected faults and Telegram-like rate limits."""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Fault:
    """An injected failure (or delay) for the next matching requests."""

    method: str | None  # None: any method
    status: int  # < 400 with a delay: only the delay, then the request runs normally
    description: str
    retry_after: int | None = None
    times: int | None = 1  # None: until cleared
    chat_id: int | None = None
    probability: float | None = None
    delay: float | None = None
    delay_max: float | None = None  # with delay: a random delay between the two (seeded)

    def matches(self, method: str, chat_id: int | None) -> bool:
        """Whether this fault applies to a request (ignoring probability)."""
        if self.method is not None and self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


class Faults:
    """Injected failures, matched in the order they were added; deterministic with a seed."""

    def __init__(self, seed: int = 0) -> None:
        self.pending: list[Fault] = []
        self.random = random.Random(seed)
        self.fired = 0

    def add(self, fault: Fault) -> None:
        """Queue a fault."""
        if fault.description == "":
            template = DEFAULT_DESCRIPTIONS.get(fault.status, "Internal Server Error")
            fault.description = template.format(retry_after=fault.retry_after)
        self.pending.append(fault)

    def clear(self) -> None:
        """Forget every pending fault."""
        self.pending.clear()

    def match(self, method: str, chat_id: int | None) -> Fault | None:
        """The fault to apply to this request, if any (uses up one of its times)."""
        for fault in self.pending:
            if not fault.matches(method, chat_id):
                continue
            if fault.probability is not None and self.random.random() >= fault.probability:
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.pending.remove(fault)
            self.fired += 1
            return fault
        return None

    def delay_of(self, fault: Fault | None) -> float:
        """How long this fault stalls its request (random within its range, seeded)."""
        if fault is None or not fault.delay:
            return 0.0
        if fault.delay_max is None or fault.delay_max <= fault.delay:
            return fault.delay
        return self.random.uniform(fault.delay, fault.delay_max)


class _Window:
    """At most `rate` events per second, measured over a window of at least one second."""

    def __init__(self, rate: float) -> None:
        self.span = max(1.0, 1.0 / rate)
        self.allowed = max(1, math.floor(rate * self.span))
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """0 if an event may happen now, else the seconds until it may."""
        while self.times and now - self.times[0] >= self.span:
            self.times.popleft()
        if len(self.times) < self.allowed:
            return 0.0
        return self.times[0] + self.span - now

    def add(self, now: float) -> None:
        self.times.append(now)


class _Bucket:
    """`rate` events per second with up to `burst` back to back (a token bucket; burst 1: at
    most one event per 1/`rate` seconds)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate
        self.tolerance = (max(1, burst) - 1) * self.interval
        self.due = 0.0  # when the bucket would be full again

    def wait(self, now: float) -> float:
        return max(0.0, self.due - self.tolerance - now)

    def add(self, now: float) -> None:
        self.due = max(self.due, now) + self.interval


# Edits: Telegram answers 429 to floods of edits too (`RateLimits.configure(edits=True)`).
EDIT_METHODS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup"}
)


class RateLimits:
    """Telegram-like flood control, counted when a request arrives: messages per second overall
    (a sliding one-second window) and per chat (a token bucket: `per_chat_burst` back to back,
    then `per_chat_per_second`); edits count too when `edits` is on. None: unlimited."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.global_per_second: float | None = None
        self.per_chat_per_second: float | None = None
        self.per_chat_burst = 1
        self.edits = False
        self._global: _Window | None = None
        self._chats: dict[int, _Bucket] = {}

    def configure(
        self,
        global_per_second: float | None,
        per_chat_per_second: float | None,
        *,
        per_chat_burst: int = 1,
        edits: bool = False,
    ) -> None:
        """Set new limits and forget the history."""
        self.global_per_second = global_per_second
        self.per_chat_per_second = per_chat_per_second
        self.per_chat_burst = per_chat_burst
        self.edits = edits
        self._global = _Window(global_per_second) if global_per_second else None
        self._chats.clear()

    def counts(self, method: str, sends: frozenset[str]) -> bool:
        """Whether a request of this method counts toward the limits."""
        return method in sends or (self.edits and method in EDIT_METHODS)

    def check(self, chat_id: int | None) -> int | None:
        """None if a message may go now (and count it), else retry_after in whole seconds."""
        now = self.clock()
        windows: list[_Window | _Bucket] = []
        if self._global is not None:
            windows.append(self._global)
        if self.per_chat_per_second and chat_id is not None:
            if chat_id not in self._chats:
                self._chats[chat_id] = _Bucket(self.per_chat_per_second, self.per_chat_burst)
            windows.append(self._chats[chat_id])
        wait = max((w.wait(now) for w in windows), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for window in windows:
            window.add(now)
        return None
