"""Coordinators start polls: /polls, pick a flow, choose classes and closing date, preview, launch."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.announcements import service as ann
from bot.announcements.handlers import held_until
from bot.core.limits import whole_number
from bot.models import Member, Poll, PollStatus, Role
from bot.onboarding.handlers import stale
from bot.polls import editor
from bot.polls import flow_edits as edits
from bot.polls import service as svc
from bot.polls.flows import Flow
from bot.polls.jobs import schedule, send_invitations
from bot.polls.report_handlers import report_buttons, status_line
from bot.polls.views import local, poll_flow, preview, when
from bot.telegram.common import GROUP_FEATURES, Button, in_columns, keyboard, pressed, reply
from bot.telegram.context import BotContext

DEADLINES = (3, 7, 14)  # days
DEFAULT_DAYS = 7
CLOSING_HOUR = time(18, 0)
MAX_OWN_SHOWN = 8  # the school's own polls in /polls, newest


def closing(context: BotContext, days: int) -> datetime:
    """`days` from today at 18:00 school time."""
    tz = context.services.settings.tz
    day = context.services.clock.now().astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(day, CLOSING_HOUR, tzinfo=tz)


def coordinator(context: BotContext) -> Member | None:
    """The current member if a coordinator (buttons are not gated like commands are)."""
    member = context.member
    return member if member is not None and member.role == Role.COORDINATOR else None


async def polls_command(update: Update, context: BotContext) -> None:
    """/polls: start a poll from a flow, or open the results of an earlier one."""
    services, lang = context.services, context.lang
    adapt = context.t("poll.adapt_button")
    rows: list[list[Button]] = [
        [(f"🆕 {f.emoji} {local(f.title, lang)}", f"pn:{f.id}"), (adapt, f"pa:new:{f.id}")]
        for f in services.flows.values()
        if f.audience == "classes"  # the thank-you poll after a meeting starts by itself
    ]
    async with services.sessions() as session:
        own = await editor.own_polls(session, school_id=services.school_id)
        earlier = (await svc.polls_of(session, school_id=services.school_id))[:8]
    for row in own[-MAX_OWN_SHOWN:]:
        raw = json.loads(row.definition)
        label = f"🆕 🏫 {raw.get('emoji', '')} {local(raw['title'], lang)}"
        rows.append([(label, f"pn:{editor.own_flow_id(row.id or 0)}"), (adapt, f"pa:v:{row.id}")])
    for poll in earlier:
        flow = poll_flow(services, poll)
        if flow is not None:
            label = f"📊 {flow.emoji} {local(flow.title, lang)} · {status_line(context, poll)}"
            rows.append([(label, f"pr:{poll.id}")])
    await reply(update, context.t("poll.menu") + "\n" + context.t("poll.menu_own"), keyboard(rows))


async def new_poll(update: Update, context: BotContext) -> None:
    """A flow was picked: a draft for every class, closing in a week."""
    query, member, fields = update.callback_query, coordinator(context), pressed(update, "pn", "w")
    services, flow_id = context.services, fields.words[0] if fields else ""
    flow = await chosen_flow(context, flow_id) if fields else None
    if flow is not None and flow.audience != "classes":
        flow = None
    if query is None or member is None or fields is None or flow is None:
        if query is not None and editor.own_id_of(flow_id) is not None:
            await query.answer(context.t("poll.edit_gone"), show_alert=True)
            return
        await stale(update, context)
        return
    async with services.sessions() as session:
        classes = await ann.audience_classes(session, member=member)
        if not classes:
            await query.answer(context.t("announce.no_class"), show_alert=True)
            return
        poll = await svc.create_draft(
            session, school_id=services.school_id, author=member, flow=flow,
            class_ids=[c.id for c in classes if c.id], closes_at=closing(context, DEFAULT_DAYS),
            now=services.clock.now(),
        )  # fmt: skip
    await query.answer()
    text, markup = await draft_view(context, poll, member)
    await query.edit_message_text(text, reply_markup=markup)


async def chosen_flow(context: BotContext, flow_id: str) -> Flow | None:
    """A shipped flow, or one of the school's own polls (None: no such flow, or deleted)."""
    services = context.services
    own_id = editor.own_id_of(flow_id)
    if own_id is None:
        return services.flows.get(flow_id)
    async with services.sessions() as session:
        try:
            own = await editor.get_own(
                session, school_id=services.school_id, own_id=own_id,
                languages=services.catalogs.languages,
            )  # fmt: skip
        except edits.EditError:
            return None
    return own.flow


async def draft_view(
    context: BotContext, poll: Poll, member: Member
) -> tuple[str, InlineKeyboardMarkup]:
    """The draft: flow, audience, closing date; class toggles, deadlines, previews, Launch."""
    services, lang = context.services, context.lang
    flow = poll_flow(services, poll)
    assert flow is not None  # drafts are made from a flow that loads
    chosen = set(svc.class_ids_of(poll))
    async with services.sessions() as session:
        classes = await ann.audience_classes(session, member=member)
        people = await svc.audience(session, poll=poll)
    names = ", ".join(c.name for c in classes if c.id in chosen)
    text = context.t(
        "poll.draft", emoji=flow.emoji, title=local(flow.title, lang), classes=names,
        questions=context.tn("count.questions", len(flow.questions), count=len(flow.questions)),
        parents=context.tn("count.parents", len(people), count=len(people)),
        date=when(poll.closes_at, services.settings.tz),
    )  # fmt: skip
    rows: list[list[Button]] = []
    if len(classes) > 1:
        every = all(c.id in chosen for c in classes)
        rows.append(
            [(("✅ " if every else "◻️ ") + context.t("poll.whole_school"), f"pc:{poll.id}:all")]
        )
        toggles = [
            (("✅ " if c.id in chosen else "◻️ ") + c.name, f"pc:{poll.id}:{c.id}") for c in classes
        ]
        rows += in_columns(toggles, 3)
    deadline_row = []
    for days in DEADLINES:
        mark = "✅ " if closing(context, days) == poll.closes_at else ""
        deadline_row.append(
            (mark + context.tn("poll.days_button", days, days=days), f"pt:{poll.id}:{days}")
        )
    rows.append(deadline_row)
    languages = [
        (
            f"👁️ {services.catalogs.language_name(code, lang)}",
            f"pv:{poll.id}:{code}",
        )
        for code in services.catalogs.languages
    ]
    rows += in_columns(languages, 3)
    rows.append(
        [
            (context.t("poll.launch_button"), f"pl:{poll.id}"),
            (context.t("poll.cancel_button"), f"pk:{poll.id}"),
        ]
    )
    return text, keyboard(rows)


async def own_draft(
    update: Update, context: BotContext, verb: str, shape: str
) -> tuple[Poll, Member, tuple[str, ...]] | None:
    """The draft a `verb:<poll id>...` button is about, if this coordinator's and still a draft."""
    member, fields = coordinator(context), pressed(update, verb, shape)
    if member is None or fields is None:
        await stale(update, context)
        return None
    async with context.services.sessions() as session:
        poll = await session.get(Poll, fields.numbers[0])
    if poll is None or poll.author_id != member.id or poll.status != PollStatus.DRAFT:
        await stale(update, context)
        return None
    return poll, member, fields.words


async def edit_draft(update: Update, context: BotContext) -> None:
    """A class toggle (or the whole school) or a closing date on a draft."""
    query = update.callback_query
    verb = (query.data or "")[:2] if query else ""
    found = await own_draft(update, context, verb, "#w")
    if found is None or query is None:
        return
    poll, member, (value,) = found
    number = whole_number(value)
    async with context.services.sessions() as session:
        allowed = {c.id for c in await ann.audience_classes(session, member=member) if c.id}
        chosen = set(svc.class_ids_of(poll))
        if verb == "pt" and number in DEADLINES:
            poll.closes_at = closing(context, number or 0)
        elif verb == "pc" and value == "all":
            chosen = set(allowed)
        elif verb == "pc" and number in allowed:
            chosen ^= {number or 0}
        else:
            await stale(update, context)
            return
        if chosen:  # the last class stays
            poll.class_ids = ",".join(str(c) for c in sorted(chosen))
        session.add(poll)
        await session.commit()
        await session.refresh(poll)
    await query.answer()
    text, markup = await draft_view(context, poll, member)
    await query.edit_message_text(text, reply_markup=markup)


async def preview_in(update: Update, context: BotContext) -> None:
    """The poll as a parent reads it, in the chosen language (a new message)."""
    found = await own_draft(update, context, "pv", "#w")
    if found is None:
        return
    poll, _member, (lang,) = found
    catalogs = context.services.catalogs
    if not catalogs.has(lang):
        await stale(update, context)
        return
    flow = poll_flow(context.services, poll)
    if flow is None:
        await stale(update, context)
        return
    text = preview(
        catalogs, flow, closes_at=poll.closes_at, tz=context.services.settings.tz, lang=lang
    )
    assert update.callback_query is not None
    await update.callback_query.answer()
    await reply(update, text)


async def launch(update: Update, context: BotContext) -> None:
    """Launch: the poll opens; parents get it now, or when the quiet hours end."""
    found = await own_draft(update, context, "pl", "#")
    if found is None:
        return
    poll, member, _ = found
    services, query = context.services, update.callback_query
    assert query is not None
    async with services.sessions() as session:
        people = await svc.audience(session, poll=poll)
        if not people:
            await query.answer(context.t("poll.no_parents"), show_alert=True)
            return
        held = await held_until(context)
        now = services.clock.now()
        opened = await svc.launch(
            session, poll_id=poll.id or 0, author_id=member.id or 0, now=now, invite_at=held or now
        )
        if opened is not None:  # an own poll stays as it was launched
            await editor.mark_launched(session, school_id=poll.school_id, flow_id=poll.flow_id)
    if opened is None:
        await stale(update, context)
        return
    await query.answer()
    await schedule(services, context.bot)  # reminders and closing (and the morning, if quiet)
    if held is not None:
        at = held.astimezone(services.settings.tz).strftime("%H:%M")
        await query.edit_message_text(
            context.t("poll.launched_quiet", time=at), reply_markup=report_buttons(context, opened)
        )
        return
    await query.edit_message_text(
        context.tn("poll.launched", len(people), count=len(people)),
        reply_markup=report_buttons(context, opened),
    )
    context.application.create_task(
        send_invitations(context.bot, services, poll.id or 0), update=update
    )


async def cancel(update: Update, context: BotContext) -> None:
    """Cancel a draft."""
    found = await own_draft(update, context, "pk", "#")
    if found is None:
        return
    poll = found[0]
    async with context.services.sessions() as session:
        poll.status = PollStatus.CANCELLED
        session.add(poll)
        await session.commit()
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(context.t("poll.cancelled"))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/polls and the draft buttons."""
    app.add_handler(CommandHandler("polls", polls_command), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(new_poll, pattern=r"^pn:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(edit_draft, pattern=r"^p[ct]:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(preview_in, pattern=r"^pv:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(launch, pattern=r"^pl:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(cancel, pattern=r"^pk:"), group=GROUP_FEATURES)
