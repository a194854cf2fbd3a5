"""A guardian answers a permission form for a child: Yes or No, changeable until the deadline;
after it, a clear answer that nothing changes any more."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot.models import PermissionForm
from bot.permissions import service
from bot.permissions.views import ANSWERED, answered_line, deadline
from bot.telegram.common import GROUP_FEATURES, pressed, stale
from bot.telegram.context import BotContext


async def answered(update: Update, context: BotContext) -> None:
    """Yes / No under a form's copy."""
    fields, member, services = pressed(update, "fa", "##w"), context.member, context.services
    query = update.callback_query
    if fields is None or member is None or member.id is None or query is None or fields.words[0] not in ("y", "n"):  # fmt: skip
        await stale(update, context)
        return
    (form_id, pupil_id), yes = fields.numbers, fields.words[0] == "y"
    async with services.sessions() as session:
        outcome = await service.answer(
            session, form_id=form_id, pupil_id=pupil_id, member_id=member.id, yes=yes,
            now=services.clock.now(),
        )  # fmt: skip
        form = await session.get(PermissionForm, form_id)
    if outcome == service.Outcome.NOT_YOURS or form is None:
        await stale(update, context)
        return
    if outcome == service.Outcome.CLOSED:
        when = deadline(services, form.deadline, context.lang)
        await query.answer(context.t("form.closed", deadline=when), show_alert=True)
        return
    await query.answer(context.t("form.saved"))
    message = query.message
    text = getattr(message, "text", None) or ""
    body = text.split(ANSWERED)[0]
    try:
        await query.edit_message_text(
            body + answered_line(services, context.lang, form, yes),
            reply_markup=getattr(message, "reply_markup", None),
        )
    except BadRequest as err:  # the same answer twice: the message says so already
        if "not modified" not in str(err):
            raise


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The families' Yes / No."""
    app.add_handler(CallbackQueryHandler(answered, pattern=r"^fa:"), group=GROUP_FEATURES)
