"""Municipality names on the maps: which names fit at a given output size, and where they go.

Label points are prepared at geodata build time (a point deep inside each polygon, see
geodata/build_labels.py) and arrive here as `MapBase.anchors`. Per figure only a cheap
greedy pass runs: names are tried in a fixed order (the chosen municipality first, then those
the map is about, then the rest, each by size, largest first) and a name whose box would
overlap a name already placed, or leave the map, is left out. So labels thin out as the map
zooms out or the output shrinks, always in the same predictable order, never dropping the
chosen municipality.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

# Average glyph width of the sans-serif map font, as a share of the font size (bold-ish, æøå).
CHAR_WIDTH = 0.58
LINE_HEIGHT = 1.25
# Space kept free around each name (px): the halo, and air between neighbours.
PADDING_PX = 2.0

Box = tuple[float, float, float, float]  # left, top, right, bottom in output pixels


@dataclass(frozen=True)
class LabelSize:
    """The drawing area of a map in CSS px and the name font size for one kind of output."""

    width: float
    height: float
    font: float


# The page's map at a 1440-px-wide window; A4 landscape export (map part of the 1200-px layout);
# a 1920×1080 slide (map part); the fact sheet's small map.
SCREEN = LabelSize(width=860, height=580, font=12)
A4 = LabelSize(width=820, height=700, font=12)
SLIDE = LabelSize(width=1130, height=900, font=20)
FACTSHEET = LabelSize(width=400, height=330, font=10)


@dataclass(frozen=True)
class Label:
    """One placed name: municipality, text, anchor (lon, lat) and its box in output pixels."""

    kommunenummer: str
    text: str
    lon: float
    lat: float
    box: Box


def mercator_y(lat: float) -> float:
    """Web-Mercator northing (radians) of a latitude in degrees."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def text_box(x: float, y: float, text: str, font: float) -> Box:
    """The box a name centred on (x, y) px covers, padded by PADDING_PX."""
    half_width = len(text) * font * CHAR_WIDTH / 2 + PADDING_PX
    half_height = font * LINE_HEIGHT / 2 + PADDING_PX
    return (x - half_width, y - half_height, x + half_width, y + half_height)


def overlaps(a: Box, b: Box) -> bool:
    """True when two boxes share any area.

    >>> overlaps((0, 0, 10, 10), (5, 5, 15, 15)), overlaps((0, 0, 10, 10), (10, 0, 20, 10))
    (True, False)
    """
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def projector(lon_range: Sequence[float], lat_range: Sequence[float], size: LabelSize):
    """(lon, lat) -> (x, y) px as plotly draws a Mercator map framed to these ranges.

    plotly fits both ranges into the area keeping the aspect ratio, centred: the tighter of
    the two scales wins.
    """
    west, east = math.radians(lon_range[0]), math.radians(lon_range[1])
    south, north = mercator_y(lat_range[0]), mercator_y(lat_range[1])
    scale = min(size.width / max(east - west, 1e-9), size.height / max(north - south, 1e-9))
    left = (size.width - (east - west) * scale) / 2
    top = (size.height - (north - south) * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return left + (math.radians(lon) - west) * scale, top + (north - mercator_y(lat)) * scale

    def unproject_y(y: float) -> float:
        return math.degrees(2 * math.atan(math.exp(north - (y - top) / scale)) - math.pi / 2)

    project.latitude_at = unproject_y  # type: ignore[attr-defined]
    # The frame's own rectangle: plotly may show more around it, never less.
    project.frame = (left, top, left + (east - west) * scale, top + (north - south) * scale)  # type: ignore[attr-defined]
    return project


def place_labels(
    candidates: Iterable[tuple[str, str]],
    anchors: Mapping[str, tuple[float, float]],
    lon_range: Sequence[float],
    lat_range: Sequence[float],
    size: LabelSize,
    below: Mapping[str, float] | None = None,
) -> list[Label]:
    """Names that fit without overlapping, tried in the order given (the caller's priority).

    `candidates` is (kommunenummer, name) in priority order; a municipality without an anchor
    point, or whose name would stick out of the frame (the part of the map surely shown), is skipped. `below` moves a name down by
    that many px (clear of a marker on the point); its label's lat is moved to match.

    >>> anchors = {"1": (10.0, 60.0), "2": (10.01, 60.0), "3": (11.0, 60.5)}
    >>> [label.text for label in place_labels([("1", "Aaa"), ("2", "Bbb"), ("3", "Ccc")], anchors, (9.5, 11.5), (59.5, 61), A4)]
    ['Aaa', 'Ccc']
    """
    project = projector(lon_range, lat_range, size)
    placed: list[Label] = []
    for number, text in candidates:
        if number not in anchors:
            continue
        lon, lat = anchors[number]
        x, y = project(lon, lat)
        shift = (below or {}).get(number, 0.0)
        if shift:
            y += shift
            lat = round(project.latitude_at(y), 5)
        box = text_box(x, y, text, size.font)
        frame = project.frame
        if box[0] < frame[0] or box[1] < frame[1] or box[2] > frame[2] or box[3] > frame[3]:
            continue
        if any(overlaps(box, other.box) for other in placed):
            continue
        placed.append(Label(number, text, lon, lat, box))
    return placed


def priority_order(
    numbers: Iterable[str],
    sizes: Mapping[str, float],
    first: Sequence[str] = (),
    main: Iterable[str] = (),
) -> list[str]:
    """The order names are tried in: `first` (the chosen municipality), then `main` (what the
    map is about), then the rest; within each group the largest municipality first, then by number.

    >>> priority_order(["1", "2", "3", "4"], {"1": 5, "2": 9, "3": 1, "4": 7}, first=["3"], main=["1", "4"])
    ['3', '4', '1', '2']
    """
    main_set = set(main)
    first_list = [number for number in first if number]
    rest = [number for number in dict.fromkeys(numbers) if number not in first_list]
    rest.sort(key=lambda number: (number not in main_set, -sizes.get(number, 0.0), number))
    return first_list + rest
