"""A bar chart of a poll's totals (PNG, Pillow): one block per question, one bar per answer."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.polls.results import QuestionTotals, Results

WIDTH, MARGIN, BAR_H, GAP = 1000, 40, 30, 10
LABEL_W = 380
INK, MUTED, BAR, BACK, LIGHT = (
    (25, 35, 60),
    (110, 115, 130),
    (230, 110, 40),
    (255, 255, 255),
    (245, 238, 230),
)
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto")]
# Pictographs a text font cannot draw (the bot's messages keep them; the chart leaves them out).
PICTOGRAPHS = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u20e3\U0001f1e6-\U0001f1ff]")
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int, bold: bool = False) -> Font:
    names = (
        ["DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf"]
        if bold
        else ["DejaVuSans.ttf", "NotoSans-Regular.ttf"]
    )
    for folder in FONT_DIRS:
        for name in names:
            if (folder / name).exists():
                return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def plain(text: str) -> str:
    """Text without emoji, for a font that has none."""
    return PICTOGRAPHS.sub("", text).strip()


def _fit(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> str:
    while text and draw.textlength(text, font=font) > width:
        text = text[:-2].rstrip() + "…" if len(text) > 2 else ""
        text = text.replace("……", "…")
    return text


def _rows(totals: QuestionTotals, lang: str, other_label: str) -> list[tuple[str, int, int]]:
    rows = [
        (o.text.get(lang) or o.text["nl"], totals.counts.get(o.id, 0), totals.percent(o.id))
        for o in totals.question.options
    ]
    if totals.question.other:
        rows.append((other_label, totals.counts.get("", 0), totals.percent("")))
    return rows


def render_chart(
    results: Results, *, lang: str, title: str, subtitle: str, other_label: str
) -> bytes:
    """The whole school's totals as a PNG (the caller checks the thresholds first)."""
    group = results.groups[0]
    blocks = [(q, _rows(q, lang, other_label)) for q in group.questions]
    height = MARGIN * 2 + 90 + sum(50 + len(rows) * (BAR_H + GAP) + 20 for _, rows in blocks)
    image = Image.new("RGB", (WIDTH, height), BACK)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    draw.text(
        (MARGIN, y),
        _fit(draw, plain(title), _font(30, True), WIDTH - 2 * MARGIN),
        font=_font(30, True),
        fill=INK,
    )
    y += 44
    draw.text((MARGIN, y), plain(subtitle), font=_font(20), fill=MUTED)
    y += 46
    bar_x, bar_w = MARGIN + LABEL_W, WIDTH - 2 * MARGIN - LABEL_W - 110
    for totals, rows in blocks:
        question = plain(totals.question.text.get(lang) or totals.question.text["nl"])
        question = f"{question} (n={totals.answered})"
        draw.text(
            (MARGIN, y),
            _fit(draw, question, _font(22, True), WIDTH - 2 * MARGIN),
            font=_font(22, True),
            fill=INK,
        )
        y += 40
        for label, count, percent in rows:
            draw.text(
                (MARGIN, y + 4),
                _fit(draw, plain(label), _font(19), LABEL_W - 12),
                font=_font(19),
                fill=INK,
            )
            draw.rectangle((bar_x, y, bar_x + bar_w, y + BAR_H), fill=LIGHT)
            if percent:
                draw.rectangle(
                    (bar_x, y, bar_x + max(2, bar_w * percent // 100), y + BAR_H), fill=BAR
                )
            draw.text(
                (bar_x + bar_w + 10, y + 4), f"{percent}% ({count})", font=_font(19), fill=INK
            )
            y += BAR_H + GAP
        y += 30
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
