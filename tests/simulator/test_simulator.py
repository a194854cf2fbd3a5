"""The simulated Telegram: the real PTB Application and Bot against it over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from telegram import Bot as PtbBot
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.simulator import FakeTelegram, SimUser, TranscriptEvent, render_transcript
from bot.simulator.state import Button
from bot.simulator.transcript import display_width

TOKEN = "987654321:SIMULATOR-test-token"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.4\n" + b"0" * 3000

Ctx = ContextTypes.DEFAULT_TYPE
App = Application[Any, Any, Any, Any, Any, Any]


def retry_seconds(err: RetryAfter) -> float:
    """RetryAfter.retry_after is an int (deprecated) or a timedelta (PTB_TIMEDELTA=1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = err.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# handlers of a tiny bot -----------------------------------------------------------------------
async def on_start(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Ja", callback_data="yes"), InlineKeyboardButton("Nee", callback_data="no")],
            [InlineKeyboardButton("Website", url="https://example.org")],
        ]
    )  # fmt: skip
    await update.effective_message.reply_text(
        f"start:{' '.join(context.args or [])}", reply_markup=keyboard
    )


async def on_press(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"got {query.data}", show_alert=query.data == "no")
    await query.edit_message_text(f"chose {query.data}")


async def on_photo(update: Update, context: Ctx) -> None:
    msg = update.effective_message
    assert msg is not None and msg.photo
    data = await (await msg.photo[-1].get_file()).download_as_bytearray()
    await msg.reply_text(f"photo of {len(data)} bytes, caption {msg.caption}")


async def on_other(update: Update, context: Ctx) -> None:
    msg = update.effective_message
    assert msg is not None
    kind = next(k for k in ("text", "document", "voice", "sticker", "location") if getattr(msg, k))
    await msg.reply_text(f"got {kind}")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="ouderbrug_test_bot") as server:
        yield server


@pytest.fixture
async def app(tg: FakeTelegram) -> AsyncIterator[App]:
    """The real PTB Application, long polling the fake with a long timeout."""
    application = ApplicationBuilder().token(TOKEN).base_url(tg.base_url).base_file_url(tg.base_file_url).build()  # fmt: skip
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CallbackQueryHandler(on_press))
    application.add_handler(MessageHandler(filters.PHOTO, on_photo))
    application.add_handler(MessageHandler(~filters.COMMAND, on_other))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=20))
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[PtbBot]:
    """A plain PTB Bot (no retries, no rate limiter)."""
    async with PtbBot(TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url) as ptb:
        yield ptb


@pytest.fixture
def amina(tg: FakeTelegram) -> SimUser:
    return tg.user(501, "Amina", language_code="ar", username="amina")


# the real Application ---------------------------------------------------------------------------
async def test_command_with_payload_reaches_the_handler(
    tg: FakeTelegram, app: App, amina: SimUser
) -> None:
    sent = await amina.send("/start c_ab12")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    reply = await amina.expect_text("start:c_ab12")
    assert reply.buttons == [[Button("Ja", "yes"), Button("Nee", "no")], [Button("Website", "https://example.org")]]  # fmt: skip
    assert reply.labels == ["Ja", "Nee", "Website"] and amina.last is reply
    assert tg.calls("sendMessage")[-1]["chat_id"] == "501"
    assert tg.stats.requests["getMe"] == 1 and tg.stats.sent == 1


async def test_long_poll_wakes_at_once(tg: FakeTelegram, app: App, amina: SimUser) -> None:
    await amina.send("/start")
    await amina.next_message()  # the bot is now in a 20 s long poll
    started = time.monotonic()
    await amina.send("/start again")
    await amina.expect_text("start:again")
    assert time.monotonic() - started < 1.0
    assert tg.stats.failures["getUpdates"] == 0


async def test_button_press_is_answered_and_edits(
    tg: FakeTelegram, app: App, amina: SimUser
) -> None:
    await amina.send("/start")
    menu = await amina.next_message()
    cb_id = await amina.press("Ja")
    answer = await amina.wait_callback_answer(cb_id)
    assert (answer.text, answer.show_alert) == ("got yes", False)
    edited = await amina.next_message()
    assert edited is menu and edited.edited and edited.text == "chose yes"
    assert edited.history == ["start:"] and edited.buttons == []
    await amina.send("/start")
    second = await amina.next_message()
    alert = await amina.wait_callback_answer(await amina.press("no", message=second))
    assert alert.show_alert and tg.answered_callbacks[cb_id].text == "got yes"
    await amina.expect_text("chose no")
    await amina.send("/start")
    third = await amina.expect_text("start:")
    with pytest.raises(AssertionError, match="is a link"):
        await amina.press("Website", message=third)
    with pytest.raises(AssertionError, match="no button 'Misschien'"):
        await amina.press("Misschien", timeout=0.05)
    forged = await amina.press_data("x" * 10, message=third)
    assert (await amina.wait_callback_answer(forged)).text == "got " + "x" * 10
    kinds = [e.kind for e in tg.transcript]
    assert "press" in kinds and "edit" in kinds and "answer" in kinds


async def test_files_from_users_reach_the_bot(tg: FakeTelegram, app: App, amina: SimUser) -> None:
    await amina.send_photo(PNG, caption="huiswerk")
    await amina.expect_text(f"photo of {len(PNG)} bytes, caption huiswerk")
    await amina.send_document(PDF, "brief.pdf", "application/pdf")
    await amina.expect_text("got document")
    await amina.send_voice(b"OggS" + b"1" * 100, duration=4)
    await amina.expect_text("got voice")
    await amina.send_sticker()
    await amina.expect_text("got sticker")
    await amina.send_location(50.85, 4.35)
    await amina.expect_text("got location")
    await amina.send("مرحبا 👋")
    await amina.expect_text("got text")


async def test_next_message_timeout_says_what_arrived(app: App, amina: SimUser) -> None:
    await amina.send("/start")
    await amina.expect_text("start:")
    with pytest.raises(AssertionError, match=r"expected a message within 0.05s; received:\s+#0 text: 'start:'"):  # fmt: skip
        await amina.next_message(timeout=0.05)
    with pytest.raises(AssertionError, match="condition not met"):
        await amina.wait_for(lambda u: len(u.messages) > 5, timeout=0.05)


# plain Bot calls ---------------------------------------------------------------------------------
async def test_photo_upload_download_and_file_id_reuse(
    tg: FakeTelegram, bot: PtbBot, amina: SimUser
) -> None:
    sent = await bot.send_photo(
        amina.id, PNG, caption="<b>Affiche</b> 1A", parse_mode=ParseMode.HTML
    )
    assert sent.caption == "Affiche 1A" and sent.photo
    msg = amina.last
    assert (msg.kind, msg.text, msg.plain, msg.file_size) == ("photo", "<b>Affiche</b> 1A", "Affiche 1A", len(PNG))  # fmt: skip
    file = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == PNG
    again = await bot.send_photo(amina.id, sent.photo[-1].file_id)
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    assert tg.file_bytes(amina.last.file_id) == PNG
    doc = await bot.send_document(amina.id, PDF, filename="flyer-1A.pdf", caption="PDF")
    assert doc.document is not None and doc.document.file_name == "flyer-1A.pdf"
    assert (amina.last.kind, amina.last.file_name, amina.last.mime_type) == ("document", "flyer-1A.pdf", "application/pdf")  # fmt: skip
    assert doc.document.file_unique_id != sent.photo[-1].file_unique_id


async def test_media_group(tg: FakeTelegram, bot: PtbBot, amina: SimUser) -> None:
    album = await bot.send_media_group(
        amina.id,
        [InputMediaPhoto(PNG, caption="één"), InputMediaPhoto(PNG + b"2"), InputMediaDocument(PDF, filename="a.pdf")],
    )  # fmt: skip
    assert len(album) == 3 and len({m.media_group_id for m in album}) == 1
    assert [m.kind for m in amina.messages] == ["photo", "photo", "document"]
    assert tg.transcript[-1].media.startswith("album: 3 items")
    with pytest.raises(BadRequest, match=r"(?i)wrong number of media"):
        await bot.send_media_group(amina.id, [InputMediaPhoto(PNG)])


async def test_other_methods(tg: FakeTelegram, bot: PtbBot, amina: SimUser) -> None:
    await amina.send("origineel")
    text = await bot.send_message(amina.id, "hallo", reply_to_message_id=1)
    assert text.reply_to_message is not None and text.reply_to_message.text == "origineel"
    assert await bot.send_chat_action(amina.id, "typing")
    loc = await bot.send_location(amina.id, 50.85, 4.35)
    assert loc.location is not None and amina.last.kind == "location"
    await bot.send_voice(amina.id, b"OggS" + b"0" * 50, duration=2)
    assert amina.last.kind == "voice" and amina.last.raw["voice"]["duration"] == 2
    copy = await bot.copy_message(amina.id, amina.id, 1)
    assert amina.last.text == "origineel" and copy.message_id == amina.last.message_id
    fwd = await bot.forward_message(amina.id, amina.id, text.message_id)
    assert fwd.forward_origin is not None and fwd.text == "hallo"
    photo = await bot.send_photo(amina.id, PNG, caption="oud")
    await bot.edit_message_caption(amina.id, photo.message_id, caption="nieuw")
    await bot.edit_message_media(InputMediaPhoto(PNG + b"x", caption="nieuwer"), amina.id, photo.message_id)  # fmt: skip
    assert tg.file_bytes(next(m for m in amina.messages if m.message_id == photo.message_id).file_id) == PNG + b"x"  # fmt: skip
    assert await bot.delete_message(amina.id, text.message_id)
    assert next(m for m in amina.messages if m.message_id == text.message_id).deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(amina.id, text.message_id)
    chat = await bot.get_chat(amina.id)
    assert (chat.type, chat.first_name, chat.username) == ("private", "Amina", "amina")
    assert await bot.set_chat_menu_button()
    assert (await bot.get_me()).username == "ouderbrug_test_bot"


async def test_telegram_errors(tg: FakeTelegram, bot: PtbBot, amina: SimUser) -> None:
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(amina.id, "x" * 4097)
    await bot.send_message(amina.id, "x" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(amina.id, "😀" * 2049)  # UTF-16 counts emoji twice
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(amina.id, "  ")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(amina.id, PNG, caption="c" * 1025)
    bad = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(amina.id, "menu", reply_markup=bad)
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await bot.send_message(amina.id, "a<br>b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="end tag"):
        await bot.send_message(amina.id, "<b>vet", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="reserved"):
        await bot.send_message(amina.id, "Tot morgen.", parse_mode=ParseMode.MARKDOWN_V2)
    await bot.send_message(amina.id, "*Tot* morgen\\. [link](https://x.org/a.b)", parse_mode=ParseMode.MARKDOWN_V2)  # fmt: skip
    assert amina.last.plain == "Tot morgen. link"
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hallo")
    same = await bot.send_message(amina.id, "zelfde")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("zelfde", amina.id, same.message_id)
    amina.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(amina.id, "hallo")
    amina.unblock()
    await bot.send_message(amina.id, "weer welkom")
    assert tg.stats.statuses[400] >= 9 and tg.stats.statuses[403] == 1
    with pytest.raises(InvalidToken):
        async with PtbBot("1:wrong", base_url=tg.base_url) as wrong:
            await wrong.get_me()


async def test_raw_http_json_get_and_unknown_method(tg: FakeTelegram, amina: SimUser) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{tg.base_url}{TOKEN}"
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        async with http.post(f"{url}/sendMessage", json={"chat_id": amina.id, "text": "json", "reply_markup": markup}) as r:  # fmt: skip
            assert r.status == 200 and (await r.json())["result"]["reply_markup"] == markup
        async with http.get(f"{url}/getMe") as r:
            assert (await r.json())["result"]["username"] == "ouderbrug_test_bot"
        async with http.get(f"{url}/sendSomethingNew") as r:
            assert r.status == 404 and (await r.json()) == {"ok": False, "error_code": 404, "description": "Not Found"}  # fmt: skip
        async with http.get(f"{tg.base_url}1:bad/getMe") as r:
            body = await r.json()
            assert r.status == 401 and body["description"] == "Unauthorized"
    assert amina.last.buttons == [[Button("A", "a")]]


async def test_injected_faults(tg: FakeTelegram, bot: PtbBot, amina: SimUser) -> None:
    tg.inject("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(amina.id, "een")
    assert retry_seconds(caught.value) == 3 and tg.stats.too_many == 1
    tg.inject("sendMessage", status=502, description="Bad Gateway", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(amina.id, "twee")
    tg.inject(None, status=403, chat_id=777)
    await bot.send_message(amina.id, "other chats are fine")
    tg.clear_faults()
    tg.inject("sendMessage", status=500, times=None, probability=0.5)
    outcomes = []
    for _ in range(12):
        try:
            await bot.send_message(amina.id, "kans")
            outcomes.append(True)
        except NetworkError:
            outcomes.append(False)
    assert True in outcomes and False in outcomes
    tg.clear_faults()
    tg.inject("sendMessage", status=200, delay=2.0)
    with pytest.raises(TimedOut):
        await bot.send_message(amina.id, "traag", read_timeout=0.1)
    assert tg.stats.errors == 3 + outcomes.count(False)


async def test_probability_faults_are_seeded() -> None:
    def run(seed: int) -> list[bool]:
        server = FakeTelegram(token=TOKEN, seed=seed)
        server.inject("sendMessage", status=500, times=None, probability=0.3)
        return [server.faults.match("sendMessage", 1) is not None for _ in range(40)]

    assert run(7) == run(7) and run(7) != run(8)


async def test_rate_limits(tg: FakeTelegram, bot: PtbBot, amina: SimUser) -> None:
    other = tg.user(502, "Mehmet", "tr")
    tg.set_limits(global_per_second=None, per_chat_per_second=1)
    await bot.send_message(amina.id, "1")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(amina.id, "2")
    assert retry_seconds(caught.value) == 1
    await bot.send_message(other.id, "1")
    tg.set_limits(global_per_second=3, per_chat_per_second=None)
    for _ in range(3):
        await bot.send_message(other.id, "ok")
    with pytest.raises(RetryAfter):
        await bot.send_message(amina.id, "te veel")
    assert tg.stats.too_many == 2 and tg.stats.sent == 5


async def test_commands_per_scope_and_language(
    tg: FakeTelegram, bot: PtbBot, amina: SimUser
) -> None:
    await bot.set_my_commands([BotCommand("help", "Hulp")])
    await bot.set_my_commands([BotCommand("help", "مساعدة")], language_code="ar")
    await bot.set_my_commands(
        [BotCommand("classes", "Klassen")], scope=BotCommandScopeChat(amina.id)
    )
    await bot.set_my_commands(
        [BotCommand("mydata", "Gegevens")], scope=BotCommandScopeAllPrivateChats()
    )
    assert [c.description for c in await bot.get_my_commands(language_code="ar")] == ["مساعدة"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(amina.id))] == ["classes"]  # fmt: skip
    assert tg.commands_for(language_code="ar")[0]["description"] == "مساعدة"
    assert tg.commands_for_chat(amina.id)[0]["command"] == "classes"
    assert tg.menu_seen_by(amina.id, "ar")[0]["command"] == "classes"
    assert tg.menu_seen_by(502, "ar")[0]["command"] == "mydata"
    await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert tg.menu_seen_by(502, "ar")[0]["description"] == "مساعدة"
    assert tg.menu_seen_by(502, "tr")[0]["description"] == "Hulp"
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Help!", "x")])


async def test_long_poll_conflict_and_stop_leave_nothing_behind() -> None:
    before = asyncio.all_tasks()
    server = FakeTelegram(token=TOKEN)
    await server.start()
    port = server.port
    async with aiohttp.ClientSession() as http:
        url = f"{server.base_url}{TOKEN}/getUpdates"
        first = asyncio.create_task(http.post(url, data={"timeout": "30"}))
        await server.wait_until(lambda: server.stats.requests["getUpdates"] == 1, 2)
        second = asyncio.create_task(http.post(url, data={"timeout": "30"}))
        async with await first as r:
            assert r.status == 409 and "terminated by other getUpdates" in (await r.json())["description"]  # fmt: skip
        user = server.user(1, "Tom")
        started = time.monotonic()
        await user.send("hoi")
        async with await second as r:
            updates = (await r.json())["result"]
        assert time.monotonic() - started < 1 and updates[0]["message"]["text"] == "hoi"
        async with http.post(url, data={"offset": str(updates[0]["update_id"] + 1)}) as r:
            assert (await r.json())["result"] == [] and server.updates == []
        pending = asyncio.create_task(http.post(url, data={"timeout": "30"}))
        await server.wait_until(lambda: server.stats.requests["getUpdates"] == 4, 2)
        started = time.monotonic()
        await server.stop()
        async with await pending as r:
            assert (await r.json())["result"] == []
        assert time.monotonic() - started < 2
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
    assert asyncio.all_tasks() <= before


# the transcript ---------------------------------------------------------------------------------
def test_transcript_rendering() -> None:
    events = [
        TranscriptEvent("Amina", "bot", "message", "/start c_ab12"),
        TranscriptEvent(
            "bot",
            "Amina",
            "message",
            "Kies je taal",
            [[Button("العربية", "l:ar"), Button("Türkçe", "l:tr")]],
        ),
        TranscriptEvent("Amina", "bot", "press", "[ العربية ]"),
        TranscriptEvent("bot", "Amina", "edit", "✅ العربية"),
        TranscriptEvent("bot", "Amina", "message", "Affiche", media="photo, 12 KB"),
        TranscriptEvent("bot", "Amina", "message", "woord " * 40),
        TranscriptEvent("bot", "Amina", "delete", "weg"),
    ]
    text = render_transcript(events, width=60)
    lines = text.splitlines()
    assert lines[0] == "[Amina → bot] /start c_ab12"
    assert lines[1] == "[bot → Amina] Kies je taal"
    assert lines[2] == "  [ العربية ] [ Türkçe ]"
    assert lines[3] == "[Amina presses [ العربية ]]"
    assert lines[4] == "[bot → Amina] (edited) ✅ العربية"
    assert lines[5] == "[bot → Amina] <photo, 12 KB> Affiche"
    assert lines[6] == "[bot → Amina]" and all(display_width(x) <= 60 for x in lines)
    assert lines[-1] == "[bot → Amina] (deleted) weg"
    assert display_width("学校") == 4 and display_width("é") == 1


async def test_transcript_of_a_conversation(tg: FakeTelegram, app: App, amina: SimUser) -> None:
    await amina.send("/start c_ab12")
    await amina.press("Nee")
    await amina.expect_text("chose no")
    rendered = render_transcript(tg.transcript)
    assert "[Amina → bot] /start c_ab12" in rendered
    assert "  [ Ja ] [ Nee ]" in rendered and "[Amina presses [ Nee ]]" in rendered
    assert "[bot → Amina] (alert) got no" in rendered
    assert "[bot → Amina] (edited) chose no" in rendered
    assert json.dumps(tg.requests[-1].params)  # parameters are plain JSON data


async def test_one_server_serves_several_bots_each_with_its_own_chats() -> None:
    """Two schools' bots on one fake server: own names, own updates, own chats with the same
    person; an unknown token is refused."""
    async with FakeTelegram(token="111:AAAAAAAAAAAAAA", bot_username="buurt_bot") as tg:
        other = tg.add_bot(token="222:BBBBBBBBBBBBBB", bot_username="klimop_bot")
        in_a, in_b = tg.user(7, "Amina", "ar"), other.user(7, "Amina", "tr")
        await in_a.send("salam")
        async with (
            PtbBot("111:AAAAAAAAAAAAAA", base_url=tg.base_url) as bot_a,
            PtbBot("222:BBBBBBBBBBBBBB", base_url=other.base_url) as bot_b,
        ):
            assert (bot_a.username, bot_b.username) == ("buurt_bot", "klimop_bot")
            assert await bot_b.get_updates(timeout=0) == ()
            (update,) = await bot_a.get_updates(timeout=0)
            assert update.message is not None and update.message.text == "salam"
            await bot_b.send_message(7, "merhaba")
        assert [m.text for m in in_b.messages] == ["merhaba"] and in_a.messages == []
        with pytest.raises(InvalidToken):
            async with PtbBot("333:CCCCCCCCCCCCCC", base_url=tg.base_url):
                pass
