"""Parents answer a poll: Start, one question at a time, skip, stop, thank you ("Something
else": bot/polls/free_text_handlers.py).

Nothing here links a person to an answer: progress is kept under a keyed hash of (poll, user),
answers under random ids. The one link is in memory only: the anonymous response id of a poll in
progress (user_data), so a parent's answers count as one respondent; it is dropped at the end
(after a restart a new one: a parent answering across a restart counts twice, a trade-off kept
for anonymity, docs/privacy.md "Response id across a restart").
Every press is checked against the poll's real audience (its classes' guardians, or those who
said they would come to the meeting), not only the poll id it carries.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.models import Member, Poll, PollParticipation, PollStatus
from bot.onboarding import lookups
from bot.onboarding.handlers import stale
from bot.polls import presses as poll_presses
from bot.polls import service as svc
from bot.polls import writing
from bot.polls.anonymity import participation_key
from bot.polls.flows import Flow, Question
from bot.polls.views import (
    CHECK,
    option_label,
    poll_flow,
    question_rows,
    question_view,
    thanks,
)
from bot.telegram.common import GROUP_FEATURES, Button, keyboard, pressed, reply
from bot.telegram.context import BotContext
from bot.telegram.quick import answer_and_edit

ALONGSIDE = ("pg:", "pq:", "pd:", "ps:", "px:")  # presses that touch only the parent's progress
WAITING = "poll_other"  # user_data: the prompt's message id while own words are awaited
KNOWN = "poll_other_known"  # user_data: memory knows whether words are awaited (no DB look-up)
RESPONSES = "poll_responses"  # user_data: poll id -> anonymous response id, while answering


def alongside(update: object) -> bool:
    """A poll press, handled side by side with other parents' presses (bot/telegram/updates.py)."""
    query = update.callback_query if isinstance(update, Update) else None
    return query is not None and (query.data or "").startswith(ALONGSIDE)


def ticked(message: Message | None, question: Question, lang: str) -> tuple[str, ...]:
    """The options ticked on a multiple-choice question (the keyboard holds them, not the DB)."""
    markup = message.reply_markup if message is not None else None
    found = []
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            fields = str(button.callback_data or "").split(":")
            if len(fields) == 4 and fields[0] == "pq" and fields[2] == question.id:
                if button.text == CHECK + option_label(question, fields[3], lang):
                    found.append(fields[3])
    return tuple(found)


def exclusive_ids(question: Question) -> set[str]:
    """The options that cannot be combined with others ("nothing stops me")."""
    return {o.id for o in question.options if o.exclusive}


async def _poll(
    update: Update, context: BotContext, verb: str, shape: str
) -> tuple[Poll, Flow, tuple[str, ...], Member] | None:
    """The poll a `verb:<poll id>...` press is about, if well formed and open; else answered."""
    query, member, fields = update.callback_query, context.member, pressed(update, verb, shape)
    if query is None or member is None or fields is None:
        await stale(update, context)
        return None
    services = context.services
    poll = await lookups.poll_of(services.caches, services.sessions, poll_id=fields.numbers[0])
    flow = poll_flow(services, poll)
    if poll is None or flow is None or poll.school_id != context.services.school_id:
        await stale(update, context)
        return None
    if poll.status != PollStatus.OPEN:
        await query.answer(context.t("poll.closed"), show_alert=True)
        return None
    if not await in_audience(context, poll, member):  # a forged or passed-on poll id
        await stale(update, context)
        return None
    return poll, flow, fields.words, member


async def in_audience(context: BotContext, poll: Poll, member: Member) -> bool:
    """Whether the member is in the poll's real audience (classes from the cache; after a
    meeting, whether they said they would come)."""
    services = context.services
    if poll.event_id is None:
        classes = await lookups.classes_of(
            services.caches, services.sessions, member_id=member.id or 0
        )
        return svc.guardian_in(classes, poll=poll)
    async with services.sessions() as session:
        return await svc.in_audience(session, poll=poll, member_id=member.id or 0)


def _key(context: BotContext, poll: Poll, member: Member) -> str:
    return participation_key(context.services.poll_secret, poll.id or 0, member.telegram_id)


async def _progress(context: BotContext, key: str) -> PollParticipation | None:
    async with context.services.sessions() as session:
        return await session.get(PollParticipation, key)


async def start(update: Update, context: BotContext) -> None:
    """Start: the first question not yet answered (once per parent; parents of the classes only)."""
    found = await _poll(update, context, "pg", "#")
    if found is None:
        return
    poll, flow, _, member = found
    services = context.services
    part = await poll_presses.begin(
        engine=services.engine, sessions=services.sessions, poll=poll,
        key=_key(context, poll, member),
    )  # fmt: skip
    query = update.callback_query
    assert query is not None
    if part is None:
        await query.answer(context.t("poll.already_answered"), show_alert=True)
        return
    text, rows = question_rows(
        services.catalogs, flow, poll_id=poll.id or 0, index=part.progress, lang=context.lang
    )
    await answer_and_edit(update, context.bot, text, rows)


async def current(
    update: Update, context: BotContext, verb: str, shape: str
) -> tuple[Poll, Flow, int, tuple[str, ...], Member] | None:
    """A press on the question this parent is at (an old or replayed one is answered as stale)."""
    found = await _poll(update, context, verb, shape)
    if found is None:
        return None
    poll, flow, fields, member = found
    index = flow.index_of(fields[0])
    if index is None or not await _at(context, poll, member, index):
        await stale(update, context)
        return None
    return poll, flow, index, fields, member


async def _at(context: BotContext, poll: Poll, member: Member, index: int) -> bool:
    """Whether this parent is at question `index` of the poll."""
    part = await _progress(context, _key(context, poll, member))
    return part is not None and not part.done and part.progress == index


async def record(
    update: Update,
    context: BotContext,
    poll: Poll,
    flow: Flow,
    index: int,
    given: svc.Given | None,
    *,
    stop: bool = False,
) -> bool:
    """Store an answer (or a skip) exactly once, then show the next question or the thanks."""
    services, member = context.services, context.member
    assert member is not None
    responses = context.user_data.setdefault(RESPONSES, {}) if context.user_data is not None else {}
    classes = await lookups.classes_of(services.caches, services.sessions, member_id=member.id or 0)
    class_id = svc.single_class_in(classes, poll=poll)
    accepted, response_id = await poll_presses.store(
        engine=services.engine, sessions=services.sessions,
        since_shuffle=services.caches.since_shuffle, press=dict(
        poll=poll, key=_key(context, poll, member), index=index, total=len(flow.questions),
        question_id=flow.questions[index].id, given=given, response_id=responses.get(poll.id),
        class_id=class_id, day=services.clock.now().astimezone(services.settings.tz).date(),
        stop=stop,
    ))  # fmt: skip
    if not accepted:
        await stale(update, context)
        return False
    responses[poll.id] = response_id
    finished = stop or index + 1 >= len(flow.questions)
    rows: list[list[Button]] | None = None
    if finished:
        responses.pop(poll.id, None)
        text = thanks(services.catalogs, flow, context.lang, stopped=stop)
    else:
        text, rows = question_rows(
            services.catalogs, flow, poll_id=poll.id or 0, index=index + 1, lang=context.lang
        )
    if update.callback_query is not None:  # both at once: one round trip to Telegram, not two
        await answer_and_edit(update, context.bot, text, rows)
    else:
        await reply(update, text, keyboard(rows) if rows is not None else None)
    return True


async def option(update: Update, context: BotContext) -> None:
    """An option: single choice answers at once; multiple choice ticks or unticks it."""
    found = await _poll(update, context, "pq", "#ww")
    if found is None:
        return
    poll, flow, (question_id, option_id), member = found
    index, query = flow.index_of(question_id), update.callback_query
    question = flow.questions[index] if index is not None else None
    assert query is not None
    if index is None or question is None or question.option(option_id) is None:
        await stale(update, context)
        return
    if question.kind == "single":  # the guarded write turns away an old or replayed press
        await record(update, context, poll, flow, index, svc.Given(options=(option_id,)))
        return
    if not await _at(context, poll, member, index):
        await stale(update, context)
        return
    chosen = set(ticked(query.message, question, context.lang)) ^ {option_id}  # type: ignore[arg-type]
    picked = question.option(option_id)
    if option_id in chosen and picked is not None:  # "nothing stops me" excludes the others
        chosen = {option_id} if picked.exclusive else chosen - exclusive_ids(question)
    _, markup = question_view(
        context.services.catalogs,
        flow,
        poll_id=poll.id or 0,
        index=index,
        lang=context.lang,
        chosen=chosen,
    )
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=markup)


async def done(update: Update, context: BotContext) -> None:
    """Done under a multiple-choice question: the ticked options count (none: a skip)."""
    found = await current(update, context, "pd", "#w")
    if found is None:
        return
    poll, flow, index, _fields, _member = found
    q = flow.questions[index]
    chosen = ticked(update.callback_query.message, q, context.lang) if update.callback_query else ()  # type: ignore[arg-type]
    await record(update, context, poll, flow, index, svc.Given(options=chosen) if chosen else None)


async def skip(update: Update, context: BotContext) -> None:
    """Skip: nothing is stored for this question."""
    found = await current(update, context, "ps", "#w")
    if found is None:
        return
    poll, flow, index, _fields, member = found
    await stop_writing(context, member)
    await record(update, context, poll, flow, index, None)


async def stop(update: Update, context: BotContext) -> None:
    """Stop: what was answered counts (with what is ticked on the question shown), the rest not."""
    found = await _poll(update, context, "px", "#")
    if found is None:
        return
    poll, flow, _, member = found
    part = await _progress(context, _key(context, poll, member))
    if part is None or part.done:
        await stale(update, context)
        return
    await stop_writing(context, member)
    q = flow.questions[part.progress]
    chosen = ticked(update.callback_query.message, q, context.lang) if update.callback_query else ()  # type: ignore[arg-type]
    await record(
        update,
        context,
        poll,
        flow,
        part.progress,
        svc.Given(options=chosen) if chosen else None,
        stop=True,
    )


async def stop_writing(context: BotContext, member: Member) -> None:
    """Own words are no longer awaited (Skip, Stop, or they arrived): memory and database."""
    user_data = context.user_data
    if user_data is None:
        return
    if user_data.pop(WAITING, False) is not False or KNOWN not in user_data:
        key = writing.writing_key(
            context.services.poll_secret, chat_id=member.chat_id, member_id=member.id or 0
        )
        async with context.services.sessions() as session:
            await writing.forget(session, key=key)
    user_data[KNOWN] = True


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Parents' poll buttons (Something else and the words after it: free_text_handlers.py)."""
    for verb, callback in (("pg", start), ("pq", option), ("pd", done), ("ps", skip), ("px", stop)):
        app.add_handler(CallbackQueryHandler(callback, pattern=rf"^{verb}:"), group=GROUP_FEATURES)
