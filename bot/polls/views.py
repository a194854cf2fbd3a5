"""What a poll looks like in the chat: invitation, questions with big emoji buttons, thanks."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.core.i18n import Catalogs, keep_ltr
from bot.core.limits import cut
from bot.models import Poll
from bot.polls.flows import Flow, Question, option_data
from bot.polls.service import flow_of
from bot.telegram.common import Button, keyboard
from bot.telegram.context import BotData

CHECK = "✅ "


def local(texts: dict[str, str], lang: str) -> str:
    """A flow text in `lang` (flows are validated to have every UI language; Dutch otherwise)."""
    return texts.get(lang) or texts["nl"]


def poll_flow(data: BotData, poll: Poll | None) -> Flow | None:
    """The questions of a poll (frozen with it), or None."""
    return flow_of(poll, flows=data.flows) if poll is not None else None


def when(moment: datetime, tz: ZoneInfo) -> str:
    """A closing time as parents read it: day/month hour:minute, school time."""
    return moment.astimezone(tz).strftime("%d/%m %H:%M")


def invitation(
    catalogs: Catalogs, flow: Flow, *, poll_id: int, closes_at: datetime, tz: ZoneInfo, lang: str,
    reminder: bool = False,
) -> tuple[str, InlineKeyboardMarkup]:  # fmt: skip
    """The first message of a poll (or a reminder): title, the anonymous line, Start."""
    key = "poll.reminder" if reminder else "poll.invite"
    text = catalogs.tn(
        lang,
        key,
        len(flow.questions),
        emoji=flow.emoji,
        title=local(flow.title, lang),
        count=len(flow.questions),
        date=keep_ltr(when(closes_at, tz), lang),  # day before time, also in Arabic
    )
    return text, keyboard([[(catalogs.t(lang, "poll.start_button"), f"pg:{poll_id}")]])


def option_label(question: Question, option_id: str, lang: str) -> str:
    """An option's button text: its emoji and words."""
    option = question.option(option_id)
    return f"{option.emoji} {local(option.text, lang)}" if option else option_id


def question_view(
    catalogs: Catalogs, flow: Flow, *, poll_id: int, index: int, lang: str,
    chosen: Collection[str] = (),
) -> tuple[str, InlineKeyboardMarkup]:  # fmt: skip
    """Question `index` with one big button per option (ticked ones marked for multiple choice)."""
    text, rows = question_rows(
        catalogs, flow, poll_id=poll_id, index=index, lang=lang, chosen=chosen
    )
    return text, keyboard(rows)


def question_rows(
    catalogs: Catalogs, flow: Flow, *, poll_id: int, index: int, lang: str,
    chosen: Collection[str] = (),
) -> tuple[str, list[list[Button]]]:  # fmt: skip
    """Question `index` as text and rows of (label, callback data), the keyboard's plain data."""
    q = flow.questions[index]
    t = catalogs.t
    text = t(
        lang, "poll.question", emoji=flow.emoji, title=local(flow.title, lang),
        number=index + 1, total=len(flow.questions), question=local(q.text, lang),
    )  # fmt: skip
    if q.kind == "multiple":
        text += "\n\n" + t(lang, "poll.multiple_hint")
    rows: list[list[Button]] = [
        [
            (
                (CHECK if o.id in chosen else "") + option_label(q, o.id, lang),
                option_data(poll_id, q.id, o.id),
            )
        ]
        for o in q.options
    ]
    if q.other:
        rows.append([(t(lang, "poll.other_button"), f"po:{poll_id}:{q.id}")])
    if q.kind == "multiple":
        rows.append([(t(lang, "poll.done_button"), f"pd:{poll_id}:{q.id}")])
    rows.append(
        [
            (t(lang, "poll.skip_button"), f"ps:{poll_id}:{q.id}"),
            (t(lang, "poll.stop_button"), f"px:{poll_id}"),
        ]
    )
    return text, rows


def thanks(catalogs: Catalogs, flow: Flow, lang: str, *, stopped: bool = False) -> str:
    """The last message: thank you, and what the school will do with the answers."""
    key = "poll.stopped" if stopped else "poll.thanks"
    return catalogs.t(lang, key, outcome=local(flow.outcome, lang))


def preview(catalogs: Catalogs, flow: Flow, *, closes_at: datetime, tz: ZoneInfo, lang: str) -> str:
    """The whole poll as a parent in `lang` would read it, for the coordinator to check."""
    head, _ = invitation(catalogs, flow, poll_id=0, closes_at=closes_at, tz=tz, lang=lang)
    lines = [head, ""]
    for n, q in enumerate(flow.questions, 1):
        mark = "☑️" if q.kind == "multiple" else "🔘"
        lines.append(f"{n}. {local(q.text, lang)} {mark}")
        lines += [f"   {option_label(q, o.id, lang)}" for o in q.options]
        if q.other:
            lines.append(f"   {catalogs.t(lang, 'poll.other_button')}")
    lines += ["", thanks(catalogs, flow, lang)]
    return cut("\n".join(lines))
