"""School settings in the bot: /quiethours, /retention, /dutchoriginal (coordinators)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.announcements.service import school_of
from bot.core.limits import whole_number
from bot.school.settings import MAX_RETENTION, parse_hours
from bot.telegram.common import GROUP_FEATURES, reply
from bot.telegram.context import BotContext


async def quiet_hours(update: Update, context: BotContext) -> None:
    """/quiethours [start end | off]: show or change when parents are not disturbed."""
    args, services = context.args or [], context.services
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        if not args:
            key = "quiet.off" if school.quiet_start == school.quiet_end else "quiet.current"
            await reply(update, context.t(key, start=school.quiet_start, end=school.quiet_end))
            return
        if [a.lower() for a in args] == ["off"]:
            start, end = "00:00", "00:00"
        elif (
            len(args) == 2
            and (start := parse_hours(args[0]) or "")
            and (end := parse_hours(args[1]) or "")
        ):
            pass
        else:
            await reply(update, context.t("quiet.usage"))
            return
        school.quiet_start, school.quiet_end = start, end
        session.add(school)
        await session.commit()
    key = "quiet.off" if start == end else "quiet.changed"
    await reply(update, context.t(key, start=start, end=end))


async def retention(update: Update, context: BotContext) -> None:
    """/retention [days | schoolyear]: how long parents' conversations are kept."""
    args, services = context.args or [], context.services
    days = whole_number(args[0], high=MAX_RETENTION) if args else None
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        if args and args[0].lower() in ("schoolyear", "schooljaar"):
            school.retention_days = None
        elif days:  # 1 day or more
            school.retention_days = days
        elif args:
            await reply(update, context.t("retention.usage"))
            return
        session.add(school)
        await session.commit()
    if school.retention_days is None:
        await reply(update, context.t("retention.schoolyear"))
    else:
        await reply(
            update, context.tn("retention.days", school.retention_days, days=school.retention_days)
        )


async def dutch_original(update: Update, context: BotContext) -> None:
    """/dutchoriginal [on | off]: the Dutch original under translated announcements, or not."""
    args, services = [a.lower() for a in context.args or []], context.services
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        if args in (["on"], ["aan"], ["off"], ["uit"]):
            school.dutch_below = args[0] in ("on", "aan")
            session.add(school)
            await session.commit()
        elif args:
            await reply(update, context.t("school.dutch_original_usage"))
            return
    key = "school.dutch_original_on" if school.dutch_below else "school.dutch_original_off"
    await reply(update, context.t(key))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """School settings commands."""
    app.add_handler(CommandHandler("quiethours", quiet_hours), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("retention", retention), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("dutchoriginal", dutch_original), group=GROUP_FEATURES)
