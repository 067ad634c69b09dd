"""The secretariat template: valid as shipped, documents the vocabulary, and round-trips into a model."""

from __future__ import annotations

import io

import pytest
from fixtures import DATA, GEODATA, REAL_DATA
from openpyxl import load_workbook

from dashboard.data.loader import load_builtin_cached
from dashboard.data.model import CooperationModel
from dashboard.data.sheets import USER_COLUMNS, read_user_file
from dashboard.output.template import (
    EXAMPLE_ROW,
    GUIDE_SHEET,
    MAIN_SHEET,
    template_csv_bytes,
    template_xlsx_bytes,
)

KVR = ("3401", "3414", "3415", "3416", "3417", "3418")  # Kongsvinger, Nord-Odal, Sør-Odal, Eidskog, Grue, Åsnes


@pytest.fixture(scope="module")
def base() -> CooperationModel:
    return load_builtin_cached(DATA, GEODATA)


@pytest.fixture(scope="module")
def workbook_bytes(base: CooperationModel) -> bytes:
    return template_xlsx_bytes(base)


def test_tpl001_xlsx_has_template_sheet_with_header_and_example(workbook_bytes: bytes) -> None:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    assert workbook.sheetnames == [MAIN_SHEET, GUIDE_SHEET]
    rows = list(workbook[MAIN_SHEET].iter_rows(values_only=True))
    assert rows[0] == USER_COLUMNS
    assert rows[1] == tuple(EXAMPLE_ROW[column] for column in USER_COLUMNS)
    assert "Kongsvinger" in rows[1][USER_COLUMNS.index("deltakere")]


def test_tpl002_guide_lists_services_sectors_and_legal_forms(base: CooperationModel, workbook_bytes: bytes) -> None:
    guide = load_workbook(io.BytesIO(workbook_bytes))[GUIDE_SHEET]
    first_column = {row[0] for row in guide.iter_rows(values_only=True)}
    assert set(base.services["label"]) <= first_column
    assert set(base.sectors["label"]) <= first_column
    assert {"IKS", "AS", "vertskommune", "KO", "IPR", "avtale"} <= first_column
    assert {"navn (påkrevd)", "deltakere (påkrevd)"} <= first_column


def test_tpl003_csv_is_semicolon_utf8_with_bom(base: CooperationModel) -> None:
    content = template_csv_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(USER_COLUMNS)
    assert "Sør-Odal" in lines[1]


@pytest.mark.parametrize("data_dir", [DATA, REAL_DATA], ids=["fixture", "real"])
def test_tpl004_example_row_is_valid_against_the_vocabulary(data_dir) -> None:
    base = load_builtin_cached(data_dir, GEODATA)
    for content, name in ((template_csv_bytes(), "mal.csv"), (template_xlsx_bytes(base), "mal.xlsx")):
        model = read_user_file(content, name, base.registry, base)
        assert model.focus == KVR
        assert model.arrangements.iloc[0]["services"] == ("ikt",)


def test_tpl005_round_trip_template_filled_validated_model_coverage(base: CooperationModel, workbook_bytes: bytes) -> None:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    sheet = workbook[MAIN_SHEET]
    sheet.append(["Glåmdal krisesenter", "Krisesenter", "Sosialtjenester", "Kongsvinger; Sør-Odal; Åsnes", "Kongsvinger", "IKS", 1982, "Årsmelding 2024"])
    sheet.append(["Glåmdal barnevernvakt", "barnevernvakt", "", "Eidskog, Grue, Kongsvinger", "", "avtale", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    model = read_user_file(buffer.getvalue(), "kongsvingerregionen.xlsx", base.registry, base)
    assert len(model.arrangements) == 3
    assert model.focus == KVR
    coverage = model.coverage("krisesenter").set_index("kommunenummer")["arrangementer"]
    assert coverage.to_dict() == {
        "3401": "Glåmdal krisesenter", "3414": "", "3415": "Glåmdal krisesenter",
        "3416": "", "3417": "", "3418": "Glåmdal krisesenter",
    }
    assert model.hosts("rad-3") == ("3401",)
    assert model.arrangement("rad-3")["established"] == "1982"
    assert model.arrangement("rad-4")["legal_form"] == "avtale"
    assert model.totals().set_index("kommunenummer")["ordninger"]["3401"] == 3


def test_tpl006_dropdowns_point_at_the_guide_lists(workbook_bytes: bytes) -> None:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    guide = workbook[GUIDE_SHEET]
    validations = workbook[MAIN_SHEET].data_validations.dataValidation
    assert len(validations) == 2
    for validation in validations:
        assert validation.errorStyle == "warning"  # suggests, never forbids
        sheet_name, cells = validation.formula1.split("!")
        assert sheet_name.strip("'") == GUIDE_SHEET and not validation.formula1.startswith("=")
        values = [row[0].value for row in guide[cells.replace("$", "")]]
        assert "IKS" in values or "Helsetjenester" in values or "Kommunehelsetjenester" in values
