"""Simulated people: they write, send files, press buttons, and read what the bot sent them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.simulator.state import BotMessage, CallbackAnswer, Json, TranscriptEvent

if TYPE_CHECKING:
    from bot.simulator.server import FakeTelegram

_callback_ids = itertools.count(1)


class SimUser:
    """A Telegram user in a private chat with the bot."""

    def __init__(self, tg: FakeTelegram, user_id: int, first_name: str, language_code: str = "nl", last_name: str | None = None, username: str | None = None) -> None:  # fmt: skip
        self.tg = tg
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.last_name = last_name
        self.username = username
        self.is_blocked = False
        self.messages: list[BotMessage] = []  # what the bot sent, as it looks now
        self.events: list[BotMessage] = []  # each new message or edit, in order
        self.sent: dict[int, Json] = {}  # what this user sent, by message id
        self._cursor = 0

    # identity ------------------------------------------------------------------------------
    def user_json(self) -> Json:
        """The Telegram User object."""
        data: Json = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def chat_json(self) -> Json:
        """The private Chat object."""
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def block(self) -> None:
        """Block the bot: Telegram answers 403 to anything sent here."""
        self.is_blocked = True

    def unblock(self) -> None:
        """Unblock the bot."""
        self.is_blocked = False

    # writing -------------------------------------------------------------------------------
    async def _message(self, fields: Json, shown: str) -> Json:
        mid = self.tg.message_id(self.id)
        msg = {
            "message_id": mid,
            "date": self.tg.now(),
            "chat": self.chat_json(),
            "from": self.user_json(),
            **fields,
        }
        self.sent[mid] = msg
        self.tg.record(TranscriptEvent(self.first_name, "bot", "message", shown))
        self.tg.add_update({"message": msg})
        await self.tg.changed()
        return msg

    async def send(self, text: str) -> Json:
        """Type a text (a leading /command gets its entity, as in Telegram)."""
        fields: Json = {"text": text}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0]) if text.strip() else 1
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._message(fields, text)

    async def send_photo(self, data: bytes, caption: str | None = None) -> Json:
        """Send a photo."""
        file_id = self.tg.store_file(data, "photo.jpg", "image/jpeg")
        fields: Json = {
            "photo": [
                {
                    "file_id": file_id,
                    "file_unique_id": "u" + file_id,
                    "width": 800,
                    "height": 600,
                    "file_size": len(data),
                }
            ]
        }
        if caption:
            fields["caption"] = caption
        return await self._message(fields, f"[photo] {caption or ''}")

    async def send_document(
        self, data: bytes, file_name: str, mime_type: str, caption: str | None = None
    ) -> Json:
        """Send a file."""
        file_id = self.tg.store_file(data, file_name, mime_type)
        fields: Json = {
            "document": {
                "file_id": file_id,
                "file_unique_id": "u" + file_id,
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": len(data),
            }
        }
        if caption:
            fields["caption"] = caption
        return await self._message(fields, f"[document {file_name}] {caption or ''}")

    async def send_voice(self, data: bytes, duration: int = 3) -> Json:
        """Send a voice note."""
        file_id = self.tg.store_file(data, "voice.ogg", "audio/ogg")
        fields = {
            "voice": {
                "file_id": file_id,
                "file_unique_id": "u" + file_id,
                "duration": duration,
                "mime_type": "audio/ogg",
                "file_size": len(data),
            }
        }
        return await self._message(fields, f"[voice {duration}s]")

    async def send_sticker(self) -> Json:
        """Send a sticker."""
        fields = {
            "sticker": {
                "file_id": "sticker-1",
                "file_unique_id": "us1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        }
        return await self._message(fields, "[sticker]")

    async def send_location(self, latitude: float, longitude: float) -> Json:
        """Share a location."""
        return await self._message(
            {"location": {"latitude": latitude, "longitude": longitude}}, "[location]"
        )

    # buttons -------------------------------------------------------------------------------
    def find_button(self, button: str, message: BotMessage | None = None) -> tuple[BotMessage, str]:
        """The newest message with a button labelled `button` (exact, then contained, then data)."""
        candidates = [message] if message else [m for m in reversed(self.messages) if not m.deleted]
        for match in (lambda t, d: t == button, lambda t, d: button in t, lambda t, d: d == button):
            for msg in candidates:
                for row in msg.buttons:
                    for text, data in row:
                        if match(text, data):
                            return msg, data
        labels = [[t for t, _ in row] for m in candidates[:3] for row in m.buttons]
        raise AssertionError(f"{self.first_name}: no button {button!r}; newest buttons: {labels}")

    async def press(self, button: str, message: BotMessage | None = None, timeout: float = 5.0) -> str:
        """Press an inline button (waiting for it to appear); returns the callback query id."""
        found: list[tuple[BotMessage, str]] = []

        def look() -> bool:
            try:
                found.append(self.find_button(button, message))
            except AssertionError:
                return False
            return True

        if not await self.tg.wait_until(look, timeout):
            self.find_button(button, message)  # raises with the buttons that are there
        msg, data = found[0]
        label = next(t for row in msg.buttons for t, d in row if d == data)
        self.tg.record(TranscriptEvent(self.first_name, "bot", "press", f"[{label}]"))
        return await self.press_data(data, msg)

    async def press_data(self, data: str, message: BotMessage | None = None) -> str:
        """Send a callback query with any data (a forged or stale press too)."""
        msg = message or next((m for m in reversed(self.messages) if not m.deleted), None)
        cb_id = str(next(_callback_ids))
        query: Json = {
            "id": cb_id,
            "from": self.user_json(),
            "chat_instance": f"ci{self.id}",
            "data": data,
        }
        if msg is not None:
            query["message"] = msg.raw
        self.tg.add_update({"callback_query": query})
        await self.tg.changed()
        return cb_id

    async def wait_callback_answer(self, cb_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """The bot's answer to a press."""
        if not await self.tg.wait_until(lambda: cb_id in self.tg.answered_callbacks, timeout):
            raise AssertionError(f"{self.first_name}: press {cb_id} was never answered")
        return self.tg.answered_callbacks[cb_id]

    # reading -------------------------------------------------------------------------------
    def receive(self, msg: BotMessage) -> None:
        """Called by the server for a new bot message."""
        self.messages.append(msg)
        self.events.append(msg)

    def notice_edit(self, msg: BotMessage) -> None:
        """Called by the server when a bot message changed."""
        self.events.append(msg)

    @property
    def last(self) -> BotMessage:
        """The newest bot message."""
        return self.messages[-1]

    async def wait_for(self, predicate: Callable[[SimUser], bool], timeout: float = 5.0) -> None:
        """Wait until predicate(self) holds."""
        if not await self.tg.wait_until(lambda: predicate(self), timeout):
            raise AssertionError(
                f"{self.first_name}: condition not met; received: {self._summary()}"
            )

    async def _next_matching(
        self, match: Callable[[BotMessage], bool], timeout: float, what: str
    ) -> BotMessage:
        found: list[BotMessage] = []

        def scan() -> bool:
            for index in range(self._cursor, len(self.events)):
                if match(self.events[index]):
                    self._cursor = index + 1
                    found.append(self.events[index])
                    return True
            return False

        if not await self.tg.wait_until(scan, timeout):
            raise AssertionError(f"{self.first_name}: expected {what}; received: {self._summary()}")
        return found[0]

    async def next_message(self, timeout: float = 5.0) -> BotMessage:
        """The next new or edited bot message after the ones already read."""
        return await self._next_matching(lambda m: True, timeout, "a message")

    async def expect_text(self, text: str, timeout: float = 5.0) -> BotMessage:
        """The next message (new or edited) containing `text`; earlier ones are skipped."""
        return await self._next_matching(lambda m: text in m.text, timeout, repr(text))

    async def wait_for_message(
        self, predicate: Callable[[BotMessage], bool], timeout: float = 5.0
    ) -> BotMessage:
        """The next message matching a predicate."""
        return await self._next_matching(predicate, timeout, "a matching message")

    def _summary(self) -> str:
        shown = [
            f"#{i}{'>' if i == self._cursor else ' '}{m.kind}: {m.text[:120]!r}"
            for i, m in enumerate(self.events)
        ]
        return "\n  " + "\n  ".join(shown[-12:]) if shown else "nothing"
