"""The "Talen en stemmen" page: per language the translation route both ways (model and
licence), the voice that reads it aloud, and how many parents use it and asked for read-aloud."""

from __future__ import annotations

import itertools
from pathlib import Path

from aiohttp import web

from bot.dashboard.languages import LanguageParents, parents_by_language
from bot.dashboard.views.html import esc, ltr, table
from bot.dashboard.views.visit import Visit, coordinator_only
from bot.speech.engines import ESPEAK, Voice
from bot.speech.table import availability
from bot.translation.ct2_models import DIRECT, MANY
from bot.translation.model_list import argos_licence
from bot.translation.routes import SCHOOL, Route, Router

KIND_KEYS = {DIRECT: "dash.route_direct", MANY: "dash.route_many"}


def licence_of(visit: Visit, router: Router, route: Route) -> str:
    """The licence a route's model states (argostranslate: each hop's package)."""
    if route.model is not None:
        return route.licence.upper() or visit.t("dash.licence_unknown")
    pairs, found = router.argos.pairs(), set()
    for hop in itertools.pairwise(route.languages):
        if hop in pairs:
            found.add(argos_licence(pairs[hop].path))
    found.discard(argos_licence(Path("/nonexistent")))  # what it says when none is stated
    stated = sorted(found)
    return "; ".join(stated) or visit.t("dash.licence_unknown")


def route_cell(visit: Visit, router: Router | None, source: str, target: str) -> str:
    """'Rechtstreeks: opus-mt-nl-tr (APACHE-2.0)', 'Via Engels: argostranslate (MIT)' or 'Geen'."""
    route = router.route(source, target) if router is not None else None
    if route is None:
        return f'<span class="muted">{esc(visit.t("dash.route_none"))}</span>'
    kind = visit.t(KIND_KEYS.get(route.kind, "dash.route_pivot"))
    model = f"{route.engine} ({licence_of(visit, router, route)})" if router else route.engine
    return f"{esc(kind)}: {ltr(model)}"


def voice_cell(visit: Visit, voice: Voice | None) -> str:
    """The Piper voice and its licence, espeak-ng (robotic), or none."""
    if voice is None:
        return f'<span class="muted">{esc(visit.t("dash.voice_none"))}</span>'
    if voice.engine == ESPEAK:
        return esc(visit.t("dash.voice_espeak"))
    licence = voice.licence or visit.t("dash.licence_unknown")
    return ltr(f"Piper {voice.short} ({licence})")


@coordinator_only
async def languages_page(visit: Visit) -> web.StreamResponse:
    """One row per language the parents use and per language of the bot."""
    services = visit.services
    async with services.sessions() as session:
        counts = await parents_by_language(session, school_id=visit.school_id)
    translator = services.translator
    router = translator.router if translator is not None else None
    speaker = services.speaker
    voices = {row.language: row.voice for row in availability(speaker)} if speaker else {}
    codes = list(services.catalogs.languages)
    codes += sorted(code for code in counts if code not in codes)
    none = LanguageParents(0, 0)
    rows = []
    for code in codes:
        found = counts.get(code, none)
        dutch = code == SCHOOL
        rows.append([
            esc(services.catalogs.language_name(code, visit.lang)),
            "–" if dutch else route_cell(visit, router, SCHOOL, code),
            "–" if dutch else route_cell(visit, router, code, SCHOOL),
            voice_cell(visit, voices.get(code)),
            ltr(str(found.parents)),
            ltr(str(found.read_aloud)),
        ])  # fmt: skip
    header = visit.columns("language", "route_to", "route_from", "voice", "parents", "read_aloud")
    body = visit.note("dash.languages_intro")
    body += table(header, rows, numeric={4, 5})
    if speaker is None:
        body += visit.note("dash.voices_off")
    return visit.render(visit.t("dash.nav_languages"), body, here="languages")
