"""Drawing helpers for the pictograms: a tile like the invitation pictures (a soft gradient, a
white disc in the middle) and the few body parts the pictures share (a head, a hand).

Everything is drawn at twice the size and scaled down, so the edges come out smooth.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

Point = tuple[float, float]
Colour = tuple[int, int, int]
CANVAS = 640  # every picture is drawn on 640 x 640 and scaled down to the tile's size

INK: Colour = (40, 46, 66)
SKIN: Colour = (196, 138, 98)
SKIN_DARK: Colour = (150, 98, 66)
HAIR: Colour = (58, 40, 32)
WHITE: Colour = (255, 255, 255)
BLUE: Colour = (62, 140, 215)
LIGHT_BLUE: Colour = (150, 200, 240)
RED: Colour = (218, 62, 52)
GREEN: Colour = (76, 160, 70)
YELLOW: Colour = (248, 200, 50)
ORANGE: Colour = (240, 140, 40)
BROWN: Colour = (150, 100, 60)
GOLD: Colour = (236, 178, 40)
GOLD_DARK: Colour = (190, 130, 20)
GREY: Colour = (170, 176, 190)
BREAD: Colour = (232, 184, 112)


def colour(hex_code: str) -> Colour:
    """'#rrggbb' as a colour."""
    value = int(hex_code.lstrip("#"), 16)
    return (value >> 16 & 255, value >> 8 & 255, value & 255)


def background(top: str, bottom: str) -> Image.Image:
    """The invitation pictures' look: a soft vertical gradient and a large white disc."""
    image = Image.new("RGB", (CANVAS, CANVAS))
    pen = ImageDraw.Draw(image)
    a, b = colour(top), colour(bottom)
    for y in range(CANVAS):
        f = y / CANVAS
        pen.line([(0, y), (CANVAS, y)], fill=tuple(int(a[i] + (b[i] - a[i]) * f) for i in range(3)))
    pen.ellipse((34, 34, CANVAS - 34, CANVAS - 34), fill=WHITE)
    return image


def inside() -> Image.Image:
    """The mask of the white disc (what is drawn outside it is left out)."""
    mask = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(mask).ellipse((34, 34, CANVAS - 34, CANVAS - 34), fill=255)
    return mask


def disc(
    pen: ImageDraw.ImageDraw, centre: Point, radius: float, fill: Colour, **kw: object
) -> None:
    """A filled circle."""
    x, y = centre
    pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill, **kw)  # type: ignore[arg-type]


def thick(pen: ImageDraw.ImageDraw, points: list[Point], width: int, fill: Colour) -> None:
    """A line with round ends and joints."""
    pen.line(points, fill=fill, width=width, joint="curve")
    for point in (points[0], points[-1]):
        disc(pen, point, width / 2, fill)


def arc_points(centre: Point, rx: float, ry: float, start: float, end: float) -> list[Point]:
    """Points on an ellipse from `start` to `end` degrees (0 = right, 90 = down)."""
    x, y = centre
    steps = max(8, int(abs(end - start) / 4))
    return [
        (
            x + rx * math.cos(math.radians(start + (end - start) * k / steps)),
            y + ry * math.sin(math.radians(start + (end - start) * k / steps)),
        )
        for k in range(steps + 1)
    ]


def head(pen: ImageDraw.ImageDraw, centre: Point, radius: float, *, hair: Colour = HAIR) -> None:
    """A face seen from the front: hair on top, two eyes, a small smile."""
    x, y = centre
    disc(pen, (x, y - radius * 0.12), radius * 1.04, hair)
    disc(pen, (x, y + radius * 0.06), radius * 0.92, SKIN)
    for side in (-1, 1):
        disc(pen, (x + side * radius * 0.34, y), radius * 0.1, INK)
    pen.arc(
        (x - radius * 0.32, y + radius * 0.12, x + radius * 0.32, y + radius * 0.56),
        start=20, end=160, fill=INK, width=max(3, int(radius * 0.08)),
    )  # fmt: skip


def person(
    pen: ImageDraw.ImageDraw, centre: Point, size: float, shirt: Colour, *, hair: Colour = HAIR
) -> None:
    """Head and shoulders of an adult; `centre` is the head's centre, `size` its radius."""
    x, y = centre
    shoulders = (x - size * 1.9, y + size * 1.05, x + size * 1.9, y + size * 4.2)
    pen.rounded_rectangle(shoulders, radius=int(size * 1.1), fill=shirt)
    head(pen, centre, size, hair=hair)


def hand(pen: ImageDraw.ImageDraw, left: float, top: float, width: float) -> None:
    """An open hand, palm up, seen from the side of the thumb: a palm and four fingers to the
    right, the thumb on top; (left, top) is the palm's top left corner."""
    h = width * 0.42
    pen.rounded_rectangle(
        (left, top, left + width * 0.62, top + h), radius=int(h * 0.45), fill=SKIN
    )
    for k in range(4):
        y = top + h * 0.08 + k * h * 0.22
        pen.rounded_rectangle(
            (left + width * 0.45, y, left + width, y + h * 0.24), radius=int(h * 0.12),
            fill=SKIN, outline=SKIN_DARK, width=3,
        )  # fmt: skip
    pen.rounded_rectangle(
        (left + width * 0.28, top - h * 0.22, left + width * 0.62, top + h * 0.08),
        radius=int(h * 0.14), fill=SKIN, outline=SKIN_DARK, width=3,
    )  # fmt: skip
    pen.rectangle((left - width * 0.3, top + h * 0.2, left + 4, top + h * 0.85), fill=BLUE)
