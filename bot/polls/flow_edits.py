"""Changes to the data of a school's own poll (the shape of a flow file), within the rules.

Pure functions on the data; each raises EditError for a change the rules do not allow (the
validator in bot/polls/flows.py checks the whole flow again before anything is saved).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.errors import KeyedError
from bot.polls.flows import MAX_OPTIONS, MIN_OPTIONS, MIN_QUESTIONS

DEFAULT_EMOJI = "🔹"
Raw = dict[str, Any]


class EditError(KeyedError):
    """A change that cannot be made; `key` names the message for the coordinator."""


def question(raw: Raw, question_id: str) -> Raw:
    """A question's data (EditError("error.stale_button") if it is not there)."""
    found = next((q for q in raw["questions"] if q["id"] == question_id), None)
    if found is None:
        raise EditError("error.stale_button")
    return found


def option(raw: Raw, question_id: str, option_id: str) -> Raw:
    """An option's data."""
    found = next((o for o in question(raw, question_id)["options"] if o["id"] == option_id), None)
    if found is None:
        raise EditError("error.stale_button")
    return found


def toggle_question(raw: Raw, question_id: str) -> None:
    """Keep a question left out, or leave a kept one out (at least one stays)."""
    found = question(raw, question_id)
    kept = [q for q in raw["questions"] if not q.get("left_out")]
    if not found.get("left_out") and len(kept) <= MIN_QUESTIONS:
        raise EditError("poll.edit_min_questions")
    found["left_out"] = not found.get("left_out")


def remove_option(raw: Raw, question_id: str, option_id: str) -> None:
    """Leave an option out."""
    found = question(raw, question_id)
    option(raw, question_id, option_id)
    if len(found["options"]) <= MIN_OPTIONS:
        raise EditError("poll.edit_min_options", min=MIN_OPTIONS)
    found["options"] = [o for o in found["options"] if o["id"] != option_id]


def add_option(raw: Raw, question_id: str, text: dict[str, str], emoji: str | None) -> None:
    """A new option at the end, with a fresh short id."""
    found = question(raw, question_id)
    check_room(raw, question_id)
    ids = {o["id"] for o in found["options"]}
    new_id = next(f"n{n}" for n in range(1, MAX_OPTIONS + 2) if f"n{n}" not in ids)
    found["options"].append({"id": new_id, "emoji": emoji or DEFAULT_EMOJI, "text": text})


def check_room(raw: Raw, question_id: str) -> None:
    """EditError when a question already has as many options as fit on a keyboard."""
    if len(question(raw, question_id)["options"]) >= MAX_OPTIONS:
        raise EditError("poll.edit_too_many_options", max=MAX_OPTIONS)


def reword(raw: Raw, target: Sequence[str], text: dict[str, str], emoji: str | None) -> None:
    """New texts for ("title",), ("outcome",), ("question", q) or ("option", q, o)."""
    kind = target[0]
    if kind in ("title", "outcome"):
        raw[kind] = text
    elif kind == "question":
        question(raw, target[1])["text"] = text
    elif kind == "option":
        found = option(raw, target[1], target[2])
        found["text"] = text
        found["emoji"] = emoji or found["emoji"]
    else:
        raise EditError("error.stale_button")
