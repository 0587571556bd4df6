"""The offline map: points drawn on a plain equirectangular projection into an SVG the
template renders. No tile server, no script; the graticule gives a sense of place."""

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

WIDTH = 640
HEIGHT = 400
PAD = 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    url: str
    kind: str


@dataclass(frozen=True)
class Map:
    width: int
    height: int
    points: list[Point]
    meridians: list[tuple[float, str]]
    parallels: list[tuple[float, str]]


def project(items: list[dict[str, Any]]) -> Map | None:
    """``items``: dicts with lat, lon, label, url, kind. The view is fitted to the points
    (at least two degrees across), longitudes shrunk by the cosine of the mean latitude so
    that shapes keep their proportions."""
    located = [
        item for item in items if item.get("lat") is not None and item.get("lon") is not None
    ]
    if not located:
        return None
    lats = [float(Decimal(item["lat"])) for item in located]
    lons = [float(Decimal(item["lon"])) for item in located]
    mid_lat, mid_lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    shrink = max(math.cos(math.radians(mid_lat)), 0.2)
    span_lat = max(max(lats) - min(lats), 2.0) * 1.15
    span_lon = max((max(lons) - min(lons)) * shrink, 2.0) * 1.15
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    scale = min(inner_w / span_lon, inner_h / span_lat)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        x = WIDTH / 2 + (lon - mid_lon) * shrink * scale
        y = HEIGHT / 2 - (lat - mid_lat) * scale
        return round(x, 1), round(y, 1)

    points = []
    for item, lat, lon in zip(located, lats, lons, strict=True):
        x, y = xy(lat, lon)
        points.append(Point(x, y, str(item["label"]), str(item["url"]), str(item["kind"])))
    step = 1 if span_lat < 8 else 5
    meridians = []
    for degree in range(math.floor(mid_lon - 40), math.ceil(mid_lon + 40)):
        if degree % step == 0:
            x, _ = xy(mid_lat, degree)
            if PAD / 2 <= x <= WIDTH - PAD / 2:
                meridians.append((x, f"{abs(degree)}°{'E' if degree >= 0 else 'W'}"))
    parallels = []
    for degree in range(math.floor(mid_lat - 40), math.ceil(mid_lat + 40)):
        if degree % step == 0:
            _, y = xy(degree, mid_lon)
            if PAD / 2 <= y <= HEIGHT - PAD / 2:
                parallels.append((y, f"{abs(degree)}°{'N' if degree >= 0 else 'S'}"))
    return Map(WIDTH, HEIGHT, points, meridians, parallels)
