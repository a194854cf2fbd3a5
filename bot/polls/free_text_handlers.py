"""Something else: the parent's own words, anonymous like every poll answer, never the inbox's.

That words are awaited is kept in the database under a keyed hash (bot/polls/writing.py), so
after a restart they cannot fall, with the parent's name, into the team's inbox: the parent is
asked where they go (bot/polls/choice_handlers.py, which also takes the words). Leaving the step (a command such as
/cancel, any other button) deletes that row at once, and the prompt turns back into the question
(after a restart, when the prompt is not known, the parent is told instead). A
voice note, photo or file while words are awaited gets a clear "please type it" (it cannot be
kept anonymously) and is not passed on. An edit of words already given changes nothing and
reaches nobody: the parent is told it was received anonymously and cannot be changed (the
message ids of their anonymous words are known in memory only, so after a restart the edit gets
the general note that changes are not passed on). Updating the stored answer instead would need
a link from the message to the anonymous answer, which is exactly what is not kept.
"""

from __future__ import annotations

import contextlib
from datetime import date

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.models import Member, Poll, PollStatus, PollWriting
from bot.polls import answer_handlers as answers
from bot.polls import service as svc
from bot.polls import writing
from bot.polls.views import poll_flow, question_view
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, GROUP_PENDING, Button, keyboard, reply
from bot.telegram.context import BotContext

ANSWERED = "poll_other_answered"  # user_data: message ids of this person's anonymous words
KEEP_ANSWERED = 20
# Presses that leave the step: all but Something else, the prompt's Skip and Stop (they say what
# happens themselves) and the choice after a restart.
OTHER_PRESS = r"^(?!(po|ps|px|pw):)"


def key_of(context: BotContext, member: Member) -> str:
    """This person's key in `poll_writing` (computed again whenever it is needed)."""
    return writing.writing_key(
        context.services.poll_secret, chat_id=member.chat_id, member_id=member.id or 0
    )


def today(context: BotContext) -> date:
    """The school's date today (rows expire the day after their poll closes)."""
    services = context.services
    return services.clock.now().astimezone(services.settings.tz).date()


async def other(update: Update, context: BotContext) -> None:
    """Something else: the parent writes their own answer, in any language."""
    found = await answers.current(update, context, "po", "#w")
    if found is None:
        return
    poll, flow, index, (question_id,), member = found
    query, services = update.callback_query, context.services
    assert query is not None and context.user_data is not None
    chosen = answers.ticked(query.message, flow.questions[index], context.lang)  # type: ignore[arg-type]
    async with services.sessions() as session:
        await writing.expect(
            session, key=key_of(context, member), poll=poll, question=index, chosen=chosen,
            today=today(context),
        )  # fmt: skip
    pending.ask(context, answers.WAITING, query.message.message_id if query.message else None)
    context.user_data[answers.KNOWN] = True
    await query.answer()
    rows = prompt_rows(context, poll, question_id)
    await query.edit_message_text(context.t("poll.write_other"), reply_markup=keyboard(rows))


def prompt_rows(context: BotContext, poll: Poll, question_id: str) -> list[list[Button]]:
    """Skip and Stop under the prompt that asks for own words."""
    return [
        [
            (context.t("poll.skip_button"), f"ps:{poll.id}:{question_id}"),
            (context.t("poll.stop_button"), f"px:{poll.id}"),
        ]
    ]


async def into_poll(
    update: Update, context: BotContext, member: Member, row: PollWriting | None, words: str,
    message_ids: list[int],
) -> bool:  # fmt: skip
    """The words as the anonymous answer to the row's question, if its poll is still open."""
    services = context.services
    poll: Poll | None = None
    if row is not None:
        async with services.sessions() as session:
            poll = await session.get(Poll, row.poll_id)
    flow = poll_flow(services, poll)
    if row is None or poll is None or flow is None or poll.status != PollStatus.OPEN:
        await reply(update, context.t("poll.closed"))
        return False
    text = words[: svc.MAX_TEXT]
    if len(words) > svc.MAX_TEXT:
        await reply(update, context.tn("poll.text_cut", svc.MAX_TEXT, limit=svc.MAX_TEXT))
    language = member.language or services.catalogs.default
    given = svc.Given(writing.chosen_of(row), text, language, await dutch(context, text, language))
    if not await answers.record(update, context, poll, flow, row.question, given):
        return False
    for message_id in message_ids:
        _remember(context, message_id)
    return True


async def left(update: Update, context: BotContext) -> None:
    """A command or another button while own words are awaited: they no longer are."""
    member, user_data, services = context.member, context.user_data, context.services
    if member is None or user_data is None:
        return
    if answers.KNOWN in user_data and answers.WAITING not in user_data:
        return  # memory knows nothing is awaited: no database look-up
    prompt = user_data.pop(answers.WAITING, None)
    user_data[answers.KNOWN] = True
    async with services.sessions() as session:
        row = await writing.awaited(session, key=key_of(context, member), today=today(context))
        if row is None or not await writing.forget(session, key=key_of(context, member)):
            return
        poll = await session.get(Poll, row.poll_id)
    if prompt is None:  # after a restart: the prompt is not known, so say it plainly
        await context.bot.send_message(member.chat_id, context.t("poll.words_dropped"))
        return
    flow = poll_flow(services, poll)
    with contextlib.suppress(TelegramError):  # the prompt asks no more: the question again
        if poll is None or flow is None or poll.status != PollStatus.OPEN:
            await context.bot.edit_message_reply_markup(member.chat_id, prompt, reply_markup=None)
            return
        text, markup = question_view(
            services.catalogs, flow, poll_id=poll.id or 0, index=row.question, lang=context.lang,
            chosen=writing.chosen_of(row),
        )  # fmt: skip
        await context.bot.edit_message_text(text, member.chat_id, prompt, reply_markup=markup)


def _remember(context: BotContext, message_id: int) -> None:
    """The message ids of anonymous words (memory only), so an edit of them is recognised."""
    if context.user_data is not None:
        ids = context.user_data.setdefault(ANSWERED, [])
        ids.append(message_id)
        del ids[:-KEEP_ANSWERED]


async def edited_answer(update: Update, context: BotContext) -> bool:
    """An edit of anonymous words already given: told it cannot change; True if it was one."""
    msg = update.effective_message
    ids = context.user_data.get(ANSWERED, []) if context.user_data is not None else []
    if msg is None or msg.message_id not in ids:
        return False
    await reply(update, context.t("poll.edit_anonymous"))
    return True


async def dutch(context: BotContext, text: str, language: str) -> str | None:
    """The Dutch translation the school reads beside a free-text answer (None if none)."""
    services = context.services
    school_lang = services.settings.default_language
    if services.translator is None or language == school_lang:
        return None
    result = await services.translator.translate_for(
        text, source=language, languages=[school_lang], cache=False
    )  # no cache row: its hash and time would tell when these words were written
    return result.text if result.machine else None


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Something else, and leaving the step (what the parent sends next: choice_handlers.py)."""
    app.add_handler(CallbackQueryHandler(other, pattern=r"^po:"), group=GROUP_FEATURES)
    # Leaving the step, before any feature sees the update (a command, or another button).
    command = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.COMMAND
    app.add_handler(MessageHandler(command, left), group=GROUP_PENDING)
    app.add_handler(CallbackQueryHandler(left, pattern=OTHER_PRESS), group=GROUP_PENDING)
