"""A printable A4 flyer for a class: school, class, a large QR code, the link, a picture strip
(install Telegram, scan, START, pick your language) and the invitation in every UI language.

Text is drawn with Pillow and the Noto fonts shipped in `bot/assets/` (bot/classes/flyer_fonts.py);
right-to-left scripts (Arabic, Persian, Pashto) are shaped and laid out by libraqm. Every language
given is drawn: the text gets smaller until all of them fit on the page, and a language that cannot
be drawn (font, shaping) or fit raises FlyerError instead of being left out.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import qrcode
from PIL import Image, ImageDraw
from qrcode.constants import ERROR_CORRECT_Q

from bot.classes.flyer_fonts import FlyerError, Font, check_language, direction, font
from bot.classes.flyer_fonts import missing_letters as gaps
from bot.classes.flyer_strip import draw_strip

WIDTH, HEIGHT, DPI = 1240, 1754, 150  # A4 at 150 dpi
MARGIN, COLUMNS, GUTTER = 70, 3, 30
QR_SIZE = 440  # about 7.5 cm on paper
SIZES = ((27, 23), (25, 21), (23, 19), (21, 18), (20, 17))  # title and body, px: 10 to 8 pt
INK, ACCENT, SOFT, BODY = (25, 35, 60), (230, 110, 40), (255, 244, 230), (60, 60, 60)


@dataclass(frozen=True)
class FlyerText:
    """The invitation in one language."""

    lang: str
    title: str
    body: str


@dataclass(frozen=True)
class Flyer:
    """The rendered flyer, and the languages on it (every one given, in order)."""

    png: bytes
    pdf: bytes
    languages: tuple[str, ...] = ()


Block = list[tuple[str, Font, int]]  # lines with their font and line height


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: Font, width: int, lang: str) -> list[str]:
    """Greedy word wrap within `width` pixels."""
    lines: list[str] = []
    rtl = direction(lang)
    for paragraph in text.splitlines():
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}".strip()
            if draw.textlength(trial, font=face, direction=rtl) <= width or not current:
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


def _heading(draw: ImageDraw.ImageDraw, texts: Sequence[str], size: int, y: int) -> None:
    """The first of `texts` one shipped font can draw whole, centred (cut to the page width)."""
    for text in texts:
        for lang in (None, "ar", "ti"):
            face = font(lang, size, bold=True)
            if not gaps(face, text):
                rtl = direction(lang) if lang else None
                while draw.textlength(text, font=face, direction=rtl) > WIDTH - 2 * MARGIN:
                    text = text[:-2] + "…"
                draw.text((WIDTH // 2, y), text, font=face, fill=INK, anchor="mt", direction=rtl)
                return
    raise FlyerError(f"no shipped font can draw the heading {texts[-1]!r}")


def render_flyer(
    *,
    link: str,
    class_name: str,
    school_name: str,
    lines: Sequence[FlyerText],
    class_label: str = "",
) -> Flyer:
    """Render the flyer as PNG and one-page A4 PDF; `class_label` ("Klas 1A") is shown if a font
    draws it whole, else the bare class name."""
    for item in lines:
        check_language(item.lang, item.title + item.body)
    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, WIDTH, 200), fill=SOFT)
    draw.rectangle((0, 200, WIDTH, 210), fill=ACCENT)
    _heading(draw, [school_name or " "], 52, 32)
    _heading(draw, [class_label or class_name, class_name], 70, 100)
    qr = _qr_image(link, QR_SIZE)
    page.paste(qr, ((WIDTH - qr.size[0]) // 2, 232))
    y = 232 + qr.size[1] + 8
    draw.text((WIDTH // 2, y), link, font=font(None, 24), fill=INK, anchor="mt")
    y = draw_strip(draw, MARGIN, y + 46, WIDTH - 2 * MARGIN) + 20
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=ACCENT, width=3)
    drawn = _draw_languages(draw, lines, y + 24)
    png, pdf = io.BytesIO(), io.BytesIO()
    page.save(png, format="PNG", dpi=(DPI, DPI))
    page.save(pdf, format="PDF", resolution=DPI)
    return Flyer(png=png.getvalue(), pdf=pdf.getvalue(), languages=drawn)


def line_height(face: Font) -> int:
    """The distance between lines (Arabic script reaches further up and down than Latin)."""
    return round(face.size * (1.45 if "Arabic" in str(face.path) else 1.3))


def _blocks(
    draw: ImageDraw.ImageDraw, lines: Sequence[FlyerText], sizes: tuple[int, int], width: int
) -> list[Block]:
    """Each language's title and body, wrapped to a column at these sizes."""
    blocks = []
    for item in lines:
        title, body = font(item.lang, sizes[0], bold=True), font(item.lang, sizes[1])
        block = [
            (ln, title, line_height(title))
            for ln in _wrap(draw, item.title, title, width, item.lang)
        ]
        block += [
            (ln, body, line_height(body)) for ln in _wrap(draw, item.body, body, width, item.lang)
        ]
        blocks.append(block)
    return blocks


def _columns(blocks: list[Block], room: int, gap: int) -> list[list[int]] | None:
    """Blocks in order, filled column by column so that each column's height stays below
    `room`; None if they need more than COLUMNS columns."""
    columns: list[list[int]] = [[]]
    used = 0
    for index, block in enumerate(blocks):
        needed = sum(height for _, _, height in block) + gap
        if needed > room:
            return None
        if used + needed > room:
            columns.append([])
            used = 0
        columns[-1].append(index)
        used += needed
    return columns if len(columns) <= COLUMNS else None


def _draw_languages(
    draw: ImageDraw.ImageDraw, lines: Sequence[FlyerText], top: int
) -> tuple[str, ...]:
    """Every language, in three columns, at the largest size at which all of them fit; returns
    the languages drawn, in order."""
    width = (WIDTH - 2 * MARGIN - (COLUMNS - 1) * GUTTER) // COLUMNS
    room, gap = HEIGHT - MARGIN // 2 - top, 16
    for sizes in SIZES:
        blocks = _blocks(draw, lines, sizes, width)
        columns = _columns(blocks, room, gap)
        if columns is not None:
            break
    else:
        raise FlyerError(f"{len(lines)} languages do not fit on one A4 flyer even at 8 pt")
    drawn: list[str] = []
    for col, indexes in enumerate(columns):
        left, y = MARGIN + col * (width + GUTTER), top
        for index in indexes:
            drawn.append(lines[index].lang)
            rtl = direction(lines[index].lang)
            x, anchor = (left + width, "ra") if rtl else (left, "la")
            for text, face, height in blocks[index]:
                fill = INK if face is blocks[index][0][1] else BODY
                draw.text((x, y), text, font=face, fill=fill, anchor=anchor, direction=rtl)
                y += height
            y += gap
    return tuple(drawn)
