"""Group chats with the bot in them: members write there, and all of them read what it posts.

As in Telegram's Bot API: a group's or supergroup's Chat has a negative id, a type and a title
(no first name); a member's message carries their own User in `from` and the group in `chat`; a
press on a button under a message in the group carries that message, and with it the group.
Every message posted reaches the bot, as it does for a bot that is an administrator of the group
or has privacy mode turned off: the most a bot can be sent.
"""

from __future__ import annotations

from bot.simulator.plumbing import Plumbing
from bot.simulator.state import Json
from bot.simulator.users import SimUser

GROUP_TYPES = ("group", "supergroup")


class SimGroup(SimUser):
    """A group chat (negative id): bot messages posted here land in its inbox, which every
    member's seat reads; members write through `member(user)`."""

    def __init__(
        self, tg: Plumbing, chat_id: int, title: str, chat_type: str = "supergroup"
    ) -> None:
        assert chat_id < 0, "group and supergroup chat ids are negative"
        assert chat_type in GROUP_TYPES, f"not a group chat type: {chat_type!r}"
        super().__init__(tg, chat_id, title, language_code="", chat_type=chat_type)

    @property
    def title(self) -> str:
        """The group's title."""
        return self.first_name

    def chat_json(self) -> Json:
        """The group's Chat object (no first name: groups have a title)."""
        return {"id": self.id, "type": self.chat_type, "title": self.title}

    async def _message(self, fields: Json, shown: str, media: str = "") -> Json:
        raise AssertionError("a group does not write itself: post through group.member(user)")

    def member(self, user: SimUser) -> SimUser:
        """`user` as they act in this group: their own User, this group's Chat and messages."""
        return GroupSeat(self, user)


class GroupSeat(SimUser):
    """One member's seat in a group: what they send goes to the group (from them), what they
    read and press is the group's (each seat reads from when it was taken)."""

    def __init__(self, group: SimGroup, user: SimUser) -> None:
        super().__init__(
            group.tg, user.id, user.first_name, user.language_code, user.last_name,
            user.username, chat_type=group.chat_type,
        )  # fmt: skip
        self.group = group
        self.messages, self.events, self.sent = group.messages, group.events, group.sent
        self.presses = user.presses  # the server finds who pressed among its users
        self._cursor = len(group.events)

    @property
    def chat_id(self) -> int:
        """The group's id: messages are numbered per chat."""
        return self.group.id

    @property
    def display_name(self) -> str:
        """The member's name, in the group."""
        return f"{super().display_name} ({self.group.title})"

    def chat_json(self) -> Json:
        """The group's Chat object."""
        return self.group.chat_json()
