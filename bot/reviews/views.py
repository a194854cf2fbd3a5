"""What reviewers and coordinators read: the list of reviewers, the request with the Dutch text
and the machine's translation, what became of it; the report's lines per language."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.core.i18n import Catalogs
from bot.core.limits import TEXT_LIMIT, cut, utf16_len
from bot.models import Member, Reviewer
from bot.reviews.service import LanguageCounts
from bot.telegram.common import Button, in_columns, keyboard

QUOTE = 60  # characters of the Dutch text that name a message in a short line
MAX_PEOPLE = 60  # buttons of people to choose from (Telegram shows at most 100 buttons)


def listing(
    catalogs: Catalogs, lang: str, people: Sequence[tuple[Reviewer, Member]]
) -> tuple[str, InlineKeyboardMarkup]:
    """/reviewers: who checks which language, ➖ to remove one, ➕ to add one."""
    t, name = catalogs.t, catalogs.language_name
    lines = [t(lang, "reviews.list_head")]
    lines += [
        t(lang, "reviews.list_line", name=m.first_name, language=name(r.language, lang))
        for r, m in people
    ] or [t(lang, "reviews.list_none")]
    rows: list[list[Button]] = [
        [(t(lang, "reviews.button_remove", name=m.first_name, language=name(r.language, lang)),
          f"rvw:del:{r.id}")]
        for r, m in people[:MAX_PEOPLE]
    ]  # fmt: skip
    rows.append([(t(lang, "reviews.button_add"), "rvw:add:0")])
    return cut("\n".join(lines)), keyboard(rows)


def people_keyboard(people: Sequence[Member]) -> InlineKeyboardMarkup:
    """The team members and language buddies to choose from."""
    buttons = [(m.first_name or "?", f"rvw:who:{m.id}") for m in people[:MAX_PEOPLE]]
    return keyboard(in_columns(buttons, 2))


def languages_keyboard(catalogs: Catalogs, lang: str, member_id: int) -> InlineKeyboardMarkup:
    """Every language the bot speaks but Dutch, named in the coordinator's language."""
    codes = [c for c in catalogs.languages if c != catalogs.default]
    buttons = [(catalogs.language_name(c, lang), f"rvw:lang:{member_id}:{c}") for c in codes]
    return keyboard(in_columns(buttons, 3))


def request_text(
    catalogs: Catalogs,
    lang: str,
    *,
    author: str,
    classes: str,
    language: str,
    copies: int,
    original: str,
    machine: str,
    until: str | None = None,
) -> str:
    """The request: who wrote to whom, how many got the machine's text (or, asked before
    sending, how many wait for the answer and until when), both texts."""
    t, named = catalogs.t, catalogs.language_name(language, lang)
    key = "reviews.request" if until is None else "reviews.request_before"
    head = catalogs.tn(
        lang, key, copies, author=author, classes=classes, language=named, count=copies,
        time=until or "",
    )  # fmt: skip
    dutch = t(lang, "reviews.dutch_label", language=catalogs.language_name("nl", lang))
    robot = t(lang, "reviews.machine_label", language=named)
    room = (TEXT_LIMIT - utf16_len(head) - utf16_len(dutch) - utf16_len(robot) - 12) // 2
    return "\n\n".join((head, f"{dutch}\n{cut(original, room)}", f"{robot}\n{cut(machine, room)}"))


def request_keyboard(catalogs: Catalogs, lang: str, request_id: int) -> InlineKeyboardMarkup:
    """✅ Correct as it is, ✏️ Improve."""
    return keyboard(
        [
            [
                (catalogs.t(lang, "reviews.button_ok"), f"rv:ok:{request_id}"),
                (catalogs.t(lang, "reviews.button_fix"), f"rv:fix:{request_id}"),
            ]
        ]
    )


def done_line(
    catalogs: Catalogs, lang: str, *, outcome: str, name: str, language: str, original: str
) -> str:
    """What a request's message says once answered (every reviewer's copy)."""
    key = "reviews.done_corrected" if outcome == "corrected" else "reviews.done_approved"
    start = cut(" ".join(original.split()), QUOTE)
    return catalogs.t(
        lang, key, name=name, language=catalogs.language_name(language, lang), start=start
    )


def report_lines(catalogs: Catalogs, lang: str, counts: dict[str, LanguageCounts]) -> list[str]:
    """The author's report: per language, copies machine-translated, reviewed, not translated."""
    if not counts:
        return []
    out = [catalogs.t(lang, "reviews.report_head")]
    for code, c in counts.items():
        parts = [
            catalogs.tn(lang, key, n, count=n)
            for key, n in (
                ("reviews.count_machine", c.machine),
                ("reviews.count_reviewed", c.reviewed),
                ("reviews.count_untranslated", c.untranslated),
            )
            if n
        ]
        name = catalogs.language_name(code, lang)
        out.append(catalogs.t(lang, "reviews.report_line", language=name, counts=", ".join(parts)))
    return out
