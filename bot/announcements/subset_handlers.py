"""Some families…: under a preview the author picks the children whose families get the message
(toggles with ✅, paged, Done), or the families who did not tap Seen on their previous message.
The choice lives in the draft (`announcement.pupil_ids`), never in the buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot.announcements import subset
from bot.announcements.handlers import preview
from bot.core.limits import cut
from bot.families.service import Child
from bot.models import Announcement, AnnouncementStatus, Member
from bot.telegram.common import GROUP_FEATURES, in_columns, keyboard, pressed, stale
from bot.telegram.context import BotContext

PAGE = 10  # children per page (two columns)
EXCERPT = 24  # of the previous message, on the quick choice's button


async def own_draft(context: BotContext, draft_id: int) -> tuple[Announcement, Member] | None:
    """The presser's own draft, still a draft."""
    member = context.member
    async with context.services.sessions() as session:
        draft = await session.get(Announcement, draft_id)
    if member is None or draft is None or draft.author_id != member.id:
        return None
    return (draft, member) if draft.status == AnnouncementStatus.DRAFT else None


async def picker(
    context: BotContext, draft: Announcement, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The children of the draft's classes as toggles, a page at a time, and the quick choices."""
    async with context.services.sessions() as session:
        kids = await subset.choosable(session, announcement=draft)
        before = await subset.previous(session, announcement=draft)
        missed = (
            await subset.not_seen_children(session, announcement=draft, before=before)
            if before is not None
            else set()
        )
    chosen = set(subset.pupil_ids_of(draft))
    pages = max(1, -(-len(kids) // PAGE))
    page = min(max(page, 0), pages - 1)
    rows = in_columns(
        [toggle(draft, child, chosen, page) for child in kids[page * PAGE :][:PAGE]], 2
    )
    turns = [("◀️", f"anf:{draft.id}:{page - 1}")] if page > 0 else []
    turns += [("▶️", f"anf:{draft.id}:{page + 1}")] if page < pages - 1 else []
    rows += [turns] if turns else []
    if before is not None and missed:
        label = context.t("announce.not_seen_button", text=cut(before.text, EXCERPT))
        rows.append([(label, f"anq:{draft.id}")])
    rows.append([(context.t("announce.all_families_button"), f"anx:{draft.id}")])
    rows.append([(context.t("announce.done_button"), f"ank:{draft.id}")])
    text = context.tn("announce.pick_children", len(chosen), count=len(chosen))
    return text, keyboard(rows)


def toggle(draft: Announcement, child: Child, chosen: set[int], page: int) -> tuple[str, str]:
    """One child's button: ✅ when chosen; `anp:<draft>:<pupil>:<page>`."""
    mark = "✅ " if child.pupil_id in chosen else "◻️ "
    return mark + child.label, f"anp:{draft.id}:{child.pupil_id}:{page}"


async def show(update: Update, context: BotContext) -> None:
    """Some families… or another page of children."""
    fields = pressed(update, "anf", "##")
    found = await own_draft(context, fields.numbers[0]) if fields else None
    if update.callback_query is None or fields is None or found is None:
        await stale(update, context)
        return
    await redraw(update, context, found[0], fields.numbers[1])


async def choose(update: Update, context: BotContext) -> None:
    """A child tapped: chosen or not any more."""
    fields = pressed(update, "anp", "###")
    found = await own_draft(context, fields.numbers[0]) if fields else None
    if update.callback_query is None or fields is None or found is None:
        await stale(update, context)
        return
    draft, pupil_id = found[0], fields.numbers[1]
    async with context.services.sessions() as session:
        allowed = {c.pupil_id for c in await subset.choosable(session, announcement=draft)}
        if pupil_id not in allowed:
            await stale(update, context)
            return
        picked = set(subset.pupil_ids_of(draft)) ^ {pupil_id}
        await subset.set_chosen(session, announcement=draft, pupil_ids=picked)
    await redraw(update, context, draft, fields.numbers[2])


async def not_seen(update: Update, context: BotContext) -> None:
    """The families who did not tap Seen on the author's previous message."""
    await quick(update, context, "anq")


async def everyone(update: Update, context: BotContext) -> None:
    """Every family of the classes again."""
    await quick(update, context, "anx")


async def quick(update: Update, context: BotContext, verb: str) -> None:
    """Replace the choice: `anq` the families who missed the previous message, `anx` nobody
    picked (every family)."""
    fields = pressed(update, verb, "#")
    found = await own_draft(context, fields.numbers[0]) if fields else None
    if update.callback_query is None or fields is None or found is None:
        await stale(update, context)
        return
    draft = found[0]
    async with context.services.sessions() as session:
        picked: set[int] = set()
        before = await subset.previous(session, announcement=draft) if verb == "anq" else None
        if before is not None:
            picked = await subset.not_seen_children(session, announcement=draft, before=before)
        await subset.set_chosen(session, announcement=draft, pupil_ids=picked)
    await redraw(update, context, draft, 0)


async def done(update: Update, context: BotContext) -> None:
    """Done: back to the preview, which now names the families and counts their guardians."""
    fields = pressed(update, "ank", "#")
    found = await own_draft(context, fields.numbers[0]) if fields else None
    query = update.callback_query
    if query is None or fields is None or found is None:
        await stale(update, context)
        return
    await query.answer()
    text, markup = await preview(context, found[0], found[1])
    await query.edit_message_text(text, reply_markup=markup)


async def redraw(update: Update, context: BotContext, draft: Announcement, page: int) -> None:
    """Show the picker in place of the preview."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    text, markup = await picker(context, draft, page)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as err:  # the same choice again: the message says so already
        if "not modified" not in str(err):
            raise


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The buttons of Some families…"""
    app.add_handler(CallbackQueryHandler(show, pattern=r"^anf:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(choose, pattern=r"^anp:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(not_seen, pattern=r"^anq:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(everyone, pattern=r"^anx:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(done, pattern=r"^ank:"), group=GROUP_FEATURES)
