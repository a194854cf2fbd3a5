"""The teacher (or a coordinator) cancels a published evening or gives it another place, from the
schedule's buttons; the families who booked are told (bot/meetings/notices.py)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler

from bot.meetings import manage, notices
from bot.models import MeetingPlan
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, keyboard, pressed, reply, stale
from bot.telegram.context import BotContext

AWAITING = "awaiting_meeting_place"
MAX_PLACE = 200


def buttons(context: BotContext, plan: MeetingPlan) -> InlineKeyboardMarkup | None:
    """Cancel the evening / another place, under the schedule (while the evening is to come)."""
    if not manage.still_to_come(plan, context.services.clock.now()):
        return None
    return keyboard([[(context.t("meet.cancel_plan_button"), f"mk:{plan.id}"), (context.t("meet.move_button"), f"ml:{plan.id}")]])  # fmt: skip


async def _plan(update: Update, context: BotContext, verb: str) -> MeetingPlan | None:
    fields = pressed(update, verb, "#")
    async with context.services.sessions() as session:
        plan = await session.get(MeetingPlan, fields.numbers[0]) if fields else None
    if plan is None or not manage.may_manage(plan, context.member):
        return None
    return plan


async def ask_cancel(update: Update, context: BotContext) -> None:
    """🚫 Cancel the evening: how many families booked; are you sure?"""
    plan, query = await _plan(update, context, "mk"), update.callback_query
    if plan is None or query is None:
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        families = len({b.family_id for b, _ in await manage.booked(session, plan_id=plan.id or 0)})  # fmt: skip
    await query.answer()
    rows = [[(context.t("meet.cancel_plan_yes"), f"my:{plan.id}")]]
    await reply(update, context.tn("meet.cancel_plan_ask", families, count=families), keyboard(rows))  # fmt: skip


async def cancel(update: Update, context: BotContext) -> None:
    """Yes, cancel: the plan is cancelled, the families who booked are told."""
    plan, query, services = await _plan(update, context, "my"), update.callback_query, context.services  # fmt: skip
    if plan is None or query is None or context.member is None:
        await stale(update, context)
        return
    async with services.sessions() as session:
        done = await manage.cancel_plan(session, plan_id=plan.id or 0, member=context.member, now=services.clock.now())  # fmt: skip
    if done is None:
        await stale(update, context)
        return
    await query.answer()
    sent = await notices.tell_booked(services, context.bot, done, now=services.clock.now())
    await query.edit_message_text(context.tn("meet.plan_cancelled_done", sent, count=sent))


async def ask_place(update: Update, context: BotContext) -> None:
    """📍 Another place: type the room or the video link."""
    plan, query = await _plan(update, context, "ml"), update.callback_query
    if plan is None or query is None:
        await stale(update, context)
        return
    await query.answer()
    pending.ask(context, AWAITING, plan.id)
    await reply(update, context.t("meet.ask_new_place", place=plan.place))


async def typed_place(update: Update, context: BotContext) -> None:
    """The new place: stored, and the families who booked are told."""
    user_data, msg, services = context.user_data, update.effective_message, context.services
    if user_data is None or msg is None or AWAITING not in user_data or context.member is None:
        return
    text = (msg.text or "").strip()
    if not 2 <= len(text) <= MAX_PLACE:
        await reply(update, context.tn("event.bad_length", MAX_PLACE, min=2, max=MAX_PLACE))
        raise ApplicationHandlerStop
    plan_id = user_data.pop(AWAITING)
    async with services.sessions() as session:
        done = await manage.move_plan(session, plan_id=plan_id, member=context.member, place=text, now=services.clock.now())  # fmt: skip
    if done is None:
        await reply(update, context.t("error.stale_button"))
        raise ApplicationHandlerStop
    sent = await notices.tell_booked(services, context.bot, done, now=services.clock.now())
    await reply(update, context.tn("meet.plan_moved_done", sent, count=sent, place=text))
    raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The schedule's cancel / another place buttons and the typed new place."""
    for verb, handler in (("mk", ask_cancel), ("my", cancel), ("ml", ask_place)):
        app.add_handler(CallbackQueryHandler(handler, pattern=rf"^{verb}:"), group=GROUP_FEATURES)
    pending.expect(app, AWAITING, typed_place)
