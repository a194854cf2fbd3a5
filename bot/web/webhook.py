"""Telegram's webhook: one path per school bot, secret checked, stored in the database first.

Telegram POSTs every update to `<public url>/telegram/<school key>` with the header
`X-Telegram-Bot-Api-Secret-Token`. Each school's token is derived from one server secret
(OUDERBRUG_WEBHOOK_SECRET, or `<data dir>/webhook.key` generated on first start), so a leaked
token of one school opens nothing of another. Any process accepts any school of the schools file:
the update is stored in the database (`bot/cluster/inbox.py`; a repeat is a no-op there, also
after a restart) and only then answered 200 (503 when the database does not answer: Telegram
keeps the update and retries). The process that owns the school's bot hands it to the bot
(`bot/cluster/feeder.py`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import BotApp
from bot.cluster import inbox
from bot.cluster.feeder import Feeder
from bot.core.clock import Clock
from bot.core.db import SessionFactory, one_writer
from bot.core.settings import Settings, generated_secret
from bot.web.metrics import Metrics

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_FILE = "webhook.key"
WEBHOOK_PREFIX = "/telegram/"
STORE_TIMEOUT = 10.0  # seconds to store an update before answering 503 (Telegram retries)
STORE_BATCH = 500  # updates written by one statement at most
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


def load_webhook_secret(settings: Settings) -> str:
    """The server's webhook secret (created in the data folder on first use when not configured).

    Every process behind one address needs the same one: OUDERBRUG_WEBHOOK_SECRET, or a data
    folder they share (processes starting together agree on the first file written)."""
    if settings.webhook_secret:
        return settings.webhook_secret
    value, made = generated_secret(Path(settings.data_dir) / SECRET_FILE)
    if made:
        log.info("generated a webhook secret in %s", Path(settings.data_dir) / SECRET_FILE)
    return value


def school_secret(server_secret: str, key: str) -> str:
    """The token Telegram sends for one school (HMAC of its key; Telegram allows [A-Za-z0-9_-])."""
    return hmac.new(server_secret.encode(), f"webhook:{key}".encode(), hashlib.sha256).hexdigest()


async def set_webhook(app: BotApp, key: str, secret: str, public_url: str) -> None:
    """Tell Telegram where to post this school's updates (any process behind `public_url`)."""
    url = f"{public_url.rstrip('/')}{WEBHOOK_PREFIX}{key}"
    await app.bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    log.info("webhook set for %s: %s", key, url)


@dataclass
class Inbox:
    """Where the webhook puts updates: the database (`bot/cluster/inbox.py`), then the Feeder,
    which hands an update of a school this process owns to its bot at once.

    Requests that arrive while a write is under way are written together by the next one (one
    statement, one commit: a group commit), each answered once its update is committed."""

    sessions: SessionFactory  # every school's rows
    clock: Clock
    feeder: Feeder
    engine: AsyncEngine | None = None  # SQLite: writes take turns (bot/core/db.one_writer)
    _waiting: list[tuple[str, dict[str, Any], asyncio.Future[bool]]] = field(default_factory=list)
    _writer: asyncio.Task[None] | None = None

    async def put(self, key: str, update: dict[str, Any]) -> bool:
        """Store an update (committed); False when it was stored before."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)
        self._waiting.append((key, update, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="webhook-inbox")
        async with asyncio.timeout(STORE_TIMEOUT):
            return await asyncio.shield(future)  # a request given up on is still written

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:STORE_BATCH], self._waiting[STORE_BATCH:]
            try:
                async with one_writer(self.engine), self.sessions() as session:
                    new = await inbox.store_updates(
                        session, updates=[(key, update) for key, update, _ in batch],
                        now=self.clock.now(),
                    )  # fmt: skip
            except Exception as err:
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(err)
                continue
            for key, update, future in batch:
                ident = (key, update["update_id"])
                fresh = ident in new
                new.discard(ident)  # the same update twice in one batch: the second is a repeat
                if fresh:  # this process feeds the school: to its bot now (else a later look)
                    self.feeder.offer(key, update["update_id"], update)
                if not future.done():
                    future.set_result(fresh)


def _retrieved(future: asyncio.Future[bool]) -> None:
    """Nobody may be waiting any more (timed out): the outcome is read here, never warned of."""
    if not future.cancelled():
        future.exception()


def webhook_route(secrets: dict[str, str], store: Inbox, metrics: Metrics) -> web.RouteDef:
    """The POST route serving every school's webhook (`secrets`: school key -> its token)."""
    quiet = QuietWarnings()

    async def receive(request: web.Request) -> web.Response:
        key = request.match_info["school"]
        secret = secrets.get(key)
        if secret is None:
            metrics.rejected("unknown_path")
            return web.Response(status=404)
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            metrics.rejected("secret")
            quiet.warn(
                "secret", "webhook %s: request without the right secret from %s", key,
                request.remote,
            )  # fmt: skip
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update_id = data["update_id"]
            if not isinstance(update_id, int) or not 0 <= update_id < 2**63:
                raise TypeError("update_id is not a number")
        except (ValueError, TypeError, KeyError, RecursionError) as err:
            # RecursionError: JSON nested too deep for the parser (Telegram never sends that)
            metrics.rejected("bad_json")
            quiet.warn(
                "bad_json", "webhook %s: not a Telegram update (%s)", key, type(err).__name__
            )
            return web.Response(status=400)
        try:
            new = await store.put(key, data)
        except Exception as err:  # the database is away: Telegram keeps the update and retries
            quiet.warn("database", "webhook %s: could not store an update (%s)", key, err)
            return web.Response(status=503)
        if not new:
            metrics.duplicate(key)
            log.info("webhook %s: update %s arrived again; handled once", key, update_id)
            return web.Response(status=200)
        metrics.accepted(key)
        return web.Response(status=200)

    return web.post(WEBHOOK_PREFIX + "{school}", receive)
