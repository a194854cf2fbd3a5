"""Simulated people: they write, send files, press buttons, and read what the bot sent them."""

from __future__ import annotations

from collections.abc import Callable

from bot.simulator.checks import utf16_len
from bot.simulator.inbox import Inbox
from bot.simulator.media import media_content
from bot.simulator.plumbing import Plumbing
from bot.simulator.state import BotMessage, CallbackAnswer, Json, TranscriptEvent

FRESH_GRACE = 0.5


class SimUser(Inbox):
    """A Telegram user in a chat with the bot (private unless chat_type says otherwise)."""

    def __init__(
        self,
        tg: Plumbing,
        user_id: int,
        first_name: str,
        language_code: str = "nl",
        last_name: str | None = None,
        username: str | None = None,
        chat_type: str = "private",
    ) -> None:
        super().__init__()
        self.tg = tg
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.last_name = last_name
        self.username = username
        self.chat_type = chat_type
        self.is_blocked = False
        self.sent: dict[int, Json] = {}  # what this user sent, by message id
        self.presses: dict[str, str] = {}  # callback query id -> data
        self.pinned: int | None = None
        self.acted = 0  # server serial of this user's latest message or press

    # identity ------------------------------------------------------------------------------
    @property
    def display_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    @property
    def chat_id(self) -> int:
        """The id of the chat this person writes in (a private chat's id is the user's)."""
        return self.id

    def user_json(self) -> Json:
        """The Telegram User object."""
        data: Json = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        data["language_code"] = self.language_code
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def chat_json(self) -> Json:
        """The Chat object."""
        chat: Json = {"id": self.id, "type": self.chat_type, "first_name": self.first_name}
        if self.chat_type != "private":
            chat["title"] = self.display_name
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    def block(self) -> None:
        """Block the bot: Telegram answers 403 to anything sent here."""
        self.is_blocked = True

    def unblock(self) -> None:
        """Unblock the bot."""
        self.is_blocked = False

    def message_raw(self, message_id: int) -> Json | None:
        """A live message of this chat (from either side) as a Telegram object."""
        if message_id in self.sent:
            return self.sent[message_id]
        found = (m for m in self.messages if m.message_id == message_id and not m.deleted)
        return next((m.raw for m in found), None)

    # writing -------------------------------------------------------------------------------
    async def _message(self, fields: Json, shown: str, media: str = "") -> Json:
        mid = self.tg.message_id(self.chat_id)
        msg = {
            "message_id": mid,
            "from": self.user_json(),
            "chat": self.chat_json(),
            "date": self.tg.now(),
            **fields,
        }
        self.sent[mid] = msg
        self.acted = self.tg.serial()
        self.tg.record(TranscriptEvent(self.display_name, "bot", "message", shown, media=media))
        self.tg.add_update({"message": msg})
        return msg

    async def send(self, text: str, reply_to: BotMessage | None = None) -> Json:
        """Type a text; a leading /command (also `/start payload`) gets its entity."""
        assert 0 < utf16_len(text) <= 4096, "Telegram clients send 1-4096 characters"
        fields: Json = {"text": text}
        if text.startswith("/") and len(text) > 1:
            length = len(text.split(maxsplit=1)[0])
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            fields["reply_to_message"] = reply_to.raw
        return await self._message(fields, text)

    async def edit(self, sent: Json, text: str) -> Json:
        """Change the text (or caption) of a message this user sent: Telegram sends the whole
        message again as an `edited_message` update."""
        field = "caption" if "caption" in sent or "text" not in sent else "text"
        changed = {**sent, field: text, "edit_date": self.tg.now()}
        changed.pop("entities", None)
        self.sent[sent["message_id"]] = changed
        self.acted = self.tg.serial()
        self.tg.record(TranscriptEvent(self.display_name, "bot", "edit", text))
        self.tg.add_update({"edited_message": changed})
        return changed

    async def _send_file(
        self,
        kind: str,
        data: bytes,
        name: str,
        mime: str,
        caption: str | None,
        extra: Json,
        group: str | None = None,
    ) -> Json:
        stored = self.tg.files[self.tg.store_file(data, name, mime, kind)]
        fields = media_content(kind, stored, extra)
        if kind == "photo":
            fields["photo"][0].update(width=800, height=600)
        if caption:
            fields["caption"] = caption
        if group:
            fields["media_group_id"] = group
        return await self._message(fields, caption or "", media=f"{kind} {name}")

    async def send_photo(self, data: bytes, caption: str | None = None) -> Json:
        """Send a photo."""
        return await self._send_file("photo", data, "photo.jpg", "image/jpeg", caption, {})

    async def send_album(self, photos: list[bytes], caption: str | None = None) -> list[Json]:
        """Send 2-10 photos as one album: one update per photo, sharing a media_group_id
        (the caption, if any, rides on the first photo, as Telegram clients do)."""
        assert 2 <= len(photos) <= 10, "Telegram albums hold 2-10 items"
        group = f"album{self.tg.serial()}{self.id}"
        return [
            await self._send_file(
                "photo", data, f"photo{i}.jpg", "image/jpeg", caption if i == 0 else None, {}, group
            )
            for i, data in enumerate(photos)
        ]

    async def send_document(
        self, data: bytes, file_name: str, mime_type: str, caption: str | None = None
    ) -> Json:
        """Send a file."""
        return await self._send_file("document", data, file_name, mime_type, caption, {})

    async def send_voice(self, data: bytes, duration: int = 3) -> Json:
        """Send a voice note."""
        extra = {"duration": duration}
        return await self._send_file("voice", data, "voice.ogg", "audio/ogg", None, extra)

    async def send_sticker(self, emoji: str = "👍") -> Json:
        """Send a sticker."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAE-sticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._message({"sticker": sticker}, "", media=f"sticker {emoji}")

    async def send_location(self, latitude: float, longitude: float) -> Json:
        """Share a location."""
        loc = {"latitude": latitude, "longitude": longitude}
        return await self._message({"location": loc}, "", media=f"location {latitude}, {longitude}")

    # buttons -------------------------------------------------------------------------------
    def find_button(
        self, button: str, message: BotMessage | None = None, since: int = 0
    ) -> tuple[BotMessage, str]:
        """On `message`, or the newest message that has one (sent or edited after `since`):
        a button labelled `button`, else one whose callback data is `button`, else one whose
        label contains it."""
        candidates = [message] if message else [
            m for m in reversed(self.messages) if not m.deleted and m.touched > since
        ]  # fmt: skip
        tests: list[Callable[[str, str], bool]] = [
            lambda text, data: text == button,
            lambda text, data: data == button,
            lambda text, data: button in text,
        ]
        for msg in candidates:
            for test in tests:
                for row in msg.buttons:
                    for text, data in row:
                        if test(text, data):
                            return msg, data
        labels = [m.labels for m in candidates[:3] if m.buttons]
        raise AssertionError(
            f"{self.display_name}: no button {button!r}; newest buttons: {labels or 'none'}"
        )

    async def press(
        self, button: str, message: BotMessage | None = None, timeout: float = 5.0
    ) -> str:
        """Press an inline button (waiting for it to appear); returns the callback query id.

        Without `message`, buttons on messages sent or edited since this user's last action
        are preferred for up to FRESH_GRACE seconds, so a reply still on its way is not
        mistaken for an older message with the same button.
        """
        found: list[tuple[BotMessage, str]] = []

        def look(since: int) -> bool:
            try:
                found.append(self.find_button(button, message, since))
            except AssertionError:
                return False
            return True

        acted = self.acted
        fresh = message is None and await self.tg.wait_until(
            lambda: look(acted), min(timeout, FRESH_GRACE)
        )
        if not fresh and not await self.tg.wait_until(lambda: look(0), timeout):
            self.find_button(button, message)  # raises, listing the buttons that are there
        msg, data = found[-1]
        rows = (msg.markup or {}).get("inline_keyboard") or []
        pressed = next(
            b for row in rows for b in row if (b.get("callback_data") or b.get("url")) == data
        )
        assert "callback_data" in pressed, f"{self.display_name}: {pressed['text']!r} is a link"
        return await self.press_data(data, msg, label=str(pressed["text"]))

    async def press_data(
        self, data: str, message: BotMessage | None = None, *, label: str | None = None
    ) -> str:
        """Send a callback query with any data (a forged or stale press too)."""
        msg = message or next((m for m in reversed(self.messages) if not m.deleted), None)
        cb_id = f"{self.id}{self.tg.serial():08d}"
        query: Json = {
            "id": cb_id,
            "from": self.user_json(),
            "chat_instance": f"-{self.id}77",
            "data": data,
        }
        if msg is not None:
            query["message"] = msg.raw
        self.presses[cb_id] = data
        self.acted = self.tg.serial()
        self.tg.open_callbacks.add(cb_id)
        shown = f"[ {label} ]" if label is not None else f"<data {data!r}>"
        self.tg.record(TranscriptEvent(self.display_name, "bot", "press", shown))
        self.tg.add_update({"callback_query": query})
        return cb_id

    async def wait_callback_answer(self, cb_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """The bot's answer to a press."""
        if not await self.tg.wait_until(lambda: cb_id in self.tg.answered_callbacks, timeout):
            raise AssertionError(f"{self.display_name}: press {cb_id} was never answered")
        return self.tg.answered_callbacks[cb_id]

    async def wait_for(self, predicate: Callable[[SimUser], bool], timeout: float = 5.0) -> None:
        """Wait until predicate(self) holds (re-checked on every change of the server)."""
        if not await self.tg.wait_until(lambda: predicate(self), timeout):
            raise AssertionError(
                f"{self.display_name}: condition not met in {timeout}s; received: {self._summary()}"
            )
