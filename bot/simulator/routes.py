"""The HTTP side of the simulated Telegram: `/bot<token>/<method>` and `/file/bot<token>/<path>`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from aiohttp import web

# Imported for what they do: they register the Bot API methods.
import bot.simulator.api_bot
import bot.simulator.api_messages
import bot.simulator.api_webhook  # noqa: F401
from bot.simulator.checks import ApiError
from bot.simulator.core import TelegramCore
from bot.simulator.state import ApiCall, Json
from bot.simulator.wire import METHODS, error, ok, read_params

# Methods that put messages in a chat: these count for the rate limits.
SEND_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo",
        "sendAnimation", "sendMediaGroup", "sendLocation", "copyMessage", "forwardMessage",
    }
)  # fmt: skip
UPLOAD_BODY_LIMIT = 60 * 1024 * 1024


def make_app(host: TelegramCore, bots: Mapping[str, TelegramCore]) -> web.Application:
    """The aiohttp application serving `host` and the bots added to it (`bots`, by token)."""

    async def handle(request: web.Request) -> web.Response:
        tg = bots.get(request.match_info["token"])
        if tg is None:
            return _count(host, request.match_info["method"], error(401, "Unauthorized"))
        return _count(tg, request.match_info["method"], await _call(tg, request))

    async def serve_file(request: web.Request) -> web.Response:
        tg = bots.get(request.match_info["token"])
        if tg is None:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        stored = next((f for f in tg.files.values() if f.path == path), None)
        if stored is None:
            return web.Response(status=404, text="Not Found")
        ctype = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=ctype)

    app = web.Application(client_max_size=UPLOAD_BODY_LIMIT)
    app.router.add_route("*", "/bot{token}/{method}", handle)
    app.router.add_get("/file/bot{token}/{path:.+}", serve_file)
    return app


async def _call(tg: TelegramCore, request: web.Request) -> web.Response:
    """Decode, log, check faults and limits, run the method."""
    method = request.match_info["method"]
    try:
        params, uploads = await read_params(request)
    except ApiError as err:
        return error(err.status, err.description)
    if tg.latency:  # the request's way to Telegram: it arrives (and counts) after this
        await tg.pause(tg.latency)
    call = ApiCall(method, params, time.monotonic())
    tg.requests.append(call)
    tg.stats.requests[method] += 1
    tg.notify()
    handler = METHODS.get(method) or METHODS.get(_canonical_name(method))
    try:
        if handler is None:
            raise ApiError(404, "Not Found")
        await _before(tg, method, params)
        result: Any = await handler(tg, params, uploads)
        if method in SEND_METHODS:
            tg.stats.sent += len(result) if isinstance(result, list) else 1
        response = ok(result)
    except ApiError as err:
        response = error(err.status, err.description, err.retry_after)
    call.status = response.status
    if tg.latency:  # and the answer's way back
        await tg.pause(tg.latency)
    return response


async def _before(tg: TelegramCore, method: str, params: Json) -> None:
    """Injected failures; Telegram's flood control, counted as the request arrives; then an
    injected slow answer (a slow server: the request has arrived and counts). As ApiErrors."""
    chat_id = _int_or_none(params.get("chat_id"))
    fault = tg.faults.match(method, chat_id)
    delay = tg.faults.delay_of(fault)
    if fault is not None and fault.status >= 400:
        if delay:
            await tg.pause(delay)
        raise ApiError(fault.status, fault.description, fault.retry_after)
    if tg.limits.counts(method, SEND_METHODS):
        retry = tg.limits.check(chat_id)
        if retry is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
    if delay:
        await tg.pause(delay)


def _count(tg: TelegramCore, method: str, response: web.Response) -> web.Response:
    tg.stats.statuses[response.status] += 1
    if response.status >= 400:
        tg.stats.failures[method] += 1
    tg.notify()
    return response


def _canonical_name(method: str) -> str:
    """Telegram accepts method names in any letter case."""
    lowered = method.lower()
    return next((name for name in METHODS if name.lower() == lowered), method)


def _int_or_none(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None
