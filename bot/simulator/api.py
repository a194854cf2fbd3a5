"""The Bot API methods of the simulated Telegram (the subset Ouderbrug uses, checked like Telegram)."""

from __future__ import annotations

import asyncio
import html.parser
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.simulator.state import (
    BotMessage,
    CallbackAnswer,
    Json,
    TranscriptEvent,
    canonical_scope,
    parse_buttons,
)

if TYPE_CHECKING:
    from bot.simulator.server import FakeTelegram

Uploads = dict[str, tuple[bytes, str | None, str | None]]
MEDIA_KINDS = ("photo", "document", "voice", "audio", "video")


class ApiError(Exception):
    """A Telegram error answer raised inside an API method."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def api_error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    """A Telegram-shaped error response."""
    body: Json = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


def check_text(text: str, *, caption: bool, parse_mode: str | None) -> None:
    """Telegram's length and formatting checks."""
    limit = 1024 if caption else 4096
    if not caption and not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > limit:
        raise ApiError(
            400,
            "Bad Request: message caption is too long"
            if caption
            else "Bad Request: message is too long",
        )
    if parse_mode == "HTML":
        _check_html(text)


def check_markup(markup: object) -> None:
    """Callback data of inline buttons must be 1-64 bytes."""
    if isinstance(markup, dict):
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


class _TagChecker(html.parser.HTMLParser):
    ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')


def _check_html(text: str) -> None:
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        raise ApiError(400, "Bad Request: can't parse entities: unclosed tag")


class MethodsMixin:
    """`api_<method>` coroutines; `self` is the FakeTelegram."""

    async def api_getMe(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        return self.bot_user

    async def api_getUpdates(self: FakeTelegram, p: Json, u: Uploads) -> list[Json]:
        offset = int(p.get("offset") or 0)
        if offset:
            self.updates = [x for x in self.updates if x["update_id"] >= offset]
        timeout = float(p.get("timeout") or 0)
        if not self.updates and timeout > 0 and not self._closing:
            self._update_event.clear()
            try:
                await asyncio.wait_for(self._update_event.wait(), timeout)
            except TimeoutError:
                pass
        limit = int(p.get("limit") or 100)
        return list(self.updates[:limit])

    async def api_deleteWebhook(self: FakeTelegram, p: Json, u: Uploads) -> bool:
        return True

    async def api_getWebhookInfo(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    async def api_setMyCommands(self: FakeTelegram, p: Json, u: Uploads) -> bool:
        commands = p.get("commands") or []
        for c in commands:
            if not 1 <= len(c.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        self.commands[(canonical_scope(p.get("scope")), p.get("language_code") or "")] = commands
        return True

    async def api_getMyCommands(self: FakeTelegram, p: Json, u: Uploads) -> list[Json]:
        return self.commands.get(
            (canonical_scope(p.get("scope")), p.get("language_code") or ""), []
        )

    async def api_deleteMyCommands(self: FakeTelegram, p: Json, u: Uploads) -> bool:
        self.commands.pop((canonical_scope(p.get("scope")), p.get("language_code") or ""), None)
        return True

    async def api_setChatMenuButton(self: FakeTelegram, p: Json, u: Uploads) -> bool:
        return True

    async def api_sendChatAction(self: FakeTelegram, p: Json, u: Uploads) -> bool:
        self.chat_of(int(p["chat_id"]))
        return True

    async def api_getChat(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        user = self.chat_of(int(p["chat_id"]))
        return {
            "id": user.id,
            "type": "private",
            "first_name": user.first_name,
            "accent_color_id": 0,
            "max_reaction_count": 11,
        }

    async def api_sendMessage(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        text = str(p.get("text", ""))
        check_text(text, caption=False, parse_mode=p.get("parse_mode"))
        return self.deliver(p, "text", text=text)

    async def api_sendPhoto(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        return self.send_media(p, u, "photo")

    async def api_sendDocument(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        return self.send_media(p, u, "document")

    async def api_sendVoice(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        return self.send_media(p, u, "voice")

    async def api_sendAudio(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        return self.send_media(p, u, "audio")

    async def api_sendVideo(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        return self.send_media(p, u, "video")

    async def api_sendLocation(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        loc = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
        return self.deliver(
            p, "location", text=f"📍 {loc['latitude']}, {loc['longitude']}", extra={"location": loc}
        )

    async def api_sendMediaGroup(self: FakeTelegram, p: Json, u: Uploads) -> list[Json]:
        media = p.get("media") or []
        if not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the album")
        group = f"group-{self.store_file(b'')}"
        results = []
        for item in media:
            kind = item.get("type", "photo")
            caption = str(item.get("caption") or "")
            check_text(caption, caption=True, parse_mode=item.get("parse_mode"))
            file_id, name, mime = self.resolve_file(item.get("media"), u)
            params = {"chat_id": p["chat_id"]}
            results.append(
                self.deliver(params, kind, text=caption, file=(file_id, name, mime), group=group)
            )
        return results

    async def api_copyMessage(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        source = self.users.get(int(p["from_chat_id"]))
        original = source.sent.get(int(p["message_id"])) if source else None
        if original is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        mid = self.deliver(
            p, "text", text=str(original.get("text") or original.get("caption") or "")
        )["message_id"]
        return {"message_id": mid}

    async def api_forwardMessage(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        return self.deliver(p, "text", text="[forwarded]")

    async def api_editMessageText(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        text = str(p.get("text", ""))
        check_text(text, caption=False, parse_mode=p.get("parse_mode"))
        return self.edit(p, text)

    async def api_editMessageCaption(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        text = str(p.get("caption") or "")
        check_text(text, caption=True, parse_mode=p.get("parse_mode"))
        return self.edit(p, text)

    async def api_editMessageReplyMarkup(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        msg = self.find_message(int(p["chat_id"]), int(p["message_id"]))
        return self.edit(p, msg.text)

    async def api_editMessageMedia(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        msg = self.find_message(int(p["chat_id"]), int(p["message_id"]))
        media = p.get("media") or {}
        if isinstance(media, str):
            media = json.loads(media)
        msg.file_id, msg.file_name, msg.mime_type = self.resolve_file(media.get("media"), u)
        return self.edit(p, str(media.get("caption") or ""))

    async def api_deleteMessage(self: FakeTelegram, p: Json, u: Uploads) -> bool:
        msg = self.find_message(int(p["chat_id"]), int(p["message_id"]))
        msg.deleted = True
        self.record(TranscriptEvent("bot", self.users[msg.chat_id].first_name, "delete", msg.text))
        return True

    async def api_answerCallbackQuery(self: FakeTelegram, p: Json, u: Uploads) -> bool:
        show = str(p.get("show_alert", "")).lower() in ("true", "1")
        self.answered_callbacks[str(p["callback_query_id"])] = CallbackAnswer(p.get("text"), show)
        return True

    async def api_getFile(self: FakeTelegram, p: Json, u: Uploads) -> Json:
        file_id = str(p["file_id"])
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        data = self.files[file_id][0]
        if len(data) > 20 * 1024 * 1024:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "file_size": len(data),
            "file_path": f"files/{file_id}",
        }

    # helpers ---------------------------------------------------------------------------
    def resolve_file(
        self: FakeTelegram, ref: Any, u: Uploads
    ) -> tuple[str, str | None, str | None]:
        """A file given as an upload, an attach:// reference or an existing file id."""
        if isinstance(ref, str) and ref.startswith("attach://"):
            ref = u.get(ref.removeprefix("attach://"))
        if isinstance(ref, tuple):
            data, name, mime = ref
            if len(data) > 50 * 1024 * 1024:
                raise ApiError(413, "Request Entity Too Large")
            return self.store_file(data, name, mime), name, mime
        if isinstance(ref, str) and ref in self.files:
            _, name, mime = self.files[ref]
            return ref, name, mime
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def send_media(self: FakeTelegram, p: Json, u: Uploads, kind: str) -> Json:
        caption = str(p.get("caption") or "")
        check_text(caption, caption=True, parse_mode=p.get("parse_mode"))
        ref = u.get(kind) or p.get(kind)
        return self.deliver(p, kind, text=caption, file=self.resolve_file(ref, u))

    def deliver(self: FakeTelegram, p: Json, kind: str, *, text: str, file: tuple[str, str | None, str | None] | None = None, group: str | None = None, extra: Json | None = None) -> Json:  # fmt: skip
        """Store a bot message in a user's chat and return it as Telegram would."""
        user = self.chat_of(int(p["chat_id"]))
        markup = p.get("reply_markup")
        check_markup(markup)
        mid = self.message_id(user.id)
        raw: Json = {
            "message_id": mid,
            "date": self.now(),
            "chat": user.chat_json(),
            "from": self.bot_user,
        }
        raw.update(extra or {})
        if kind == "text":
            raw["text"] = text
        elif text:
            raw["caption"] = text
        if file is not None:
            raw.update(_media_json(kind, *file, size=len(self.files[file[0]][0])))
        if group:
            raw["media_group_id"] = group
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            raw["reply_markup"] = markup
        msg = BotMessage(
            message_id=mid, chat_id=user.id, kind=kind, text=text, buttons=parse_buttons(markup),
            file_id=file[0] if file else None, file_name=file[1] if file else None,
            mime_type=file[2] if file else None, media_group_id=group,
            parse_mode=p.get("parse_mode"), raw=raw,
        )  # fmt: skip
        user.receive(msg)
        self.record(
            TranscriptEvent(
                "bot",
                user.first_name,
                "message",
                f"[{kind}] {text}" if kind != "text" else text,
                msg.buttons,
            )
        )
        return raw

    def edit(self: FakeTelegram, p: Json, text: str) -> Json:
        """Edit a bot message (a missing reply_markup removes the buttons, as in Telegram)."""
        msg = self.find_message(int(p["chat_id"]), int(p["message_id"]))
        markup = p.get("reply_markup")
        check_markup(markup)
        buttons = parse_buttons(markup)
        if text == msg.text and buttons == msg.buttons:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
            )
        msg.history.append(msg.text)
        msg.text, msg.buttons, msg.edited = text, buttons, True
        msg.raw["text" if msg.kind == "text" else "caption"] = text
        msg.raw["edit_date"] = self.now()
        if buttons:
            msg.raw["reply_markup"] = markup
        else:
            msg.raw.pop("reply_markup", None)
        user = self.users[msg.chat_id]
        user.notice_edit(msg)
        self.record(TranscriptEvent("bot", user.first_name, "edit", text, buttons))
        return msg.raw


def _media_json(kind: str, file_id: str, name: str | None, mime: str | None, *, size: int) -> Json:
    base = {"file_id": file_id, "file_unique_id": "u" + file_id, "file_size": size}
    if kind == "photo":
        return {"photo": [{**base, "width": 1240, "height": 1754}]}
    if kind == "voice":
        return {"voice": {**base, "duration": 1, "mime_type": mime or "audio/ogg"}}
    if kind == "video":
        return {"video": {**base, "width": 640, "height": 360, "duration": 1}}
    if kind == "audio":
        return {"audio": {**base, "duration": 1}}
    return {
        kind: {**base, "file_name": name or "file", "mime_type": mime or "application/octet-stream"}
    }


__all__ = ["MEDIA_KINDS", "ApiError", "MethodsMixin", "api_error"]
