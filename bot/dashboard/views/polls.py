"""Poll pages: the list, one poll's results with its chart, CSV and XLSX downloads.

The figures come from `bot.polls.tally.tally_counted`, which applies the rules of the bot's
`poll_results.tally` (a test checks they agree), so the dashboard hides exactly what the bot hides:
nothing under the school's smallest group, no free text under its text threshold.
"""

from __future__ import annotations

from aiohttp import web

from bot.core.i18n import keep_ltr
from bot.dashboard import stats as dashboard_stats
from bot.dashboard.views.html import esc, prose, table, user
from bot.dashboard.views.visit import Visit, coordinator_only, no_store, not_found, number
from bot.models import Poll, PollStatus
from bot.polls.chart import render_chart
from bot.polls.export import tables, to_csv, to_xlsx
from bot.polls.flows import Flow
from bot.polls.results import Results, invited
from bot.polls.service import flow_of, polls_of
from bot.polls.tally import rendered, tally_cached
from bot.polls.views import local, when

MAX_TEXTS = 50


def _status(visit: Visit, poll: Poll) -> str:
    if poll.status == PollStatus.OPEN:
        date = keep_ltr(when(poll.closes_at, visit.services.settings.tz), visit.lang)
        return visit.t("poll.status_open", date=date)
    return visit.t("poll.status_closed")


@coordinator_only
async def poll_list(visit: Visit) -> web.StreamResponse:
    """Open and closed polls, newest first."""
    services = visit.services
    async with services.sessions() as session:
        found = await polls_of(session, school_id=visit.school_id)
    items = []
    for poll in found:
        flow = flow_of(poll, flows=services.flows)  # its frozen definition (own polls too)
        title = f"{flow.emoji} {local(flow.title, visit.lang)}" if flow else poll.flow_id
        link = f'<a href="/dashboard/polls/{poll.id}">{user(title)}</a>'
        items.append([link, esc(_status(visit, poll)), str(invited(poll))])
    if not items:
        body = visit.note("dash.polls_none")
    else:
        header = visit.columns("poll", "status", "invited")
        body = table(header, items, numeric={2})
    return visit.render(visit.t("dash.nav_polls"), body, here="polls")


async def _poll(visit: Visit) -> tuple[Poll, Flow, Results] | None:
    """This school's poll of the path, its flow and what may be shown of its results."""
    services = visit.services
    async with services.sessions() as session:
        poll = await dashboard_stats.poll(
            session, school_id=visit.school_id, poll_id=number(visit, "id") or 0
        )
        flow = flow_of(poll, flows=services.flows) if poll else None
        if poll is None or flow is None:
            return None
        return poll, flow, await tally_cached(session, poll=poll, flow=flow)


def _groups_html(visit: Visit, results: Results) -> str:
    lang, t = visit.lang, visit.t
    out = ""
    for group in results.groups:
        name = t("poll.whole_school") if group.name is None else group.name
        out += f"<h2>{user(name or t('poll.other_classes'))} · {group.respondents}</h2>"
        for q in group.questions:
            labels = [(o.id, f"{o.emoji} {local(o.text, lang)}") for o in q.question.options]
            if q.question.other:
                labels.append(("", t("poll.other_label")))
            rows = [
                [user(label), str(q.counts.get(oid, 0)), f"{q.percent(oid)}%"]
                for oid, label in labels
            ]
            out += f"<p><b>{user(local(q.question.text, lang))}</b> (n={q.answered})</p>"
            header = [t("dash.col_answer"), t("dash.col_count"), t("dash.col_share")]
            out += table(header, rows, numeric={1, 2})
    return out


def _texts_html(visit: Visit, results: Results) -> str:
    catalogs = visit.services.catalogs
    if results.texts_total and results.texts_hidden:
        hidden = visit.tn("poll.texts_hidden", results.min_text, min=results.min_text)
        return f'<p class="note">{prose(hidden)}</p>'
    if not results.texts:
        return ""
    out = f"<h2>{esc(visit.t('poll.texts_heading', count=len(results.texts)))}</h2>"
    for text in results.texts[:MAX_TEXTS]:
        out += f'<div class="msg"><p dir="auto">{esc(text.text)}</p>'
        language = catalogs.language_name(text.language, visit.lang) if text.language else None
        out += f'<p class="muted">{esc(language or visit.t("poll.other_language"))}'
        if text.text_nl and text.text_nl != text.text:
            out += f" · 🇳🇱 {user(text.text_nl)}"
        out += "</p></div>"
    return out


@coordinator_only
async def poll_page(visit: Visit) -> web.StreamResponse:
    """One poll: respondents, the chart, the totals per group, free texts, downloads."""
    found = await _poll(visit)
    if found is None:
        return not_found(visit)
    poll, flow, results = found
    t = visit.t
    base = f"/dashboard/polls/{poll.id}"
    body = f'<p><a href="/dashboard/polls">{esc(t("dash.back"))}</a></p>'
    body += f"<p>{esc(_status(visit, poll))}<br>"
    if poll.status == PollStatus.OPEN:  # answers are published k at a time (bot/polls/batches.py)
        body += f"{esc(t('poll.batch_note', k=poll.batch))}<br>"
    n = results.respondents
    body += f"{esc(visit.tn('poll.respondents', n, count=n, invited=invited(poll)))}</p>"
    body += (
        '<div class="buttons">'
        f'<a class="button light" href="{base}/totals.csv">{esc(t("dash.export_totals_csv"))}</a>'
        f'<a class="button light" href="{base}/texts.csv">{esc(t("dash.export_texts_csv"))}</a>'
        f'<a class="button light" href="{base}/results.xlsx">{esc(t("dash.export_xlsx"))}</a>'
        "</div>"
    )
    if results.hidden:
        few = visit.tn("poll.too_few", results.min_group, min=results.min_group)
        body += f'<p class="note">{prose(few)}</p>'
    else:
        body += f'<img class="chart" src="{base}/chart.png" alt="{esc(t("dash.chart_alt"))}">'
        body += _groups_html(visit, results)
    body += _texts_html(visit, results)
    return visit.render(f"{flow.emoji} {local(flow.title, visit.lang)}", body, here="polls")


def _download(data: bytes, content_type: str, filename: str) -> web.Response:
    response = web.Response(body=data, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    no_store(response)
    return response


@coordinator_only
async def chart(visit: Visit) -> web.StreamResponse:
    """The bot's chart of the whole school's totals (only when the group is large enough)."""
    found = await _poll(visit)
    if found is None or found[2].hidden:
        return not_found(visit)
    poll, flow, results = found
    lang = visit.lang
    png = rendered(
        results,
        f"chart.png:{lang}",
        lambda: render_chart(
            results,
            lang=lang,
            title=f"{flow.emoji} {local(flow.title, lang)}",
            subtitle=visit.tn(
                "poll.respondents",
                results.respondents,
                count=results.respondents,
                invited=invited(poll),
            ),
            other_label=visit.t("poll.other_label"),
        ),
    )
    response = web.Response(body=png, content_type="image/png")
    no_store(response)
    return response


@coordinator_only
async def export(visit: Visit) -> web.StreamResponse:
    """totals.csv, texts.csv or results.xlsx, as the bot's /export gives them."""
    found = await _poll(visit)
    if found is None:
        return not_found(visit)
    poll, flow, results = found
    catalogs, lang = visit.services.catalogs, visit.lang
    base, kind = f"poll-{poll.id}-{flow.id}", visit.request.match_info["kind"]

    def make() -> bytes:
        data = tables(results, catalogs, lang)
        if kind == "results.xlsx":
            return to_xlsx(data)
        if kind == "texts.csv":
            return to_csv(data.texts_header, data.texts)
        return to_csv(data.totals_header, data.totals)

    body = rendered(results, f"{kind}:{lang}", make)
    if kind == "results.xlsx":
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _download(body, xlsx, f"{base}.xlsx")
    name = f"{base}-texts.csv" if kind == "texts.csv" else f"{base}-totals.csv"
    return _download(body, "text/csv", name)
