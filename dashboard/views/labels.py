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
from typing import TYPE_CHECKING, Collection, Iterable, Iterator, Mapping, Sequence

if TYPE_CHECKING:
    from dashboard.views.map_base import MapBase

# Average glyph width of the sans-serif map font, as a share of the font size (bold-ish, æøå).
CHAR_WIDTH = 0.58
LINE_HEIGHT = 1.25
# Space kept free around each name (px): the halo, and air between neighbours.
PADDING_PX = 2.0
# A name that fits nowhere whole is tried cut to this many letters and a full stop.
ABBREVIATE_KEEP = 6

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
# One of «Samsvar»'s two compare maps side by side (half the page's map, 540 px tall).
COMPARE = LabelSize(width=470, height=470, font=11)

# The box (left, top, right, bottom in px from the point) of something drawn on a municipality's
# point: a name keeps clear of it and goes under it (see under_mark).
Mark = tuple[float, float, float, float]


@dataclass(frozen=True)
class Label:
    """One placed name: municipality, text, anchor (lon, lat) and its box in output pixels."""

    kommunenummer: str
    text: str
    lon: float
    lat: float
    box: Box


def label_name(name: str) -> str:
    """The name as a map label: «Våler (Viken)» is «Våler» on a map of its own county.

    >>> label_name("Våler (Viken)"), label_name("Gol")
    ('Våler', 'Gol')
    """
    return name.split("(")[0].strip()


def mercator_y(lat: float) -> float:
    """Web-Mercator northing (radians) of a latitude in degrees."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def text_box(x: float, y: float, text: str, font: float) -> Box:
    """The box a name centred on (x, y) px covers, padded by PADDING_PX."""
    half_width = len(text) * font * CHAR_WIDTH / 2 + PADDING_PX
    half_height = font * LINE_HEIGHT / 2 + PADDING_PX
    return (x - half_width, y - half_height, x + half_width, y + half_height)


def text_mark(text: str, font: float) -> Mark:
    """The mark a text written on the point makes (a number on the konstellasjoner map).

    >>> text_mark("5", 15)
    (-6.35, -11.375, 6.35, 11.375)
    """
    return tuple(round(value, 3) for value in text_box(0, 0, text, font))  # type: ignore[return-value]


def disc_mark(radius: float) -> Mark:
    """The mark a round marker of `radius` px on the point makes (the compare maps' «≠»)."""
    return (-radius, -radius, radius, radius)


def ring_mark(radius: float, text: str, font: float) -> Mark:
    """A ring on the point with a text just above it (the chosen municipality's marker).

    >>> ring_mark(18, "Hol", 14)
    (-18, -37.5, 18, 18)
    """
    half_width = max(radius, len(text) * font * CHAR_WIDTH / 2 + PADDING_PX)
    return (-half_width, -(radius + font * LINE_HEIGHT + PADDING_PX), half_width, radius)


def under_mark(mark: Mark, font: float) -> float:
    """How far (px) a name's centre goes below its point so the name sits just under `mark`.

    >>> under_mark((-6.35, -11.375, 6.35, 11.375), 12)
    20.875
    """
    return mark[3] + font * LINE_HEIGHT / 2 + PADDING_PX


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
    project.longitude_at = lambda x: math.degrees(west + (x - left) / scale)  # type: ignore[attr-defined]
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
    shorten: Collection[str] = (),
    marks: Mapping[str, Mark] | None = None,
) -> list[Label]:
    """Names that fit without overlapping, tried in the order given (the caller's priority).

    `candidates` is (kommunenummer, name) in priority order; a municipality without an anchor
    point, or whose name would stick out of the frame (the part of the map surely shown), is
    skipped. A name is tried on its point, then just below and above it, then beside it, then
    (only those in `shorten`, the municipalities the map is about) shortened in the same spots,
    and left out if none is free. `below` moves a name
    down by that many px (clear of a marker on the point); a label's lat follows its box.
    `marks` are drawn on their points before any name: no name may cover one.

    Two points closer than a name's width: the second name moves off its point, under it.

    >>> anchors = {"1": (10.0, 60.0), "2": (10.01, 60.0), "3": (11.0, 60.5)}
    >>> placed = place_labels([("1", "Aaa"), ("2", "Bbb"), ("3", "Ccc")], anchors, (9.5, 11.5), (59.5, 61), A4)
    >>> [(label.text, label.lat < anchors[label.kommunenummer][1]) for label in placed]
    [('Aaa', False), ('Bbb', True), ('Ccc', False)]
    """
    project = projector(lon_range, lat_range, size)
    frame = project.frame
    placed: list[Label] = []
    taken = _Taken()
    for number, (left, top, right, bottom) in (marks or {}).items():
        if number in anchors:
            x, y = project(*anchors[number])
            taken.add((x + left, y + top, x + right, y + bottom))
    for number, text in candidates:
        if number not in anchors:
            continue
        lon, lat = anchors[number]
        x, y = project(lon, lat)
        shift = (below or {}).get(number, 0.0)
        label = None
        # Where it reads best first: on the point (under a mark), then just below or above it,
        # then the same spots with a shortened name.
        for shown in dict.fromkeys((text, abbreviation(text) if number in shorten else text)):
            step = size.font * LINE_HEIGHT + 2 * PADDING_PX
            aside = len(shown) * size.font * CHAR_WIDTH / 2 + size.font / 2
            for dx, offset in ((0.0, 0.0), (0.0, step), (0.0, -step), (aside, 0.0), (-aside, 0.0)):
                box = text_box(x + dx, y + shift + offset, shown, size.font)
                inside = box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] and box[3] <= frame[3]
                if inside and not taken.hits(box):
                    moved = shift + offset
                    moved_lon = round(project.longitude_at(x + dx), 5) if dx else lon
                    label = Label(number, shown, moved_lon, round(project.latitude_at(y + moved), 5) if moved else lat, box)
                    break
            if label:
                break
        if label:
            placed.append(label)
            taken.add(label.box)
    return placed


class _Taken:
    """The boxes already drawn, filed by grid cell: a new box is checked against its neighbours
    only, not against every name of the map (a national map tries thousands of spots)."""

    CELL = 64.0

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        for column in range(math.floor(box[0] / self.CELL), math.floor(box[2] / self.CELL) + 1):
            for row in range(math.floor(box[1] / self.CELL), math.floor(box[3] / self.CELL) + 1):
                yield column, row

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self._cells.setdefault(key, []).append(box)

    def hits(self, box: Box) -> bool:
        """True when `box` overlaps a box already added."""
        return any(overlaps(box, other) for key in self._keys(box) for other in self._cells.get(key, ()))


def abbreviation(name: str, keep: int = ABBREVIATE_KEEP) -> str:
    """A long name cut after `keep` letters with a full stop; short names stay whole.

    >>> abbreviation("Holmestrand"), abbreviation("Nore og Uvdal"), abbreviation("Gol")
    ('Holmes.', 'Nore og U.', 'Gol')
    """
    if len(name) <= keep + 2:
        return name
    if " " in name:
        head, _, last = name.rpartition(" ")
        return f"{head} {last[0]}."
    return name[:keep].rstrip("-") + "."


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


def frame_labels(
    base: "MapBase",
    names: Mapping[str, str],
    frame: Iterable[str],
    size: LabelSize,
    first: str | None = None,
    main: Iterable[str] = (),
    below: Mapping[str, float] | None = None,
    marks: Mapping[str, Mark] | None = None,
) -> list[Label]:
    """The names shown on a map of `base` framed to `frame` at `size` (see the module docstring).

    One function for the maps and for the build (geodata/build_labels.py writes the survey
    area's A4 boxes with it, and a test checks that none overlap).
    """
    ranges = base.view_ranges(frame) or base.view_ranges(base.anchors)
    if not ranges:
        return []
    (west, east), (south, north) = ranges
    inside = [number for number, (lon, lat) in base.anchors.items() if west <= lon <= east and south <= lat <= north]
    sizes = base.label_radii or {number: (box[2] - box[0]) * (box[3] - box[1]) for number, box in base.bboxes.items()}
    main = set(main)
    order = priority_order(inside, sizes, first=[first] if first in base.anchors else [], main=main)
    candidates = ((number, names[number]) for number in order if number in names)
    return place_labels(candidates, base.anchors, ranges[0], ranges[1], size, below, shorten=main | {first}, marks=marks)
