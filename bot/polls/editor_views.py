"""What the poll editor shows a coordinator: the own poll as a list, and one question."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.polls import editor as svc
from bot.polls import flow_edits as edits
from bot.polls.flows import MAX_OPTIONS
from bot.polls.views import local
from bot.telegram.common import Button, in_columns, keyboard
from bot.telegram.context import BotContext


def language_names(context: BotContext, codes: list[str]) -> str:
    names = context.services.catalogs.language_name
    return ", ".join(names(code, context.lang) for code in codes)


def overview(context: BotContext, own: svc.Own) -> tuple[str, InlineKeyboardMarkup]:
    """The own poll as a list: questions kept or left out, title and thank-you line, actions."""
    services, lang, t, oid = context.services, context.lang, context.t, own.id
    raw, locked = own.raw, own.row.launched
    lines = [
        f"{'🚫' if q.get('left_out') else '✅'} {n}. {local(q['text'], lang)}"
        for n, q in enumerate(raw["questions"], 1)
    ]
    dutch = svc.untranslated(
        services.translator, source=services.settings.default_language,
        languages=services.catalogs.languages,
    )  # fmt: skip
    languages = t("poll.edit_languages", languages=language_names(context, dutch)) if dutch else ""
    text = t(
        "poll.edit_view", emoji=raw.get("emoji", ""), title=local(raw["title"], lang),
        status=t("poll.edit_status_locked" if locked else "poll.edit_status_open"),
        questions="\n".join(lines), outcome=local(raw["outcome"], lang),
    )  # fmt: skip
    rows: list[list[Button]] = []
    if not locked:
        text += f"\n\n{languages or t('poll.edit_languages_all')}"
        for n, q in enumerate(raw["questions"], 1):
            mark = "poll.edit_left_out" if q.get("left_out") else "poll.edit_keep"
            rows.append(
                [
                    (t(mark, number=n), f"pa:k:{oid}:{q['id']}"),
                    (t("poll.edit_question_button", number=n), f"pa:q:{oid}:{q['id']}"),
                ]
            )
        rows.append(
            [(t("poll.edit_title_button"), f"pa:rt:{oid}"),
             (t("poll.edit_outcome_button"), f"pa:ru:{oid}")]
        )  # fmt: skip
    previews = [
        (
            f"👁️ {services.catalogs.language_name(code, lang)}",
            f"pa:pv:{oid}:{code}",
        )
        for code in services.catalogs.languages
    ]
    rows += in_columns(previews, 3)
    rows.append([(t("poll.edit_start_button"), f"pn:{svc.own_flow_id(oid)}")])
    last = [(t("poll.edit_copy_button"), f"pa:dup:{oid}")]
    if not locked:
        last.append((t("poll.edit_delete_button"), f"pa:del:{oid}"))
    rows.append(last)
    return text, keyboard(rows)


def question_view(
    context: BotContext, own: svc.Own, question_id: str
) -> tuple[str, InlineKeyboardMarkup]:
    """One question with its answers: reword, leave out, add one."""
    lang, t, oid = context.lang, context.t, own.id
    q = edits.question(own.raw, question_id)
    number = own.raw["questions"].index(q) + 1
    options = "\n".join(f"{o['emoji']} {local(o['text'], lang)}" for o in q["options"])
    text = t(
        "poll.edit_question_view", number=number, question=local(q["text"], lang),
        options=options, max=MAX_OPTIONS,
    )  # fmt: skip
    rows: list[list[Button]] = [
        [
            (f"✏️ {o['emoji']} {local(o['text'], lang)}", f"pa:ro:{oid}:{q['id']}:{o['id']}"),
            ("🗑", f"pa:xo:{oid}:{q['id']}:{o['id']}"),
        ]
        for o in q["options"]
    ]
    if len(q["options"]) < MAX_OPTIONS:
        rows.append([(t("poll.edit_add_option"), f"pa:ao:{oid}:{q['id']}")])
    rows.append([(t("poll.edit_reword_question"), f"pa:rq:{oid}:{q['id']}")])
    rows.append([(t("poll.edit_back"), f"pa:v:{oid}")])
    return text, keyboard(rows)
