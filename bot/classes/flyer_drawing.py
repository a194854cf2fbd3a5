"""A printable A4 flyer for a class: school, class, a large QR code, the link, and the
invitation in several languages.

Text is drawn with Pillow; right-to-left scripts (Arabic, Persian, Pashto) are shaped and laid out
by libraqm, which Pillow's wheels include. A font is looked up among those shipped in `bot/assets/`
and the system's DejaVu/Noto fonts; a language whose letters the font cannot draw is left out of the
flyer rather than printed as empty boxes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import qrcode
from PIL import Image, ImageDraw, ImageFont, features
from qrcode.constants import ERROR_CORRECT_Q

WIDTH, HEIGHT, DPI = 1240, 1754, 150  # A4 at 150 dpi
MARGIN = 80
RTL = {"ar", "fa", "ps", "he", "ur"}
ASSETS = Path(__file__).resolve().parents[1] / "assets"
FONT_DIRS = [
    ASSETS,
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/noto"),
]
INK, ACCENT, SOFT = (25, 35, 60), (230, 110, 40), (255, 244, 230)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class FlyerText:
    """The invitation in one language."""

    lang: str
    title: str
    body: str


@dataclass(frozen=True)
class Flyer:
    """The rendered flyer."""

    png: bytes
    pdf: bytes


@cache
def _font(size: int, bold: bool) -> Font:
    """The first usable TrueType font, else Pillow's built-in one."""
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


def _can_draw(font: Font, text: str) -> bool:
    """Whether every letter of `text` has a glyph (compared with a private-use code point's box)."""

    def shape(ch: str) -> tuple[tuple[float, ...], bytes]:
        return font.getbbox(ch), bytes(font.getmask(ch))

    missing = shape("\ue000")
    return all(shape(ch) != missing for ch in set(text) if ch.isalpha())


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: Font, width: int, direction: str | None
) -> list[str]:
    """Greedy word wrap within `width` pixels."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}".strip()
            if draw.textlength(trial, font=font, direction=direction) <= width or not current:
                current = trial
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
    return lines


def _qr_image(link: str, size: int) -> Image.Image:
    """A QR code with a quiet zone, scaled to `size` pixels without blur."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4, box_size=1)
    qr.add_data(link)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    modules = img.size[0]
    return img.resize((size // modules * modules,) * 2, Image.Resampling.NEAREST)


def render_flyer(
    *, link: str, class_name: str, school_name: str, lines: Sequence[FlyerText]
) -> Flyer:
    """Render the flyer as PNG and one-page A4 PDF."""
    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, WIDTH, 250), fill=SOFT)
    draw.rectangle((0, 250, WIDTH, 262), fill=ACCENT)
    y = 50
    for text, size in ((school_name, 64), (class_name, 84)):
        font = _font(size, True)
        fitted = _wrap(draw, text, font, WIDTH - 2 * MARGIN, None)[:1] or [""]
        draw.text((WIDTH // 2, y), fitted[0], font=font, fill=INK, anchor="mt")
        y += size + 24
    qr = _qr_image(link, 620)  # about 10.5 cm on paper
    qr_top = 300
    page.paste(qr, ((WIDTH - qr.size[0]) // 2, qr_top))
    y = qr_top + qr.size[1] + 16
    link_font = _font(30, False)
    draw.text((WIDTH // 2, y), link, font=link_font, fill=INK, anchor="mt")
    y += 70
    _draw_languages(draw, lines, y)
    png, pdf = io.BytesIO(), io.BytesIO()
    page.save(png, format="PNG", dpi=(DPI, DPI))
    page.save(pdf, format="PDF", resolution=DPI)
    return Flyer(png=png.getvalue(), pdf=pdf.getvalue())


def _draw_languages(draw: ImageDraw.ImageDraw, lines: Sequence[FlyerText], top: int) -> None:
    """The invitation in each language, in two columns, until the page is full."""
    shaping = features.check("raqm")
    title_font, body_font = _font(30, True), _font(26, False)
    col_width = (WIDTH - 2 * MARGIN - 40) // 2
    drawable = [
        t for t in lines
        if _can_draw(title_font, t.title + t.body) and (shaping or t.lang not in RTL)
    ]  # fmt: skip
    columns = [MARGIN, MARGIN + col_width + 40]
    heights = [top, top]
    for item in drawable:
        col = 0 if heights[0] <= heights[1] else 1
        direction = "rtl" if item.lang in RTL else None
        block: list[tuple[str, Font]] = [
            (line, title_font) for line in _wrap(draw, item.title, title_font, col_width, direction)
        ]
        block += [
            (line, body_font) for line in _wrap(draw, item.body, body_font, col_width, direction)
        ]
        needed = sum(38 if f is title_font else 34 for _, f in block) + 24
        if heights[col] + needed > HEIGHT - MARGIN:
            continue
        y = heights[col]
        for text, font in block:
            x, anchor = (columns[col] + col_width, "ra") if direction else (columns[col], "la")
            kwargs: dict[str, Any] = {"direction": direction} if direction and shaping else {}
            draw.text(
                (x, y),
                text,
                font=font,
                fill=INK if font is title_font else (60, 60, 60),
                anchor=anchor,
                **kwargs,
            )  # type: ignore[arg-type]
            y += 38 if font is title_font else 34
        heights[col] = y + 24
