"""A badge's image card: a 1200x630 PNG (the size link previews use for ``og:image``) with the
badge's image (or a drawn medal), its name, the learner's name and the day it was earned.

Drawn with Pillow from the award alone, so the same award always gives the same picture: the
card's URL can be cached by link-preview crawlers and regenerated at any time."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

from core.templatetags.dates import day as day_filter

from . import clock
from .models import BadgeAward

WIDTH, HEIGHT = 1200, 630
BACKGROUND = (11, 110, 79)  # the site's theme colour
PANEL = (255, 255, 255)
INK = (16, 24, 32)
MUTED = (84, 96, 108)
GOLD = (242, 183, 5)
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: int, bold: bool = False) -> Font:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def _artwork(award: BadgeAward, side: int) -> Image.Image:
    image = award.badge.image
    if image is not None:
        try:
            with image.file.open("rb") as handle, Image.open(handle) as opened:
                opened.load()
                art = ImageOps.exif_transpose(opened).convert("RGBA")
            return ImageOps.fit(art, (side, side), Image.Resampling.LANCZOS)
        except (OSError, ValueError):
            pass  # a missing or broken file: draw the medal instead
    medal = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(medal)
    draw.ellipse((0, 0, side - 1, side - 1), fill=GOLD)
    inset = side // 8
    draw.ellipse((inset, inset, side - inset, side - inset), outline=PANEL, width=side // 30)
    star = _font(side // 2, bold=True)
    draw.text((side / 2, side / 2), "★", font=star, fill=PANEL, anchor="mm")
    return medal


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool) -> Font:
    """The largest font up to ``size`` that keeps ``text`` on one line of ``width``."""
    while size > 18:
        font = _font(size, bold)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(size, bold)


def _shorten(draw: ImageDraw.ImageDraw, text: str, width: int, font: Font) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def badge_card(award: BadgeAward, learner_name: str, time_zone: str = "UTC") -> bytes:
    """The PNG bytes of the award's card; the day is the learner's local day."""
    card = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((40, 40, WIDTH - 40, HEIGHT - 40), radius=36, fill=PANEL)
    side = 340
    art = _artwork(award, side)
    card.paste(art, (90, (HEIGHT - side) // 2), art)
    left, right = 90 + side + 60, WIDTH - 90
    text_width = right - left
    kicker = _font(30, bold=True)
    draw.text((left, 150), _("Badge earned on Toto").upper(), font=kicker, fill=BACKGROUND)
    name_font = _fit(draw, award.badge.name, text_width, 72, bold=True)
    draw.text((left, 200), award.badge.name, font=name_font, fill=INK)
    body = _font(34)
    description = _shorten(draw, award.badge.description, text_width, body)
    draw.text((left, 300), description, font=body, fill=MUTED)
    who = _fit(draw, learner_name, text_width, 44, bold=True)
    draw.text((left, 390), learner_name, font=who, fill=INK)
    when = day_filter(clock.local_day(award.awarded_at, time_zone), "plain")
    draw.text((left, 450), str(when), font=body, fill=MUTED)
    buffer = BytesIO()
    card.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
