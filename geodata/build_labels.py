"""Label points for municipality names, computed once at build time from the published boundaries.

Why: a name placed at a polygon's centroid can fall outside it (fjords, long valleys), and
computing a good point per request is wasted work. The pole of inaccessibility (the centre of
the largest circle that fits inside the polygon) is where a label has most room; its radius
tells how much room there is, so maps can thin labels predictably (largest room first).

Run from anywhere: ``python3 geodata/build_labels.py`` (also run by build_boundaries.py).
``label_points`` works on any boundary GeoDataFrame (the 2020 and 2024 structures alike).
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

from geodata import BOUNDARIES_PATH, LABELS_PATH  # noqa: E402  (import after the path fix above)

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", type=Path, default=BOUNDARIES_PATH)
    parser.add_argument("--out", type=Path, default=LABELS_PATH)
    args = parser.parse_args(argv)
    rows = write_labels(args.boundaries, args.out)
    print(f"{args.out.name}: {rows} label points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
