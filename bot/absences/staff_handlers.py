"""A teacher marks a child absent without a note: the family gets a gentle question in its
language (sick / coming later / other); the first answer reaches the teacher."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.absences import jobs, marks, service
from bot.absences.views import answer_buttons, reason_name
from bot.classes.service import list_classes
from bot.models import AbsenceReason, Member, Role
from bot.read_aloud.jobs import after_text
from bot.telegram.common import (
    GROUP_FEATURES,
    done_with_buttons,
    in_columns,
    keyboard,
    pressed,
    reply,
    stale,
)
from bot.telegram.context import BotContext


async def mark_start(update: Update, context: BotContext) -> None:
    """/absent for staff: which class (a coordinator sees every class)."""
    member, services = context.member, context.services
    if member is None or member.id is None:
        return
    own = None if member.role == Role.COORDINATOR else member.id
    async with services.sessions() as session:
        classes = await list_classes(session, school_id=services.school_id, member_id=own)
    if not classes:
        await reply(update, context.t("absence.no_classes"))
        return
    buttons = [(c.name, f"abt:c:{c.id}") for c in classes]
    await reply(update, context.t("absence.mark_class"), keyboard(in_columns(buttons, 3)))


async def class_chosen(update: Update, context: BotContext) -> None:
    """A class: its children as buttons."""
    fields, member, services = pressed(update, "abt", "w#"), context.member, context.services
    if fields is None or member is None or fields.words[0] != "c":
        await stale(update, context)
        return
    async with services.sessions() as session:
        allowed = await service.teaches(session, member=member, class_id=fields.numbers[0])
        kids = await service.children(session, class_id=fields.numbers[0]) if allowed else []
    if not kids:
        await stale(update, context)
        return
    buttons = [(c.label, f"abt:p:{c.pupil_id}") for c in kids]
    query = update.callback_query
    assert query is not None
    await query.answer()
    await jobs.edit(query, context.t("absence.mark_child"), keyboard(in_columns(buttons, 2)))


async def child_chosen(update: Update, context: BotContext) -> None:
    """A child: marked absent today; its guardians are asked, each in their language."""
    fields, member, services = pressed(update, "abt", "w#"), context.member, context.services
    if fields is None or member is None or fields.words[0] != "p":
        await stale(update, context)
        return
    now = services.clock.now()
    async with services.sessions() as session:
        child = await service.pupil_child(session, pupil_id=fields.numbers[0])
        allowed = child is not None and await service.teaches(
            session, member=member, class_id=child.class_id
        )
        if child is None or not allowed:
            absence, guardians = None, []
        else:
            today = now.astimezone(services.settings.tz).date()
            absence = await marks.mark(
                session, school_id=services.school_id, teacher=member, child=child, day=today,
                now=now,
            )  # fmt: skip
            guardians = await marks.guardians_of(session, pupil_id=child.pupil_id)
    if absence is None or child is None:
        await stale(update, context)
        return
    asked = await ask_family(context, guardians, absence.id or 0, child.first_name)
    text = context.tn("absence.marked", asked, count=asked, child=child.label)
    await done_with_buttons(update, context, text)


async def ask_family(context: BotContext, guardians: list[Member], absence_id: int, name: str) -> int:  # fmt: skip
    """The gentle question to each guardian in their language; how many got it."""
    catalogs, asked = context.services.catalogs, 0
    for person in guardians:
        lang = catalogs.pick(person.language, person.second_language)
        text = catalogs.t(lang, "absence.question", child=name)
        markup = keyboard(answer_buttons(catalogs, lang, absence_id))
        if went := await jobs.send_one(context.bot, person, text, markup):
            after_text(context.services, person, text, language=lang)  # 🔊 read aloud
        asked += went
    return asked


async def answered(update: Update, context: BotContext) -> None:
    """A guardian's answer: the first reaches the teacher (in Dutch); later ones are thanked."""
    fields, member, services = pressed(update, "abq", "#w"), context.member, context.services
    reasons = {r.value: r for r in service.ANSWER_REASONS}
    if fields is None or member is None or member.id is None or fields.words[0] not in reasons:
        await stale(update, context)
        return
    async with services.sessions() as session:
        done = await marks.answer_mark(
            session, absence_id=fields.numbers[0], member_id=member.id,
            reason=reasons[fields.words[0]], now=services.clock.now(),
        )  # fmt: skip
        teacher = (
            await session.get(Member, done.absence.reported_by)
            if done and done.first and done.absence.reported_by
            else None
        )
        team = [teacher] if teacher is not None else []
        if done and done.first and not team:  # the teacher who asked left: the class team
            team = await service.class_team(
                session, school_id=services.school_id, class_id=done.absence.class_id
            )
    if done is None:
        await stale(update, context)
        return
    if not done.first:
        await done_with_buttons(update, context, context.t("absence.answer_already"))
        return
    for person in team:
        lang = services.catalogs.pick(person.language)
        text = services.catalogs.t(
            lang, "absence.answer_team", parent=member.first_name, child=done.child.label,
            reason=reason_name(services.catalogs, lang, done.absence.reason),
        )  # fmt: skip
        await jobs.send(services, context.bot, [person], text)
    reason = reason_name(services.catalogs, context.lang, AbsenceReason(fields.words[0]))
    await done_with_buttons(update, context, context.t("absence.answer_thanks", reason=reason))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The staff's class and child buttons, and the families' answers."""
    app.add_handler(CallbackQueryHandler(class_chosen, pattern=r"^abt:c:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(child_chosen, pattern=r"^abt:p:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(answered, pattern=r"^abq:"), group=GROUP_FEATURES)
