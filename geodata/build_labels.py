"""Label points for municipality names, computed once at build time from the published boundaries.

Why: a name placed at a polygon's centroid can fall outside it (fjords, long valleys), and
computing a good point per request is wasted work. The pole of inaccessibility (the centre of
the largest circle that fits inside the polygon) is where a label has most room; its radius
tells how much room there is, so maps can thin labels predictably (largest room first).

Run from anywhere: ``python3 geodata/build_labels.py`` (also run by build_boundaries.py).
``label_points`` works on any boundary GeoDataFrame (the 2020 and 2024 structures alike).

It also writes which names an A4 export of the survey area shows, with the box each takes
(``kommuner-2020-label-boxes-a4.csv``), computed by the maps' own placement
(dashboard/views/labels.py), so a test can check on the published file that no two overlap.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geodata import (  # noqa: E402  (import after the path fix above)
    BOUNDARIES_PATH,
    LABEL_BOXES_A4_PATH,
    LABELS_PATH,
    REGISTRY_PATH,
)

SURVEYED_PATH = Path(__file__).resolve().parents[1] / "data" / "surveyed.csv"
BOX_COLUMNS = ("kommunenummer", "navn", "left", "top", "right", "bottom")

# ETRS89 / UTM 33N: lengths and areas in metres, as in build_boundaries.py.
METRIC_CRS = "EPSG:25833"
# polylabel stops when the best circle is known to within this many metres: finer than any
# screen or print scale of a whole municipality.
POLYLABEL_TOLERANCE_M = 50.0
COORDINATE_DECIMALS = 4
LABEL_COLUMNS = ("kommunenummer", "lon", "lat", "radius_m", "area_km2")


def _largest_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygon of a multipolygon with the most area: the label belongs on the mainland part."""
    parts = shapely.get_parts(geometry)
    return parts[int(np.argmax(shapely.area(parts)))]


def label_points(boundaries: gpd.GeoDataFrame) -> pd.DataFrame:
    """One label point per municipality: pole of inaccessibility of its largest part (GEOS).

    Returns columns kommunenummer, lon, lat (EPSG:4326, 4 decimals), radius_m (room around the
    point, the inscribed circle's radius) and area_km2 (the whole municipality).

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> l_shape = Polygon([(10, 60), (10.4, 60), (10.4, 60.05), (10.05, 60.05), (10.05, 60.3), (10, 60.3)])
    >>> frame = gpd.GeoDataFrame({"kommunenummer": ["0301"]}, geometry=[l_shape], crs=4326)
    >>> row = label_points(frame).iloc[0]
    >>> bool(l_shape.contains(shapely.Point(row.lon, row.lat))), bool(row.radius_m > 1000)
    (True, True)
    """
    metric = boundaries.to_crs(METRIC_CRS)
    largest = np.array([_largest_part(geometry) for geometry in metric.geometry], dtype=object)
    # GEOS returns a line from the circle's centre to the nearest border point: start and radius.
    circles = shapely.maximum_inscribed_circle(largest, tolerance=POLYLABEL_TOLERANCE_M)
    points = shapely.get_point(circles, 0)
    radii = shapely.length(circles)
    degrees = gpd.GeoSeries(points, crs=METRIC_CRS).to_crs(4326)
    return pd.DataFrame(
        {
            "kommunenummer": [str(number) for number in boundaries["kommunenummer"]],
            "lon": np.round(degrees.x.to_numpy(), COORDINATE_DECIMALS),
            "lat": np.round(degrees.y.to_numpy(), COORDINATE_DECIMALS),
            "radius_m": np.round(radii).astype(int),
            "area_km2": np.round(metric.geometry.area.to_numpy() / 1e6, 1),
        }
    )


def write_labels(boundaries_path: Path = BOUNDARIES_PATH, labels_path: Path = LABELS_PATH) -> int:
    """Compute label points for a boundary file and write them as CSV; returns the row count."""
    boundaries = gpd.read_file(boundaries_path, engine="pyogrio")
    boundaries["kommunenummer"] = boundaries["kommunenummer"].astype(str)
    frame = label_points(boundaries).sort_values("kommunenummer")
    with labels_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LABEL_COLUMNS)
        for row in frame.itertuples(index=False):
            writer.writerow([row.kommunenummer, f"{row.lon:.4f}", f"{row.lat:.4f}", row.radius_m, f"{row.area_km2:.1f}"])
    return len(frame)


def label_boxes(
    boundaries: gpd.GeoDataFrame, points: pd.DataFrame, names: dict[str, str], frame: Sequence[str], size
) -> pd.DataFrame:
    """The names a map of `boundaries` framed to `frame` shows at `size`, and their boxes (px).

    `points` is label_points' frame; the placement is the maps' own (dashboard/views/labels.py),
    with the framed municipalities named first.
    """
    from dashboard.views.labels import frame_labels, label_name
    from dashboard.views.map_base import MapBase

    joined = boundaries.merge(
        points.rename(columns={"lon": "label_lon", "lat": "label_lat", "radius_m": "label_radius_m"}),
        on="kommunenummer",
    )
    base = MapBase.from_boundaries(joined, geojson_url="/unused")
    labels = frame_labels(base, {number: label_name(name) for number, name in names.items()}, frame, size, main=frame)
    return pd.DataFrame(
        [(label.kommunenummer, label.text, *(round(value, 1) for value in label.box)) for label in labels],
        columns=list(BOX_COLUMNS),
    )


def write_survey_boxes(boundaries_path: Path = BOUNDARIES_PATH, out: Path = LABEL_BOXES_A4_PATH) -> int:
    """The survey area's names at A4 (the export's size) with their boxes, as CSV; returns the count."""
    from dashboard.views.labels import A4

    boundaries = gpd.read_file(boundaries_path, engine="pyogrio")
    boundaries["kommunenummer"] = boundaries["kommunenummer"].astype(str)
    registry = pd.read_csv(REGISTRY_PATH, dtype=str)
    surveyed = pd.read_csv(SURVEYED_PATH, dtype=str)
    names = dict(zip(registry["kommunenummer"], registry["kommune"]))
    boxes = label_boxes(boundaries, label_points(boundaries), names, list(surveyed["kommunenummer"]), A4)
    boxes.to_csv(out, index=False, lineterminator="\n")
    return len(boxes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", type=Path, default=BOUNDARIES_PATH)
    parser.add_argument("--out", type=Path, default=LABELS_PATH)
    args = parser.parse_args(argv)
    rows = write_labels(args.boundaries, args.out)
    print(f"{args.out.name}: {rows} label points")
    if args.boundaries == BOUNDARIES_PATH:
        boxes = write_survey_boxes(args.boundaries)
        print(f"{LABEL_BOXES_A4_PATH.name}: {boxes} names of the survey area at A4")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
