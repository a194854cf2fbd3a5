"""What parents see of an announcement: their copy (translated, or saying why not), the original."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlmodel import col, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.announcements.service import class_ids_of
from bot.core.limits import TEXT_LIMIT, cut, split_text, utf16_len
from bot.invitations.copy_views import invitation_copy
from bot.models import Announcement, Member, School, SchoolClass
from bot.translation.status import FAILED, OWN, Outcome, plan, render
from bot.translation.status_views import note

if TYPE_CHECKING:
    from bot.telegram.context import BotData


@dataclass(frozen=True)
class Copy:
    """One parent's copy of an announcement."""

    text: str
    markup: InlineKeyboardMarkup
    language: str  # the language the text is in
    via: str  # own | second | original | failed (bot/translation/status.py)
    before: tuple[str, ...] = ()  # a long text's first parts, sent before `text` (no buttons)
    outcome: Outcome | None = None  # what the translation gave
    dutch_below: bool = False  # the Dutch original is in the text, under the translation


@dataclass(frozen=True)
class Byline:
    """Who wrote an announcement and to which classes (looked up once per announcement)."""

    author: str  # the author's first name; after their /forget, the school's name
    classes: tuple[str, ...]
    dutch_below: bool = True  # the school's setting: the Dutch original under translations

    @property
    def protected(self) -> list[str]:
        """Names that are never translated."""
        return [n for n in (self.author, *self.classes) if n]

    def who(self, services: BotData, lang: str) -> str:
        """The name to show: the author's, else the school's, else "the school team" in `lang`."""
        return self.author or services.catalogs.t(lang, "conversation.the_team")


async def byline_of(services: BotData, announcement: Announcement) -> Byline:
    """The author's first name (the school's name once the author used /forget: the message
    stays the school's) and the class names of an announcement."""
    async with services.sessions() as session:
        author = (
            await session.get(Member, announcement.author_id) if announcement.author_id else None
        )
        classes = await session.exec(
            select(SchoolClass.name).where(col(SchoolClass.id).in_(class_ids_of(announcement)))
        )
        school = await session.get(School, announcement.school_id)
        return Byline(
            author.first_name if author else (school.name if school is not None else ""),
            tuple(sorted(classes)),
            dutch_below=school.dutch_below if school is not None else True,
        )


def heading(services: BotData, sender: Byline, lang: str) -> str:
    """'Message from <author> (<classes>):' in `lang`."""
    return services.catalogs.t(
        lang, "announce.from", sender=sender.who(services, lang), classes=", ".join(sender.classes)
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
    translate: bool = True,
) -> Copy:
    """The announcement in the parent's language (or their second language, or the original).

    A copy not in the parent's language starts with a line saying so; with the school's
    `dutch_below` setting a translation carries the Dutch original under it when both fit in
    one message (else the 🔤 button shows it). `translate=False`: the original, marked failed.
    """
    sender = sender or await byline_of(services, announcement)
    source, text = announcement.language, announcement.text
    invitation = (
        await invitation_copy(services, announcement, member)
        if translate and announcement.kind == "invitation"
        else None
    )  # fixed lines from the catalogs, only the organiser's words machine-translated
    if invitation is not None:
        body, outcome = invitation
    elif translate:
        body, outcome = await render(
            services.translator, text, source=source, own=member.language,
            second=member.second_language, protected=sender.protected,
        )  # fmt: skip
    else:
        body, outcome = text, plan(None, source=source, own=member.language, text=text)
        outcome = replace(outcome, via=FAILED) if outcome.via != OWN else outcome
    return compose(services, announcement, member, sender, body, outcome, delivery_id or 0)


def compose(
    services: BotData,
    announcement: Announcement,
    member: Member,
    sender: Byline,
    body: str,
    outcome: Outcome,
    delivery_id: int,
) -> Copy:
    """Lay out one copy: the status line, heading, body, marks, the Dutch original or 🔤."""
    lang, t = services.catalogs.pick(member.language), services.catalogs.t
    head = "\n".join(
        x for x in (note(services.catalogs, outcome), heading(services, sender, lang)) if x
    )
    edited = t(lang, "announce.edited_mark") if announcement.edited_at is not None else ""
    invitation = announcement.kind == "invitation"
    if outcome.machine and sender.dutch_below:
        below = t(lang, "announce.original_below") + "\n" + announcement.text
        marked = "event.machine_mark_below" if invitation else "announce.machine_mark_below"
        foot = "\n".join(x for x in (edited, mark(services, lang, outcome, marked)) if x)
        whole = "\n\n".join(x for x in (head, body, foot, below) if x)
        if utf16_len(whole) <= TEXT_LIMIT:
            markup = buttons(services, lang, delivery_id, showing_original=False,
                             translated=False, invitation=invitation)  # fmt: skip
            return Copy(whole, markup, outcome.language, outcome.via, (), outcome, dutch_below=True)
    marked = "event.machine_mark" if invitation else "announce.machine_mark"  # only some words
    label = mark(services, lang, outcome, marked) if outcome.machine else ""
    foot = "\n".join(x for x in (edited, label) if x)
    markup = buttons(
        services, lang, delivery_id, showing_original=False, translated=outcome.machine,
        invitation=invitation,
    )  # fmt: skip
    *before, last = split(head, body, foot)
    return Copy(last, markup, outcome.language, outcome.via, tuple(before), outcome)


def mark(services: BotData, lang: str, outcome: Outcome, machine_key: str) -> str:
    """The line under a translation: made by a machine, or checked by someone who speaks the
    language (a reviewer approved or corrected it: bot/reviews/), named in the reader's locale."""
    if not outcome.reviewed:
        return services.catalogs.t(lang, machine_key)
    key = "reviews.checked_mark_below" if machine_key.endswith("_below") else "reviews.checked_mark"
    name = services.catalogs.language_name(outcome.language, lang)
    return services.catalogs.t(lang, key, language=name)


async def original_view(services: BotData, announcement: Announcement, member: Member) -> str:
    """The Dutch original with the heading in the parent's language."""
    lang = services.catalogs.pick(member.language)
    head = heading(services, await byline_of(services, announcement), lang)
    return fit(head, announcement.text, "")
