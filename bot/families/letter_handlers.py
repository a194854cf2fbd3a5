"""/letters: personal invitation letters as one PDF (one page per family) for a class, the
families not reached yet (of a class or the whole school) or one family.

Buttons (also put on the class list and the reach page by other screens, so every press checks
the rights again): `lt:k:<class>` a class's choices, `lt:c:<class>` every family of a class,
`lt:n:<class>` the families not reached yet (0: the whole school, coordinators only),
`lt:p:<class>` pick a child, `lt:f:<family>` one family's letter.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Protocol

from babel.dates import format_date
from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.classes.service import list_classes, school_name
from bot.families import letters as svc
from bot.families.letter_drawing import FlyerError, LetterPage, LetterText, Printer
from bot.families.service import CODE_DAYS, Child, children
from bot.models import Member, Role
from bot.telegram.common import GROUP_FEATURES, done_with_buttons, in_columns, keyboard, pressed
from bot.telegram.common import reply as say
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


class Named(Protocol):
    """A class as listed or as stored: its id and name."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...


PER_PDF = 80  # letters in one PDF (about 0.3 MB a page: within Telegram's 50 MB for a document)


def _staff(context: BotContext) -> Member | None:
    """The member pressing, if they are a teacher or a coordinator."""
    member = context.member
    if member is None or member.id is None or member.role not in (Role.TEACHER, Role.COORDINATOR):
        return None
    return member


async def letters_command(update: Update, context: BotContext) -> None:
    """/letters: a teacher's or coordinator's classes (one class: its choices at once)."""
    member = _staff(context)
    if member is None:
        return
    coordinator = member.role == Role.COORDINATOR
    async with context.services.sessions() as session:
        found = await list_classes(
            session,
            school_id=context.services.school_id,
            member_id=None if coordinator else member.id,
        )
    if not found:
        await say(update, context.t("letters.no_classes"))
        return
    if len(found) == 1 and not coordinator:
        await say(update, context.t("letters.choose"), keyboard(_class_rows(context, found[0])))
        return
    rows = in_columns([(c.name, f"lt:k:{c.id}") for c in found], 3)
    if coordinator:
        rows.append([(context.t("letters.button_school"), "lt:n:0")])
    await say(update, context.t("letters.choose"), keyboard(rows))


def _class_rows(context: BotContext, school_class: Named) -> list[list[tuple[str, str]]]:
    """Every family / not reached yet / one family of a class."""
    name, class_id = school_class.name, school_class.id
    return [
        [(context.t("letters.button_class", name=name), f"lt:c:{class_id}")],
        [(context.t("letters.button_not_reached", name=name), f"lt:n:{class_id}")],
        [(context.t("letters.button_family", name=name), f"lt:p:{class_id}")],
    ]


async def letters_button(update: Update, context: BotContext) -> None:
    """A letters button: rights checked again, then the choices, the children or the PDF."""
    fields, member = pressed(update, "lt", "w#"), _staff(context)
    if fields is None or member is None or fields.words[0] not in ("k", "c", "n", "p", "f"):
        await _not_found(update, context)
        return
    action, number = fields.words[0], fields.numbers[0]
    if action == "f":
        await _family(update, context, member, number)
        return
    coordinator = member.role == Role.COORDINATOR
    services = context.services
    async with services.sessions() as session:
        school_class = await svc.printable_class(
            session,
            school_id=services.school_id,
            class_id=number,
            member_id=member.id or 0,
            coordinator=coordinator,
        )
        whole_school = action == "n" and number == 0 and coordinator
        if school_class is None and not whole_school:
            await _not_found(update, context)
            return
        family_ids = await svc.families_of(
            session,
            school_id=services.school_id,
            class_id=school_class.id if school_class else None,
            not_reached=action == "n",
        )
        kids = await children(session, class_id=number) if action == "p" else []
    await done_with_buttons(update, context)
    if school_class is None:
        await print_letters(update, context, family_ids, context.t("letters.what_school"))
    elif action == "k":
        await say(update, context.t("letters.choose"), keyboard(_class_rows(context, school_class)))
    elif action == "p":
        await _pick_child(update, context, school_class.name, kids)
    else:
        key = "letters.what_not_reached" if action == "n" else "letters.what_class"
        await print_letters(update, context, family_ids, context.t(key, name=school_class.name))


async def _family(update: Update, context: BotContext, member: Member, family_id: int) -> None:
    """One family's letter (a teacher: a family with a child in one of their classes)."""
    services = context.services
    async with services.sessions() as session:
        allowed = await svc.may_print_family(
            session,
            school_id=services.school_id,
            family_id=family_id,
            member_id=member.id or 0,
            coordinator=member.role == Role.COORDINATOR,
        )
        kids = await children(session, family_ids=[family_id]) if allowed else []
    if not allowed:
        await _not_found(update, context)
        return
    await done_with_buttons(update, context)
    names = ", ".join(kid.label for kid in kids)
    await print_letters(update, context, [family_id], context.t("letters.what_family", name=names))


async def _pick_child(
    update: Update, context: BotContext, class_name: str, kids: list[Child]
) -> None:
    """The class's children as buttons: the letter of that child's family."""
    if not kids:
        await say(update, context.t("letters.none"))
        return
    buttons = [(kid.label, f"lt:f:{kid.family_id}") for kid in kids]
    await say(
        update, context.t("letters.pick_child", name=class_name), keyboard(in_columns(buttons, 2))
    )


async def _not_found(update: Update, context: BotContext) -> None:
    """A press for a class or family that is gone or not the member's: the same answer."""
    query = update.callback_query
    if query is not None:
        await query.answer(context.t("letters.not_found"), show_alert=True)


def letter_texts(context: BotContext, family: svc.LetterFamily) -> tuple[LetterText, ...]:
    """The invitation in each of the family's letter languages."""
    catalogs, count = context.services.catalogs, len(family.children)
    return tuple(
        LetterText(
            lang=lang,
            title=catalogs.tn(lang, "letters.title", count),
            body=catalogs.t(lang, "letters.body"),
        )
        for lang in family.languages
    )


async def print_letters(
    update: Update, context: BotContext, family_ids: list[int], what: str
) -> None:
    """Check the letters can be drawn, make new codes, send the PDF and say what it holds."""
    services, member = context.services, context.member
    catalogs, now = services.catalogs, services.clock.now()
    async with services.sessions() as session:
        families = await svc.letter_families(
            session, family_ids=family_ids, known=catalogs.languages
        )
        school = await school_name(session, school_id=services.school_id)
    if not families:
        await say(update, context.t("letters.none"))
        return
    printer = Printer(school_name=school, bot=context.bot.username, guardians=svc.GUARDIANS)
    pages = [
        (" · ".join(kid.label for kid in family.children), letter_texts(context, family))
        for family in families
    ]
    try:  # every language drawable and every text fitting, before any code exists
        await asyncio.to_thread(printer.prepare_all, pages)
    except FlyerError as err:
        log.error("no letters for %s families: %s", len(families), err)
        await say(update, context.t("letters.failed"))
        return
    async with services.sessions() as session:
        issued = await svc.issue_letters(
            session,
            school_id=services.school_id,
            families=families,
            now=now,
            created_by=member.id if member else None,
        )
    letters = [
        LetterPage(children=page[0], texts=page[1], codes=letter.codes)
        for page, letter in zip(pages, issued, strict=True)
    ]
    await say(update, summary(context, families, what))
    for start in range(0, len(letters), PER_PDF):
        part = letters[start : start + PER_PDF]
        pdf = await asyncio.to_thread(printer.render, part)
        caption = context.t(
            "letters.caption",
            what=what,
            letters=context.tn("letters.count", len(part), count=len(part)),
        )
        name = "letters-" + "".join(ch if ch.isalnum() else "-" for ch in what)[:40]
        suffix = f"-{start // PER_PDF + 1}" if len(letters) > PER_PDF else ""
        chat = update.effective_chat
        if chat is not None:
            await chat.send_document(
                InputFile(pdf, filename=f"{name}{suffix}.pdf"), caption=caption
            )


def summary(context: BotContext, families: list[svc.LetterFamily], what: str) -> str:
    """What the letters hold: how many, the codes' end date, the languages, the fallbacks."""
    services, catalogs = context.services, context.services.catalogs
    until = services.clock.now() + timedelta(days=CODE_DAYS)
    used = {lang for family in families for lang in family.languages}
    languages = ", ".join(catalogs.native_name(code) for code in catalogs.languages if code in used)
    text = context.t(
        "letters.ready",
        letters=context.tn("letters.count", len(families), count=len(families)),
        what=what,
        date=format_date(until.astimezone(services.settings.tz), "long", locale=context.lang),
        languages=languages,
    )
    fallback = sum(1 for family in families if family.fallback)
    if fallback:
        text += "\n" + context.tn("letters.fallback", fallback, count=fallback)
    unknown = sorted({code for family in families for code in family.unknown})
    if unknown:
        text += "\n" + context.t("letters.unknown", codes=", ".join(unknown))
    return text


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/letters and its buttons."""
    app.add_handler(CommandHandler("letters", letters_command), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(letters_button, pattern=r"^lt:"), group=GROUP_FEATURES)
