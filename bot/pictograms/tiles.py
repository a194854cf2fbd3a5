"""The ten pictograms, drawn with Pillow by this code (the project's own drawings, no fonts or
outside images): concrete things a parent recognises without reading. No ticks, crosses,
strike-throughs, speech balloons or metaphors.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image, ImageDraw

from bot.pictograms.shapes import (
    BLUE,
    BREAD,
    BROWN,
    GOLD,
    GOLD_DARK,
    GREEN,
    GREY,
    INK,
    LIGHT_BLUE,
    ORANGE,
    RED,
    SKIN,
    WHITE,
    YELLOW,
    arc_points,
    background,
    colour,
    disc,
    hand,
    head,
    inside,
    person,
    thick,
)

Pen = ImageDraw.ImageDraw


def swimming(pen: Pen) -> None:
    """A swimmer doing the crawl, one arm out of the water, in waves."""
    thick(pen, [(250, 330), (330, 210), (440, 250)], 46, SKIN)  # the arm over the water
    disc(pen, (245, 345), 62, RED)  # swimming cap
    disc(pen, (240, 362), 52, SKIN)
    disc(pen, (222, 356), 8, INK)
    for row, shade in ((0, BLUE), (1, LIGHT_BLUE)):
        top = 390 + row * 70
        wave = [(x, top + 18 * math.sin(x / 38)) for x in range(40, 604, 6)]
        pen.polygon([*wave, (600, 640), (40, 640)], fill=shade)


def gym_clothes(pen: Pen) -> None:
    """A sports T-shirt and a sneaker."""
    shirt = [(190, 130), (250, 110), (290, 140), (350, 140), (390, 110), (450, 130), (510, 210),
             (450, 250), (430, 230), (430, 390), (210, 390), (210, 230), (190, 250), (130, 210)]  # fmt: skip
    pen.polygon(shirt, fill=BLUE, outline=INK, width=5)
    pen.arc((280, 100, 360, 170), start=0, end=180, fill=INK, width=6)
    pen.rectangle((210, 250, 430, 275), fill=WHITE)
    sole = (150, 500, 500, 535)
    pen.polygon([(160, 500), (170, 430), (250, 420), (300, 455), (420, 470), (490, 500)],
                fill=RED, outline=INK, width=5)  # fmt: skip
    pen.rounded_rectangle(sole, radius=14, fill=WHITE, outline=INK, width=5)
    for k in range(3):
        pen.line([(215 + k * 28, 440 + k * 6), (245 + k * 28, 432 + k * 6)], fill=WHITE, width=7)


def fruit(pen: Pen) -> None:
    """An apple and a banana."""
    disc(pen, (190, 360), 82, RED)
    disc(pen, (250, 360), 82, RED)
    disc(pen, (190, 330), 20, colour("#f08a80"))
    pen.line([(220, 290), (228, 240)], fill=BROWN, width=12)
    pen.ellipse((232, 228, 300, 262), fill=GREEN)
    outer = arc_points((420, 250), 150, 210, 20, 120)  # the banana: a curved crescent
    inner = arc_points((440, 200), 130, 190, 115, 25)
    pen.polygon([*outer, *inner], fill=YELLOW, outline=GOLD_DARK, width=5)
    tip = inner[-1]
    pen.line([tip, (tip[0] + 6, tip[1] - 30)], fill=BROWN, width=14)


def lunch_box(pen: Pen) -> None:
    """An open lunch box with a sandwich and fruit, the lid up behind it."""
    pen.rounded_rectangle(
        (140, 150, 500, 300), radius=30, fill=colour("#7cc3a0"), outline=INK, width=6
    )
    pen.rounded_rectangle(
        (120, 300, 520, 500), radius=34, fill=colour("#4fa67b"), outline=INK, width=6
    )
    pen.rounded_rectangle((150, 322, 490, 476), radius=22, fill=WHITE)
    pen.polygon([(170, 460), (250, 340), (330, 460)], fill=BREAD, outline=BROWN, width=5)
    pen.line([(185, 440), (315, 440)], fill=GREEN, width=12)
    pen.line([(200, 418), (300, 418)], fill=RED, width=10)
    for x, y in ((380, 370), (420, 370), (400, 405), (440, 405), (420, 440)):
        disc(pen, (x, y), 22, colour("#8b5fbf"))


def no_school(pen: Pen) -> None:
    """A child at home: a house with a child standing in its open door."""
    pen.polygon([(110, 300), (320, 120), (530, 300)], fill=RED, outline=INK, width=6)
    pen.rectangle((150, 290, 490, 540), fill=colour("#f6dca8"), outline=INK, width=6)
    pen.rectangle((190, 330, 270, 410), fill=LIGHT_BLUE, outline=INK, width=5)
    pen.rectangle((265, 380, 385, 540), fill=colour("#fff6dd"), outline=INK, width=5)  # open door
    head(pen, (325, 425), 32)
    pen.rounded_rectangle((292, 458, 358, 540), radius=16, fill=ORANGE)
    pen.rectangle((400, 330, 470, 400), fill=LIGHT_BLUE, outline=INK, width=5)


def pay(pen: Pen) -> None:
    """An open hand holding out coins."""
    hand(pen, 150, 380, 340)
    for k, (x, y) in enumerate(((300, 330), (360, 300), (250, 290), (320, 250))):
        disc(pen, (x, y), 58, GOLD_DARK)
        disc(pen, (x, y), 46, GOLD)
        pen.arc((x - 30, y - 30, x + 30, y + 30), start=200 + k * 10, end=330, fill=WHITE, width=6)


def bring(pen: Pen) -> None:
    """A school bag carried by its handle in a hand."""
    pen.arc((215, 110, 425, 350), start=190, end=350, fill=INK, width=20)  # the handle
    pen.rounded_rectangle((170, 220, 470, 520), radius=50, fill=ORANGE, outline=INK, width=6)
    pen.rounded_rectangle(
        (210, 360, 430, 480), radius=24, fill=colour("#f6b36a"), outline=INK, width=5
    )
    pen.line([(230, 392), (410, 392)], fill=INK, width=5)
    pen.rectangle((298, 30, 342, 92), fill=BLUE)  # the sleeve
    pen.rectangle((304, 88, 336, 104), fill=SKIN)  # the wrist
    pen.rounded_rectangle((280, 98, 360, 150), radius=22, fill=SKIN, outline=INK, width=4)
    for k in range(1, 4):  # fingers closed around the handle
        x = 280 + k * 20
        pen.line([(x, 112), (x, 148)], fill=colour("#96624a"), width=4)


def trip(pen: Pen) -> None:
    """A coach bus on the road, seen from the side."""
    pen.rectangle((60, 470, 580, 500), fill=GREY)
    pen.rounded_rectangle((90, 230, 560, 460), radius=40, fill=YELLOW, outline=INK, width=6)
    for k in range(4):
        left = 130 + k * 95
        pen.rounded_rectangle(
            (left, 260, left + 78, 340), radius=10, fill=LIGHT_BLUE, outline=INK, width=4
        )
    pen.rounded_rectangle((505, 260, 545, 400), radius=10, fill=LIGHT_BLUE, outline=INK, width=4)
    pen.rectangle((90, 370, 560, 390), fill=ORANGE)
    for x in (190, 450):
        disc(pen, (x, 462), 48, INK)
        disc(pen, (x, 462), 20, GREY)


def meeting(pen: Pen) -> None:
    """Two adults sitting across a table, each with a cup."""
    person(pen, (200, 260), 58, colour("#5b8fd9"))
    person(pen, (440, 260), 58, colour("#c96fae"), hair=colour("#2b1d16"))
    pen.rounded_rectangle((90, 420, 550, 460), radius=12, fill=BROWN, outline=INK, width=5)
    pen.rectangle((130, 460, 160, 560), fill=BROWN)
    pen.rectangle((480, 460, 510, 560), fill=BROWN)
    for x in (265, 345):
        pen.rounded_rectangle((x, 370, x + 40, 420), radius=8, fill=WHITE, outline=INK, width=4)


def time(pen: Pen) -> None:
    """A round clock face with twelve marks and two hands."""
    disc(pen, (320, 320), 225, INK)
    disc(pen, (320, 320), 205, WHITE)
    for k in range(12):
        outer = arc_points((320, 320), 190, 190, k * 30, k * 30)[0]
        inner = arc_points(
            (320, 320), 160 if k % 3 == 0 else 172, 160 if k % 3 == 0 else 172, k * 30, k * 30
        )[0]
        pen.line([inner, outer], fill=INK, width=14 if k % 3 == 0 else 8)
    minute = arc_points((320, 320), 150, 150, 300, 300)[0]  # ten past ten: the hands apart
    hour = arc_points((320, 320), 100, 100, 210, 210)[0]
    thick(pen, [(320, 320), minute], 18, INK)
    thick(pen, [(320, 320), hour], 24, INK)
    disc(pen, (320, 320), 18, RED)


DRAWINGS: dict[str, Callable[[Pen], None]] = {
    "swimming": swimming,
    "gym": gym_clothes,
    "fruit": fruit,
    "lunch": lunch_box,
    "noschool": no_school,
    "pay": pay,
    "bring": bring,
    "trip": trip,
    "meeting": meeting,
    "time": time,
}
COLOURS = {  # each picture's background, top and bottom (the invitation pictures' warm colours)
    "swimming": ("#d6ecff", "#9ccaf5"),
    "gym": ("#e2f4dc", "#a9dc98"),
    "fruit": ("#fde7c8", "#f6c38b"),
    "lunch": ("#fff6c7", "#f6df73"),
    "noschool": ("#ffe0ef", "#f7a8cb"),
    "pay": ("#fff6c7", "#f6df73"),
    "bring": ("#fde7c8", "#f6c38b"),
    "trip": ("#d6ecff", "#9ccaf5"),
    "meeting": ("#ece3ff", "#c3adf5"),
    "time": ("#e2f4dc", "#a9dc98"),
}


def draw(key: str, size: int) -> Image.Image:
    """One pictogram as a `size` x `size` RGB image."""
    image = background(*COLOURS[key])
    layer = image.copy()
    DRAWINGS[key](ImageDraw.Draw(layer))
    image.paste(layer, mask=inside())  # the drawing stays within the white disc
    return image.resize((size, size), Image.Resampling.LANCZOS)
