"""A simulated Telegram Bot API server and simulated people, for the tests and the demo."""

from bot.simulator.groups import SimGroup
from bot.simulator.server import FakeTelegram
from bot.simulator.state import BotMessage, Button, CallbackAnswer, Stats, TranscriptEvent
from bot.simulator.transcript import render_transcript
from bot.simulator.users import SimUser

__all__ = [
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "FakeTelegram",
    "SimGroup",
    "SimUser",
    "Stats",
    "TranscriptEvent",
    "render_transcript",
]
