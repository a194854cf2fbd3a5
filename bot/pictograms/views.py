"""What the teacher sees of pictograms: the button and line on the preview, the grid of ten."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.models import Announcement
from bot.pictograms.choice import NOT_FOR, PICTOGRAMS, chosen
from bot.telegram.common import Button, in_columns, keyboard
from bot.telegram.context import BotContext


def label(context: BotContext, key: str) -> str:
    """'🏊 Zwemmen': the emoji and one word, in the teacher's language."""
    return f"{PICTOGRAMS[key]} {context.t(f'pictograms.{key}')}"


def names(context: BotContext, draft: Announcement) -> str:
    """The chosen pictograms, in order, as the teacher reads them."""
    return ", ".join(label(context, k) for k in chosen(draft))


def preview_line(context: BotContext, draft: Announcement) -> str:
    """The preview's line saying which pictograms go with the message ('' when none)."""
    if not chosen(draft):
        return ""
    return context.t("pictograms.preview_line", names=names(context, draft))


def preview_row(context: BotContext, draft: Announcement) -> list[list[Button]]:
    """The preview's 🖼 button (none for an invitation: it has its own picture)."""
    if draft.kind in NOT_FOR:
        return []
    return [[(context.t("pictograms.button"), f"apg:{draft.id}:open")]]


def grid(context: BotContext, draft: Announcement) -> tuple[str, InlineKeyboardMarkup]:
    """The ten pictograms, two a row, the chosen ones marked; Done under them."""
    picked = chosen(draft)
    toggles = [
        (("✅ " if k in picked else "") + label(context, k), f"apg:{draft.id}:{k}")
        for k in PICTOGRAMS
    ]
    rows = [*in_columns(toggles, 2), [(context.t("pictograms.done"), f"apg:{draft.id}:done")]]
    now = (
        context.t("pictograms.chosen", names=names(context, draft))
        if picked
        else context.t("pictograms.none_chosen")
    )
    return context.t("pictograms.choose") + "\n\n" + now, keyboard(rows)
