"""Work done when an announcement has gone out, and when a reviewer answered: the reviewers of
each language that got machine translations are asked; afterwards every reviewer's copy of the
request says who answered, and the copies in that language are edited (the outbox's EDIT)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import col, func, select
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.announcements.views import Byline, byline_of
from bot.models import Announcement, Delivery, DeliveryStatus, Member
from bot.reviews import service as svc
from bot.reviews.views import done_line, request_keyboard, request_text
from bot.translation.service import source_hash

if TYPE_CHECKING:
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)


async def ask_reviewers(bot: ExtBot[Any], services: BotData, announcement_id: int) -> int:
    """After an announcement went out: ask the reviewers of every language a machine translated
    (once per language); the number of requests opened. Never raises: sending went well."""
    try:
        return await _ask(bot, services, announcement_id)
    except Exception:
        log.exception("could not ask the reviewers of announcement %s", announcement_id)
        return 0


async def _ask(bot: ExtBot[Any], services: BotData, announcement_id: int) -> int:
    async with services.sessions() as session:
        announcement = await session.get(Announcement, announcement_id)
        languages = (
            await svc.machine_languages(session, announcement=announcement) if announcement else []
        )
    if announcement is None or not languages:
        return 0
    byline, opened = await byline_of(services, announcement), 0
    for language in languages:
        opened += await ask_language(bot, services, announcement, byline, language)
    return opened


async def ask_language(
    bot: ExtBot[Any],
    services: BotData,
    announcement: Announcement,
    byline: Byline,
    language: str,
    *,
    release_at: datetime | None = None,
    hold_until: datetime | None = None,
) -> int:
    """Ask every reviewer of one language (before sending: its copies wait until `hold_until`);
    1 if a request was opened, 0 if nobody reviews it, no machine made it or it was asked."""
    translator = services.translator
    async with services.sessions() as session:
        people = await svc.reviewers(session, language=language)
        copies = await _copies(session, announcement_id=announcement.id or 0, language=language,
                               sent=hold_until is None)  # fmt: skip
    if not people or translator is None:
        return 0
    made = await translator.translate(
        announcement.text, source=announcement.language, target=language,
        protected=byline.protected,
    )  # fmt: skip
    if not made.machine or made.reviewed:
        return 0
    async with services.sessions() as session:
        request = await svc.open_request(
            session, announcement=announcement, language=language, now=services.clock.now(),
            release_at=release_at, hold_until=hold_until,
        )  # fmt: skip
    if request is None:
        return 0
    for _, member in people:
        lang = services.catalogs.pick(member.language)
        until = (
            hold_until.astimezone(services.settings.tz).strftime("%H:%M") if hold_until else None
        )
        text = request_text(
            services.catalogs, lang, author=byline.who(services, lang),
            classes=", ".join(byline.classes), language=language, copies=copies,
            original=announcement.text, machine=made.text, until=until,
        )  # fmt: skip
        markup = request_keyboard(services.catalogs, lang, request.id or 0)
        try:
            sent = await bot.send_message(member.chat_id, text, reply_markup=markup)
        except TelegramError as err:
            log.warning("review request not delivered to member %s: %s", member.id, err)
            continue
        async with services.sessions() as session:
            await svc.remember_notice(
                session, request_id=request.id or 0, member_id=member.id or 0,
                chat_id=member.chat_id, message_id=sent.message_id,
            )  # fmt: skip
    return 1


async def _copies(session: Any, *, announcement_id: int, language: str, sent: bool) -> int:
    """Copies of an announcement in a language: delivered ones, or all (waiting ones too)."""
    query = select(func.count()).where(
        col(Delivery.announcement_id) == announcement_id, col(Delivery.language) == language
    )
    if sent:
        query = query.where(col(Delivery.status) == DeliveryStatus.SENT)
    return int((await session.exec(query)).one())


async def answered(bot: ExtBot[Any], services: BotData, decision: svc.Decision, name: str) -> int:
    """A reviewer answered: the copies in that language get the reviewed text (the Translator
    forgets the machine's first, then the copies are queued and the sender edits them); every
    reviewer's request now says who did what. The number of copies that change."""
    request, announcement = decision.request, decision.announcement
    if request is None or announcement is None:
        return 0
    if services.translator is not None:
        services.translator.forget_sources({source_hash(announcement.text)})
    async with services.sessions() as session:
        copies = await svc.requeue(session, request=request, now=services.clock.now())
    if services.sender is not None:
        services.sender.forget(announcement.id or 0)
        services.sender.wake()
    async with services.sessions() as session:
        shown = await svc.notices(session, request_id=request.id or 0)
        members = {
            m.id: m
            for m in await session.exec(
                select(Member).where(col(Member.id).in_([n.member_id for n in shown]))
            )
        }
    for notice in shown:
        reader = members.get(notice.member_id)
        lang = services.catalogs.pick(reader.language if reader else None)
        line = done_line(
            services.catalogs, lang, outcome=decision.outcome, name=name,
            language=request.language, original=announcement.text,
        )  # fmt: skip
        try:
            await bot.edit_message_text(line, chat_id=notice.chat_id, message_id=notice.message_id)
        except TelegramError as err:  # deleted by the reviewer, or unchanged: nothing to do
            log.info("review request %s not updated: %s", request.id, err)
    return copies
