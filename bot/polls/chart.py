"""A bar chart of a poll's totals (PNG, Pillow): one block per question, one bar per answer."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

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
RTL = {"ar", "fa", "ps"}  # drawn right to left, the chart mirrored


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


class _Pen:
    """Draws at left-to-right positions, mirrored for a right-to-left language."""

    def __init__(self, draw: ImageDraw.ImageDraw, *, rtl: bool) -> None:
        self.draw, self.rtl = draw, rtl

    def fit(self, text: str, font: Font, width: int) -> str:
        return _fit(self.draw, text, font, width)

    def text(self, x: int, y: int, text: str, font: Font, fill: tuple[int, int, int] = INK) -> None:
        if not self.rtl:
            self.draw.text((x, y), text, font=font, fill=fill, anchor="la")
        elif features.check("raqm"):  # shapes and orders the letters, right to left
            self.draw.text((WIDTH - x, y), text, font=font, fill=fill, anchor="ra", direction="rtl")
        else:
            self.draw.text((WIDTH - x, y), text, font=font, fill=fill, anchor="ra")

    def box(self, x: int, y: int, width: int, fill: tuple[int, int, int]) -> None:
        left = WIDTH - x - width if self.rtl else x
        self.draw.rectangle((left, y, left + width, y + BAR_H), fill=fill)


def render_chart(
    results: Results, *, lang: str, title: str, subtitle: str, other_label: str
) -> bytes:
    """The whole school's totals as a PNG (the caller checks the thresholds first); mirrored for
    a right-to-left language: labels on the right, bars growing leftwards."""
    group = results.groups[0]
    blocks = [(q, _rows(q, lang, other_label)) for q in group.questions]
    height = MARGIN * 2 + 90 + sum(50 + len(rows) * (BAR_H + GAP) + 20 for _, rows in blocks)
    image = Image.new("RGB", (WIDTH, height), BACK)
    pen = _Pen(ImageDraw.Draw(image), rtl=lang in RTL)
    y = MARGIN
    pen.text(MARGIN, y, pen.fit(plain(title), _font(30, True), WIDTH - 2 * MARGIN), _font(30, True))
    y += 44
    pen.text(MARGIN, y, plain(subtitle), _font(20), MUTED)
    y += 46
    bar_x, bar_w = MARGIN + LABEL_W, WIDTH - 2 * MARGIN - LABEL_W - 110
    for totals, rows in blocks:
        question = plain(totals.question.text.get(lang) or totals.question.text["nl"])
        question = f"{question} (n={totals.answered})"
        pen.text(MARGIN, y, pen.fit(question, _font(22, True), WIDTH - 2 * MARGIN), _font(22, True))
        y += 40
        for label, count, percent in rows:
            pen.text(MARGIN, y + 4, pen.fit(plain(label), _font(19), LABEL_W - 12), _font(19))
            pen.box(bar_x, y, bar_w, LIGHT)
            if percent:
                pen.box(bar_x, y, max(2, bar_w * percent // 100), BAR)
            pen.text(bar_x + bar_w + 10, y + 4, f"{percent}% ({count})", _font(19))
            y += BAR_H + GAP
        y += 30
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
