"""The poll chart reads in the reader's direction: mirrored for Arabic, Persian and Pashto."""

from __future__ import annotations

import io

from PIL import Image

from bot.core.i18n import Catalogs
from bot.core.settings import project_root
from bot.models import Poll
from bot.polls.chart import BAR, LABEL_W, MARGIN, WIDTH, render_chart
from bot.polls.flows import load_flows
from bot.polls.results import Group, QuestionTotals, Results

ROOT = project_root()
CATALOGS = Catalogs.load(ROOT / "locales")


def chart(lang: str) -> Image.Image:
    """Ten parents answered the barriers poll: 7 chose the first answer, 3 the second."""
    flow = load_flows(ROOT / "flows", languages=CATALOGS.languages)["barriers"]
    totals = [
        QuestionTotals(q, 10, {q.options[0].id: 7, q.options[1].id: 3}) for q in flow.questions
    ]
    poll = Poll(school_id=1, flow_id="barriers", invited=3, audience_at_launch=12)
    results = Results(poll, flow, 10, 5, 10, groups=[Group(None, 10, totals)])
    png = render_chart(
        results,
        lang=lang,
        title=flow.title.get(lang, flow.title["nl"]),
        subtitle="👥 10 / 12",
        other_label="…",
    )
    return Image.open(io.BytesIO(png)).convert("RGB")


def bar_columns(image: Image.Image) -> list[int]:
    """The x of every pixel in the bar colour."""
    data = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    return [i % image.width for i, px in enumerate(data) if px == BAR]


def ink_columns(image: Image.Image, top: int, bottom: int) -> list[int]:
    """The x of dark (text) pixels between two heights."""
    crop = image.crop((0, top, image.width, bottom)).convert("L")
    data = crop.get_flattened_data() if hasattr(crop, "get_flattened_data") else crop.getdata()
    return [i % crop.width for i, px in enumerate(data) if px < 100]


def test_bars_grow_from_the_labels_side() -> None:
    """Dutch: labels left, bars start at the left and grow right. Arabic: the mirror image."""
    bar_x = MARGIN + LABEL_W
    dutch, arabic = chart("nl"), chart("ar")
    assert min(bar_columns(dutch)) == bar_x
    assert max(bar_columns(arabic)) == WIDTH - bar_x
    assert min(bar_columns(arabic)) > WIDTH - 2 * bar_x - 120  # well inside the bar track
    # The title hugs the left edge in Dutch and the right edge in Arabic.
    assert min(ink_columns(dutch, MARGIN, MARGIN + 40)) < MARGIN + 10
    assert max(ink_columns(arabic, MARGIN, MARGIN + 40)) > WIDTH - MARGIN - 10
    assert min(ink_columns(arabic, MARGIN, MARGIN + 40)) > WIDTH // 4


def test_persian_and_pashto_are_mirrored_too_and_the_subtitle_counts_the_audience() -> None:
    """Persian and Pashto read right to left too; the subtitle says 10 of the 12 invited at launch."""
    for lang in ("fa", "ps"):
        assert max(bar_columns(chart(lang))) == WIDTH - MARGIN - LABEL_W
    assert "10" in CATALOGS.tn("nl", "poll.respondents", 10, count=10, invited=12)
    assert CATALOGS.tn("nl", "poll.respondents", 1, count=1, invited=12) == (
        "👥 1 ouder van de 12 antwoordde."
    )


def test_results_count_the_parents_invited_at_launch() -> None:
    """While invitations still go out, '5 of 12' rather than '5 of 0'; a poll launched before the
    count was kept reports the invitations sent."""
    from bot.polls.results import invited

    assert invited(Poll(school_id=1, flow_id="barriers", invited=0, audience_at_launch=12)) == 12
    assert invited(Poll(school_id=1, flow_id="barriers", invited=7, audience_at_launch=0)) == 7
