"""Downloads carry no spreadsheet formulas: formula-like cells are made inert, everything else kept."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.output.safe_csv import inert, to_safe_csv, to_safe_xlsx

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tq", "\rr"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_safe001_formula_prefixes_get_a_quote(value: str) -> None:
    assert inert(value) == "'" + value


@pytest.mark.parametrize("value", ["Drammen", "", "Sør-Odal", "2015–2021", "a=b", " =x"])
def test_safe002_ordinary_text_is_unchanged(value: str) -> None:
    assert inert(value) == value


def test_safe003_numbers_and_missing_stay_as_they_are() -> None:
    assert inert(-3) == -3 and inert(2.5) == 2.5 and inert(None) is None


def test_safe004_tuples_are_joined_like_the_app_shows_them() -> None:
    assert inert(("nivi-5.2-01", "nivi-5.2-02")) == "nivi-5.2-01 | nivi-5.2-02"
    assert inert(("=x", "y")) == "'=x | y"


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "navn": [*DANGEROUS, "Hallingdal legevakt"],
            "antall": [-1, 2, 3, 4, 5, 6, 7],
            "=kolonne": ["a"] * 7,
            "ider": [("x",)] * 7,
        }
    )


def test_safe005_csv_cells_and_header_are_inert_and_parse_back() -> None:
    text = to_safe_csv(frame())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["navn", "antall", "'=kolonne", "ider"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in DANGEROUS] + ["Hallingdal legevakt"]
    assert rows[1][1] == "-1"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row if cell != "-1")


def test_safe006_xlsx_has_no_formula_cells() -> None:
    workbook = load_workbook(io.BytesIO(to_safe_xlsx(frame(), sheet_name="Dekning")))
    sheet = workbook["Dekning"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert sheet["A2"].value == "'" + DANGEROUS[0]
    assert sheet["B2"].value == -1
    assert sheet["C1"].value == "'=kolonne"
    assert sheet["A8"].value == "Hallingdal legevakt"


def test_safe007_source_frame_is_not_changed() -> None:
    original = frame()
    before = original.copy()
    to_safe_csv(original)
    to_safe_xlsx(original)
    pd.testing.assert_frame_equal(original, before)


def test_safe008_missing_values_and_nullable_ints_in_xlsx() -> None:
    data = pd.DataFrame({"a": ["x", None], "n": pd.array([1, None], dtype="Int64")})
    sheet = load_workbook(io.BytesIO(to_safe_xlsx(data))).active
    assert [sheet["A3"].value, sheet["B2"].value, sheet["B3"].value] == [None, 1, None]
