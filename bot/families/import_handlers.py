"""/import: a coordinator sends the administration's pupil list (CSV or XLSX), reads what it would
do, and confirms (or says it is next school year's list, or cancels). Nothing is written before."""

from __future__ import annotations

import asyncio
import itertools

from telegram import InputFile, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.families import import_views as views
from bot.families import roster, roster_apply, roster_service
from bot.models import Role
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, done_with_buttons, keyboard, pressed, reply, stale
from bot.telegram.context import BotContext

AWAITING = "awaiting_roster_file"
PLAN = "roster_plan"  # user_data: (token, parsed file, file name) until confirmed or cancelled
CAPTION = filters.Document.ALL & filters.CaptionRegex(r"^/import(@\w+)?(\s|$)")
_tokens = itertools.count(1)


async def start_import(update: Update, context: BotContext) -> None:
    """/import: ask for the file."""
    pending.ask(context, AWAITING, True)
    await reply(update, context.t("roster.send_file", max="2 MB", rows=roster.MAX_ROWS))


async def file_sent(update: Update, context: BotContext) -> None:
    """The pupil list (after /import, or with /import as its caption): the report, then buttons."""
    if context.user_data is not None:
        context.user_data.pop(AWAITING, None)
    msg = update.effective_message
    parsed = await _read(update, context) if msg is not None and msg.document else None
    if msg is None or msg.document is None or parsed is None:
        raise ApplicationHandlerStop
    try:  # the export often holds more than the bot keeps: not left in the chat either
        removed = await msg.delete()
    except TelegramError:
        removed = False
    services = context.services
    async with services.sessions() as session:
        plan = await roster_service.plan_import(
            session, school_id=services.school_id, parsed=parsed
        )
    token = next(_tokens)
    if context.user_data is not None:
        context.user_data[PLAN] = (token, parsed)
    report = InputFile(views.report_csv(context, plan), filename="import-report.csv")
    await msg.chat.send_document(report, caption=context.t("roster.report_caption"))
    text = views.report_text(context, plan, msg.document.file_name or "", removed=removed)
    await reply(update, text, keyboard(views.buttons(context, token)))
    raise ApplicationHandlerStop


async def _read(update: Update, context: BotContext) -> roster.Parsed | None:
    """The file read and checked (coordinators only); None after saying why not."""
    member, msg = context.member, update.effective_message
    assert msg is not None and msg.document is not None
    if member is None or member.role != Role.COORDINATOR:
        await reply(update, context.t("error.not_allowed"))
        return None
    document, name = msg.document, msg.document.file_name or ""
    if (document.file_size or 0) > roster.MAX_BYTES:  # not even downloaded
        await reply(update, context.t("roster.too_big", max="2 MB"))
        return None
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        return await asyncio.to_thread(lambda: roster.parse(roster.read_table(data, name)))
    except roster.RosterFileError as err:
        await reply(update, context.t(err.key, **err.values))
        return None


async def decide(update: Update, context: BotContext) -> None:
    """Import / next school year / cancel under the report."""
    fields, member, user_data = pressed(update, "imp", "w#"), context.member, context.user_data
    kept = (user_data or {}).get(PLAN)
    if (
        fields is None
        or member is None
        or member.role != Role.COORDINATOR
        or kept is None
        or kept[0] != fields.numbers[0]
        or fields.words[0] not in ("go", "year", "no")
    ):
        await stale(update, context)
        return
    if user_data is not None:
        user_data.pop(PLAN, None)
    if fields.words[0] == "no":
        await done_with_buttons(update, context, context.t("common.cancelled"))
        return
    services = context.services
    async with services.sessions() as session:  # the roster may have changed since the report
        plan = await roster_service.plan_import(
            session, school_id=services.school_id, parsed=kept[1]
        )
        done = await roster_apply.apply_import(
            session,
            school_id=services.school_id,
            plan=plan,
            next_year=fields.words[0] == "year",
            now=services.clock.now(),
        )
    await done_with_buttons(update, context, views.outcome(context, done))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/import, a file with /import as caption, the file after /import, the report's buttons."""
    app.add_handler(CommandHandler("import", start_import), group=GROUP_FEATURES)
    app.add_handler(MessageHandler(CAPTION, file_sent), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(decide, pattern=r"^imp:"), group=GROUP_FEATURES)
    pending.expect(app, AWAITING, file_sent, accepts=filters.Document.ALL)
