"""The fence: a school's bot sends only while its process surely still holds the school's lease.

The owner renews the lease every tick. Before each renew (before it reads the database's time,
which the new `expires_at` counts from) it notes `start = time.monotonic()`; once the database
said yes, the lease runs at least until `start + lease_seconds` (the database's time was read
after `start`), so the owner may send until
`start + lease_seconds - FENCE_MARGIN` (`extend`). Another process can take the school over only
after the database's `expires_at`, by then this one stopped sending FENCE_MARGIN seconds ago:
the two never send for one bot in the same second, and one bot's budget is never used twice.

`wait_valid()` (before every request of the bot, bot/telegram/ratelimit.py) returns at once while
the fence is valid, waits while it ran out but the lease was not lost yet (a renew is late: the
database is slow), and raises `LeaseLost` once the school is lost (`revoke`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Seconds the owner stops sending before the database lets anyone take over (the Coordinator
# uses a third of the lease when that is shorter: test leases of a few seconds).
FENCE_MARGIN = 2.0


class LeaseLost(Exception):
    """This process no longer owns the school: nothing more may be sent for its bot.

    A plain Exception (not a TelegramError): PTB's handlers log it; the outbox leaves the copy
    claimed, so the next owner sends it (its claims are freed when it takes the school over)."""


class Fence:
    """Until when this process may send for one school's bot (monotonic seconds)."""

    def __init__(
        self, key: str, *, valid_until: float = 0.0, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.key = key
        self.valid_until = valid_until
        self.revoked = False
        self.waiting = 0  # requests held at the fence right now
        self.sending = 0  # requests past the fence, waiting for Telegram's answer
        self._now = now
        self._changed = asyncio.Event()
        self._quiet = asyncio.Event()
        self._quiet.set()

    def valid(self) -> bool:
        """Whether a request may go right now."""
        return not self.revoked and self._now() < self.valid_until

    def extend(self, until: float) -> None:
        """The lease was renewed: sending is fine until `until` (never moves backwards)."""
        if until > self.valid_until and not self.revoked:
            self.valid_until = until
            self._wake()

    def revoke(self) -> None:
        """The school is lost (or given up): every waiting and later request raises LeaseLost."""
        self.revoked = True
        self._wake()

    def left(self) -> float:
        """Seconds of sending left (0 when expired or revoked)."""
        return 0.0 if self.revoked else max(0.0, self.valid_until - self._now())

    async def wait_valid(self) -> None:
        """Return when a request may go; raise LeaseLost when the school is lost."""
        while True:
            if self.revoked:
                raise LeaseLost(f"the lease of school {self.key!r} is lost")
            if self._now() < self.valid_until:
                return
            self._changed.clear()
            self.waiting += 1
            try:
                await self._changed.wait()
            finally:
                self.waiting -= 1

    @contextmanager
    def passing(self) -> Iterator[None]:
        """Around one request on its way to Telegram (counted in `sending`)."""
        self.sending += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self.sending -= 1
            if not self.sending:
                self._quiet.set()

    async def drained(self, timeout: float) -> None:
        """Wait (at most `timeout`) until no request is on its way: after `revoke`, the last
        answers come in, so what was sent is known and recorded, not sent again elsewhere."""
        try:
            async with asyncio.timeout(timeout):
                await self._quiet.wait()
        except TimeoutError:
            pass

    def _wake(self) -> None:
        self._changed.set()
