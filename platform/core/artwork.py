"""Pictures drawn with Pillow for the demo data, offline and deterministic: illustrated
lesson covers per category and study-abroad pictures of schools, homes and cities
(``lesson_cover``) and portrait-style avatars for the demo
teachers (``portrait``). Nothing is downloaded; the same inputs always draw the same PNG.
"""

import hashlib
import io
import random
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

RGB = tuple[int, int, int]

# (top, bottom, accent) gradients, calm enough for white text.
PALETTES: list[tuple[RGB, RGB, RGB]] = [
    ((34, 87, 122), (56, 163, 165), (255, 209, 102)),
    ((94, 56, 140), (199, 84, 128), (255, 190, 118)),
    ((26, 83, 92), (78, 158, 112), (247, 232, 153)),
    ((179, 72, 48), (232, 140, 68), (255, 236, 179)),
    ((38, 70, 130), (92, 124, 250), (181, 234, 215)),
]


def _rng(seed: str) -> random.Random:
    return random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))  # noqa: S311 - art


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    width, height = size
    picture = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return picture


def _font(size: int) -> Any:
    """DejaVu Sans where the system has it (it has the accents of "Lucía" and "Málaga",
    which Pillow's built-in font lacks), else Pillow's built-in font."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size=size)
    except OSError:
        return ImageFont.load_default(size=size)


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _bubble(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fill: Any) -> None:
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=(y1 - y0) // 3, fill=fill)
    draw.polygon([(x0 + 30, y1 - 4), (x0 + 70, y1 - 4), (x0 + 24, y1 + 34)], fill=fill)
    for i in range(3):  # the "…" of someone talking
        cx = x0 + (x1 - x0) * (i + 1) // 4
        cy = (y0 + y1) // 2
        draw.ellipse((cx - 9, cy - 9, cx + 9, cy + 9), fill=(255, 255, 255, 230))


def _cup(draw: ImageDraw.ImageDraw, x: int, y: int, fill: Any) -> None:
    draw.rounded_rectangle((x, y, x + 150, y + 130), radius=24, fill=fill)
    draw.ellipse((x + 125, y + 25, x + 195, y + 95), outline=fill, width=18)
    draw.rounded_rectangle((x - 30, y + 128, x + 180, y + 146), radius=9, fill=fill)
    for i in range(3):  # steam
        sx = x + 30 + i * 45
        draw.arc((sx - 14, y - 80, sx + 14, y - 40), 90, 270, fill=fill, width=8)
        draw.arc((sx - 14, y - 44, sx + 14, y - 4), 270, 90, fill=fill, width=8)


def _book(draw: ImageDraw.ImageDraw, x: int, y: int, fill: Any) -> None:
    draw.polygon([(x, y), (x + 110, y + 20), (x + 110, y + 170), (x, y + 150)], fill=fill)
    draw.polygon(
        [(x + 120, y + 20), (x + 230, y), (x + 230, y + 150), (x + 120, y + 170)], fill=fill
    )
    for i in range(4):
        draw.line(
            [(x + 140, y + 40 + i * 28), (x + 210, y + 28 + i * 28)],
            fill=(255, 255, 255, 200),
            width=5,
        )


def _windows(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rows: int, cols: int, fill: Any
) -> None:
    """A grid of lit windows inside ``box``."""
    x0, y0, x1, y1 = box
    w, h = (x1 - x0) / cols, (y1 - y0) / rows
    for row in range(rows):
        for col in range(cols):
            left, top = x0 + col * w + w * 0.25, y0 + row * h + h * 0.2
            draw.rectangle((left, top, left + w * 0.5, top + h * 0.55), fill=fill)


def _school(draw: ImageDraw.ImageDraw, x: int, y: int, fill: Any) -> None:
    """A school: a pediment on columns, a door, steps and a flag."""
    light = (255, 255, 255, 215)
    draw.line([(x + 170, y - 120), (x + 170, y - 10)], fill=fill, width=6)  # flag pole
    draw.polygon([(x + 173, y - 120), (x + 245, y - 98), (x + 173, y - 76)], fill=light)
    draw.polygon([(x - 20, y + 80), (x + 360, y + 80), (x + 170, y - 10)], fill=fill)
    draw.ellipse((x + 145, y + 22, x + 195, y + 72), fill=light)  # the clock
    draw.rectangle((x, y + 92, x + 340, y + 280), fill=fill)
    for i in range(5):  # columns
        cx = x + 22 + i * 74
        draw.rectangle((cx, y + 100, cx + 22, y + 270), fill=light)
    draw.rounded_rectangle((x + 145, y + 180, x + 195, y + 280), radius=22, fill=(0, 0, 0, 70))
    for i in range(3):  # steps
        draw.rectangle(
            (x - 20 - i * 14, y + 280 + i * 14, x + 360 + i * 14, y + 294 + i * 14), fill=fill
        )


def _house(draw: ImageDraw.ImageDraw, x: int, y: int, fill: Any) -> None:
    """A homestay: a house with a chimney, lit windows, a door and a tree."""
    light = (255, 255, 255, 215)
    draw.rectangle((x + 210, y - 40, x + 250, y + 40), fill=fill)  # chimney
    draw.polygon([(x - 30, y + 90), (x + 310, y + 90), (x + 140, y - 40)], fill=fill)
    draw.rectangle((x, y + 90, x + 280, y + 300), fill=fill)
    for wx in (x + 28, x + 182):
        draw.rectangle((wx, y + 130, wx + 70, y + 200), fill=light)
        draw.line([(wx + 35, y + 130), (wx + 35, y + 200)], fill=fill, width=5)
        draw.line([(wx, y + 165), (wx + 70, y + 165)], fill=fill, width=5)
    draw.rounded_rectangle((x + 112, y + 200, x + 168, y + 300), radius=10, fill=(0, 0, 0, 70))
    draw.ellipse((x + 118, y + 40, x + 162, y + 80), fill=light)  # round attic window
    draw.rectangle((x + 340, y + 200, x + 356, y + 300), fill=(0, 0, 0, 80))  # tree
    draw.ellipse((x + 290, y + 90, x + 406, y + 230), fill=(255, 255, 255, 150))


def _city(draw: ImageDraw.ImageDraw, x: int, y: int, fill: Any) -> None:
    """A destination: a skyline of towers with lit windows under a sun."""
    light = (255, 255, 255, 200)
    draw.ellipse((x + 250, y - 130, x + 350, y - 30), fill=(255, 255, 255, 170))  # sun
    base = y + 300
    towers = [(0, 150, 60), (60, 250, 80), (150, 190, 70), (230, 320, 60), (300, 210, 90)]
    for left, height, width in towers:
        draw.rectangle((x + left, base - height, x + left + width, base), fill=fill)
        _windows(
            draw,
            (x + left, base - height + 12, x + left + width, base - 10),
            height // 40,
            2,
            light,
        )
    draw.polygon([(x + 230, base - 320), (x + 290, base - 320), (x + 260, base - 380)], fill=fill)
    draw.rectangle((x - 40, base, x + 420, base + 14), fill=fill)  # the street


MOTIFS = {
    "talk": _bubble,
    "cafe": _cup,
    "book": _book,
    "school": _school,
    "house": _house,
    "city": _city,
}


def lesson_cover(title: str, *, motif: str = "book", seed: str = "") -> bytes:
    """A 16:9 (960 x 540) illustrated cover: a gradient, soft shapes, the motif (a lesson
    category's ``talk``, ``cafe`` or ``book``; study abroad's ``school``, ``house`` or
    ``city``) and the title."""
    rng = _rng(seed or title)
    top, bottom, accent = PALETTES[rng.randrange(len(PALETTES))]
    size = (960, 540)
    picture = _gradient(size, top, bottom).convert("RGBA")
    shapes = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for _ in range(7):
        r = rng.randint(40, 170)
        x, y = rng.randint(-60, 1000), rng.randint(-60, 580)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(14, 40)))
    shapes = shapes.filter(ImageFilter.GaussianBlur(6))
    picture.alpha_composite(shapes)
    art = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(art)
    fill = (*accent, 235)
    if motif == "talk":
        _bubble(draw, (560, 90, 840, 230), fill)
        _bubble(draw, (640, 270, 900, 380), (255, 255, 255, 200))
    elif motif == "cafe":
        _cup(draw, 640, 200, fill)
    elif motif == "school":
        _school(draw, 560, 130, fill)
    elif motif == "house":
        _house(draw, 560, 110, fill)
    elif motif == "city":
        _city(draw, 520, 110, fill)
    else:
        _book(draw, 620, 150, fill)
    picture.alpha_composite(art)
    draw = ImageDraw.Draw(picture)
    font = _font(56)
    draw.text((52, 402), title, font=font, fill=(0, 0, 0, 90))
    draw.text((48, 398), title, font=font, fill=(255, 255, 255, 255))
    return _png(picture.convert("RGB"))


SKIN: list[RGB] = [(241, 194, 167), (224, 172, 138), (198, 134, 103), (141, 85, 60), (92, 58, 40)]
HAIR: list[RGB] = [(40, 30, 25), (92, 60, 38), (170, 120, 70), (210, 180, 120), (120, 120, 125)]
CLOTHES: list[RGB] = [(52, 96, 160), (180, 68, 84), (60, 130, 100), (230, 160, 60), (90, 80, 150)]


def portrait(name: str, *, seed: str = "") -> bytes:
    """A 512 x 512 portrait-style avatar: shoulders, face, hair and a smile on a soft
    gradient, its colours chosen from ``seed`` (or the name)."""
    rng = _rng(seed or name)
    top, bottom, _accent = PALETTES[rng.randrange(len(PALETTES))]
    size = (512, 512)
    lighter = tuple(min(255, c + 70) for c in top)
    picture = _gradient(size, lighter, bottom).convert("RGBA")  # type: ignore[arg-type]
    draw = ImageDraw.Draw(picture)
    skin, hair, clothes = rng.choice(SKIN), rng.choice(HAIR), rng.choice(CLOTHES)
    long_hair = rng.random() < 0.5
    if long_hair:  # hair behind the shoulders
        draw.rounded_rectangle((146, 150, 366, 400), radius=90, fill=hair)
    draw.ellipse((86, 360, 426, 660), fill=clothes)  # shoulders
    draw.rectangle((226, 300, 286, 380), fill=skin)  # neck
    draw.ellipse((166, 130, 346, 340), fill=skin)  # face
    draw.chord((156, 104, 356, 300), 180, 360, fill=hair)  # hair on top
    if not long_hair:
        draw.ellipse((150, 150, 190, 250), fill=hair)
        draw.ellipse((322, 150, 362, 250), fill=hair)
    for ex in (222, 290):  # eyes
        draw.ellipse((ex - 9, 222, ex + 9, 240), fill=(40, 40, 50))
    draw.arc((216, 250, 296, 300), 20, 160, fill=(150, 60, 60), width=6)  # smile
    cheek = (*tuple(min(255, c + 10) for c in (230, 120, 120)), 70)
    blush = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(blush).ellipse((190, 255, 225, 280), fill=cheek)
    ImageDraw.Draw(blush).ellipse((287, 255, 322, 280), fill=cheek)
    picture.alpha_composite(blush.filter(ImageFilter.GaussianBlur(4)))
    return _png(picture.convert("RGB"))
