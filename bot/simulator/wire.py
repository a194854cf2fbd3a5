"""HTTP plumbing: decode Bot API requests (query, form, multipart, JSON) and shape answers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import BodyPartReader, web

from bot.simulator.checks import json_param
from bot.simulator.state import Json, Upload, Uploads

if TYPE_CHECKING:
    from bot.simulator.core import TelegramCore

Handler = Callable[["TelegramCore", Json, Uploads], Awaitable[object]]
METHODS: dict[str, Handler] = {}


def api(name: str) -> Callable[[Handler], Handler]:
    """Register a coroutine as the Bot API method `name`."""

    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


# Parameters PTB sends JSON-encoded inside form fields.
JSON_FIELDS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "scope", "commands", "media",
        "allowed_updates", "link_preview_options", "reply_parameters", "menu_button",
        "reaction", "message_ids",
    }
)  # fmt: skip

_dumps = partial(json.dumps, ensure_ascii=False)


async def read_params(request: web.Request) -> tuple[Json, Uploads]:
    """The request's parameters (JSON fields decoded) and its uploaded files."""
    params: Json = dict(request.query)
    uploads: Uploads = {}
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else None
        if isinstance(body, dict):
            params.update(body)
        return params, uploads
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            if part.filename is not None:
                data = bytes(await part.read())
                uploads[name] = Upload(data, part.filename, part.headers.get("Content-Type"))
            else:
                params[name] = await part.text()
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, str):
                params[key] = value
    for key in JSON_FIELDS & params.keys():
        params[key] = json_param(params, key)
    return params, uploads


def ok(result: object) -> web.Response:
    """A successful answer."""
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    """A Telegram-shaped error answer."""
    body: Json = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status, dumps=_dumps)
