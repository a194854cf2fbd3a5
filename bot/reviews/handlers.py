"""/reviewers (coordinators choose who checks which language) and the reviewers' answers:
✅ correct as it is, ✏️ improve (the corrected text typed in one message, or /cancel)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, CommandHandler

from bot.announcements.views import byline_of
from bot.core.limits import cut, utf16_len
from bot.models import Announcement, Member, Reviewer, ReviewRequest, Role
from bot.onboarding.handlers import stale
from bot.reviews import service as svc
from bot.reviews.jobs import answered
from bot.reviews.views import languages_keyboard, listing, people_keyboard
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, numeric_press, pressed, reply
from bot.telegram.context import BotContext

FIXING = "awaiting_review_fix"
LIMIT = 3500  # a correction's length (UTF-16): the copy, its heading and marks in one message


async def reviewers_command(update: Update, context: BotContext) -> None:
    """/reviewers: who checks which language's translations; add or remove one."""
    async with context.services.sessions() as session:
        people = await svc.reviewers(session)
    text, markup = listing(context.services.catalogs, context.lang, people)
    await reply(update, text, markup)


async def manage_button(update: Update, context: BotContext) -> None:
    """➕ add (pick a person, then a language) or ➖ remove a reviewer: coordinators only."""
    query, member = update.callback_query, context.member
    one, two = pressed(update, "rvw", "w#"), pressed(update, "rvw", "w#w")
    if query is None or member is None or member.role != Role.COORDINATOR or not (one or two):
        await stale(update, context)
        return
    services, catalogs, lang = context.services, context.services.catalogs, context.lang
    if one is not None and one.words[0] == "add" and one.numbers[0] == 0:
        async with services.sessions() as session:
            people = await svc.candidates(session, school_id=services.school_id)
        await query.answer()
        if not people:
            await reply(update, context.t("reviews.no_candidates"))
            return
        await reply(update, context.t("reviews.pick_member"), people_keyboard(people))
    elif one is not None and one.words[0] == "who":
        async with services.sessions() as session:
            allowed = {m.id: m for m in await svc.candidates(session, school_id=services.school_id)}
        person = allowed.get(one.numbers[0])
        if person is None:
            await stale(update, context)
            return
        await query.answer()
        await query.edit_message_text(
            context.t("reviews.pick_language", name=person.first_name),
            reply_markup=languages_keyboard(catalogs, lang, person.id or 0),
        )
    elif one is not None and one.words[0] == "del":
        await remove(update, context, one.numbers[0])
    elif two is not None and two.words[0] == "lang":
        await add(update, context, two.numbers[0], two.words[1])
    else:
        await stale(update, context)


async def add(update: Update, context: BotContext, member_id: int, language: str) -> None:
    """The coordinator chose a person and a language: stored, both are told."""
    services, catalogs, coordinator = context.services, context.services.catalogs, context.member
    query = update.callback_query
    if language == catalogs.default or language not in catalogs.languages or coordinator is None:
        await stale(update, context)
        return
    async with services.sessions() as session:
        person = await svc.add_reviewer(
            session, school_id=services.school_id, member_id=member_id, language=language,
            added_by=coordinator.id or 0, now=services.clock.now(),
        )  # fmt: skip
    if person is None or query is None:
        await stale(update, context)
        return
    await query.answer()
    named = catalogs.language_name(language, context.lang)
    await query.edit_message_text(
        context.t("reviews.added", name=person.first_name, language=named)
    )
    if person.id != coordinator.id:
        theirs = catalogs.pick(person.language)
        await context.bot.send_message(
            person.chat_id,
            catalogs.t(theirs, "reviews.you_were_added", coordinator=coordinator.first_name,
                       language=catalogs.language_name(language, theirs)),
        )  # fmt: skip


async def remove(update: Update, context: BotContext, reviewer_id: int) -> None:
    """➖: no longer a reviewer of that language."""
    services, query = context.services, update.callback_query
    async with services.sessions() as session:
        row = await session.get(Reviewer, reviewer_id)
        person = await session.get(Member, row.member_id) if row else None
        removed = row is not None and await svc.remove_reviewer(session, reviewer_id=reviewer_id)
    if not removed or row is None or query is None:
        await stale(update, context)
        return
    await query.answer()
    named = services.catalogs.language_name(row.language, context.lang)
    name = person.first_name if person else "?"
    await query.edit_message_text(context.t("reviews.removed", name=name, language=named))


async def review_button(update: Update, context: BotContext) -> None:
    """✅ or ✏️ under a request: only a reviewer of that language, while it is open."""
    press, query = numeric_press(update, context, "rv"), update.callback_query
    request = None
    if press is not None and press.action in ("ok", "fix"):
        async with context.services.sessions() as session:
            request = await session.get(ReviewRequest, press.number)
            allowed = request is not None and await svc.reviews_language(
                session, member_id=press.member_id, language=request.language
            )
        request = request if allowed else None
    if press is None or query is None or request is None:
        await stale(update, context)
        return
    if press.action == "ok":
        await query.answer()
        await settle(update, context, request, corrected=None)
        return
    await query.answer()
    pending.ask(context, FIXING, request.id)
    named = context.services.catalogs.language_name(request.language, context.lang)
    await reply(update, context.t("reviews.fix_prompt", language=named))
    machine = await machine_text(context, request)
    if machine:  # to copy and change
        await reply(update, cut(machine))


async def correction(update: Update, context: BotContext) -> None:
    """The improved translation, typed in one message."""
    user_data, msg = context.user_data, update.effective_message
    if user_data is None or msg is None or FIXING not in user_data:
        return
    text = (msg.text or "").strip()
    if utf16_len(text) > LIMIT:
        await reply(update, context.t("reviews.too_long", length=utf16_len(text), limit=LIMIT))
        raise ApplicationHandlerStop
    request_id = user_data.pop(FIXING)
    async with context.services.sessions() as session:
        request = await session.get(ReviewRequest, request_id)
    if request is None or not text:
        await reply(update, context.t("error.stale_button"))
        raise ApplicationHandlerStop
    await settle(update, context, request, corrected=text)
    raise ApplicationHandlerStop


async def machine_text(context: BotContext, request: ReviewRequest) -> str:
    """The machine's translation the parents got (from the cache, as it was made)."""
    services = context.services
    async with services.sessions() as session:
        announcement = await session.get(Announcement, request.announcement_id)
    if announcement is None or services.translator is None:
        return ""
    byline = await byline_of(services, announcement)
    made = await services.translator.translate(
        announcement.text, source=announcement.language, target=request.language,
        protected=byline.protected,
    )  # fmt: skip
    return made.text


async def settle(
    update: Update, context: BotContext, request: ReviewRequest, *, corrected: str | None
) -> None:
    """Record the first answer; tell the reviewer what it changed (or who was first)."""
    services, member = context.services, context.member
    if member is None:
        return
    machine = await machine_text(context, request)
    async with services.sessions() as session:
        decision = await svc.decide(
            session, request_id=request.id or 0, member_id=member.id or 0, machine=machine,
            corrected=corrected, now=services.clock.now(),
        )  # fmt: skip
    if decision.outcome in ("approved", "corrected"):
        copies = await answered(context.bot, services, decision, member.first_name)
        key = "reviews.thanks_fixed" if decision.outcome == "corrected" else "reviews.thanks_ok"
        await reply(update, context.tn(key, copies, count=copies))
    elif decision.outcome == "taken":
        await reply(update, context.t("reviews.taken", name=decision.by))
    elif decision.outcome == "changed":
        await reply(update, context.t("reviews.changed"))
    else:
        await reply(update, context.t("error.stale_button"))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/reviewers, its buttons, the reviewers' answers and their typed corrections."""
    app.add_handler(CommandHandler("reviewers", reviewers_command), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(manage_button, pattern=r"^rvw:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(review_button, pattern=r"^rv:"), group=GROUP_FEATURES)
    pending.expect(app, FIXING, correction)
