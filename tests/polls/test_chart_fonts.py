"""The poll chart draws every UI language's script: Ge'ez for Tigrinya, Arabic script for
Arabic, Persian and Pashto, Cyrillic, Latin; every piece of every line in a shipped font that has
its letters (no empty boxes), digits and brackets inside Arabic or Ge'ez text included."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bot.classes.flyer_fonts import ASSETS, missing_letters
from bot.core.i18n import Catalogs
from bot.core.settings import project_root
from bot.models import Poll
from bot.polls.chart import Drawn, plain, render_chart
from bot.polls.flows import Flow, load_flows
from bot.polls.results import Group, QuestionTotals, Results

ROOT = project_root()
CATALOGS = Catalogs.load(ROOT / "locales")
FLOWS = load_flows(ROOT / "flows", languages=CATALOGS.languages)


def chart(flow: Flow, lang: str, drawn: Drawn) -> bytes:
    """Twelve parents answered every question of `flow`: 8 the first answer, 4 the second; the
    title, the subtitle and "something else" come from the catalogs, as /results sends them."""
    totals = [
        QuestionTotals(q, 12, {q.options[0].id: 8, q.options[1].id: 4}) for q in flow.questions
    ]
    poll = Poll(school_id=1, flow_id=flow.id, invited=12, audience_at_launch=20)
    results = Results(poll, flow, 12, 5, 10, groups=[Group(None, 12, totals)])
    return render_chart(
        results,
        lang=lang,
        title=flow.title.get(lang) or flow.title["nl"],
        subtitle=CATALOGS.tn(lang, "poll.respondents", 12, count=12, invited=20),
        other_label=CATALOGS.t(lang, "poll.other_label"),
        drawn=drawn,
    )


def test_every_ui_language_is_drawn_in_fonts_that_have_its_letters() -> None:
    """For each of the 15 languages and each shipped poll, every piece the chart writes is in
    a font from bot/assets/ that has each of its letters, and the whole text is there."""
    assert len(CATALOGS.languages) == 15 and FLOWS
    for lang in CATALOGS.languages:
        for flow in FLOWS.values():
            drawn: Drawn = []
            png = chart(flow, lang, drawn)
            assert Image.open(io.BytesIO(png)).width == 1000
            for piece, face in drawn:
                assert Path(str(face.path)).parent == ASSETS, (lang, piece)
                assert missing_letters(face, piece) == "", (lang, flow.id, piece)
            written = "".join(piece for piece, _face in drawn)
            assert plain(CATALOGS.t(lang, "poll.other_label")) in written or not any(
                q.other for q in flow.questions
            )


def test_tigrinya_and_arabic_get_their_own_script_fonts() -> None:
    """The Tigrinya title is written in Noto Sans Ethiopic, the Arabic one in Noto Sans Arabic,
    and the '(n=12)' beside an Ethiopic question in Noto Sans, which has Latin digits."""
    flow = FLOWS["barriers"]
    for lang, family in (("ti", "NotoSansEthiopic-Bold"), ("ar", "NotoSansArabic-Bold")):
        drawn: Drawn = []
        chart(flow, lang, drawn)
        title = plain(flow.title[lang])
        assert drawn[0][0].strip() in title and Path(str(drawn[0][1].path)).stem == family
    drawn = []
    chart(flow, "ti", drawn)
    count = next(face for piece, face in drawn if "(n=12)" in piece)
    assert Path(str(count.path)).stem == "NotoSans-Bold"
