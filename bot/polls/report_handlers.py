"""Coordinators read poll results: live totals and a chart in the bot, CSV and XLSX exports."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.core.limits import cut
from bot.models import Poll, PollStatus, Role
from bot.onboarding.handlers import stale
from bot.polls import service as svc
from bot.polls.chart import render_chart
from bot.polls.export import tables, to_csv, to_xlsx
from bot.polls.flows import Flow
from bot.polls.jobs import tell_author_closed, unschedule
from bot.polls.results import Results, invited
from bot.polls.tally import tally_cached
from bot.polls.views import local, poll_flow, when
from bot.telegram.common import GROUP_FEATURES, Button, keyboard, pressed, reply
from bot.telegram.context import BotContext

MAX_TEXTS_SHOWN = 10


def status_line(context: BotContext, poll: Poll) -> str:
    """Open until when, or closed."""
    if poll.status == PollStatus.OPEN:
        return context.t(
            "poll.status_open", date=when(poll.closes_at, context.services.settings.tz)
        )
    return context.t("poll.status_closed")


def report_buttons(context: BotContext, poll: Poll) -> InlineKeyboardMarkup:
    """Refresh, exports, and Close while open."""
    rows: list[list[Button]] = [
        [(context.t("poll.results_button"), f"pr:{poll.id}")],
        [
            (context.t("poll.export_csv"), f"pe:{poll.id}:csv"),
            (context.t("poll.export_xlsx"), f"pe:{poll.id}:xlsx"),
        ],
    ]
    if poll.status == PollStatus.OPEN:
        rows.append([(context.t("poll.close_button"), f"pz:{poll.id}")])
    return keyboard(rows)


def results_text(context: BotContext, results: Results) -> str:
    """The totals for the whole school, the class groups, and the free texts where allowed."""
    lang, flow, t, tn = context.lang, results.flow, context.t, context.tn
    lines = [f"{flow.emoji} {local(flow.title, lang)}", status_line(context, results.poll)]
    if results.poll.status == PollStatus.OPEN:  # answers are published k at a time (batches.py)
        lines.append(t("poll.batch_note", k=results.poll.batch))
    lines.append(
        tn(
            "poll.respondents",
            results.respondents,
            count=results.respondents,
            invited=invited(results.poll),
        )
    )
    if results.hidden:
        lines += ["", tn("poll.too_few", results.min_group, min=results.min_group)]
        return "\n".join(lines)
    for q in results.groups[0].questions:
        lines += ["", f"❓ {local(q.question.text, lang)} ({q.answered})"]
        for o in q.question.options:
            lines.append(
                f"{o.emoji} {local(o.text, lang)}: {q.counts.get(o.id, 0)} ({q.percent(o.id)}%)"
            )
        if q.question.other:
            lines.append(f"{t('poll.other_label')}: {q.counts.get('', 0)} ({q.percent('')}%)")
    if len(results.groups) > 1:
        parts = [
            f"{g.name or t('poll.other_classes')}: {g.respondents}" for g in results.groups[1:]
        ]
        lines += ["", t("poll.per_class", groups=" · ".join(parts))]
    if results.texts_total and results.texts_hidden:
        lines += ["", tn("poll.texts_hidden", results.min_text, min=results.min_text)]
    elif results.texts:
        lines += ["", t("poll.texts_heading", count=len(results.texts))]
        for x in results.texts[:MAX_TEXTS_SHOWN]:
            lines.append(f"• {x.text}" + (f"\n  🇳🇱 {x.text_nl}" if x.text_nl else ""))
    return cut("\n".join(lines))


async def _coordinator_poll(
    update: Update, context: BotContext, verb: str, shape: str
) -> tuple[Poll, Flow, tuple[str, ...]] | None:
    member, fields = context.member, pressed(update, verb, shape)
    if member is None or member.role != Role.COORDINATOR or fields is None:
        await stale(update, context)
        return None
    async with context.services.sessions() as session:
        poll = await session.get(Poll, fields.numbers[0])
    flow = poll_flow(context.services, poll)
    if (
        poll is None
        or flow is None
        or poll.school_id != member.school_id
        or poll.status == PollStatus.DRAFT
    ):
        await stale(update, context)
        return None
    return poll, flow, fields.words


async def results(update: Update, context: BotContext) -> None:
    """The live totals as text, and as a chart image when the group is large enough."""
    found = await _coordinator_poll(update, context, "pr", "#")
    if found is None or update.callback_query is None:
        return
    poll, flow, _ = found
    async with context.services.sessions() as session:
        figures = await tally_cached(session, poll=poll, flow=flow)
    await update.callback_query.answer()
    await reply(update, results_text(context, figures), report_buttons(context, poll))
    if not figures.hidden and update.effective_chat is not None:
        title = f"{flow.emoji} {local(flow.title, context.lang)}"
        subtitle = context.tn(
            "poll.respondents",
            figures.respondents,
            count=figures.respondents,
            invited=invited(poll),
        )
        png = render_chart(
            figures,
            lang=context.lang,
            title=title,
            subtitle=subtitle,
            other_label=context.t("poll.other_label"),
        )
        await update.effective_chat.send_photo(png, caption=title)


async def export(update: Update, context: BotContext) -> None:
    """A CSV (totals and free texts) or an XLSX file of a poll's results."""
    found = await _coordinator_poll(update, context, "pe", "#w")
    if found is None or update.callback_query is None or update.effective_chat is None:
        return
    poll, flow, (kind,) = found
    if kind not in ("csv", "xlsx"):
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        figures = await tally_cached(session, poll=poll, flow=flow)
    data = tables(figures, context.services.catalogs, context.lang)
    await update.callback_query.answer()
    chat, base = update.effective_chat, f"poll-{poll.id}-{flow.id}"
    if kind == "xlsx":
        await chat.send_document(to_xlsx(data), filename=f"{base}.xlsx")
        return
    await chat.send_document(to_csv(data.totals_header, data.totals), filename=f"{base}-totals.csv")
    await chat.send_document(to_csv(data.texts_header, data.texts), filename=f"{base}-texts.csv")


async def export_command(update: Update, context: BotContext) -> None:
    """/export: the polls whose results can be downloaded."""
    services = context.services
    async with services.sessions() as session:
        found = await svc.polls_of(session, school_id=services.school_id)
    rows: list[list[Button]] = []
    for poll in found[:8]:
        flow = poll_flow(services, poll)
        if flow is not None:
            rows.append(
                [
                    (
                        f"{flow.emoji} {local(flow.title, context.lang)} · {when(poll.closes_at, services.settings.tz)}",
                        f"pr:{poll.id}",
                    )
                ]
            )
            rows.append(
                [
                    (context.t("poll.export_csv"), f"pe:{poll.id}:csv"),
                    (context.t("poll.export_xlsx"), f"pe:{poll.id}:xlsx"),
                ]
            )
    await reply(
        update,
        context.t("poll.export_choose" if rows else "poll.none"),
        keyboard(rows) if rows else None,
    )


async def close_now(update: Update, context: BotContext) -> None:
    """Close an open poll before its deadline."""
    found = await _coordinator_poll(update, context, "pz", "#")
    if found is None or update.callback_query is None:
        return
    poll = found[0]
    async with context.services.sessions() as session:
        poll = await session.get(Poll, poll.id) or poll
        closed = await svc.close(session, poll=poll)
    if not closed:
        await stale(update, context)
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(
        reply_markup=report_buttons(context, poll)
    )
    unschedule(context.services, poll.id or 0)
    await tell_author_closed(context.bot, context.services, poll)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/export and the results, export and close buttons."""
    app.add_handler(CommandHandler("export", export_command), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(results, pattern=r"^pr:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(export, pattern=r"^pe:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(close_now, pattern=r"^pz:"), group=GROUP_FEATURES)
