"""A bar chart of a poll's totals (PNG, Pillow): one block per question, one bar per answer,
in the shipped Noto fonts of the reader's script (bot/assets/)."""

from __future__ import annotations

import io
import re

from PIL import Image, ImageDraw, features

from bot.classes.flyer_fonts import Font, font, runs
from bot.polls.results import QuestionTotals, Results

WIDTH, MARGIN, BAR_H, GAP = 1000, 40, 30, 10
LABEL_W = 380
Colour = tuple[int, int, int]
INK, MUTED, BAR, BACK, LIGHT = (
    (25, 35, 60),
    (110, 115, 130),
    (230, 110, 40),
    (255, 255, 255),
    (245, 238, 230),
)
# Pictographs a text font cannot draw (the bot's messages keep them; the chart leaves them out).
PICTOGRAPHS = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u20e3\U0001f1e6-\U0001f1ff]")
RTL = {"ar", "fa", "ps"}  # drawn right to left, the chart mirrored
Drawn = list[tuple[str, Font]]


def plain(text: str) -> str:
    """Text without emoji, for a font that has none."""
    return PICTOGRAPHS.sub("", text).strip()


def _rows(totals: QuestionTotals, lang: str, other_label: str) -> list[tuple[str, int, int]]:
    rows = [
        (o.text.get(lang) or o.text["nl"], totals.counts.get(o.id, 0), totals.percent(o.id))
        for o in totals.question.options
    ]
    if totals.question.other:
        rows.append((other_label, totals.counts.get("", 0), totals.percent("")))
    return rows


class _Pen:
    """Writes a language's lines in the shipped fonts (each piece in a font that draws it, see
    bot/classes/flyer_fonts.py) at left-to-right positions, mirrored for a right-to-left one."""

    def __init__(self, draw: ImageDraw.ImageDraw, *, lang: str, drawn: Drawn | None) -> None:
        self.draw, self.lang, self.rtl = draw, lang, lang in RTL
        self.drawn = drawn if drawn is not None else []
        self.way = "rtl" if self.rtl and features.check("raqm") else None  # shaped, reordered

    def _width(self, pieces: Drawn) -> float:
        return sum(self.draw.textlength(t, font=f, direction=self.way) for t, f in pieces)

    def fit(self, text: str, size: int, width: int, *, bold: bool = False) -> str:
        """The text, shortened with "…" until it fits in `width` pixels."""
        while text and self._width(runs(self.lang, text, size, bold=bold)) > width:
            text = text[:-2].rstrip() + "…" if len(text) > 2 else ""
            text = text.replace("……", "…")
        return text

    def text(
        self, x: int, y: int, text: str, size: int, *, bold: bool = False, fill: Colour = INK
    ) -> None:
        """One line whose top is at `y`, starting `x` pixels from the reader's side."""
        base = y + font(None, size, bold=bold).getmetrics()[0]  # one baseline for every piece
        at = float(WIDTH - x if self.rtl else x)
        for piece, face in runs(self.lang, text, size, bold=bold):
            self.drawn.append((piece, face))
            anchor = "rs" if self.rtl else "ls"
            self.draw.text(
                (at, base), piece, font=face, fill=fill, anchor=anchor, direction=self.way
            )
            step = self.draw.textlength(piece, font=face, direction=self.way)
            at += -step if self.rtl else step

    def box(self, x: int, y: int, width: int, fill: Colour) -> None:
        left = WIDTH - x - width if self.rtl else x
        self.draw.rectangle((left, y, left + width, y + BAR_H), fill=fill)


def render_chart(
    results: Results,
    *,
    lang: str,
    title: str,
    subtitle: str,
    other_label: str,
    drawn: Drawn | None = None,
) -> bytes:
    """The whole school's totals as a PNG (the caller checks the thresholds first); mirrored for
    a right-to-left language: labels on the right, bars growing leftwards. Every script of the
    UI languages is drawn in a font that has its letters; `drawn` collects (piece, font)."""
    group = results.groups[0]
    blocks = [(q, _rows(q, lang, other_label)) for q in group.questions]
    height = MARGIN * 2 + 90 + sum(50 + len(rows) * (BAR_H + GAP) + 20 for _, rows in blocks)
    image = Image.new("RGB", (WIDTH, height), BACK)
    pen = _Pen(ImageDraw.Draw(image), lang=lang, drawn=drawn)
    y = MARGIN
    pen.text(MARGIN, y, pen.fit(plain(title), 30, WIDTH - 2 * MARGIN, bold=True), 30, bold=True)
    y += 44
    pen.text(MARGIN, y, plain(subtitle), 20, fill=MUTED)
    y += 46
    bar_x, bar_w = MARGIN + LABEL_W, WIDTH - 2 * MARGIN - LABEL_W - 110
    for totals, rows in blocks:
        question = plain(totals.question.text.get(lang) or totals.question.text["nl"])
        question = f"{question} (n={totals.answered})"
        pen.text(MARGIN, y, pen.fit(question, 22, WIDTH - 2 * MARGIN, bold=True), 22, bold=True)
        y += 40
        for label, count, percent in rows:
            pen.text(MARGIN, y + 4, pen.fit(plain(label), 19, LABEL_W - 12), 19)
            pen.box(bar_x, y, bar_w, LIGHT)
            if percent:
                pen.box(bar_x, y, max(2, bar_w * percent // 100), BAR)
            pen.text(bar_x + bar_w + 10, y + 4, f"{percent}% ({count})", 19)
            y += BAR_H + GAP
        y += 30
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
