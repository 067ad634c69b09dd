"""Users' spreadsheets (dashboard.data.sheets): good files read, bad ones named row by row."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from fixtures import DATA, GEODATA
from openpyxl import Workbook

from dashboard.data.loader import load_builtin_cached
from dashboard.data.model import CooperationModel
from dashboard.data.problems import DataError
from dashboard.data.sheets import MAX_UPLOAD_ROWS, read_user_file

HEADER = "navn,tjeneste,sektor,deltakere,vertskommune,organisasjonsform,etablert,kilde"


@pytest.fixture(scope="module")
def base() -> CooperationModel:
    return load_builtin_cached(DATA, GEODATA)


def lines_of(content: bytes, filename: str, base: CooperationModel) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_user_file(content, filename, base.registry, base)
    return [str(problem) for problem in caught.value.problems]


def user_csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


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
    assert len(lines) == 7  # the unknown sector «helsa» is the register's own, not a problem
    assert all("\n" not in line and ", rad " in line for line in lines)


def test_ldr047_a_regions_own_sector_is_kept_with_a_notice(base: CooperationModel) -> None:
    model = read_user_file(
        user_csv(
            "Kongsvingerregionen IPR,,Regionalpolitisk,Kongsvinger,,IPR,,",
            "B,,regionalpolitisk,Hol,,,,",
            "C,,helse,Hol,,,,",
            "D,,Sosialtjenster,Hol,,,,",
        ),
        "kongsvinger.csv",
        base.registry,
        base,
    )
    assert list(model.arrangements["sector"]) == ["Regionalpolitisk", "Regionalpolitisk", "helse", "Sosialtjenster"]
    assert model.sector_label("Regionalpolitisk") == "Regionalpolitisk"
    assert ("Regionalpolitisk", "Regionalpolitisk") in model.sector_options()
    first, typo = model.notices  # one notice per own sector, at its first row
    assert first.startswith("kongsvinger.csv, rad 2, kolonne «sektor»: «Regionalpolitisk» er ingen standardsektor")
    assert typo.endswith("«Sosialtjenster» er ingen standardsektor og brukes som registerets egen sektor; nærmeste standardsektor er «Sosialtjenester»")


def test_ldr048_the_quote_of_a_formula_safe_download_is_undone(base: CooperationModel) -> None:
    model = read_user_file(user_csv("'-Samarbeid,,,Hol,,,,'=kilde"), "a.csv", base.registry, base)
    assert model.arrangements["name"].tolist() == ["-Samarbeid"] and model.arrangements["note"].tolist() == ["=kilde"]


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
