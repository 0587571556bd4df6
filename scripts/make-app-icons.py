"""Draws the installable app's icons (static/img/app/) from the logo's shapes with Pillow.

Run once when the logo changes: `.venv/bin/python scripts/make-app-icons.py`. The PNGs are
committed; nothing draws them at run time. static/img/logo.svg is the source of the shapes
(a 64-unit square): a green rounded tile, a white speech bubble with a tail, a "T" cut out of
it and a coral dot. A maskable icon keeps everything inside the central 80 % safe zone (the
launcher crops it to a circle or squircle), on a full-bleed green background.
"""

from pathlib import Path

from PIL import Image, ImageDraw

GREEN, WHITE, CORAL = "#0b6e4f", "#ffffff", "#f76b3c"
OUT = Path(__file__).resolve().parent.parent / "static" / "img" / "app"
SUPERSAMPLE = 4


def draw_logo(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=GREEN)
        scale, offset = big * 0.8 / 64, big * 0.1  # the logo inside the safe zone
    else:
        scale, offset = big / 64, 0.0
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=16 * scale, fill=GREEN)

    def p(x: float, y: float) -> tuple[float, float]:
        return (offset + x * scale, offset + y * scale)

    # the bubble: a rounded box (14..50 x 14..42, radius 8) and its tail (22,42 -> 22,50 -> 31,42)
    draw.rounded_rectangle((*p(14, 14), *p(50, 42)), radius=8 * scale, fill=WHITE)
    draw.polygon([p(22, 40), p(22, 50), p(31, 42), p(31, 40)], fill=WHITE)
    # the "T", 4.5 units wide with round caps
    width = 4.5 * scale
    draw.line([p(24, 24), p(40, 24)], fill=GREEN, width=round(width))
    draw.line([p(32, 24), p(32, 36)], fill=GREEN, width=round(width))
    for x, y in ((24, 24), (40, 24), (32, 36)):
        cx, cy = p(x, y)
        draw.ellipse((cx - width / 2, cy - width / 2, cx + width / 2, cy + width / 2), fill=GREEN)
    cx, cy = p(49, 15)
    radius = 6 * scale
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=CORAL)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw_logo(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        draw_logo(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    # iOS ignores the manifest's icons: apple-touch-icon, opaque (iOS fills transparency black).
    draw_logo(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    print(f"make-app-icons: wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))}")


if __name__ == "__main__":
    main()
