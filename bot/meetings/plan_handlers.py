"""/oudercontact (/slots): a teacher sets up a meeting evening (when, slot length, a break, where,
which classes, families they would like to see) and publishes it; the families get the times."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, CommandHandler

from bot.announcements.service import audience_classes
from bot.families.service import children
from bot.invitations.service import parse_span
from bot.meetings import jobs, views
from bot.meetings import service as meet
from bot.models import Member, Role
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, Button, in_columns, keyboard, pressed, reply, stale
from bot.telegram.context import BotContext

AWAITING = "awaiting_meeting_plan"  # the typed answers: when, the break, the place
DRAFT = "meeting_plan_draft"
EXAMPLE, BREAK_EXAMPLE = "10/12 16:00-19:00", "17:30-17:45"
MAX_PLACE = 200


async def start(update: Update, context: BotContext) -> None:
    """/oudercontact: ask when the evening is."""
    if context.user_data is None:
        return
    context.user_data.pop(DRAFT, None)
    pending.ask(context, AWAITING, "when")
    await reply(update, context.t("meet.ask_when", example=EXAMPLE))


async def typed(update: Update, context: BotContext) -> None:
    """The teacher's typed answers, step by step."""
    user_data, msg = context.user_data, update.effective_message
    if user_data is None or msg is None or AWAITING not in user_data:
        return
    step, text, services = user_data[AWAITING], (msg.text or "").strip(), context.services
    draft = user_data.setdefault(DRAFT, {})
    if step == "when":
        span = parse_span(text, now=services.clock.now(), tz=services.settings.tz, minutes=120)
        if isinstance(span, str):
            await reply(update, context.t(span, example=EXAMPLE, days=90))
            raise ApplicationHandlerStop
        draft.update(starts=span[0].isoformat(), ends=span[1].isoformat(), breaks=[])
        user_data[AWAITING] = "length"
        rows = [[(context.tn("meet.minutes", n, minutes=n), f"mp:len:{n}") for n in meet.LENGTHS]]
        await reply(update, context.t("meet.ask_length"), keyboard(rows))
    elif step == "break":
        starts, ends = datetime.fromisoformat(draft["starts"]), datetime.fromisoformat(draft["ends"])  # fmt: skip
        if meet.parse_break(text, starts=starts, ends=ends, tz=services.settings.tz) is None:
            await reply(update, context.t("meet.bad_break", example=BREAK_EXAMPLE))
            raise ApplicationHandlerStop
        draft["breaks"].append(text.replace(" ", ""))
        await _ask_place(update, context)
    elif step == "place":
        if not 2 <= len(text) <= MAX_PLACE:
            await reply(update, context.tn("event.bad_length", MAX_PLACE, min=2, max=MAX_PLACE))
            raise ApplicationHandlerStop
        user_data.pop(AWAITING)
        draft.update(place=text, invited=[], only=False)
        await _preview(update, context, draft, edit=False)
    raise ApplicationHandlerStop


async def _ask_place(update: Update, context: BotContext) -> None:
    pending.ask(context, AWAITING, "place")
    await reply(update, context.t("meet.ask_place"))


async def _preview(update: Update, context: BotContext, draft: dict, *, edit: bool) -> None:  # type: ignore[type-arg]
    """The evening as set up, with the classes to tick, families to invite, and Publish."""
    services, member, tz, lang = (
        context.services,
        context.member,
        context.services.settings.tz,
        context.lang,
    )
    assert member is not None
    async with services.sessions() as session:
        classes = await audience_classes(session, member=member)
    if "classes" not in draft:
        draft["classes"] = [c.id for c in classes] if len(classes) == 1 else []
    starts, ends = datetime.fromisoformat(draft["starts"]), datetime.fromisoformat(draft["ends"])
    spans = [s for b in draft["breaks"] if (s := meet.parse_break(b, starts=starts, ends=ends, tz=tz))]  # fmt: skip
    count = len(meet.slot_times(starts=starts, ends=ends, minutes=draft["minutes"], breaks=spans))
    closes = meet.deadline_for(starts, services.clock.now())
    text = context.tn(
        "meet.preview", count, count=count, day=views.day(starts, tz=tz, lang=lang),
        start=views.clock(starts, tz=tz), end=views.clock(ends, tz=tz), place=draft["place"],
        minutes=draft["minutes"], breaks=", ".join(draft["breaks"]) or "–",
        deadline=f"{views.day(closes, tz=tz, lang=lang)} {views.clock(closes, tz=tz)}",
        invited=len(draft["invited"]),
    )  # fmt: skip
    rows: list[list[Button]] = in_columns(
        [(("✅ " if c.id in draft["classes"] else "▫️ ") + c.name, f"mp:cls:{c.id}") for c in classes], 3
    )  # fmt: skip
    if member.role == Role.COORDINATOR:  # an evening for one of the classes' teachers
        async with services.sessions() as session:
            teachers = await meet.class_teachers(session, class_ids=draft["classes"])
        draft.setdefault("teacher", member.id)
        picks = [(("✅ " if t.id == draft["teacher"] else "👩‍🏫 ") + t.first_name, f"mp:tch:{t.id}") for t in teachers]  # fmt: skip
        rows += in_columns(picks, 2)
    rows.append([(context.t("meet.families_button"), "mp:fams:0")])
    if draft["invited"]:
        only = "meet.only_invited_on" if draft["only"] else "meet.only_invited_off"
        rows.append([(context.t(only), "mp:only:0")])
    rows.append([(context.t("meet.publish_button"), "mp:pub:0")])
    if edit and update.callback_query is not None:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard(rows))
    else:
        await reply(update, text, keyboard(rows))


async def choose(update: Update, context: BotContext) -> None:
    """The set-up buttons: slot length, no break, classes, families, only invited, publish."""
    fields, query, user_data = pressed(update, "mp", "w#"), update.callback_query, context.user_data
    draft = user_data.get(DRAFT) if user_data is not None else None
    if fields is None or query is None or draft is None or context.member is None:
        await stale(update, context)
        return
    action, number = fields.words[0], fields.numbers[0]
    if action == "len" and number in meet.LENGTHS and "starts" in draft:
        draft["minutes"] = number
        pending.ask(context, AWAITING, "break")
        await query.answer()
        rows = [[(context.t("meet.no_break"), "mp:nobreak:0")]]
        await reply(update, context.t("meet.ask_break", example=BREAK_EXAMPLE), keyboard(rows))
    elif action == "nobreak" and "minutes" in draft and "place" not in draft:
        await query.answer()
        await _ask_place(update, context)
    elif "place" not in draft:
        await stale(update, context)
    elif action == "cls":
        async with context.services.sessions() as session:
            allowed = {c.id for c in await audience_classes(session, member=context.member)}
        if number not in allowed:
            await stale(update, context)
            return
        draft["classes"] = sorted(set(draft["classes"]) ^ {number})
        await query.answer()
        await _preview(update, context, draft, edit=True)
    elif action == "tch" and context.member.role == Role.COORDINATOR:
        async with context.services.sessions() as session:
            teachers = {
                t.id for t in await meet.class_teachers(session, class_ids=draft["classes"])
            }
        if number not in teachers:
            await stale(update, context)
            return
        draft["teacher"] = number
        await query.answer()
        await _preview(update, context, draft, edit=True)
    elif action in ("fams", "fam"):
        await _families(update, context, draft, number if action == "fam" else None)
    elif action in ("only", "back"):
        draft["only"] = not draft["only"] if action == "only" else draft["only"]
        await query.answer()
        await _preview(update, context, draft, edit=True)
    elif action == "pub":
        await _publish(update, context, draft)
    else:
        await stale(update, context)


async def _families(
    update: Update, context: BotContext, draft: dict, family_id: int | None
) -> None:  # type: ignore[type-arg]
    """Tap the families you would like to see (⭐): they get a personal line."""
    query = update.callback_query
    assert query is not None
    async with context.services.sessions() as session:
        kids = [
            c for class_id in draft["classes"] for c in await children(session, class_id=class_id)
        ]
    if family_id is not None:
        if family_id not in {c.family_id for c in kids}:
            await stale(update, context)
            return
        draft["invited"] = sorted(set(draft["invited"]) ^ {family_id})
    await query.answer()
    buttons = [(("⭐ " if c.family_id in draft["invited"] else "") + c.label, f"mp:fam:{c.family_id}") for c in kids]  # fmt: skip
    rows = [*in_columns(buttons[:90], 2), [(context.t("meet.back_button"), "mp:back:0")]]
    await query.edit_message_text(context.t("meet.pick_families"), reply_markup=keyboard(rows))


async def _publish(update: Update, context: BotContext, draft: dict) -> None:  # type: ignore[type-arg]
    """Publish: the slots are stored, the families get the free times, the jobs are armed."""
    services, member, query, user_data = context.services, context.member, update.callback_query, context.user_data  # fmt: skip
    assert (
        member is not None and member.id is not None and query is not None and user_data is not None
    )
    if not draft["classes"]:
        await query.answer(context.t("meet.no_classes"), show_alert=True)
        return
    starts = datetime.fromisoformat(draft["starts"])
    if meet.deadline_for(starts, services.clock.now()) <= services.clock.now():  # too late to book
        await query.answer(context.t("event.when_past", example=EXAMPLE), show_alert=True)
        return
    ends, tz = datetime.fromisoformat(draft["ends"]), services.settings.tz
    spans = [s for b in draft["breaks"] if (s := meet.parse_break(b, starts=starts, ends=ends, tz=tz))]  # fmt: skip
    if not meet.slot_times(starts=starts, ends=ends, minutes=draft["minutes"], breaks=spans):
        await query.answer(context.t("meet.no_slots"), show_alert=True)
        return
    if draft.get("teacher", member.id) != member.id:
        async with services.sessions() as session:
            teachers = {
                t.id for t in await meet.class_teachers(session, class_ids=draft["classes"])
            }
        if draft["teacher"] not in teachers:  # the classes changed after the teacher was picked
            draft["teacher"] = member.id
    user_data.pop(DRAFT, None)
    spec = meet.Draft(
        teacher_id=draft.get("teacher") or member.id, starts=starts, ends=datetime.fromisoformat(draft["ends"]),
        minutes=draft["minutes"], breaks=draft["breaks"], place=draft["place"],
        class_ids=draft["classes"], invited=draft["invited"], only_invited=draft["only"],
    )  # fmt: skip
    async with services.sessions() as session:
        plan = await meet.publish(session, school_id=services.school_id, draft=spec, tz=services.settings.tz, now=services.clock.now())  # fmt: skip
        reached = {c.family_id for c in await meet.audience(session, plan=plan)}
        families = len([f for f in reached if await meet.guardians_to_tell(session, family_id=f)])  # fmt: skip
    await query.answer()
    jobs.arm_plan(services, context.bot, plan, await jobs.quiet_hours(services))
    rows = [[(context.t("meet.overview_button"), f"mo:{plan.id}")]]
    await query.edit_message_text(context.tn("meet.published", families, count=families), reply_markup=keyboard(rows))  # fmt: skip
    if spec.teacher_id != member.id:  # published by a coordinator: the teacher gets it too
        async with services.sessions() as session:
            teacher = await session.get(Member, spec.teacher_id)
        if teacher is not None:
            lang = services.catalogs.pick(teacher.language)
            text = services.catalogs.tn(lang, "meet.published", families, count=families)
            mine = keyboard(
                [[(services.catalogs.t(lang, "meet.overview_button"), f"mo:{plan.id}")]]
            )
            await context.bot.send_message(teacher.chat_id, text, reply_markup=mine)
    await jobs.send_invitations(services, context.bot, plan.id or 0)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/oudercontact and /slots, the typed answers and the set-up buttons."""
    for name in ("oudercontact", "slots"):
        app.add_handler(CommandHandler(name, start), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(choose, pattern=r"^mp:"), group=GROUP_FEATURES)
    pending.expect(app, AWAITING, typed)
