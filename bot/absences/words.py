"""A few words or a voice note after an absence note: translated to Dutch for the team (or
truthfully marked as not translated), added to the note, passed on unless the note still waits
for the end of the quiet hours (then they travel with it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.absences import jobs, service
from bot.absences.views import words_lines
from bot.conversations.transcript_jobs import hear, heard_line
from bot.models import Member
from bot.telegram.common import reply
from bot.telegram.context import BotContext

WORDS = "absence_words"
WAIT = timedelta(minutes=15)  # later, a message is an ordinary one for the team again


def asked(absence_id: int, now: datetime) -> tuple[int, str]:
    """What is kept in user_data while the bot waits for the words."""
    return absence_id, now.isoformat()


async def take_words(update: Update, context: BotContext) -> None:
    """The guardian's words or voice note for the note they just made."""
    services, member, message = context.services, context.member, update.effective_message
    value = (context.user_data or {}).pop(WORDS, None)
    if member is None or member.id is None or message is None or not isinstance(value, tuple):
        return
    absence_id, when = value
    if services.clock.now() - datetime.fromisoformat(when) > WAIT:
        return  # too late: the message goes on as an ordinary one
    text, voice = (message.text or "").strip(), message.voice.file_id if message.voice else None
    language = member.language or services.settings.default_language
    note_nl = None
    if text and language != "nl" and services.translator is not None:
        result = await services.translator.translate_for(text, source=language, languages=["nl"])
        note_nl = result.text if result.machine else None
    async with services.sessions() as session:
        absence = await service.add_words(
            session, absence_id=absence_id, member_id=member.id, note=text, note_nl=note_nl,
            language=language if text else None, voice_file_id=voice,
        )  # fmt: skip
        child = await service.pupil_child(session, pupil_id=absence.pupil_id) if absence else None
        team = []
        if absence is not None and absence.team_due_at is None:
            team = await service.class_team(
                session, school_id=services.school_id, class_id=absence.class_id
            )
    if absence is None or child is None:
        return
    catalogs = services.catalogs
    for person in team:
        lang = catalogs.pick(person.language)
        extra = catalogs.t(lang, "absence.team_addition", child=child.label)
        await jobs.send(services, context.bot, [person], extra + words_lines(catalogs, lang, absence), voice)  # fmt: skip
    await reply(update, context.t("absence.words_received"))
    if voice and team:  # the voice went first; its words follow when a model is installed
        await tell_what_was_said(context, team, child_label=child.label, voice=voice, lang=language)
    raise ApplicationHandlerStop


async def tell_what_was_said(
    context: BotContext, team: list[Member], *, child_label: str, voice: str, lang: str
) -> None:
    """The machine transcript of the voice reason (in Dutch), after the voice itself."""
    services, catalogs = context.services, context.services.catalogs
    heard = await hear(services, context.bot, voice, lang)
    if heard is None:
        return
    for person in team:
        ui = catalogs.pick(person.language)
        text = catalogs.t(ui, "absence.team_addition", child=child_label) + "\n\n"
        text += heard_line(catalogs, ui, lang, heard[0], heard[1])
        await jobs.send(services, context.bot, [person], text, None)
