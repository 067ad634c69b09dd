"""Loader: the built-in data is validated completely; users' spreadsheets get every problem at once."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from fixtures import DATA, GEODATA, REAL_DATA, REAL_GEODATA, copy_trees, real_geodata_ready
from openpyxl import Workbook

from dashboard.loader import (
    MAX_UPLOAD_ROWS,
    DataError,
    Problem,
    load_builtin,
    load_builtin_cached,
    read_user_file,
)
from dashboard.model import CooperationModel

HEADER = "navn,tjeneste,sektor,deltakere,vertskommune,organisasjonsform,etablert,kilde"


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


def lines_of(content: bytes, filename: str, base: CooperationModel) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_user_file(content, filename, base.registry, base)
    return [str(problem) for problem in caught.value.problems]


def user_csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


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


# ----- users' spreadsheets: good files ------------------------------------------------------


def test_ldr020_windows_1252_semicolon_file_keeps_aeoeaa(base: CooperationModel) -> None:
    content = (
        "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde\r\n"
        "Glåmdal krisesenter;krisesenter;Sosialtjenester;Sør-Odal, Åsnes, Kongsvinger;Kongsvinger;IKS;1982;Årsmelding\r\n"
    ).encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    model = read_user_file(content, "Glåmdal.csv", base.registry, base)
    row = model.arrangements.iloc[0]
    assert row["name"] == "Glåmdal krisesenter"
    assert model.focus == ("3401", "3415", "3418")
    assert model.name_of("3418") == "Åsnes"
    assert row["note"] == "Årsmelding" and row["hosts"] == ("3401",)


def test_ldr021_utf8_with_bom_comma_file(base: CooperationModel) -> None:
    content = "\ufeff".encode() + user_csv('Hallingdal IKT,IKT,,"Hol, Ål, Gol",,,,')
    model = read_user_file(content, "ikt.csv", base.registry, base)
    assert model.arrangements.iloc[0]["services"] == ("ikt",)
    assert model.arrangements.iloc[0]["legal_form"] == "ukjent"


@pytest.mark.parametrize("typed", ["IKT", "ikt", "Ikt", "  iKt "])
def test_ldr022_service_names_ignore_case_and_spacing(base: CooperationModel, typed: str) -> None:
    model = read_user_file(user_csv(f'A,{typed},,"Hol, Ål",,,,'), "a.csv", base.registry, base)
    assert model.arrangements.iloc[0]["services"] == ("ikt",)


def test_ldr023_municipality_case_spacing_and_alias(base: CooperationModel) -> None:
    model = read_user_file(user_csv('A,,,"  drammen ; LIER;hjardal ",lier,,,'), "a.csv", base.registry, base)
    assert model.members("rad-2") == ("3005", "3049", "3819")
    assert model.hosts("rad-2") == ("3049",)


def test_ldr024_xlsx_first_sheet_with_numeric_year(base: CooperationModel) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["Vestre Viken legevakt", "Legevakt", "", "Drammen, Lier", "Drammen", "vertskommune", 2015, None])
    sheet.append(["Blank år", None, None, "Hol", None, None, 2016.0, None])
    other = workbook.create_sheet("Annet")
    other.append(["ignoreres"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    model = read_user_file(buffer.getvalue(), "vv.xlsx", base.registry, base)
    assert list(model.arrangements["established"]) == ["2015", "2016"]
    assert list(model.arrangements["source_row"]) == [2, 3]


def test_ldr025_upload_model_shape(base: CooperationModel) -> None:
    model = read_user_file(
        user_csv('Kongsvingerregionen IKT,ikt,administrasjon,"Eidskog, Grue, Kongsvinger",Kongsvinger,IKS,2010,Vedtak'),
        "kvr.csv",
        base.registry,
        base,
    )
    assert model.source_label == "kvr.csv"
    assert model.boundaries is base.boundaries
    assert model.focus == ("3401", "3416", "3417")
    fylker = {name for _rid, name, kind in model.region_options() if kind == "fylke"}
    assert "Innlandet" in fylker and len(fylker) == 11
    assert "3401" in model.region_municipalities("fylke-34")
    assert model.profile("3401").iloc[0]["source"] == "kvr.csv, rad 2 (Vedtak)"
    assert model.coverage("ikt")["arrangementer"].tolist() == ["Kongsvingerregionen IKT"] * 3


# ----- users' spreadsheets: one test per bad input ------------------------------------------


def test_ldr030_unknown_municipality_with_closest(base: CooperationModel) -> None:
    assert lines_of(user_csv('A,,,"Grue, Kongsvinnger",,,,'), "kvr.csv", base) == [
        "kvr.csv, rad 2, kolonne «deltakere»: ukjent kommune «Kongsvinnger». Mente du «Kongsvinger»?"
    ]


def test_ldr031_ambiguous_municipality_lists_both(base: CooperationModel) -> None:
    [line] = lines_of(user_csv('A,,,"Våler, Moss",,,,'), "a.csv", base)
    assert "«Våler (Viken)»" in line and "«Våler (Innlandet)»" in line


def test_ldr032_host_not_among_participants(base: CooperationModel) -> None:
    assert lines_of(user_csv('A,,,"Grue, Åsnes",Kongsvinger,,,'), "a.csv", base) == [
        "a.csv, rad 2, kolonne «vertskommune»: vertskommunen «Kongsvinger» er ikke blant deltakerne"
    ]


def test_ldr033_missing_required_column_lists_expected(base: CooperationModel) -> None:
    [line] = lines_of(b"navn,tjeneste\nA,ikt\n", "a.csv", base)
    assert line.startswith("a.csv, rad 1: mangler kolonnen «deltakere»")
    assert "navn, tjeneste, sektor, deltakere, vertskommune, organisasjonsform, etablert, kilde" in line


@pytest.mark.parametrize("content", [b"", b"   \r\n", (HEADER + "\n").encode(), b"\xef\xbb\xbf" + HEADER.encode()])
def test_ldr034_empty_file(base: CooperationModel, content: bytes) -> None:
    [line] = lines_of(content, "tom.csv", base)
    assert "tom" in line


def test_ldr035_empty_participant_list(base: CooperationModel) -> None:
    assert lines_of(user_csv("A,ikt,,,,,,", 'B,ikt,,"Hol",,,,'), "a.csv", base) == [
        "a.csv, rad 2, kolonne «deltakere»: ingen deltakere; skriv kommunene skilt med komma"
    ]


def test_ldr036_duplicate_name(base: CooperationModel) -> None:
    assert lines_of(user_csv("IKT-samarbeid,,,Hol,,,,", "ikt-SAMARBEID ,,,Ål,,,,"), "a.csv", base) == [
        "a.csv, rad 3, kolonne «navn»: navnet «ikt-SAMARBEID» står også på rad 2"
    ]


def test_ldr037_unknown_service_with_closest(base: CooperationModel) -> None:
    assert lines_of(user_csv("A,legevkat,,Hol,,,,"), "a.csv", base) == [
        "a.csv, rad 2, kolonne «tjeneste»: ukjent tjeneste «legevkat». Mente du «Legevakt»?"
    ]


@pytest.mark.parametrize("year", ["tjue", "15", "20155", "1700", "2021–2015"])
def test_ldr038_year_that_is_not_a_year(base: CooperationModel, year: str) -> None:
    [line] = lines_of(user_csv(f"A,,,Hol,,,{year},"), "a.csv", base)
    assert line.startswith(f"a.csv, rad 2, kolonne «etablert»: «{year}» er ikke et årstall")


def test_ldr039_every_problem_at_once_one_line_each(base: CooperationModel) -> None:
    lines = lines_of(
        user_csv('A,iktt,helsa,"Kongsvinnger, Grue",,ISK,tjue,', "A,,,,,,,", 'C,,,"Hol, Hol",,,,'), "a.csv", base
    )
    assert len(lines) == 8
    assert all("\n" not in line and ", rad " in line for line in lines)


def test_ldr040_misspelt_column_is_named(base: CooperationModel) -> None:
    lines = lines_of(b"navn,tjenste,deltakere\nA,ikt,Hol\n", "a.csv", base)
    assert lines == [
        "a.csv, rad 1, kolonne «tjenste»: ukjent kolonne «tjenste». Forventede kolonner: navn, tjeneste, sektor, "
        "deltakere, vertskommune, organisasjonsform, etablert, kilde. Mente du «tjeneste»?"
    ]


def test_ldr041_size_limit(base: CooperationModel) -> None:
    [line] = lines_of(b"x" * (5 * 1024 * 1024 + 1), "stor.csv", base)
    assert "5 MB" in line


def test_ldr042_row_limit(base: CooperationModel) -> None:
    rows = [f"Ordning {n},,,Hol,,,," for n in range(MAX_UPLOAD_ROWS + 1)]
    [line] = lines_of(user_csv(*rows), "lang.csv", base)
    assert "5000 rader" in line


def test_ldr043_row_limit_is_inclusive(base: CooperationModel) -> None:
    rows = [f"Ordning {n},,,Hol,,,," for n in range(MAX_UPLOAD_ROWS)]
    assert len(read_user_file(user_csv(*rows), "lang.csv", base.registry, base).arrangements) == MAX_UPLOAD_ROWS


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "gammel.xls", ".xls"),
        (b"PK\x03\x04 not really a zip", "fil.xlsx", "Excel-fil"),
        (b"%PDF-1.4", "rapport.pdf", ".pdf"),
    ],
)
def test_ldr044_unreadable_formats_are_refused_with_a_message(base, content, filename, expected) -> None:
    [line] = lines_of(content, filename, base)
    assert expected in line


@pytest.mark.parametrize("content", [b"\x00\x01\x02\xff\xfe", b'navn,deltakere\n"A,Hol\n', bytes(range(256)) * 4])
def test_ldr045_garbage_raises_only_data_error(base: CooperationModel, content: bytes) -> None:
    with pytest.raises(DataError):
        read_user_file(content, "søppel.csv", base.registry, base)


def test_ldr046_bad_file_changes_nothing(base: CooperationModel) -> None:
    before = base.arrangements.copy(), base.regions.copy()
    with pytest.raises(DataError):
        read_user_file(user_csv("A,,,Kongsvinnger,,,,"), "a.csv", base.registry, base)
    read_user_file(user_csv("A,,,Hol,,,,"), "a.csv", base.registry, base)
    pd.testing.assert_frame_equal(base.arrangements, before[0])
    pd.testing.assert_frame_equal(base.regions, before[1])


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
