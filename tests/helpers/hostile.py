"""Hostile input for story tests: forged button data of every handler, and edited messages."""

from __future__ import annotations

from bot.simulator import SimUser
from bot.simulator.state import Json

# What a forged or broken client can put where a button carries a number: superscripts and
# Arabic-Indic digits (`str.isdigit` says yes), a float, nothing, a sign, 20 digits, one past
# SQLite's largest integer, and the largest itself (a number, but of nothing that exists).
BAD_NUMBERS = (
    "²",
    "١٢",
    "1e5",
    "",
    "-1",
    "12345678901234567890",
    "9223372036854775808",
    "9223372036854775807",
)


def _each(template: str, actions: str) -> list[str]:
    return [template.replace("{a}", action) for action in actions.split()]


# Every handler's button data, `{n}` where a number goes (`1` stands for a real id).
FORGED = [
    *_each("ann:{a}:{n}", "send cancel unseen seen orig tr ask help edit wd wdyes wdno sched back now"),
    "annc:{n}:1", "annc:1:{n}", "annu:{n}", "anns:{n}:1", "anns:1:{n}",
    *_each("cls:{a}:{n}", "show link rename archive archive_yes"),
    *_each("conv:{a}:{n}", "ans done pass export school buddy"),
    "convp:{n}:1", "convp:1:{n}", "budme:{n}", "budask:{n}:1", "budask:1:{n}",
    *_each("bud:{a}:{n}", "yes no pyes pno"),
    "cans:orig:{n}", "cans:tr:{n}", "inv:{n}", "invc:{n}", "lang:{n}:", "lang2:{n}:", "forget:{n}",
    "pn:{n}", "pn:own-{n}", "pc:{n}:1", "pc:1:{n}", "pt:{n}:7", "pt:1:{n}", "pv:{n}:nl",
    "pl:{n}", "pk:{n}", "pr:{n}", "pe:{n}:csv", "pz:{n}",
    "pg:{n}", "pq:{n}:hard:a", "pq:1:hard:{n}", "pd:{n}:hard", "ps:{n}:hard", "px:{n}",
    "po:{n}:hard",
    *_each("pa:{a}:{n}", "new dup v rt ru del dely"),
    "pa:q:{n}:hard", "pa:k:{n}:hard", "pa:xo:{n}:hard:a", "pa:rq:{n}:hard", "pa:ro:{n}:hard:a",
    "pa:ao:{n}:hard", "pa:pv:{n}:nl",
    "evt:{n}", *_each("rsvp:{a}:{n}", "yes no maybe lang"), "rsvp:n{n}:1",
    *_each("evo:{a}:{n}", "kids lang thanks nopic nomap ok"),
    *_each("evtc:{a}:{n}", "list move ask yes no"),
    "rv:ok:{n}", "rvf:{n}", "rv:fix:{n}", *_each("rvw:{a}:{n}", "add who del"), "rvw:lang:{n}:pl",
]  # fmt: skip


def forged_data() -> list[str]:
    """Every handler's button data with every bad number in it."""
    return [template.replace("{n}", bad) for template in FORGED for bad in BAD_NUMBERS]


async def edit(user: SimUser, sent: Json, text: str) -> Json:
    """The person changes the text (or caption) of a message they sent: Telegram sends the
    whole message again as an `edited_message` update."""
    field = "caption" if "caption" in sent or "text" not in sent else "text"
    changed = {**sent, field: text, "edit_date": user.tg.now()}
    changed.pop("entities", None)
    user.sent[sent["message_id"]] = changed
    user.acted = user.tg.serial()
    user.tg.add_update({"edited_message": changed})
    return changed
