"""Classes: coordinators create, rename and archive them; links and printable QR flyers."""

from __future__ import annotations

import asyncio
import logging

from telegram import InputFile, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
)

from bot.classes import service as svc
from bot.classes.flyers import FlyerError, flyer_basename, make_flyer
from bot.core.codes import class_payload, deep_link
from bot.models import Role
from bot.onboarding.handlers import stale
from bot.telegram import pending
from bot.telegram.common import (
    GROUP_FEATURES,
    done_with_buttons,
    in_columns,
    keyboard,
    numeric_press,
    reply,
)
from bot.telegram.context import BotContext

AWAITING = "awaiting_class_rename"
TEACHERS_TOO = (
    "link",
    "rotate",
    "rotate_yes",
    "keep",
)  # a teacher may do these for their own classes
log = logging.getLogger(__name__)


def item(context: BotContext, name: str, parents: int, teachers: int) -> str:
    """One class's line: its name, how many parents and teachers."""
    return context.t(
        "classes.item",
        name=name,
        parents=context.tn("count.parents", parents, count=parents),
        teachers=context.tn("count.teachers", teachers, count=teachers),
    )


async def classes(update: Update, context: BotContext) -> None:
    """/classes: every class with its counts, as buttons to manage it."""
    async with context.services.sessions() as session:
        found = await svc.list_classes(session, school_id=context.services.school_id)
    if not found:
        await reply(update, context.t("classes.none"))
        return
    lines = [context.t("classes.title")]
    lines += [item(context, c.name, c.parents, c.teachers) for c in found]
    buttons = [(c.name, f"cls:show:{c.id}") for c in found]
    await reply(update, "\n".join(lines), keyboard(in_columns(buttons, 3)))


async def myclasses(update: Update, context: BotContext) -> None:
    """/myclasses: a teacher's own classes with their parent links."""
    member = context.member
    if member is None or member.id is None:
        return
    services = context.services
    async with services.sessions() as session:
        found = await svc.list_classes(session, school_id=services.school_id, member_id=member.id)
    if not found:
        await reply(update, context.t("myclasses.none"))
        return
    lines = [context.t("myclasses.title")]
    for c in found:
        lines.append(item(context, c.name, c.parents, c.teachers))
        lines.append(deep_link(context.bot.username, class_payload(c.join_code)))
    buttons = []
    for c in found:
        buttons.append([(context.t("classes.button_link") + f" {c.name}", f"cls:link:{c.id}")])
        buttons.append(
            [
                (context.t("classes.button_members"), f"rml:{c.id}"),
                (context.t("classes.button_rotate"), f"cls:rotate:{c.id}"),
            ]
        )
    await reply(update, "\n".join(lines), keyboard(buttons))


async def newclass(update: Update, context: BotContext) -> None:
    """/newclass NAME: create a class and show its link."""
    name = " ".join(context.args or [])
    if not name.strip():
        await reply(update, context.t("classes.newclass_usage"))
        return
    services = context.services
    async with services.sessions() as session:
        try:
            created = await svc.create_class(
                session, school_id=services.school_id, name=name, now=services.clock.now()
            )
        except svc.ClassError as err:
            await reply(update, context.t(err.key, **err.values))
            return
    await reply(update, context.t("classes.created", name=created.name))
    await send_link(update, context, created.id or 0)


async def class_button(update: Update, context: BotContext) -> None:
    """Buttons under a class: show, link, rename, archive, archive_yes."""
    press = numeric_press(update, context, "cls")
    if press is None:
        await stale(update, context)
        return
    action, class_id, member = press.action, press.number, press.member
    may_link = action in TEACHERS_TOO and member.role in (Role.TEACHER, Role.COORDINATOR)
    if member.role != Role.COORDINATOR and not may_link:
        await stale(update, context)
        return
    handler = _ACTIONS.get(action)
    if handler is None:
        await stale(update, context)
        return
    try:
        await handler(update, context, class_id)
    except svc.ClassError as err:
        await done_with_buttons(update, context, context.t(err.key, **err.values))


async def _show(update: Update, context: BotContext, class_id: int) -> None:
    """One class with its management buttons."""
    services = context.services
    async with services.sessions() as session:
        summary = await svc.class_summary(session, school_id=services.school_id, class_id=class_id)
    rows = [
        [(context.t("classes.button_link"), f"cls:link:{class_id}")],
        [(context.t("classes.button_members"), f"rml:{class_id}")],
        [(context.t("classes.button_rotate"), f"cls:rotate:{class_id}")],
        [(context.t("classes.button_rename"), f"cls:rename:{class_id}")],
        [(context.t("classes.button_archive"), f"cls:archive:{class_id}")],
    ]
    text = context.t(
        "classes.manage",
        name=summary.name,
        parents=context.tn("count.parents", summary.parents, count=summary.parents),
        teachers=context.tn("count.teachers", summary.teachers, count=summary.teachers),
    )
    await done_with_buttons(update, context)
    await reply(update, text, keyboard(rows))


async def _own_class(context: BotContext, class_id: int) -> None:
    """ClassError unless the class is this member's own (any class for a coordinator)."""
    services, member = context.services, context.member
    if member is None or member.id is None:
        raise svc.ClassError("classes.not_found")
    async with services.sessions() as session:  # gone or not theirs: ClassError, before the answer
        await svc.shareable_class(
            session,
            school_id=services.school_id,
            class_id=class_id,
            member_id=member.id,
            coordinator=member.role == Role.COORDINATOR,
        )


async def _link(update: Update, context: BotContext, class_id: int) -> None:
    """The parents' link and flyer of a class (a teacher's own classes only)."""
    await _own_class(context, class_id)
    await done_with_buttons(update, context)
    await send_link(update, context, class_id)


async def _rotate(update: Update, context: BotContext, class_id: int) -> None:
    """Ask before replacing the class's link."""
    await _own_class(context, class_id)
    async with context.services.sessions() as session:
        school_class = await svc.get_class(
            session, school_id=context.services.school_id, class_id=class_id
        )
    rows = [
        [
            (context.t("common.yes"), f"cls:rotate_yes:{class_id}"),
            (context.t("common.no"), f"cls:keep:{class_id}"),
        ]
    ]
    await done_with_buttons(update, context)
    await reply(update, context.t("classes.rotate_confirm", name=school_class.name), keyboard(rows))


async def _keep(update: Update, context: BotContext, class_id: int) -> None:
    """No: the link stays as it is."""
    await done_with_buttons(update, context, context.t("common.cancelled"))


async def _rotate_yes(update: Update, context: BotContext, class_id: int) -> None:
    """A new link (and flyer); the old one stops working, the joined stay."""
    await _own_class(context, class_id)
    async with context.services.sessions() as session:
        school_class = await svc.rotate_link(
            session, school_id=context.services.school_id, class_id=class_id
        )
    await done_with_buttons(update, context, context.t("classes.rotated", name=school_class.name))
    await send_link(update, context, class_id)


async def _rename(update: Update, context: BotContext, class_id: int) -> None:
    """Ask for the new name; the next text message is taken as the name."""
    services = context.services
    async with services.sessions() as session:
        school_class = await svc.get_class(session, school_id=services.school_id, class_id=class_id)
    if context.user_data is not None:
        pending.ask(context, AWAITING, class_id)
    await done_with_buttons(update, context)
    await reply(update, context.t("classes.rename_prompt", name=school_class.name))


async def _archive(update: Update, context: BotContext, class_id: int) -> None:
    """Ask for confirmation before archiving."""
    services = context.services
    async with services.sessions() as session:
        school_class = await svc.get_class(session, school_id=services.school_id, class_id=class_id)
    rows = [
        [
            (context.t("common.yes"), f"cls:archive_yes:{class_id}"),
            (context.t("common.no"), f"cls:show:{class_id}"),
        ]
    ]
    await done_with_buttons(update, context)
    await reply(
        update, context.t("classes.archive_confirm", name=school_class.name), keyboard(rows)
    )


async def _archive_yes(update: Update, context: BotContext, class_id: int) -> None:
    """Archive the class."""
    services = context.services
    async with services.sessions() as session:
        archived = await svc.archive_class(session, school_id=services.school_id, class_id=class_id)
    await done_with_buttons(update, context, context.t("classes.archived", name=archived.name))


_ACTIONS = {
    "show": _show,
    "link": _link,
    "rotate": _rotate,
    "rotate_yes": _rotate_yes,
    "keep": _keep,
    "rename": _rename,
    "archive": _archive,
    "archive_yes": _archive_yes,
}


async def rename_input(update: Update, context: BotContext) -> None:
    """The text after "Rename": the class's new name (only while a rename is pending)."""
    user_data = context.user_data
    if user_data is None or AWAITING not in user_data or update.effective_message is None:
        return
    member = context.member
    class_id = user_data.pop(AWAITING)
    if member is None or member.role != Role.COORDINATOR:
        return
    services = context.services
    async with services.sessions() as session:
        try:
            old, renamed = await svc.rename_class(
                session,
                school_id=services.school_id,
                class_id=class_id,
                name=update.effective_message.text or "",
            )
        except svc.ClassError as err:
            if err.key != "classes.not_found":
                user_data[AWAITING] = class_id  # let them try another name
            await reply(update, context.t(err.key, **err.values))
            raise ApplicationHandlerStop from None
    await reply(update, context.t("classes.renamed", old=old, name=renamed.name))
    raise ApplicationHandlerStop


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel: drop a pending question."""
    pending.drop_all(context)
    await reply(update, context.t("common.cancelled"))


async def send_link(update: Update, context: BotContext, class_id: int) -> None:
    """Send a class's parent link and its flyer as PNG and PDF."""
    services = context.services
    async with services.sessions() as session:
        school_class = await svc.get_class(session, school_id=services.school_id, class_id=class_id)
        school_name = await svc.school_name(session, school_id=services.school_id)
    link = deep_link(context.bot.username, class_payload(school_class.join_code))
    await reply(update, context.t("classes.link", name=school_class.name, link=link))
    try:
        flyer = await asyncio.to_thread(
            make_flyer,
            services.catalogs,
            link=link,
            class_name=school_class.name,
            school_name=school_name,
            lang=context.lang,
        )
    except FlyerError as err:  # never a flyer that leaves a language out: say so, loudly
        log.error("no flyer for class %s: %s", school_class.id, err)
        await reply(update, context.t("classes.flyer_failed"))
        return
    chat = update.effective_chat
    if chat is None:
        return
    base = flyer_basename(school_class.name)
    caption = context.t("classes.flyer_caption", name=school_class.name)
    await chat.send_photo(InputFile(flyer.png, filename=f"{base}.png"), caption=caption)
    await chat.send_document(InputFile(flyer.pdf, filename=f"{base}.pdf"), caption=caption)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Class management handlers."""
    app.add_handler(CommandHandler("classes", classes), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("myclasses", myclasses), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("newclass", newclass), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("cancel", cancel), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(class_button, pattern=r"^cls:"), group=GROUP_FEATURES)
    pending.expect(app, AWAITING, rename_input)
