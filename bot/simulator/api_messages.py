"""Bot API methods that send, edit and delete messages, checked like Telegram."""

from __future__ import annotations

from bot.simulator.checks import (
    bad_request,
    chat_id_param,
    check_markup,
    check_text,
    flag,
    int_param,
    parse_buttons,
    parse_keyboard,
)
from bot.simulator.core import TelegramCore
from bot.simulator.media import (
    CONTENT_KEYS,
    content_kind,
    describe,
    media_content,
    resolve_file,
)
from bot.simulator.state import BotMessage, Json, StoredFile, TranscriptEvent, Uploads
from bot.simulator.users import SimUser
from bot.simulator.wire import api


def _reply_to(tg: TelegramCore, user: SimUser, p: Json) -> Json | None:
    """The message replied to, if any (Telegram refuses a missing one unless allowed)."""
    params = p.get("reply_parameters")
    if isinstance(params, dict):
        target, allow = params.get("message_id"), params.get("allow_sending_without_reply")
    else:
        target, allow = p.get("reply_to_message_id"), flag(p, "allow_sending_without_reply")
    if target in (None, ""):
        return None
    found = user.message_raw(int(str(target)))
    if found is None and not allow:
        raise bad_request("message to be replied not found")
    return None if found is None else {k: v for k, v in found.items() if k != "reply_to_message"}


def deliver(
    tg: TelegramCore,
    p: Json,
    kind: str,
    content: Json,
    *,
    text: str = "",
    plain: str = "",
    file: StoredFile | None = None,
    group: str | None = None,
    record: bool = True,
) -> Json:
    """Put a bot message in a user's chat; returns the Telegram Message object."""
    user = tg.chat_of(chat_id_param(p))
    markup = p.get("reply_markup")
    check_markup(markup)
    reply = _reply_to(tg, user, p)
    mid = tg.message_id(user.id)
    raw: Json = {"message_id": mid, "from": tg.bot_user, "chat": user.chat_json(), "date": tg.now()}
    raw.update(content)
    entities = p.get("entities" if kind == "text" else "caption_entities")
    if isinstance(entities, list) and entities:
        raw["entities" if kind == "text" else "caption_entities"] = entities
    if group:
        raw["media_group_id"] = group
    if reply is not None:
        raw["reply_to_message"] = reply
    inline = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
    if inline:
        raw["reply_markup"] = inline
    keyboard = parse_keyboard(markup)
    msg = BotMessage(
        message_id=mid, chat_id=user.id, kind=kind, text=text, plain=plain or text,
        buttons=parse_buttons(inline), keyboard=keyboard or [], markup=inline,
        entities=entities if isinstance(entities, list) else [], parse_mode=p.get("parse_mode"),
        file_id=file.file_id if file else None, file_name=file.name if file else None,
        mime_type=file.mime_type if file else None, file_size=file.size if file else None,
        media_group_id=group, reply_to=reply["message_id"] if reply else None, raw=raw,
        touched=tg.serial(),
    )  # fmt: skip
    user.receive(msg, keyboard)
    if record:
        event = TranscriptEvent(
            "bot", user.display_name, "message", msg.plain, msg.buttons,
            describe(kind, file, content), msg.keyboard,
        )  # fmt: skip
        tg.record(event)
    return raw


@api("sendMessage")
async def send_message(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    text = str(p.get("text") or "")
    plain = check_text(text, caption=False, parse_mode=p.get("parse_mode"))
    return deliver(tg, p, "text", {"text": plain}, text=text, plain=plain)


async def _send_media(tg: TelegramCore, p: Json, u: Uploads, kind: str) -> Json:
    caption = str(p.get("caption") or "")
    plain = check_text(caption, caption=True, parse_mode=p.get("parse_mode"))
    tg.chat_of(chat_id_param(p))
    stored = resolve_file(tg, u.get(kind) or p.get(kind), u, kind)
    content = media_content(kind, stored, p)
    if caption:
        content["caption"] = plain
    return deliver(tg, p, kind, content, text=caption, plain=plain, file=stored)


def _media_method(kind: str) -> None:
    async def send(tg: TelegramCore, p: Json, u: Uploads) -> Json:
        return await _send_media(tg, p, u, kind)

    api("send" + kind.capitalize())(send)


for _kind in ("photo", "document", "voice", "audio", "video", "animation"):
    _media_method(_kind)


@api("sendLocation")
async def send_location(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    try:
        loc = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
    except (KeyError, TypeError, ValueError):
        raise bad_request("wrong latitude or longitude specified") from None
    return deliver(tg, p, "location", {"location": loc})


@api("sendMediaGroup")
async def send_media_group(tg: TelegramCore, p: Json, u: Uploads) -> list[Json]:
    """An album of 2-10 items; one transcript line for the whole album."""
    media = p.get("media")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media in the album: must be 2-10 items")
    user = tg.chat_of(chat_id_param(p))
    items: list[tuple[str, StoredFile, str, str, Json]] = []
    for item in media:
        kind = str(item.get("type") or "")
        if kind not in ("photo", "video", "document", "audio"):
            raise bad_request("invalid media type in the album")
        caption = str(item.get("caption") or "")
        plain = check_text(caption, caption=True, parse_mode=item.get("parse_mode"))
        items.append((kind, resolve_file(tg, item.get("media"), u, kind), caption, plain, item))
    group = str(10_000_000 + tg.serial())
    sent = []
    for kind, stored, caption, plain, item in items:
        params = {"chat_id": user.id, "parse_mode": item.get("parse_mode")}
        params["caption_entities"] = item.get("caption_entities")
        content = media_content(kind, stored, item)
        if caption:
            content["caption"] = plain
        sent.append(
            deliver(tg, params, kind, content, text=caption, plain=plain, file=stored,
                    group=group, record=False)
        )  # fmt: skip
    captions = " / ".join(plain for *_, plain, _ in items if plain)
    kinds = ", ".join(describe(kind, stored, {}) for kind, stored, *_ in items)
    album = f"album: {len(items)} items ({kinds})"
    tg.record(TranscriptEvent("bot", user.display_name, "message", captions, media=album))
    return sent


def _source(tg: TelegramCore, p: Json, action: str) -> Json:
    source = tg.users.get(int_param(p, "from_chat_id"))
    if source is None:
        raise bad_request("chat not found")
    raw = source.message_raw(int_param(p, "message_id"))
    if raw is None:
        raise bad_request(f"message to {action} not found")
    return raw


def _redeliver(tg: TelegramCore, p: Json, raw: Json, content: Json) -> Json:
    kind = content_kind(raw)
    body = str(content.get("text") or content.get("caption") or "")
    stored = tg.files.get(str(_file_id(content, kind)))
    return deliver(tg, p, kind, content, text=body, plain=body, file=stored)


def _file_id(content: Json, kind: str) -> str | None:
    value = content.get(kind)
    if isinstance(value, list) and value:
        value = value[-1]
    return str(value.get("file_id")) if isinstance(value, dict) else None


@api("copyMessage")
async def copy_message(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    raw = _source(tg, p, "copy")
    content = {k: v for k, v in raw.items() if k in CONTENT_KEYS}
    if "caption" in p and "text" not in content:
        caption = str(p.get("caption") or "")
        content["caption"] = check_text(caption, caption=True, parse_mode=p.get("parse_mode"))
    return {"message_id": _redeliver(tg, p, raw, content)["message_id"]}


@api("forwardMessage")
async def forward_message(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    raw = _source(tg, p, "forward")
    content = {k: v for k, v in raw.items() if k in CONTENT_KEYS}
    content["forward_origin"] = {"type": "user", "sender_user": raw["from"], "date": raw["date"]}
    return _redeliver(tg, {"chat_id": p.get("chat_id")}, raw, content)


def _edit(tg: TelegramCore, p: Json, *, text: str | None, media: Json | None = None) -> Json:
    """Apply an edit; a missing reply_markup removes the inline keyboard (as in Telegram)."""
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    msg = tg.find_message(chat_id_param(p), int_param(p, "message_id"))
    markup = p.get("reply_markup")
    check_markup(markup)
    inline = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
    new_text = msg.text if text is None else text
    plain = msg.plain if text is None else check_text(
        new_text, caption=msg.kind != "text", parse_mode=p.get("parse_mode")
    )  # fmt: skip
    buttons = parse_buttons(inline)
    if media is None and (new_text, plain, buttons) == (msg.text, msg.plain, msg.buttons):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    msg.history.append(msg.plain)
    msg.text, msg.plain, msg.buttons, msg.markup, msg.edited = (
        new_text,
        plain,
        buttons,
        inline,
        True,
    )
    if media is not None:
        for key in CONTENT_KEYS - {"text", "caption"}:
            msg.raw.pop(key, None)
        msg.raw.update(media)
    msg.raw["text" if msg.kind == "text" else "caption"] = plain
    msg.raw["edit_date"] = tg.now()
    msg.touched = tg.serial()
    if inline:
        msg.raw["reply_markup"] = inline
    else:
        msg.raw.pop("reply_markup", None)
    user = tg.users[msg.chat_id]
    user.notice_edit(msg)
    tg.record(TranscriptEvent("bot", user.display_name, "edit", plain, buttons))
    return msg.raw


@api("editMessageText")
async def edit_message_text(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    msg = tg.find_message(chat_id_param(p), int_param(p, "message_id"))
    if msg.kind != "text":
        raise bad_request("there is no text in the message to edit")
    return _edit(tg, p, text=str(p.get("text") or ""))


@api("editMessageCaption")
async def edit_message_caption(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    msg = tg.find_message(chat_id_param(p), int_param(p, "message_id"))
    if msg.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    return _edit(tg, p, text=str(p.get("caption") or ""))


@api("editMessageReplyMarkup")
async def edit_message_reply_markup(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    return _edit(tg, p, text=None)


@api("editMessageMedia")
async def edit_message_media(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    msg = tg.find_message(chat_id_param(p), int_param(p, "message_id"))
    media = p.get("media")
    if msg.kind == "text" or not isinstance(media, dict):
        raise bad_request("there is no media in the message to edit")
    kind = str(media.get("type") or msg.kind)
    stored = resolve_file(tg, media.get("media"), u, kind)
    msg.kind, msg.file_id, msg.file_name = kind, stored.file_id, stored.name
    msg.mime_type, msg.file_size = stored.mime_type, stored.size
    caption = {"caption": media.get("caption"), "parse_mode": media.get("parse_mode")}
    return _edit(tg, {**p, **caption}, text=str(media.get("caption") or ""),
                 media=media_content(kind, stored, media))  # fmt: skip


DELETE_WINDOW = 48 * 3600  # bots may delete their messages in private chats for 48 hours


@api("deleteMessage")
async def delete_message(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    user = tg.chat_of(chat_id_param(p))
    mid = int_param(p, "message_id")
    if user.sent.pop(mid, None) is not None:
        return True
    msg = tg.find_message(user.id, mid, action="delete")
    if tg.now() - int(msg.raw.get("date") or tg.now()) > DELETE_WINDOW:
        raise bad_request("message can't be deleted for everyone")
    msg.deleted = True
    tg.record(TranscriptEvent("bot", user.display_name, "delete", msg.plain))
    return True
