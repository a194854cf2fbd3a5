"""After sending: the author edits the text (copies change in place) or withdraws it (copies vanish)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler

from bot.announcements import outbox
from bot.announcements import service as svc
from bot.announcements.report_views import refresh_report_message
from bot.models import Announcement, AnnouncementStatus
from bot.onboarding.handlers import stale
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, keyboard, numeric_press, reply
from bot.telegram.context import BotContext

EDITING = "awaiting_edit"
LIVE = (AnnouncementStatus.SENDING, AnnouncementStatus.SENT)


async def own_live(update: Update, context: BotContext) -> Announcement | None:
    """The pressed announcement if it is the member's own and already sent (else a stale answer)."""
    press = numeric_press(update, context, "ann")
    announcement = None
    if press is not None:
        async with context.services.sessions() as session:
            announcement = await session.get(Announcement, press.number)
    if announcement is None or press is None or announcement.author_id != press.member_id:
        await stale(update, context)
        return None
    if announcement.status not in LIVE:
        await stale(update, context)
        return None
    return announcement


async def edit_button(update: Update, context: BotContext) -> None:
    """✏️ Edit under a report: ask for the new text."""
    announcement = await own_live(update, context)
    if announcement is None or update.callback_query is None:
        return
    if context.user_data is not None:
        pending.ask(context, EDITING, announcement.id)
    await update.callback_query.answer()
    await reply(update, context.t("announce.edit_prompt"))


async def new_text(update: Update, context: BotContext) -> None:
    """The new text: saved, and every delivered copy is queued for editing."""
    member, user_data, msg = context.member, context.user_data, update.effective_message
    if member is None or user_data is None or msg is None or EDITING not in user_data:
        return
    services, announcement_id = context.services, user_data.pop(EDITING)
    async with services.sessions() as session:
        count = await outbox.revise(
            session, announcement_id=announcement_id, author_id=member.id or 0,
            text=msg.text or "", now=services.clock.now(),
        )  # fmt: skip
    if count is None:
        await reply(update, context.t("error.stale_button"))
        raise ApplicationHandlerStop
    if services.sender is not None:
        services.sender.forget(announcement_id)
        services.sender.wake()
    await reply(update, context.tn("announce.edit_done", count, count=count))
    raise ApplicationHandlerStop


async def withdraw_button(update: Update, context: BotContext) -> None:
    """🗑 Withdraw under a report: ask to confirm."""
    announcement = await own_live(update, context)
    if announcement is None or update.callback_query is None:
        return
    await update.callback_query.answer()
    rows = [
        [
            (context.t("announce.withdraw_yes"), f"ann:wdyes:{announcement.id}"),
            (context.t("announce.withdraw_no"), f"ann:wdno:{announcement.id}"),
        ]
    ]
    await reply(update, context.t("announce.withdraw_confirm"), keyboard(rows))


async def withdraw_answer(update: Update, context: BotContext) -> None:
    """Yes: unsent copies stop, delivered ones are deleted; No: nothing changes."""
    query, press = update.callback_query, numeric_press(update, context, "ann")
    if query is None or press is None:
        await stale(update, context)
        return
    if press.action == "wdno":
        await query.answer()
        await query.edit_message_text(context.t("announce.withdraw_kept"))
        return
    services = context.services
    async with services.sessions() as session:
        count = await outbox.withdraw(
            session, announcement_id=press.number, author_id=press.member_id,
            now=services.clock.now(),
        )  # fmt: skip
        announcement = await session.get(Announcement, press.number)
        figures = await svc.report(session, announcement_id=press.number)
    if count is None or announcement is None:
        await stale(update, context)
        return
    await query.answer()
    await query.edit_message_text(context.tn("announce.withdrawing", count, count=count))
    if services.sender is not None:
        services.sender.forget(press.number)
        services.sender.wake()
    await refresh_report_message(context.bot, services, announcement, figures)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Edit and Withdraw under a delivery report."""
    app.add_handler(CallbackQueryHandler(edit_button, pattern=r"^ann:edit:"), group=GROUP_FEATURES)
    app.add_handler(
        CallbackQueryHandler(withdraw_button, pattern=r"^ann:wd:"), group=GROUP_FEATURES
    )
    app.add_handler(
        CallbackQueryHandler(withdraw_answer, pattern=r"^ann:wd(yes|no):"), group=GROUP_FEATURES
    )
    pending.expect(app, EDITING, new_text)
