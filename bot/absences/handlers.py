"""A guardian reports an absence in three taps: which child, which days, why; then, optionally,
a few words or a voice note. The class teacher and the office hear of it at once, or at the start
of the school day when it comes in the quiet hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from bot.absences import holidays, jobs, service
from bot.absences import staff_handlers as staff
from bot.absences.views import day_buttons, days, reason_buttons, reason_name, when_buttons
from bot.absences.words import WAIT, WORDS, asked, take_words
from bot.core.when import show
from bot.models import Role
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, keyboard, pressed, reply, stale
from bot.telegram.context import BotContext

PICK_DAYS = 10  # school days offered for "several days"
DAYS = "absence_days"  # the bot waits for typed days


def today_of(context: BotContext) -> date:
    """Today in the school's time zone (by the injected clock)."""
    return context.services.clock.now().astimezone(context.services.settings.tz).date()


async def absent(update: Update, context: BotContext) -> None:
    """/absent: a guardian picks the child (staff mark a child absent instead)."""
    member = context.member
    if member is None or member.id is None:
        return
    if member.role != Role.PARENT:
        await staff.mark_start(update, context)
        return
    async with context.services.sessions() as session:
        kids = await service.member_children(session, member_id=member.id)
    if not kids:
        await reply(update, context.t("absence.no_children"))
    elif len(kids) == 1:
        await ask_when(update, context, kids[0].pupil_id, kids[0].first_name)
    else:
        rows = [[(c.label, f"ab:c:{c.pupil_id}")] for c in kids]
        await reply(update, context.t("absence.which_child"), keyboard(rows))


async def school_days(context: BotContext, start: date, count: int) -> list[date]:
    """The coming school days from `start`, without weekends and the school's holidays."""
    services = context.services
    async with services.sessions() as session:
        off = await holidays.days_off(session, school_id=services.school_id, start=start)
    return service.school_days(start, count, off)


async def ask_when(update: Update, context: BotContext, pupil_id: int, name: str) -> None:
    """Today / the next school day / several days."""
    today = today_of(context)
    tomorrow = (await school_days(context, today + timedelta(days=1), 1))[0]
    school_day = (await school_days(context, today, 1))[0] == today  # no "today" on a day off
    when = when_buttons(context.services.catalogs, context.lang, pupil_id, today if school_day else None, tomorrow)  # fmt: skip
    markup = keyboard(when)
    await _show(update, context.t("absence.when", child=name), markup)


async def _show(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the pressed message into the next step (a new message after the command)."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await jobs.edit(query, text, markup)
    else:
        await reply(update, text, markup)


async def _mine(update: Update, context: BotContext, pupil_id: int) -> service.Child | None:
    member = context.member
    if member is None or member.id is None:
        return None
    async with context.services.sessions() as session:
        return await service.child_of(session, member_id=member.id, pupil_id=pupil_id)


async def child_chosen(update: Update, context: BotContext) -> None:
    """A child's button: which days."""
    fields = pressed(update, "ab", "w#")
    child = await _mine(update, context, fields.numbers[0]) if fields else None
    if fields is None or child is None:
        await stale(update, context)
        return
    if fields.words[0] == "c":
        await ask_when(update, context, child.pupil_id, child.first_name)
        return
    # "m": several days, the first
    choices = await school_days(context, today_of(context), PICK_DAYS)
    markup = keyboard(day_buttons(context.lang, choices, f"ab:f:{child.pupil_id}"))
    pending.ask(context, DAYS, asked(child.pupil_id, context.services.clock.now()))  # or typed
    text = (
        context.t("absence.from_day", child=child.first_name)
        + "\n"
        + context.t("absence.type_days")
    )
    await _show(update, text, markup)


async def first_chosen(update: Update, context: BotContext) -> None:
    """The first of several days: until which day."""
    (context.user_data or {}).pop(DAYS, None)  # a button, not typed days
    fields = pressed(update, "ab", "w##")
    child = await _mine(update, context, fields.numbers[0]) if fields else None
    first = service.from_number(fields.numbers[1]) if fields else None
    if fields is None or child is None or first is None:
        await stale(update, context)
        return
    if first < today_of(context):
        await _show(update, context.t("absence.past"), None)
        return
    choices = await school_days(context, first, PICK_DAYS)
    data = f"ab:d:{child.pupil_id}:{fields.numbers[1]}"
    markup = keyboard(day_buttons(context.lang, choices, data))
    await _show(update, context.t("absence.to_day", child=child.first_name), markup)


async def days_chosen(update: Update, context: BotContext) -> None:
    """The days are known: why (by picture)."""
    fields = pressed(update, "ab", "w###")
    child = await _mine(update, context, fields.numbers[0]) if fields else None
    if fields is None or child is None:
        await stale(update, context)
        return
    first, last = (service.from_number(n) for n in fields.numbers[1:])
    if first is None or last is None:
        await stale(update, context)
        return
    await ask_reason(update, context, child, first, last)


async def ask_reason(
    update: Update, context: BotContext, child: service.Child, first: date, last: date
) -> None:
    """Days checked (from today, in order, at most a month): the reasons by picture."""
    refusal = service.check_days(first, last, today=today_of(context))
    if refusal is not None:
        await _show(update, context.t(f"absence.{refusal.value}"), None)
        return
    numbers = (child.pupil_id, service.day_number(first), service.day_number(last))
    prefix = "ab:r:" + ":".join(str(n) for n in numbers)
    markup = keyboard(reason_buttons(context.services.catalogs, context.lang, prefix))
    text = context.t("absence.why", child=child.first_name, days=days(first, last, context.lang))
    await _show(update, text, markup)


async def reason_chosen(update: Update, context: BotContext) -> None:
    """The reason: record the note, tell the team (or hold it), give the receipt, offer words."""
    fields, member = pressed(update, "ab", "w###w"), context.member
    reasons = {r.value: r for r in service.NOTE_REASONS}
    if fields is None or member is None or member.id is None or fields.words[1] not in reasons:
        await stale(update, context)
        return
    first, last = (service.from_number(n) for n in fields.numbers[1:])
    if first is None or last is None:
        await stale(update, context)
        return
    services, now = context.services, context.services.clock.now()
    due = await jobs.team_due(services, now)
    async with services.sessions() as session:
        done = await service.record_note(
            session, school_id=services.school_id, member_id=member.id,
            pupil_id=fields.numbers[0], first=first, last=last, reason=reasons[fields.words[1]],
            today=today_of(context), now=now, team_due_at=due,
        )  # fmt: skip
    if done is service.Refusal.NOT_YOURS:
        await stale(update, context)
        return
    if isinstance(done, service.Refusal):
        await _show(update, context.t(f"absence.{done.value}"), None)
        return
    absence, child = done
    values = {
        "child": child.first_name,
        "days": days(first, last, context.lang),
        "reason": reason_name(services.catalogs, context.lang, absence.reason),
    }
    if due is None:
        await jobs.tell_team(services, context.bot, absence)
        text = context.t("absence.receipt", **values)
    else:
        jobs.hold(services, context.bot, absence.id or 0, due)
        moment = show(due, tz=services.settings.tz, lang=context.lang)
        text = context.t("absence.receipt_held", when=moment, **values)
    pending.ask(context, WORDS, asked(absence.id or 0, now))
    await _show(update, text + "\n\n" + context.t("absence.add_words"), None)


async def days_typed(update: Update, context: BotContext) -> None:
    """Days typed after "several days": '25/11' or '25/11-27/11' (this school year). A message
    without a digit, or later than WAIT, is an ordinary message and goes on."""
    value = (context.user_data or {}).pop(DAYS, None)
    message, now = update.effective_message, context.services.clock.now()
    if not isinstance(value, tuple) or message is None or now - datetime.fromisoformat(value[1]) > WAIT:  # fmt: skip
        return
    text = message.text or ""
    child = await _mine(update, context, value[0])
    if child is None or not any(c.isdigit() for c in text):
        return
    found = service.typed_days(text, today=today_of(context))
    if found is None:
        pending.ask(context, DAYS, value)
        await reply(update, context.t("absence.bad_days"))
    else:
        await ask_reason(update, context, child, *found)
    raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/absent for guardians (and staff), its buttons, and the optional words afterwards."""
    app.add_handler(CommandHandler("absent", absent), group=GROUP_FEATURES)
    for pattern, handler in (
        (r"^ab:[cm]:", child_chosen), (r"^ab:f:", first_chosen), (r"^ab:d:", days_chosen),
        (r"^ab:r:", reason_chosen),
    ):  # fmt: skip
        app.add_handler(CallbackQueryHandler(handler, pattern=pattern), group=GROUP_FEATURES)
    pending.expect(app, WORDS, take_words, accepts=pending.TEXT | filters.VOICE)
    pending.expect(app, DAYS, days_typed)
    staff.register(app)
