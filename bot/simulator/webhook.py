"""Webhooks in the simulated Telegram: the pusher (the methods are in `api_webhook`).

While a webhook is set, every new update is POSTed to it (JSON, with the secret token header),
one at a time and in order; a non-2xx answer or a failed connection is retried with a growing
pause, as Telegram does. getUpdates then answers 409, as in Telegram. Unlike Telegram, plain
http:// addresses on 127.0.0.1 are accepted (tests and the demo run without certificates).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp

from bot.simulator.plumbing import Plumbing
from bot.simulator.state import Json

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY = 0.05  # seconds; doubles on every failure of the same update
LAST_RETRY = 2.0
POST_TIMEOUT = 10.0


class WebhookPusher:
    """Posts the server's pending updates to one webhook URL until it is removed."""

    def __init__(
        self, tg: Plumbing, url: str, secret: str | None, allowed_updates: list[str]
    ) -> None:
        self.tg = tg
        self.url = url
        self.secret = secret
        self.allowed_updates = allowed_updates
        self.delivered = 0  # updates answered with 2xx
        self.attempts = 0  # POST requests made (retries included)
        self.statuses: list[int] = []  # HTTP status of every attempt (0: no answer)
        self.last_error_message: str | None = None
        self.last_error_date: int | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin pushing in the background."""
        self._task = asyncio.create_task(self._run(), name="fake-telegram-webhook")

    def wake(self) -> None:
        """A new update is waiting."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop pushing (an update in flight stays pending)."""
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def info(self) -> Json:
        """The WebhookInfo object."""
        info: Json = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.tg.updates),
            "max_connections": 40,
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=POST_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while not self.tg.closing:
                if not self.tg.updates:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                update = self.tg.updates[0]
                if self._wanted(update):
                    await self._deliver(http, update)
                if self.tg.updates and self.tg.updates[0] is update:
                    self.tg.updates.pop(0)
                self.tg.notify()

    def _wanted(self, update: Json) -> bool:
        kinds = [key for key in update if key != "update_id"]
        return not self.allowed_updates or any(k in self.allowed_updates for k in kinds)

    async def _deliver(self, http: aiohttp.ClientSession, update: Json) -> None:
        """POST until the bot answers 2xx."""
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        pause = FIRST_RETRY
        while not self.tg.closing:
            self.attempts += 1
            try:
                async with http.post(self.url, json=update, headers=headers) as response:
                    status = response.status
                    await response.read()
            except (aiohttp.ClientError, TimeoutError) as err:
                status, reason = 0, f"Connection failed: {type(err).__name__}"
            else:
                reason = f"Wrong response from the webhook: {status}"
            self.statuses.append(status)
            self.tg.notify()
            if 200 <= status < 300:
                self.delivered += 1
                return
            self.last_error_date, self.last_error_message = self.tg.now(), reason
            log.info("webhook: update %s not accepted (%s)", update["update_id"], reason)
            await self.tg.pause(pause)
            pause = min(pause * 2, LAST_RETRY)
