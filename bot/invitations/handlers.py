"""Invitations: /meeting from a template (when, where), previewed and sent like an announcement; RSVP."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, CommandHandler

from bot.announcements import service as svc
from bot.announcements.draft_handlers import has_audience
from bot.core.limits import whole_number
from bot.invitations import option_handlers as invitation_options
from bot.invitations import service as inv
from bot.invitations.jobs import arm_reminders
from bot.invitations.option_handlers import compose, templates
from bot.models import Announcement, Delivery, Event
from bot.onboarding.handlers import stale
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, in_columns, keyboard, numeric_press, reply
from bot.telegram.context import BotContext

AWAITING = "awaiting_event"
EXAMPLE = "12/12 08:30-10:00"
MAX_TITLE, MAX_TEXT, MAX_PLACE = 80, 700, 200
DEFAULT_MINUTES = 60  # an own invitation with only a start time


async def meeting(update: Update, context: BotContext) -> None:
    """/meeting: pick a template, or write your own invitation."""
    buttons = [
        (f"{t.emoji} {t.title_in(context.lang)}", f"evt:{t.id}")
        for t in templates(context).values()
    ]
    buttons.append((context.t("event.own_button"), f"evt:{inv.OWN}"))
    await reply(update, context.t("event.pick_template"), keyboard(in_columns(buttons, 1)))


async def pick_template(update: Update, context: BotContext) -> None:
    """A template was chosen: ask when (for an own invitation: first the title and the text)."""
    query = update.callback_query
    template_id = (query.data or "").removeprefix("evt:") if query else ""
    if query is None or (template_id not in templates(context) and template_id != inv.OWN):
        await stale(update, context)
        return
    pending.ask(context, AWAITING, {"template": template_id})
    await query.answer()
    if template_id == inv.OWN:
        await reply(update, context.tn("event.ask_title", MAX_TITLE, max=MAX_TITLE))
        return
    await reply(update, context.t("event.ask_when", example=EXAMPLE))


async def details(update: Update, context: BotContext) -> None:
    """The organiser's answers: (title, text,) when, where; then the options."""
    user_data, msg, member = context.user_data, update.effective_message, context.member
    if user_data is None or msg is None or member is None or AWAITING not in user_data:
        return
    state, services, typed = (
        user_data[AWAITING],
        context.services,
        " ".join((msg.text or "").split()),
    )
    own = state["template"] == inv.OWN
    if own and "title" not in state:
        if not 3 <= len(typed) <= MAX_TITLE:
            await reply(update, context.tn("event.bad_length", MAX_TITLE, min=3, max=MAX_TITLE))
        else:
            state["title"] = typed
            await reply(update, context.tn("event.ask_text", MAX_TEXT, max=MAX_TEXT))
        raise ApplicationHandlerStop
    if own and "text" not in state:
        text = (msg.text or "").strip()
        if not 3 <= len(text) <= MAX_TEXT:
            await reply(update, context.tn("event.bad_length", MAX_TEXT, min=3, max=MAX_TEXT))
        else:
            state["text"] = text
            await reply(update, context.t("event.ask_when", example=EXAMPLE))
        raise ApplicationHandlerStop
    if "starts" not in state:
        now, tz = services.clock.now(), services.settings.tz
        minutes = DEFAULT_MINUTES if own else templates(context)[state["template"]].minutes
        span = inv.parse_span(msg.text or "", now=now, tz=tz, minutes=minutes)
        if isinstance(span, str):
            await reply(update, context.t(span, example=EXAMPLE, days=inv.MAX_AHEAD.days))
            raise ApplicationHandlerStop
        state["starts"], state["ends"] = span
        await reply(update, context.t("event.ask_place"))
        raise ApplicationHandlerStop
    if not 2 <= len(typed) <= MAX_PLACE:
        await reply(update, context.tn("event.bad_length", MAX_PLACE, min=2, max=MAX_PLACE))
        raise ApplicationHandlerStop
    user_data.pop(AWAITING)
    await create(update, context, state, typed)
    raise ApplicationHandlerStop


async def create(update: Update, context: BotContext, state: dict, place: str) -> None:  # type: ignore[type-arg]  # fmt: skip
    """The invitation becomes a draft announcement (in Dutch) with its event; then the options."""
    services, member = context.services, context.member
    assert member is not None
    template = templates(context).get(state["template"])
    async with services.sessions() as session:
        classes = await svc.audience_classes(session, member=member)
        if not await has_audience(update, context, session, classes):
            return
        event = Event(
            school_id=member.school_id, announcement_id=0, template=state["template"],
            title=template.title if template else state["title"],
            description=template.text if template else state["text"],
            starts_at=state["starts"], ends_at=state["ends"], place=place,
            children_welcome=template.children if template else True,
            created_at=services.clock.now(),
        )  # fmt: skip
        draft = await svc.create_draft(
            session, author=member, classes=classes, kind="invitation",
            text=compose(context, event), now=services.clock.now(),
        )  # fmt: skip
        event.announcement_id = draft.id or 0
        session.add(event)
        await session.commit()
        school = await svc.school_of(session, school_id=member.school_id)
    arm_reminders(services, context.bot, event, quiet=(school.quiet_start, school.quiet_end))
    await invitation_options.show(
        update, context, event, draft, template.picture if template else None
    )


async def rsvp(update: Update, context: BotContext) -> None:
    """I'll come / Maybe / I can't; after "I'll come": how many, and a wish for an interpreter."""
    query, press = update.callback_query, numeric_press(update, context, "rsvp")
    services = context.services
    async with services.sessions() as session:
        delivery = await session.get(Delivery, press.number) if press else None
        event = (
            await inv.event_of(session, announcement_id=delivery.announcement_id)
            if delivery
            else None
        )
        announcement = (
            await session.get(Announcement, delivery.announcement_id) if delivery else None
        )
        mine = press is not None and delivery is not None and delivery.member_id == press.member_id
        if query is None or press is None or event is None or not mine or announcement is None:
            await stale(update, context)
            return
        if event.status != "open" or event.starts_at <= services.clock.now():
            await query.answer(context.t("event.closed"), show_alert=True)
            return
        action = press.action
        answer = action if action in inv.ANSWERS else None
        people = whole_number(action[1:], high=10) if action.startswith("n") else None
        interpreter = True if action == "lang" and event.interpreter_offered else None
        if (people is not None and not 1 <= people <= 10) or (answer, people, interpreter) == (
            None,
            None,
            None,
        ):
            await stale(update, context)
            return
        await inv.record_answer(
            session, event=event, member=press.member, now=services.clock.now(),
            answer=answer, people=people, interpreter=interpreter,
        )  # fmt: skip
        await svc.mark_seen(
            session, delivery_id=press.number, member_id=press.member_id, now=services.clock.now()
        )
    await query.answer(context.t("event.thanks_" + (answer or "detail")))
    if answer == "yes":
        d = press.number
        rows = [[(str(n), f"rsvp:n{n}:{d}") for n in range(1, 6)]]
        if event.interpreter_offered:
            rows.append([(context.t("event.interpreter_button"), f"rsvp:lang:{d}")])
        await reply(update, context.t("event.how_many"), keyboard(rows))
    if services.sender is not None:
        services.sender.report_soon(announcement.id or 0)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/meeting, the template buttons, the organiser's answers, and the parents' RSVP buttons."""
    app.add_handler(CommandHandler("meeting", meeting), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(pick_template, pattern=r"^evt:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(rsvp, pattern=r"^rsvp:"), group=GROUP_FEATURES)
    pending.expect(app, AWAITING, details)
