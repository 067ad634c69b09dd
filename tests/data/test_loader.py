"""Loader: the built-in data is validated completely; users' spreadsheets get every problem at once."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from fixtures import (
    DATA,
    GEODATA,
    REAL_DATA,
    REAL_GEODATA,
    copy_trees,
    real_geodata_ready,
)

from dashboard.data.loader import load_builtin, load_builtin_cached
from dashboard.data.model import CooperationModel
from dashboard.data.problems import DataError, Problem


@pytest.fixture(scope="module")
def base() -> CooperationModel:
    return load_builtin_cached(DATA, GEODATA)


def edit_csv(path: Path, change) -> None:
    """Apply `change(frame)` to a contract CSV (all text) and write it back."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = change(frame)
    frame.to_csv(path, index=False)


def problems_of(data: Path, geodata: Path) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        load_builtin(data, geodata)
    return caught.value.problems


# ----- built-in data ----------------------------------------------------------------------


def test_ldr001_fixture_loads_with_types_and_joined_boundaries(base: CooperationModel) -> None:
    assert len(base.arrangements) == 9
    assert base.arrangements["source_row"].dtype == "int64"
    assert base.arrangements["members_complete"].dtype == bool
    stated = dict(zip(base.arrangements["id"], base.arrangements["stated_member_count"]))
    assert stated["nivi-5.2-05"] == 5 and type(stated["nivi-5.2-05"]) is int and stated["nivi-4.1-12"] is None
    assert base.services["main"].dtype == bool
    boundaries = base.boundaries
    assert isinstance(boundaries, gpd.GeoDataFrame) and boundaries.crs.to_epsg() == 4326
    assert list(boundaries.columns) == ["kommunenummer", "kommune", "fylkesnummer", "fylke", "geometry", "surveyed"]
    assert boundaries["kommunenummer"].map(type).eq(str).all()
    assert boundaries.set_index("kommunenummer").loc["3043", "fylke"] == "Viken"
    assert boundaries["surveyed"].sum() == 6


def test_ldr002_cached_wrapper_loads_once_per_folder_pair() -> None:
    assert load_builtin_cached(DATA, GEODATA) is load_builtin_cached(DATA / ".." / "data", GEODATA)


def test_ldr003_real_data_loads_221_arrangements_in_25_municipalities() -> None:
    geodata = REAL_GEODATA if real_geodata_ready() else GEODATA
    model = load_builtin(REAL_DATA, geodata)
    assert len(model.arrangements) == 221
    assert len(model.focus) == 25
    assert len(model.coverage("legevakt")) == 25


@pytest.mark.skipif(not real_geodata_ready(), reason="geodata/ not delivered yet")
def test_ldr004_default_folders_load_with_all_356_boundaries() -> None:
    model = load_builtin()
    assert len(model.boundaries) == 356


def test_ldr005_problem_line_format() -> None:
    problem = Problem("deltakere.csv", 4, "deltakere", "Kongsvinnger", "ukjent kommune «Kongsvinnger»", "Kongsvinger")
    assert str(problem) == (
        "deltakere.csv, rad 4, kolonne «deltakere»: ukjent kommune «Kongsvinnger». Mente du «Kongsvinger»?"
    )
    assert str(Problem("x.csv", None, None, None, "filen er tom")) == "x.csv: filen er tom"


def test_ldr006_unknown_municipality_number(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "memberships.csv", lambda f: f.replace({"kommunenummer": {"3811": "3899"}}))
    found = problems_of(data, geodata)
    assert any(
        p.file == "data/memberships.csv" and p.row == 15 and p.column == "kommunenummer" and p.value == "3899"
        for p in found
    ), found


def test_ldr007_municipality_name_typo_gets_closest_name(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "surveyed.csv", lambda f: f.replace({"kommune": {"Drammen": "Drammn"}}))
    [problem] = problems_of(data, geodata)
    assert (problem.file, problem.row, problem.column, problem.value) == ("data/surveyed.csv", 2, "kommune", "Drammn")
    assert problem.suggestion == "Drammen"


def test_ldr008_duplicate_id(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "arrangements.csv", lambda f: f.replace({"id": {"nivi-5.2-02": "nivi-5.2-01"}}))
    found = [str(p) for p in problems_of(data, geodata)]
    assert "data/arrangements.csv, rad 3, kolonne «id»: «nivi-5.2-01» står også på rad 2" in found


def test_ldr009_missing_column_lists_expected(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "memberships.csv", lambda f: f.drop(columns="listed_in"))
    [problem] = problems_of(data, geodata)
    assert problem.file == "data/memberships.csv"
    assert "listed_in" in problem.message
    assert "arrangement_id, kommunenummer, kommune, listed_in" in problem.message


def test_ldr010_arrangement_without_members(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "memberships.csv", lambda f: f[f["arrangement_id"] != "nivi-5.7-02"])
    [problem] = problems_of(data, geodata)
    assert (problem.row, problem.value) == (10, "nivi-5.7-02")
    assert "ingen deltakere" in problem.message


def test_ldr011_host_that_is_not_a_member(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "arrangements.csv", lambda f: f.replace({"hosts": {"3803": "3049"}}))
    [problem] = problems_of(data, geodata)
    assert (problem.column, problem.value) == ("hosts", "3049")
    assert "Lier" in problem.message and "ikke deltaker" in problem.message


def test_ldr012_unknown_service_sector_and_region_ids_with_suggestions(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "arrangements.csv", lambda f: f.replace({"services": {"ikt": "iktt"}, "sector": {"sosial": "sosail"}}))
    edit_csv(data / "surveyed.csv", lambda f: f.replace({"region_id": {"hallingdal": "halingdal"}}))
    found = {(p.column, p.value): p.suggestion for p in problems_of(data, geodata)}
    assert found[("services", "iktt")] == "ikt"
    assert found[("sector", "sosail")] == "sosial"
    assert found[("region_id", "halingdal")] == "hallingdal"


def test_ldr013_bad_kommunenummer_format(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "region_members.csv", lambda f: f.replace({"kommunenummer": {"3042": "342"}}))
    found = [p for p in problems_of(data, geodata) if p.value == "342"]
    assert found and all("fire sifre" in p.message for p in found)


def test_ldr014_membership_to_unknown_arrangement(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(
        data / "memberships.csv",
        lambda f: pd.concat([f, pd.DataFrame([["nivi-9.9-99", "3005", "Drammen", "Tabell 9.9"]], columns=f.columns)]),
    )
    [problem] = problems_of(data, geodata)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "data/memberships.csv", 28, "arrangement_id", "nivi-9.9-99"
    )


def test_ldr015_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(data / "arrangements.csv", lambda f: f.replace({"legal_form": {"§27": "paragraf"}, "source_row": {"7": "sju"}}))
    edit_csv(data / "services.csv", lambda f: f.replace({"main": {"true": "ja"}}))
    (data / "sectors.csv").unlink()
    found = problems_of(data, geodata)
    lines = [str(p) for p in found]
    assert "data/sectors.csv: filen finnes ikke" in lines
    assert "data/arrangements.csv, rad 10, kolonne «legal_form»: ukjent organisasjonsform «paragraf»" in lines
    assert "data/arrangements.csv, rad 6, kolonne «source_row»: må være et heltall, ikke «sju»" in lines
    assert sum("«ja»" in line for line in lines) == 6
    # Nothing repeats the missing sectors.csv once per arrangement.
    assert len(lines) == 1 + 1 + 1 + 6


def test_ldr016_missing_boundary_for_a_used_municipality(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    boundaries = gpd.read_file(geodata / "kommuner-2020.geojson")
    boundaries[boundaries["kommunenummer"] != "3043"].to_file(geodata / "kommuner-2020.geojson", driver="GeoJSON")
    [problem] = problems_of(data, geodata)
    assert problem.value == "3043" and "Ål" in problem.message


def test_ldr017_bad_registry_row_is_reported(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    edit_csv(geodata / "kommuner-2020.csv", lambda f: f.replace({"kommunenummer": {"1101": "11O1"}}))
    found = [p for p in problems_of(data, geodata) if p.value == "11O1"]
    assert found and found[0].file == "geodata/kommuner-2020.csv" and found[0].row == 3


@pytest.mark.parametrize(("alias", "knr"), [("Drammen", "3049"), ("Våler", "3018"), ("Hjardal", "9999")])
def test_ldr018_alias_that_shadows_a_name_or_points_nowhere(tmp_path: Path, alias: str, knr: str) -> None:
    data, geodata = copy_trees(tmp_path)
    (geodata / "aliases.csv").write_text(f"alias,kommunenummer,note\n{alias},{knr},test\n", encoding="utf-8")
    found = [p for p in problems_of(data, geodata) if p.file == "geodata/aliases.csv"]
    assert len(found) == 1 and found[0].row == 2


def test_ldr019_boundary_name_must_match_the_registry(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    boundaries = gpd.read_file(geodata / "kommuner-2020.geojson")
    boundaries.loc[boundaries["kommunenummer"] == "3043", "kommune"] = "Aal"
    boundaries.to_file(geodata / "kommuner-2020.geojson", driver="GeoJSON")
    [problem] = problems_of(data, geodata)
    assert problem.value == "Aal" and "«Ål»" in problem.message


def test_ldr020_label_points_must_cover_every_boundary(tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    (geodata / "kommuner-2020-labels.csv").write_text("kommunenummer,lon,lat,radius_m\n0301,10.7,x,5\n", encoding="utf-8")
    found = [p for p in problems_of(data, geodata) if p.file == "geodata/kommuner-2020-labels.csv"]
    assert any(p.row == 2 and p.message == "ugyldig tall" for p in found)
    assert any(p.value == "3043" and p.message == "mangler etikettpunkt" for p in found)


@pytest.mark.skipif(not real_geodata_ready(), reason="real geodata not built")
def test_ldr021_real_maps_anchor_at_the_build_time_label_points() -> None:
    from dashboard.views.map_base import MapBase

    model = load_builtin_cached(REAL_DATA, REAL_GEODATA)
    labels = pd.read_csv(REAL_GEODATA / "kommuner-2020-labels.csv", dtype={"kommunenummer": str}).set_index("kommunenummer")
    anchors = MapBase.from_boundaries(model.boundaries).anchors
    assert anchors["3006"] == (labels.loc["3006", "lon"], labels.loc["3006", "lat"])
