"""/absences: the office downloads the absences of a period (CSV and XLSX), changes the morning
list's time and the alert threshold, and sets the days without school (holidays)."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.absences import export, holidays, jobs, service
from bot.absences.views import days
from bot.announcements.service import school_of
from bot.core.limits import whole_number
from bot.models import Role
from bot.school.settings import parse_hours
from bot.telegram.common import GROUP_FEATURES, keyboard, pressed, reply, stale
from bot.telegram.context import BotContext

MAX_ALERT = 20  # unexplained absences in four weeks


async def absences(update: Update, context: BotContext) -> None:
    """/absences: which period (and the school's two settings; `/absences 08:15 4` changes them)."""
    services = context.services
    if context.args and context.args[0].lower() in ("holidays", "vakantie"):
        await set_holidays(update, context, context.args[1:])
        return
    if context.args:
        await change_settings(update, context, context.args)
        return
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        off = await holidays.coming(session, school_id=services.school_id, today=today(context))
    rows = [[(context.t(f"absence.period_{name}"), f"abx:{name}")] for name in ("week", "month", "lastmonth", "year")]  # fmt: skip
    settings = context.t(
        "absence.settings", time=school.absence_digest_at, threshold=school.absence_alert
    )
    settings += "\n\n" + holiday_text(context, off)
    await reply(update, context.t("absence.export_choose") + "\n\n" + settings, keyboard(rows))


def today(context: BotContext) -> date:
    """The school's date today."""
    return context.services.clock.now().astimezone(context.services.settings.tz).date()


def holiday_text(context: BotContext, off: list[tuple[date, date]]) -> str:
    """The coming days without school, and how to change them."""
    if not off:
        return context.t("absence.holidays_none")
    spans = ", ".join(days(first, last, context.lang) for first, last in off)
    return context.t("absence.holidays", list=spans)


async def set_holidays(update: Update, context: BotContext, args: list[str]) -> None:
    """`/absences holidays 21/12-1/1` adds days without school; `... clear` forgets them all."""
    services = context.services
    span = holidays.typed_span(args[0], today=today(context)) if len(args) == 1 else None
    cleared = len(args) == 1 and args[0].lower() in ("clear", "wissen")
    if not args or (span is None and not cleared):
        async with services.sessions() as session:
            off = await holidays.coming(session, school_id=services.school_id, today=today(context))
        bad = context.t("absence.holidays_bad") + "\n\n" if args else ""
        await reply(update, bad + holiday_text(context, off))
        return
    async with services.sessions() as session:
        if span is not None:
            await holidays.add(session, school_id=services.school_id, first=span[0], last=span[1])
        else:
            await holidays.clear(session, school_id=services.school_id)
    if span is not None:
        text = context.t("absence.holidays_saved", days=days(span[0], span[1], context.lang))
    else:
        text = context.t("absence.holidays_cleared")
    await reply(update, text)


async def change_settings(update: Update, context: BotContext, args: list[str]) -> None:
    """`/absences 08:15 4`: the morning list's time and the weekly overview's threshold."""
    services = context.services
    at = parse_hours(args[0])
    threshold = whole_number(args[1], high=MAX_ALERT) if len(args) > 1 else None
    if at is None or len(args) != 2 or threshold is None or threshold < 1:
        await reply(update, context.t("absence.settings_bad"))
        return
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        school.absence_digest_at, school.absence_alert = at, threshold
        session.add(school)
        await session.commit()
    await jobs.restore(services, context.bot)  # the morning list at its new time
    await reply(update, context.t("absence.settings_saved", time=at, threshold=threshold))


async def period_chosen(update: Update, context: BotContext) -> None:
    """A period: the CSV and the XLSX of its absences."""
    fields, member, services = pressed(update, "abx", "w"), context.member, context.services
    today = services.clock.now().astimezone(services.settings.tz).date()
    choices = export.periods(today)
    if fields is None or member is None or member.role != Role.COORDINATOR or fields.words[0] not in choices:  # fmt: skip
        await stale(update, context)
        return
    first, last = choices[fields.words[0]]
    async with services.sessions() as session:
        found = await service.in_period(session, school_id=services.school_id, first=first, last=last)  # fmt: skip
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    await query.answer()
    text = context.tn(
        "absence.exported", len(found), count=len(found), period=days(first, last, context.lang)
    )
    await jobs.edit(query, text)
    for name, content in export.files(services.catalogs, context.lang, found, first, last):
        await chat.send_document(content, filename=name)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/absences and its period buttons."""
    app.add_handler(CommandHandler("absences", absences), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(period_chosen, pattern=r"^abx:"), group=GROUP_FEATURES)
