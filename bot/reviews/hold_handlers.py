"""👀 Ask a reviewer first, under a preview: the message goes out now (or when the quiet hours
end), but the copies in each language a reviewer checks wait for the first answer, at most two
hours (bot/reviews/holding.py); then they go as the machine translated them."""

from __future__ import annotations

from sqlmodel import col, select
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.announcements import outbox
from bot.announcements import service as announcements
from bot.announcements.report_views import report_markup, report_text
from bot.announcements.views import byline_of
from bot.models import Announcement, Delivery, School
from bot.onboarding.handlers import stale
from bot.reviews import holding
from bot.reviews.jobs import ask_language
from bot.reviews.service import REVIEWABLE
from bot.school.quiet import quiet_until
from bot.telegram.common import GROUP_FEATURES, Button, pressed, reply
from bot.telegram.context import BotContext


async def ask_first_row(
    context: BotContext, draft: Announcement, machine: set[str]
) -> list[list[Button]]:
    """The preview's 👀 row, when a reviewer checks one of the languages a machine will make."""
    if draft.kind not in REVIEWABLE or not draft.text.strip() or not machine:
        return []
    async with context.services.sessions() as session:
        checked = await holding.reviewed_languages(session)
    if not checked & machine:
        return []
    return [[(context.t("reviews.ask_first_button"), f"rvf:{draft.id}")]]


async def ask_first(update: Update, context: BotContext) -> None:
    """👀 pressed: open the outbox with the reviewed languages' copies held; ask the reviewers."""
    query, member, fields = update.callback_query, context.member, pressed(update, "rvf", "#")
    services = context.services
    async with services.sessions() as session:
        draft = await session.get(Announcement, fields.numbers[0]) if fields else None
        school = await session.get(School, services.school_id)
    if query is None or member is None or draft is None or school is None:
        await stale(update, context)
        return
    now, tz = services.clock.now(), services.settings.tz
    quiet = None if draft.urgent else quiet_until(now, tz, school.quiet_start, school.quiet_end)
    start = quiet or now
    until = start + holding.HOLD
    async with services.sessions() as session:
        confirmed = await outbox.confirm(
            session, announcement_id=draft.id or 0, author_id=member.id or 0, now=now,
            not_before=until,
        )  # fmt: skip
        if confirmed is None:  # not theirs, or sent already
            await stale(update, context)
            return
        announcement, _ = confirmed
        found = await session.exec(
            select(Delivery.language).where(col(Delivery.announcement_id) == announcement.id)
        )
        checked = await holding.reviewed_languages(session)
    translator, source = services.translator, announcement.language
    languages = {
        lang for lang in set(found) & checked
        if lang != source and translator is not None and translator.can_translate(source, lang)
    }  # fmt: skip
    await query.answer()
    byline, asked = await byline_of(services, announcement), set()
    for language in sorted(languages):
        if await ask_language(context.bot, services, announcement, byline, language,
                              release_at=start, hold_until=until):  # fmt: skip
            asked.add(language)
    async with services.sessions() as session:
        await holding.hold(
            session, announcement_id=announcement.id or 0, languages=asked, release_at=start
        )
        figures = await announcements.report(session, announcement_id=announcement.id or 0)
        text = await report_text(session, services, announcement, figures)
    edited = await query.edit_message_text(
        text, reply_markup=report_markup(services, context.lang, announcement)
    )
    if not isinstance(edited, bool):
        async with services.sessions() as session:
            await announcements.remember_report(
                session, announcement_id=announcement.id or 0, message_id=edited.message_id
            )
    if services.sender is not None:
        services.sender.wake()
    if asked:
        names = ", ".join(
            services.catalogs.language_name(code, context.lang) for code in sorted(asked)
        )
        at = until.astimezone(tz).strftime("%H:%M")
        await reply(update, context.t("reviews.held", languages=names, time=at))
    else:
        await reply(update, context.t("reviews.held_none"))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """👀 Ask a reviewer first, under a preview."""
    app.add_handler(CallbackQueryHandler(ask_first, pattern=r"^rvf:"), group=GROUP_FEATURES)
