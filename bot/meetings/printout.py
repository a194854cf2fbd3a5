"""The teacher's printable schedule of a meeting evening: an A4 PDF drawn with Pillow (the
flyers' shipped fonts), one line per slot."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from bot.classes.flyer_fonts import font

A4 = (1240, 1754)  # 150 dpi
MARGIN, LINE = 90, 44
PER_PAGE = (A4[1] - 2 * MARGIN - 140) // LINE


def schedule_pdf(*, title: str, lines: list[str], lang: str = "nl") -> bytes:
    """A4 pages: the title, then the lines (names of every language: fonts per script)."""
    pages: list[Image.Image] = []
    chunks = [lines[i : i + PER_PAGE] for i in range(0, len(lines), PER_PAGE)] or [[]]
    for chunk in chunks:
        page = Image.new("RGB", A4, "white")
        draw = ImageDraw.Draw(page)
        draw.text((MARGIN, MARGIN), title, fill="black", font=font(lang, 40, bold=True))
        y = MARGIN + 110
        for line in chunk:
            draw.text((MARGIN, y), line, fill="black", font=font(lang, 30))
            draw.line((MARGIN, y + LINE - 6, A4[0] - MARGIN, y + LINE - 6), fill="#cccccc")
            y += LINE
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()
