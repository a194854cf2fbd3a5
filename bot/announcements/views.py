"""What parents and authors see of an announcement: the translated copy, the original, the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.announcements.service import Report, class_ids_of
from bot.core.limits import TEXT_LIMIT, cut, split_text, utf16_len
from bot.models import Announcement, AnnouncementStatus, Member, SchoolClass

if TYPE_CHECKING:
    from bot.telegram.context import BotData


@dataclass(frozen=True)
class Copy:
    """One parent's copy of an announcement."""

    text: str
    markup: InlineKeyboardMarkup
    language: str  # the language the text is in
    via: str  # own | second | original
    before: tuple[str, ...] = ()  # a long text's first parts, sent before `text` (no buttons)


@dataclass(frozen=True)
class Byline:
    """Who wrote an announcement and to which classes (looked up once per announcement)."""

    author: str
    classes: tuple[str, ...]

    @property
    def protected(self) -> list[str]:
        """Names that are never translated."""
        return [n for n in (self.author, *self.classes) if n]


async def byline_of(services: BotData, announcement: Announcement) -> Byline:
    """The author's first name and the class names of an announcement."""
    async with services.sessions() as session:
        author = (
            await session.get(Member, announcement.author_id) if announcement.author_id else None
        )
        classes = await session.exec(
            select(SchoolClass.name).where(col(SchoolClass.id).in_(class_ids_of(announcement)))
        )
        return Byline(author.first_name if author else "", tuple(sorted(classes)))


def heading(services: BotData, sender: Byline, lang: str) -> str:
    """'Message from <author> (<classes>):' in `lang`."""
    return services.catalogs.t(
        lang, "announce.from", sender=sender.author, classes=", ".join(sender.classes)
    )


def buttons(
    services: BotData,
    lang: str,
    delivery_id: int,
    *,
    showing_original: bool,
    translated: bool = True,
    invitation: bool = False,
) -> InlineKeyboardMarkup:
    """Seen and Question (an invitation: I'll come, Maybe, I can't), Original, I don't understand."""
    t = services.catalogs.t
    if invitation:
        rsvp = [
            ("event.button_yes", "yes"),
            ("event.button_maybe", "maybe"),
            ("event.button_no", "no"),
        ]
        first = [
            InlineKeyboardButton(t(lang, k), callback_data=f"rsvp:{a}:{delivery_id}")
            for k, a in rsvp
        ]
    rows = (
        [first]
        if invitation
        else [
            [
                InlineKeyboardButton(
                    t(lang, "announce.button_seen"), callback_data=f"ann:seen:{delivery_id}"
                ),
                InlineKeyboardButton(
                    t(lang, "announce.button_question"), callback_data=f"ann:ask:{delivery_id}"
                ),
            ]
        ]
    )
    second = [
        InlineKeyboardButton(
            t(lang, "announce.button_help"), callback_data=f"ann:help:{delivery_id}"
        )
    ]
    if translated:
        key, verb = (
            ("announce.button_translation", "tr")
            if showing_original
            else ("announce.button_original", "orig")
        )
        second.insert(
            0, InlineKeyboardButton(t(lang, key), callback_data=f"ann:{verb}:{delivery_id}")
        )
    rows.append(second)
    return InlineKeyboardMarkup(rows)


def fit(head: str, body: str, foot: str) -> str:
    """Heading, body and footer within Telegram's 4,096 characters (the body is shortened)."""
    room = TEXT_LIMIT - utf16_len(head) - utf16_len(foot) - 6
    return "\n\n".join(part for part in (head, cut(body, room), foot) if part)


def split(head: str, body: str, foot: str) -> list[str]:
    """Heading, body and footer in as many Telegram messages as needed (nothing is cut).

    The body is cut at paragraph, line or word boundaries (bot/core/limits.py); the heading
    opens the first part and the footer closes the last one, which carries the buttons.
    """
    whole = "\n\n".join(part for part in (head, body, foot) if part)
    if utf16_len(whole) <= TEXT_LIMIT:
        return [whole]
    chunks = split_text(body, TEXT_LIMIT - max(utf16_len(head), utf16_len(foot)) - 4)
    chunks[0] = "\n\n".join(part for part in (head, chunks[0]) if part)
    chunks[-1] = "\n\n".join(part for part in (chunks[-1], foot) if part)
    return chunks


async def parent_copy(
    services: BotData,
    announcement: Announcement,
    member: Member,
    *,
    delivery_id: int | None = None,
    sender: Byline | None = None,
) -> Copy:
    """The announcement in the parent's language (or their second language, or the original)."""
    lang = services.catalogs.pick(member.language)
    sender = sender or await byline_of(services, announcement)
    head, protected = heading(services, sender, lang), sender.protected
    languages = [x for x in (member.language, member.second_language, announcement.language) if x]
    if services.translator is not None and announcement.text.strip():
        result = await services.translator.translate_for(
            announcement.text,
            source=announcement.language,
            languages=languages,
            protected=protected,
        )
        body, target, machine, fallback = (
            result.text,
            result.target,
            result.machine,
            result.fallback,
        )
    else:
        body, target, machine, fallback = (
            announcement.text,
            announcement.language,
            False,
            bool(announcement.text.strip()) and member.language != announcement.language,
        )
    via = "own" if not fallback else ("second" if target != announcement.language else "original")
    foot = services.catalogs.t(lang, "announce.machine_mark") if machine else ""
    if announcement.edited_at is not None:
        foot = "\n".join(x for x in (services.catalogs.t(lang, "announce.edited_mark"), foot) if x)
    markup = buttons(
        services, lang, delivery_id or 0, showing_original=False, translated=machine,
        invitation=announcement.kind == "invitation",
    )  # fmt: skip
    *before, last = split(head, body, foot)
    return Copy(text=last, markup=markup, language=target, via=via, before=tuple(before))


async def original_view(services: BotData, announcement: Announcement, member: Member) -> str:
    """The Dutch original with the heading in the parent's language."""
    lang = services.catalogs.pick(member.language)
    head = heading(services, await byline_of(services, announcement), lang)
    return fit(head, announcement.text, "")


async def report_text(
    session: AsyncSession, services: BotData, announcement: Announcement, figures: Report
) -> str:
    """The author's live delivery report."""
    author = await session.get(Member, announcement.author_id) if announcement.author_id else None
    lang = services.catalogs.pick(author.language if author else None)
    names = services.catalogs.native_name
    by_language = ", ".join(f"{names(code)} {n}" for code, n in figures.by_language.items()) or "–"
    classes = await session.exec(
        select(SchoolClass.name).where(col(SchoolClass.id).in_(class_ids_of(announcement)))
    )
    if announcement.status == AnnouncementStatus.WITHDRAWN:
        return services.catalogs.t(
            lang,
            "announce.withdrawn_report",
            classes=", ".join(sorted(classes)),
            removed=figures.withdrawn,
            waiting=figures.changing,
        )
    text = services.catalogs.t(
        lang,
        "announce.report",
        classes=", ".join(sorted(classes)),
        sent=figures.sent,
        total=figures.total,
        seen=figures.seen,
        failed=figures.failed,
        languages=by_language,
        second=figures.via_second,
        original=figures.via_original,
    )
    if announcement.edited_at is not None and figures.changing:
        text += "\n" + services.catalogs.t(lang, "announce.report_editing", count=figures.changing)
    if announcement.kind == "invitation" and figures.rsvp is not None:
        c = figures.rsvp
        languages = (
            ", ".join(f"{services.catalogs.native_name(code)} {n}" for code, n in c.interpreters)
            or "–"
        )
        text += "\n" + services.catalogs.t(
            lang, "event.report", yes=c.yes, people=c.people, maybe=c.maybe, no=c.no, interpreters=languages
        )  # fmt: skip
    if figures.questions:
        text += "\n" + services.catalogs.t(
            lang, "announce.report_questions", count=figures.questions
        )
    return text


def report_markup(
    services: BotData, lang: str, announcement: Announcement
) -> InlineKeyboardMarkup | None:
    """Under the author's report: who has not seen it yet, Edit, Withdraw (nothing once withdrawn)."""
    if announcement.status == AnnouncementStatus.WITHDRAWN:
        return None
    t, number = services.catalogs.t, announcement.id
    extra = (
        [
            [
                InlineKeyboardButton(
                    t(lang, "event.button_move"), callback_data=f"evtc:move:{number}"
                ),
                InlineKeyboardButton(
                    t(lang, "event.button_export"), callback_data=f"evtc:list:{number}"
                ),
            ]
        ]
        if announcement.kind == "invitation"
        else []
    )
    return InlineKeyboardMarkup(
        [
            *extra,
            [
                InlineKeyboardButton(
                    t(lang, "announce.button_unseen"), callback_data=f"ann:unseen:{number}"
                )
            ],
            [
                InlineKeyboardButton(
                    t(lang, "announce.button_edit"), callback_data=f"ann:edit:{number}"
                ),
                InlineKeyboardButton(
                    t(lang, "event.button_cancel"), callback_data=f"evtc:ask:{number}"
                )
                if announcement.kind == "invitation"  # a meeting is cancelled, not withdrawn
                else InlineKeyboardButton(
                    t(lang, "announce.button_withdraw"), callback_data=f"ann:wd:{number}"
                ),
            ],
        ]
    )
