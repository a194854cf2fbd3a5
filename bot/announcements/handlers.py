"""Announcements: a teacher writes, previews and sends; parents read, mark seen, see the original."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.announcements import outbox, subset
from bot.announcements import service as svc
from bot.announcements.report_views import audience_label, report_markup, report_text
from bot.announcements.views import buttons, original_view, parent_copy
from bot.core.limits import cut
from bot.invitations.copy_views import planned
from bot.invitations.service import event_of
from bot.models import Announcement, Delivery, Member, Role, School
from bot.onboarding.handlers import stale
from bot.permissions.handlers import photo_reminder
from bot.pictograms.strip_sender import edit_in_place
from bot.pictograms.views import preview_line, preview_row
from bot.reviews.hold_handlers import ask_first_row
from bot.school.quiet import quiet_until
from bot.telegram.common import (
    GROUP_FEATURES,
    in_columns,
    keyboard,
    numeric_press,
    pressed,
    reply,
)
from bot.telegram.context import BotContext
from bot.translation.status import plan, tally
from bot.translation.status_views import lines, routes


async def preview(context: BotContext, draft: Announcement, member: Member) -> tuple[str, Any]:
    """The preview of a draft: audience, who reads it in which language and why, class toggles,
    Send now / Cancel."""
    services = context.services
    chosen = set(svc.class_ids_of(draft))
    async with services.sessions() as session:
        classes = await svc.audience_classes(session, member=member)
        people = await subset.audience(session, announcement=draft)
        roster = bool(await subset.choosable(session, announcement=draft))
        invitation = draft.kind == "invitation"
        event = await event_of(session, announcement_id=draft.id or 0) if invitation else None
    outcomes = tally(
        planned(services, event, p, source=draft.language)  # as each invitation copy will be
        if event is not None
        else plan(services.translator, source=draft.language, own=p.language,
                  second=p.second_language, text=draft.text)
        for p in people
    )  # fmt: skip
    languages = "\n".join(
        lines(services.catalogs, context.lang, outcomes)
        + routes(services.catalogs, context.lang, services.translator, draft.language, outcomes)
    )  # who reads it in which language, and the route each translation takes (issue 19)
    names = audience_label(
        services, context.lang, draft, [c.name for c in classes if c.id in chosen]
    )
    parents = context.tn("count.parents", len(people), count=len(people))
    text = context.t("announce.preview", classes=names, parents=parents, languages=languages)
    if draft.kind == "album":
        photos = len(draft.album.split())
        text = context.tn("announce.preview_album", photos, count=photos) + "\n" + text
    if draft.kind in ("photo", "album"):  # which children of these classes have no photo consent
        text += await photo_reminder(context, sorted(chosen))
    if draft.kind == "invitation":  # the organiser reads the invitation as parents will
        text = f"{draft.text}\n\n{'─' * 12}\n{text}"
    if pictured := preview_line(context, draft):  # which pictograms go with it
        text += "\n\n" + pictured
    held = None if draft.urgent else await held_until(context)
    if held is not None:
        school = await school_of(context)
        at = held.astimezone(services.settings.tz).strftime("%H:%M")
        text += "\n\n" + context.t(
            "announce.quiet_note", start=school.quiet_start, end=school.quiet_end, time=at
        )
    rows: list[list[tuple[str, str]]] = []
    if member.role == Role.COORDINATOR:  # only coordinators may break the quiet hours
        mark = "✅ " if draft.urgent else "◻️ "
        rows.append([(mark + context.t("announce.urgent_button"), f"annu:{draft.id}")])
    if len(classes) > 1:  # choose the audience: tap a class to add or remove it
        toggles = [
            (("✅ " if c.id in chosen else "◻️ ") + c.name, f"annc:{draft.id}:{c.id}")
            for c in classes
        ]
        rows += in_columns(toggles, 3)
    if roster:  # only the families of some children (chosen on the roster)
        rows.append([(context.t("announce.some_families_button"), f"anf:{draft.id}:0")])
    rows += preview_row(context, draft)  # 🖼 pictograms (bot/pictograms/)
    rows += await ask_first_row(context, draft, set(outcomes.own) - {draft.language})  # 👀
    rows.append(
        [
            (context.t("announce.send_now"), f"ann:send:{draft.id}"),
            (context.t("announce.schedule_button"), f"ann:sched:{draft.id}"),
        ]
    )
    rows.append([(context.t("announce.cancel"), f"ann:cancel:{draft.id}")])
    return text, keyboard(rows)


async def toggle_class(update: Update, context: BotContext) -> None:
    """Add or remove a class from a draft's audience (at least one class stays)."""
    query, member, fields = update.callback_query, context.member, pressed(update, "annc", "##")
    if query is None or member is None or fields is None:
        await stale(update, context)
        return
    draft_id, class_id = fields.numbers
    async with context.services.sessions() as session:
        draft = await session.get(Announcement, draft_id)
        allowed = {c.id for c in await svc.audience_classes(session, member=member)}
        if (
            draft is None
            or draft.author_id != member.id
            or draft.status != "draft"
            or class_id not in allowed
        ):
            await stale(update, context)
            return
        chosen = set(svc.class_ids_of(draft)) ^ {class_id}
        if not chosen:  # the last class stays: nothing changes
            await query.answer()
            return
        draft.class_ids = ",".join(str(c) for c in sorted(chosen))
        session.add(draft)
        await session.commit()
        if draft.pupil_ids:  # children of a class no longer chosen drop out of the selection
            await subset.set_chosen(
                session, announcement=draft, pupil_ids=set(subset.pupil_ids_of(draft))
            )
    await query.answer()
    text, markup = await preview(context, draft, member)
    await query.edit_message_text(text, reply_markup=markup)


async def author_button(update: Update, context: BotContext) -> None:
    """Send now / Cancel under a preview (author only, once); "who has not seen it" under a report."""
    query, press = update.callback_query, numeric_press(update, context, "ann")
    if query is None or press is None:
        await stale(update, context)
        return
    action, announcement_id, author_id = press.action, press.number, press.member_id
    services = context.services
    if action == "unseen":
        await show_not_seen(update, context, announcement_id, author_id)
        return
    async with services.sessions() as session:
        if action == "cancel":
            done = await svc.cancel(session, announcement_id=announcement_id, author_id=author_id)
            if not done:
                await stale(update, context)
                return
            if services.scheduler is not None:
                services.scheduler.cancel(f"announcement:{announcement_id}")
            await query.answer()
            await query.edit_message_text(context.t("announce.cancelled"))
            return
        draft = await session.get(Announcement, announcement_id)
        held = None if draft is None or draft.urgent else await held_until(context)
        confirmed = await outbox.confirm(
            session,
            announcement_id=announcement_id,
            author_id=author_id,
            now=services.clock.now(),
            not_before=held,
        )
        if confirmed is None:
            await stale(update, context)
            return
        announcement, _count = confirmed
        figures = await svc.report(session, announcement_id=announcement_id)
        text = await report_text(session, services, announcement, figures)
        await query.answer()
        edited = await query.edit_message_text(
            text, reply_markup=report_markup(services, context.lang, announcement)
        )
        announcement.report_message_id = edited.message_id if not isinstance(edited, bool) else None
        session.add(announcement)
        await session.commit()
    if services.sender is not None:
        services.sender.wake()


async def parent_button(update: Update, context: BotContext) -> None:
    """Seen, Original and Translation under a parent's copy."""
    query, press = update.callback_query, numeric_press(update, context, "ann")
    if query is None or press is None:
        await stale(update, context)
        return
    action, delivery_id, member = press.action, press.number, press.member
    services = context.services
    async with services.sessions() as session:
        delivery = await session.get(Delivery, delivery_id)
        announcement = (
            await session.get(Announcement, delivery.announcement_id) if delivery else None
        )
        if delivery is None or announcement is None or delivery.member_id != member.id:
            await stale(update, context)
            return
        if action == "seen":
            await svc.mark_seen(
                session, delivery_id=delivery_id, member_id=member.id, now=services.clock.now()
            )
            await query.answer(context.t("announce.seen_thanks"))
            if services.sender is not None:
                services.sender.report_soon(announcement.id or 0)
            return
    await query.answer()
    await show_version(
        update, context, announcement, member, delivery_id, original=action == "orig"
    )


async def show_version(
    update: Update,
    context: BotContext,
    announcement: Announcement,
    member: Member,
    delivery_id: int,
    *,
    original: bool,
) -> None:
    """Switch a parent's copy between the translation and the Dutch original, in place."""
    services, query = context.services, update.callback_query
    assert query is not None
    lang = services.catalogs.pick(member.language)
    if original:
        text = await original_view(services, announcement, member)
    else:
        text = (await parent_copy(services, announcement, member, delivery_id=delivery_id)).text
    markup = buttons(
        services,
        lang,
        delivery_id,
        showing_original=original,
        invitation=announcement.kind == "invitation",
    )
    await edit_in_place(query.message, text, markup)  # a text, or the caption under pictograms


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Announcement buttons (team messages become drafts through the fallback module)."""
    app.add_handler(
        CallbackQueryHandler(author_button, pattern=r"^ann:(send|cancel|unseen):"),
        group=GROUP_FEATURES,
    )
    app.add_handler(CallbackQueryHandler(toggle_class, pattern=r"^annc:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(toggle_urgent, pattern=r"^annu:"), group=GROUP_FEATURES)
    app.add_handler(
        CallbackQueryHandler(parent_button, pattern=r"^ann:(seen|orig|tr):"), group=GROUP_FEATURES
    )


async def show_not_seen(
    update: Update, context: BotContext, announcement_id: int, author_id: int
) -> None:
    """The author asks who has not seen it yet (to call them, as the school would)."""
    query = update.callback_query
    async with context.services.sessions() as session:
        announcement = await session.get(Announcement, announcement_id)
        if query is None or announcement is None or announcement.author_id != author_id:
            await stale(update, context)
            return
        names = await svc.not_seen(session, announcement_id=announcement_id)
    await query.answer()
    if not names:
        await reply(update, context.t("announce.all_seen"))
        return
    text = context.t("announce.unseen", count=len(names), names=", ".join(names))
    await reply(update, cut(text))


async def school_of(context: BotContext) -> School:
    """The school's row (quiet hours live there)."""
    async with context.services.sessions() as session:
        school = await session.get(School, context.services.school_id)
    assert school is not None
    return school


async def held_until(context: BotContext) -> datetime | None:
    """When the quiet hours end, if they are on now."""
    school = await school_of(context)
    settings = context.services.settings
    return quiet_until(
        context.services.clock.now(), settings.tz, school.quiet_start, school.quiet_end
    )


async def toggle_urgent(update: Update, context: BotContext) -> None:
    """A coordinator marks a draft urgent: it goes out now, even in quiet hours."""
    query, member, fields = update.callback_query, context.member, pressed(update, "annu", "#")
    if query is None or member is None or fields is None:
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        draft = await session.get(Announcement, fields.numbers[0])
        if (
            draft is None
            or draft.author_id != member.id
            or draft.status != "draft"
            or member.role != Role.COORDINATOR
        ):
            await stale(update, context)
            return
        draft.urgent = not draft.urgent
        session.add(draft)
        await session.commit()
    await query.answer()
    text, markup = await preview(context, draft, member)
    await query.edit_message_text(text, reply_markup=markup)
