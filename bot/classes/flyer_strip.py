"""The flyer's picture strip, without words a parent must read: 1 install Telegram, 2 scan the
code, 3 press START, 4 pick your language ("Telegram" and "START" as the app shows them)."""

from __future__ import annotations

from collections.abc import Callable

from PIL import ImageDraw

from bot.classes.flyer_fonts import font

Box = tuple[int, int, int, int]
TELEGRAM, INK, ACCENT, PAPER = (42, 171, 238), (25, 35, 60), (230, 110, 40), (255, 255, 255)
GREY = (200, 205, 215)


def _phone(draw: ImageDraw.ImageDraw, box: Box) -> Box:
    """A phone outline; returns its screen."""
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=18, fill=INK)
    return (x0 + 8, y0 + 20, x1 - 8, y1 - 20)


def _telegram(draw: ImageDraw.ImageDraw, box: Box) -> None:
    """The app: a blue circle with a white paper plane, and its name."""
    x0, y0, x1, _ = box
    cx, r = (x0 + x1) // 2, 56
    cy = y0 + 66
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=TELEGRAM)
    plane = [(cx - 34, cy - 2), (cx + 30, cy - 28), (cx + 18, cy + 30), (cx + 2, cy + 12)]
    draw.polygon(plane, fill=PAPER)
    draw.polygon([(cx + 2, cy + 12), (cx - 6, cy + 26), (cx - 8, cy + 6)], fill=GREY)
    draw.text((cx, cy + r + 14), "Telegram", font=font(None, 26, bold=True), fill=INK, anchor="mt")


def _scan(draw: ImageDraw.ImageDraw, box: Box) -> None:
    """A phone whose camera sees a QR code."""
    x0, y0, x1, _ = box
    cx = (x0 + x1) // 2
    sx0, sy0, sx1, sy1 = _phone(draw, (cx - 55, y0 + 4, cx + 55, y0 + 184))
    draw.rectangle((sx0, sy0, sx1, sy1), fill=PAPER)
    step = (sx1 - sx0 - 16) // 7
    left, top = sx0 + 8, (sy0 + sy1) // 2 - 7 * step // 2
    for i in range(7):
        for j in range(7):
            finder = (i < 2 and j < 2) or (i > 4 and j < 2) or (i < 2 and j > 4)
            if finder or (i * 3 + j * 5) % 4 == 0:
                cell = (left + i * step, top + j * step)
                draw.rectangle((*cell, cell[0] + step - 2, cell[1] + step - 2), fill=INK)
    draw.line((sx0, (sy0 + sy1) // 2, sx1, (sy0 + sy1) // 2), fill=ACCENT, width=4)


def _start(draw: ImageDraw.ImageDraw, box: Box) -> None:
    """A phone showing the bot's chat with its START button."""
    x0, y0, x1, _ = box
    cx = (x0 + x1) // 2
    sx0, sy0, sx1, sy1 = _phone(draw, (cx - 55, y0 + 4, cx + 55, y0 + 184))
    draw.rectangle((sx0, sy0, sx1, sy1), fill=(232, 240, 248))
    button = (sx0 + 4, sy1 - 40, sx1 - 4, sy1 - 6)
    draw.rounded_rectangle(button, radius=8, fill=TELEGRAM)
    draw.text(
        ((button[0] + button[2]) // 2, (button[1] + button[3]) // 2), "START",
        font=font(None, 20, bold=True), fill=PAPER, anchor="mm",
    )  # fmt: skip
    draw.ellipse((cx - 16, sy0 + 18, cx + 16, sy0 + 50), fill=TELEGRAM)


def _language(draw: ImageDraw.ImageDraw, box: Box) -> None:
    """A phone with language buttons, one of them ticked."""
    x0, y0, x1, _ = box
    cx = (x0 + x1) // 2
    sx0, sy0, sx1, sy1 = _phone(draw, (cx - 55, y0 + 4, cx + 55, y0 + 184))
    draw.rectangle((sx0, sy0, sx1, sy1), fill=(232, 240, 248))
    small = font(None, 15)
    for k, name in enumerate(("Nederlands", "Türkçe", "Polski", "Română")):
        top = sy0 + 8 + k * 34
        fill = ACCENT if k == 1 else PAPER
        draw.rounded_rectangle((sx0 + 4, top, sx1 - 4, top + 28), radius=6, fill=fill)
        draw.text((cx, top + 14), name, font=small, fill=INK, anchor="mm")


STEPS: tuple[Callable[[ImageDraw.ImageDraw, Box], None], ...] = (
    _telegram,
    _scan,
    _start,
    _language,
)


def draw_strip(draw: ImageDraw.ImageDraw, left: int, top: int, width: int) -> int:
    """The four numbered pictures with arrows between them; returns the strip's bottom."""
    gap = 44
    panel = (width - gap * (len(STEPS) - 1)) // len(STEPS)
    badge = font(None, 26, bold=True)
    for k, step in enumerate(STEPS):
        x0 = left + k * (panel + gap)
        step(draw, (x0, top + 10, x0 + panel, top + 200))
        draw.ellipse((x0 + 4, top, x0 + 48, top + 44), fill=ACCENT)
        draw.text((x0 + 26, top + 22), str(k + 1), font=badge, fill=PAPER, anchor="mm")
        if k < len(STEPS) - 1:
            ax, ay = x0 + panel + 8, top + 100
            draw.polygon([(ax, ay - 14), (ax + 28, ay), (ax, ay + 14)], fill=ACCENT)
    return top + 210
