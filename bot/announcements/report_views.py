"""The author's delivery report: its text (sent, seen, and in which language each copy was read,
and why some stayed Dutch), its buttons, and the message kept up to date in place."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.announcements.service import Report, class_ids_of
from bot.models import Announcement, AnnouncementStatus, Member, SchoolClass
from bot.reviews.service import by_language
from bot.reviews.views import report_lines
from bot.translation.status_views import lines

if TYPE_CHECKING:
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)


async def refresh_report_message(
    bot: Bot, services: BotData, announcement: Announcement, figures: Report
) -> None:
    """Edit the author's report message; an unchanged or vanished message is not an error."""
    if announcement.report_message_id is None or announcement.author_chat_id is None:
        return
    async with services.sessions() as session:
        text = await report_text(session, services, announcement, figures)
        author = (
            await session.get(Member, announcement.author_id) if announcement.author_id else None
        )
    markup = report_markup(
        services, services.catalogs.pick(author.language if author else None), announcement
    )
    try:
        await bot.edit_message_text(
            text,
            chat_id=announcement.author_chat_id,
            message_id=announcement.report_message_id,
            reply_markup=markup,
        )
    except BadRequest as err:
        if "not modified" not in str(err):
            log.warning("could not update the report of announcement %s: %s", announcement.id, err)
    except TelegramError as err:
        log.warning("could not update the report of announcement %s: %s", announcement.id, err)


async def report_text(
    session: AsyncSession, services: BotData, announcement: Announcement, figures: Report
) -> str:
    """The author's live delivery report."""
    author = await session.get(Member, announcement.author_id) if announcement.author_id else None
    lang = services.catalogs.pick(author.language if author else None)
    classes = await session.exec(
        select(SchoolClass.name).where(col(SchoolClass.id).in_(class_ids_of(announcement)))
    )
    named = audience_label(services, lang, announcement, sorted(classes))
    if announcement.status == AnnouncementStatus.WITHDRAWN:
        return services.catalogs.tn(
            lang,
            "announce.withdrawn_report",
            figures.withdrawn,
            classes=named,
            removed=figures.withdrawn,
            waiting=figures.changing,
        )
    text = services.catalogs.t(
        lang,
        "announce.report",
        classes=named,
        sent=figures.sent,
        total=figures.total,
        seen=figures.seen,
        failed=figures.failed,
    )
    text = "\n".join([text, *lines(services.catalogs, lang, figures.status)])
    counts = await by_language(
        session, announcement_id=announcement.id or 0, source=announcement.language
    )
    text = "\n".join([text, *report_lines(services.catalogs, lang, counts)])  # bot/reviews/
    if announcement.edited_at is not None and figures.changing:
        text += "\n" + services.catalogs.t(lang, "announce.report_editing", count=figures.changing)
    if announcement.kind == "invitation" and figures.rsvp is not None:
        c = figures.rsvp
        languages = (
            ", ".join(
                f"{services.catalogs.language_name(code, lang)} {n}" for code, n in c.interpreters
            )
            or "–"
        )
        text += "\n" + services.catalogs.tn(
            lang, "event.report", c.people, yes=c.yes, people=c.people, maybe=c.maybe, no=c.no, interpreters=languages
        )  # fmt: skip
    if figures.questions:
        text += "\n" + services.catalogs.t(
            lang, "announce.report_questions", count=figures.questions
        )
    return text


def audience_label(
    services: BotData, lang: str, announcement: Announcement, classes: list[str]
) -> str:
    """'1A', or '1A (only the families of 3 children)' when some children were chosen."""
    names = ", ".join(classes)
    chosen = len([x for x in announcement.pupil_ids.split(",") if x])
    if not chosen:
        return names
    return services.catalogs.tn(lang, "announce.only_families", chosen, classes=names, count=chosen)


def report_markup(
    services: BotData, lang: str, announcement: Announcement
) -> InlineKeyboardMarkup | None:
    """Under the author's report: who has not seen it yet, Edit, Withdraw (nothing once withdrawn)."""
    if announcement.status == AnnouncementStatus.WITHDRAWN:
        return None
    t, number = services.catalogs.t, announcement.id
    extra = (
        [
            [
                InlineKeyboardButton(
                    t(lang, "event.button_move"), callback_data=f"evtc:move:{number}"
                ),
                InlineKeyboardButton(
                    t(lang, "event.button_export"), callback_data=f"evtc:list:{number}"
                ),
            ]
        ]
        if announcement.kind == "invitation"
        else []
    )
    return InlineKeyboardMarkup(
        [
            *extra,
            [
                InlineKeyboardButton(
                    t(lang, "announce.button_unseen"), callback_data=f"ann:unseen:{number}"
                )
            ],
            [
                InlineKeyboardButton(
                    t(lang, "announce.button_edit"), callback_data=f"ann:edit:{number}"
                ),
                InlineKeyboardButton(
                    t(lang, "event.button_cancel"), callback_data=f"evtc:ask:{number}"
                )
                if announcement.kind == "invitation"  # a meeting is cancelled, not withdrawn
                else InlineKeyboardButton(
                    t(lang, "announce.button_withdraw"), callback_data=f"ann:wd:{number}"
                ),
            ],
        ]
    )
