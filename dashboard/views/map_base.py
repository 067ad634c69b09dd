"""Geometry the figures need besides values: where the polygons are, anchor points, extents."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import geopandas as gpd

# Extra space around a zoomed region, as a share of its extent (and a floor in degrees).
ZOOM_PADDING = 0.08
ZOOM_MIN_PADDING_DEG = 0.08
# Mercator stretches latitude: a region is shown at least this wide (degrees longitude) so a
# single small municipality does not fill the screen with one polygon.
ZOOM_MIN_LON_SPAN = 1.2
ZOOM_MIN_LAT_SPAN = 0.5

LonLat = tuple[float, float]
BBox = tuple[float, float, float, float]


def label_anchors(boundaries: gpd.GeoDataFrame) -> dict[str, LonLat]:
    """Where each municipality's name, number or dot goes: the build-time label point.

    geodata/build_labels.py puts it at the pole of inaccessibility (most room inside the
    polygon); boundary sets without label points (test fixtures) get a point inside the polygon.
    """
    numbers = [str(number) for number in boundaries["kommunenummer"]]
    fallback = boundaries.geometry.representative_point()
    if "label_lon" in boundaries.columns:
        lons, lats = boundaries["label_lon"].to_numpy(), boundaries["label_lat"].to_numpy()
    else:
        lons = lats = [float("nan")] * len(numbers)
    anchors = {}
    for number, lon, lat, point in zip(numbers, lons, lats, fallback):
        anchors[number] = (round(float(point.x), 4), round(float(point.y), 4)) if lon != lon else (float(lon), float(lat))
    return anchors


@dataclass(frozen=True)
class MapBase:
    """What every map of one boundary set shares.

    `geojson` is either the URL the app serves the prepared boundary file at (the browser
    fetches it once and caches it; figures then carry only ids and values) or an inline
    FeatureCollection for server-side use such as image export.
    """

    geojson: str | Mapping[str, Any]
    anchors: Mapping[str, LonLat]
    bboxes: Mapping[str, BBox]
    # Room around each label point (m, geodata/build_labels.py): names are placed largest first.
    # Empty for boundary sets without build-time label points (then the bounding box decides).
    label_radii: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_boundaries(cls, boundaries: gpd.GeoDataFrame, geojson_url: str | None = None) -> "MapBase":
        """Anchor points (build-time label points) and extents; inline geometry unless a URL is given.

        Examples
        --------
        >>> from shapely.geometry import box
        >>> frame = gpd.GeoDataFrame({"kommunenummer": ["0301"]}, geometry=[box(10, 59, 11, 60)], crs=4326)
        >>> base = MapBase.from_boundaries(frame, geojson_url="/geo.json")
        >>> base.bboxes["0301"], base.geojson
        ((10.0, 59.0, 11.0, 60.0), '/geo.json')
        """
        numbers = [str(number) for number in boundaries["kommunenummer"]]
        anchors = label_anchors(boundaries)
        bounds = boundaries.geometry.bounds.to_numpy()
        bboxes = {number: tuple(float(value) for value in row) for number, row in zip(numbers, bounds)}
        geojson: str | Mapping[str, Any] = geojson_url if geojson_url else feature_collection(boundaries)
        radii = {}
        if "label_radius_m" in boundaries.columns:
            radii = {number: float(value) for number, value in zip(numbers, boundaries["label_radius_m"]) if value == value}
        return cls(
            geojson=geojson,
            anchors=MappingProxyType(anchors),
            bboxes=MappingProxyType(bboxes),
            label_radii=MappingProxyType(radii),
        )

    @property
    def inline(self) -> bool:
        """True when figures must carry the polygons themselves (no URL to fetch them from)."""
        return not isinstance(self.geojson, str)

    def geojson_for(self, locations: Iterable[str]) -> str | dict[str, Any]:
        """What one trace's `geojson` should be: the shared URL, or only the features it draws."""
        if isinstance(self.geojson, str):
            return self.geojson
        wanted = set(locations)
        features = [feature for feature in self.geojson["features"] if feature["id"] in wanted]
        return {"type": "FeatureCollection", "features": features}

    def view_ranges(self, kommunenummer: Iterable[str]) -> tuple[list[float], list[float]] | None:
        """(lon range, lat range) that frames these municipalities with some margin; None if none known."""
        boxes = [self.bboxes[number] for number in kommunenummer if number in self.bboxes]
        if not boxes:
            return None
        west = min(box[0] for box in boxes)
        south = min(box[1] for box in boxes)
        east = max(box[2] for box in boxes)
        north = max(box[3] for box in boxes)
        lon_pad = max((east - west) * ZOOM_PADDING, ZOOM_MIN_PADDING_DEG)
        lat_pad = max((north - south) * ZOOM_PADDING, ZOOM_MIN_PADDING_DEG / 2)
        west, east = _widen(west - lon_pad, east + lon_pad, ZOOM_MIN_LON_SPAN)
        south, north = _widen(south - lat_pad, north + lat_pad, ZOOM_MIN_LAT_SPAN)
        return [round(west, 3), round(east, 3)], [round(south, 3), round(north, 3)]


def _widen(low: float, high: float, min_span: float) -> tuple[float, float]:
    """Grow [low, high] symmetrically to at least `min_span`."""
    missing = min_span - (high - low)
    if missing <= 0:
        return low, high
    return low - missing / 2, high + missing / 2


def feature_collection(boundaries: gpd.GeoDataFrame) -> dict[str, Any]:
    """Boundaries as a GeoJSON dict whose feature ids are the kommunenummer (plotly's `geojson-id`)."""
    indexed = boundaries.loc[:, ["kommunenummer", "kommune", "geometry"]].set_index("kommunenummer", drop=False)
    collection = indexed.to_geo_dict(drop_id=False)
    for feature in collection["features"]:
        feature["id"] = str(feature["id"])
    return collection
