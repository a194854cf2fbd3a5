"""Bot API methods about the bot itself: updates, menus, chats, button answers, files."""

from __future__ import annotations

from bot.simulator.checks import (
    ApiError,
    bad_request,
    canonical_scope,
    chat_id_param,
    check_commands,
    flag,
    int_param,
)
from bot.simulator.core import TelegramCore
from bot.simulator.state import CallbackAnswer, Json, TranscriptEvent, Uploads
from bot.simulator.wire import api

DOWNLOAD_LIMIT = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)


@api("getMe")
async def get_me(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    return tg.bot_user


@api("getUpdates")
async def get_updates(tg: TelegramCore, p: Json, u: Uploads) -> list[Json]:
    """Confirm updates below `offset`, then hold the request until updates arrive or timeout."""
    offset = int_param(p, "offset", 0)
    if offset > 0:
        tg.updates = [x for x in tg.updates if x["update_id"] >= offset]
    elif offset < 0:
        tg.updates = tg.updates[offset:]
    limit = min(max(int_param(p, "limit", 100), 1), 100)
    timeout = max(float(p.get("timeout") or 0), 0.0)
    if tg.webhook is not None:
        raise ApiError(
            409, "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )  # fmt: skip
    if not tg.updates and timeout > 0 and not tg.closing and not await tg.poll(timeout):
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        )
    return list(tg.updates[:limit])


def _menu_key(p: Json) -> tuple[str, str]:
    lang = str(p.get("language_code") or "")
    if lang and len(lang) != 2:
        raise bad_request("invalid language code specified")
    return canonical_scope(p.get("scope")), lang


@api("setMyCommands")
async def set_my_commands(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    tg.commands[_menu_key(p)] = check_commands(p.get("commands") or [])
    return True


@api("getMyCommands")
async def get_my_commands(tg: TelegramCore, p: Json, u: Uploads) -> list[Json]:
    return tg.commands.get(_menu_key(p), [])


@api("deleteMyCommands")
async def delete_my_commands(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    tg.commands.pop(_menu_key(p), None)
    return True


@api("setChatMenuButton")
async def set_chat_menu_button(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    chat = chat_id_param(p) if p.get("chat_id") not in (None, "") else None
    button = p.get("menu_button") or {"type": "default"}
    tg.menu_buttons[chat] = button if isinstance(button, dict) else {"type": "default"}
    return True


@api("getChatMenuButton")
async def get_chat_menu_button(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    chat = chat_id_param(p) if p.get("chat_id") not in (None, "") else None
    return tg.menu_buttons.get(chat) or tg.menu_buttons.get(None) or {"type": "commands"}


def _bot_text(name: str, field: str, limit: int) -> None:
    """setMy<Name> / getMy<Name> pairs, stored per language."""

    async def setter(tg: TelegramCore, p: Json, u: Uploads) -> bool:
        value = str(p.get(field) or "")
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        tg.bot_texts[(field, str(p.get("language_code") or ""))] = value
        return True

    async def getter(tg: TelegramCore, p: Json, u: Uploads) -> Json:
        return {field: tg.bot_texts.get((field, str(p.get("language_code") or "")), "")}

    api(f"setMy{name}")(setter)
    api(f"getMy{name}")(getter)


_bot_text("Name", "name", 64)
_bot_text("Description", "description", 512)
_bot_text("ShortDescription", "short_description", 120)


@api("sendChatAction")
async def send_chat_action(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    tg.chat_of(chat_id_param(p))
    if p.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@api("getChat")
async def get_chat(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    user = tg.users.get(chat_id_param(p))
    if user is None:
        raise bad_request("chat not found")
    return {**user.chat_json(), "accent_color_id": 0, "max_reaction_count": 11}


@api("answerCallbackQuery")
async def answer_callback_query(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    """Each press can be answered once."""
    cb_id = str(p.get("callback_query_id") or "")
    if cb_id not in tg.open_callbacks:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    tg.open_callbacks.discard(cb_id)
    text = p.get("text") or None
    answer = CallbackAnswer(text, flag(p, "show_alert"), p.get("url") or None)
    tg.answered_callbacks[cb_id] = answer
    if text:
        user = next((x for x in tg.users.values() if cb_id in x.presses), None)
        to = user.display_name if user else "?"
        kind = "alert" if answer.show_alert else "toast"
        tg.record(TranscriptEvent("bot", to, "answer", str(text), media=kind))
    return True


@api("getFile")
async def get_file(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    stored = tg.files.get(str(p.get("file_id") or ""))
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.unique_id,
        "file_size": stored.size,
        "file_path": stored.path,
    }


@api("pinChatMessage")
async def pin_chat_message(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    user = tg.chat_of(chat_id_param(p))
    if user.message_raw(int_param(p, "message_id")) is None:
        raise bad_request("message to pin not found")
    user.pinned = int_param(p, "message_id")
    return True


@api("unpinChatMessage")
async def unpin_chat_message(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    tg.chat_of(chat_id_param(p)).pinned = None
    return True
