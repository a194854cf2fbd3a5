"""The reach page: families reached per class, home language and guardian role, week by week, and
who is not reached yet, per class (the same figures as /reach in the bot: bot/families/reach.py)."""

from __future__ import annotations

import unicodedata

from aiohttp import web

from bot.dashboard.views.html import esc, ltr, prose, table, user
from bot.dashboard.views.visit import Visit, coordinator_only
from bot.families import reach as figures
from bot.families import service as families
from bot.families.class_list import child_name
from bot.families.reach_views import Words, figure_lines


def bar(w: Words, reached: int, enrolled: int) -> str:
    """'3/5' with a small bar (a <meter>: the page's style rules allow no inline style)."""
    count = f"{w.number(reached)}/{w.number(enrolled)}"
    top = max(enrolled, 1)
    return f'<meter min="0" max="{top}" value="{reached}"></meter> {ltr(count)}'


def plain(text: str) -> str:
    """A bot line without its emoji (the page has its own headings), escaped."""
    kept = "".join(c for c in text if unicodedata.category(c) != "So" and c != "\ufe0f")
    return esc(" ".join(kept.split()))


def count(w: Words, value: int) -> str:
    """A whole number, left to right."""
    return ltr(w.number(value))


@coordinator_only
async def reach_page(visit: Visit) -> web.StreamResponse:
    """Every class's reach, the school's by language and week, and who is not reached yet."""
    services = visit.services
    w = Words(services.catalogs, visit.lang)
    async with services.sessions() as session:
        found = await figures.reach(session, school_id=visit.school_id, now=services.clock.now())
        missing = list(found.total.not_reached)
        kids = await families.children(session, family_ids=missing) if missing else []
    title = visit.t("dash.nav_reach")
    total = found.total
    if not total.enrolled:
        return visit.render(title, f'<p class="note">{prose(w.t("reach.none"))}</p>', here="reach")
    body = "".join(
        f'<p dir="auto">{plain(line)}</p>' for line in figure_lines(w, total, found.announcements)
    )
    header = visit.columns("class", "families", "reached", "fathers", "mothers", "read")
    rows = []
    for shown in (c for c in found.classes if c.figures.enrolled):
        f, roles = shown.figures, dict(shown.figures.by_role)
        rows.append([
            user(shown.name), count(w, f.enrolled), bar(w, f.reached, f.enrolled),
            count(w, roles["father"]), count(w, roles["mother"]),
            count(w, f.read) if shown.announcements else "–",
        ])  # fmt: skip
    body += f"<h2>{esc(visit.t('dash.by_class'))}</h2>"
    body += table(header, rows, numeric={1, 3, 4, 5})
    body += f"<h2>{esc(visit.t('dash.by_language'))}</h2>"
    body += table(
        visit.columns("language", "reached"),
        ([esc(w.language(code)), bar(w, r, e)] for code, r, e in total.by_language),
        numeric=set(),
    )
    body += f'<h2 dir="auto">{plain(w.t("reach.weeks"))}</h2>'
    body += table(
        visit.columns("week", "reached"),
        ([ltr(w.day(monday)), bar(w, n, total.enrolled)] for monday, n in found.weeks),
        numeric=set(),
    )
    body += f"<h2>{plain(w.t('classlist.not_reached_title').rstrip(':： '))}</h2>"
    by_class: dict[str, list[str]] = {}
    for child in kids:
        name = child_name(child.first_name, child.last_initial)
        by_class.setdefault(child.class_name, []).append(name)
    for class_name, names in by_class.items():
        body += f"<p><b>{user(class_name)}</b> · {', '.join(user(n) for n in names)}</p>"
    body += f'<p class="note">{prose(visit.t("dash.reach_letters"))}</p>'
    return visit.render(title, body, here="reach")
