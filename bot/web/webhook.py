"""Telegram's webhook: one path per school bot, secret checked, repeats dropped, queued fast.

Telegram POSTs every update to `<public url>/telegram/<school key>` with the header
`X-Telegram-Bot-Api-Secret-Token`. Each school's token is derived from one server secret
(OUDERBRUG_WEBHOOK_SECRET, or `<data dir>/webhook.key` generated on first start), so a leaked
token of one school opens nothing of another. A request is answered as soon as its update is on
the application's queue (still as JSON: see DecodingQueue); the handlers work through the queue
in the background.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from telegram import Update

from bot.app import BotApp
from bot.core.settings import Settings
from bot.web.metrics import Metrics

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_FILE = "webhook.key"
WEBHOOK_PREFIX = "/telegram/"
# Telegram retries an update it got no 2xx for; an id seen among the last ones is a repeat.
RECENT_IDS = 10_000
# What the bot handles (anything else Telegram need not send).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


class QuietWarnings:
    """At most one warning per reason a minute: a flood of bad requests cannot flood the log.

    The next warning after a quiet minute says how many were left out.
    """

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self._last: dict[str, float] = {}
        self._left_out: Counter[str] = Counter()

    def warn(self, reason: str, message: str, *args: object) -> None:
        """Log `message` unless a warning for `reason` was written less than a minute ago."""
        now = time.monotonic()
        last = self._last.get(reason)
        if last is not None and now - last < self.every:
            self._left_out[reason] += 1
            return
        self._last[reason] = now
        left_out = self._left_out.pop(reason, 0)
        if left_out:
            message += " (and %s more like it since the last such warning)"
            args = (*args, left_out)
        log.warning(message, *args)


class RecentIds:
    """The last `size` update ids, in a set (to look up) and a ring (to forget the oldest)."""

    def __init__(self, size: int = RECENT_IDS) -> None:
        self._seen: set[int] = set()
        self._order: deque[int] = deque()
        self._size = size

    def add(self, update_id: int) -> bool:
        """Remember an id; False if it was already among the recent ones."""
        if update_id in self._seen:
            return False
        self._seen.add(update_id)
        self._order.append(update_id)
        if len(self._order) > self._size:
            self._seen.discard(self._order.popleft())
        return True

    def __len__(self) -> int:
        return len(self._order)


class DecodingQueue(asyncio.Queue[object]):
    """An application's update queue that takes the webhook's JSON and hands out Update objects.

    Decoding (`Update.de_json`) is half the cost of accepting a request: done when a handler
    takes the update, it lets the webhook answer sooner when updates arrive in a burst.
    """

    def __init__(self, app: BotApp) -> None:
        super().__init__()
        self._app = app

    async def get(self) -> object:
        """The next update (anything not JSON is passed on as it is, e.g. PTB's stop signal)."""
        while True:
            item = await super().get()
            if not isinstance(item, dict):
                return item
            try:
                return Update.de_json(item, self._app.bot)
            except Exception:
                log.exception("webhook: update %s is not readable; dropped", item.get("update_id"))
                self.task_done()


def decode_on_dequeue(app: BotApp) -> None:
    """Give a not yet started application a DecodingQueue (it has no updater to share one with)."""
    if app.running or app.updater is not None or not app.update_queue.empty():
        raise RuntimeError("decode_on_dequeue needs a fresh application without an updater")
    app.update_queue = DecodingQueue(app)


@dataclass
class SchoolBot:
    """One school's bot on the web server: its key (URL path), application and webhook token."""

    key: str
    app: BotApp
    secret: str
    recent: RecentIds = field(default_factory=RecentIds)

    @property
    def path(self) -> str:
        """The webhook's path on this server."""
        return f"{WEBHOOK_PREFIX}{self.key}"


def load_webhook_secret(settings: Settings) -> str:
    """The server's webhook secret (created in the data folder on first use when not configured)."""
    if settings.webhook_secret:
        return settings.webhook_secret
    path = Path(settings.data_dir) / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    log.info("generated a webhook secret in %s", path)
    return value


def school_secret(server_secret: str, key: str) -> str:
    """The token Telegram sends for one school (HMAC of its key; Telegram allows [A-Za-z0-9_-])."""
    return hmac.new(server_secret.encode(), f"webhook:{key}".encode(), hashlib.sha256).hexdigest()


def school_bots(apps: dict[str, BotApp], server_secret: str) -> list[SchoolBot]:
    """Wrap each school's (fresh) application with its path, token and decoding queue."""
    for app in apps.values():
        decode_on_dequeue(app)
    return [SchoolBot(key, app, school_secret(server_secret, key)) for key, app in apps.items()]


async def set_webhook(bot: SchoolBot, public_url: str) -> None:
    """Tell Telegram where to post this school's updates."""
    url = f"{public_url.rstrip('/')}{bot.path}"
    await bot.app.bot.set_webhook(url=url, secret_token=bot.secret, allowed_updates=ALLOWED_UPDATES)
    log.info("webhook set for %s: %s", bot.key, url)


def webhook_route(bots: list[SchoolBot], metrics: Metrics) -> web.RouteDef:
    """The POST route serving every school's webhook."""
    by_key = {bot.key: bot for bot in bots}
    quiet = QuietWarnings()

    async def receive(request: web.Request) -> web.Response:
        bot = by_key.get(request.match_info["school"])
        if bot is None:
            metrics.rejected("unknown_path")
            return web.Response(status=404)
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), bot.secret.encode()):
            metrics.rejected("secret")
            quiet.warn(
                "secret", "webhook %s: request without the right secret from %s", bot.key,
                request.remote,
            )  # fmt: skip
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update_id = data["update_id"]
            if not isinstance(update_id, int):
                raise TypeError("update_id is not a number")
        except (ValueError, TypeError, KeyError, RecursionError) as err:
            # RecursionError: JSON nested too deep for the parser (Telegram never sends that)
            metrics.rejected("bad_json")
            quiet.warn(
                "bad_json", "webhook %s: not a Telegram update (%s)", bot.key, type(err).__name__
            )
            return web.Response(status=400)
        if not bot.recent.add(update_id):
            metrics.duplicate(bot.key)
            log.info("webhook %s: update %s arrived again; handled once", bot.key, update_id)
            return web.Response(status=200)
        bot.app.update_queue.put_nowait(data)  # decoded by the DecodingQueue
        metrics.accepted(bot.key)
        return web.Response(status=200)

    return web.post(WEBHOOK_PREFIX + "{school}", receive)
