"""Fact sheets: the figures' contents without a browser, then real one-page PDFs for real municipalities."""

from __future__ import annotations

import datetime as dt
import zipfile

import pandas as pd
import pytest
from fixtures import DATA, GEODATA
from test_export import pdf_info, pdf_page_points, pdf_text, png_size

from dashboard.cli.main import main
from dashboard.output import export, factsheet
from dashboard.views.map_base import MapBase

DATE = dt.date(2026, 11, 22)
FIXTURE_DIRS = ["--data-dir", str(DATA), "--geodata-dir", str(GEODATA)]
A4_PORTRAIT_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def renderer():
    with export.Renderer() as session:
        yield session


# ----- contents (no browser) --------------------------------------------------------------


def test_fs001_partners_counted_by_shared_arrangements(fixture_model) -> None:
    partners = factsheet.partner_counts(fixture_model, "3043")
    assert "3043" not in partners.index
    for partner, shared in partners.items():
        expected = sum(partner in fixture_model.members(aid) for aid in fixture_model.arrangement_ids_of("3043"))
        assert shared == expected
    assert list(partners) == sorted(partners, reverse=True)


def test_fs002_table_lists_every_arrangement_by_sector(real_model) -> None:
    table = factsheet.arrangement_table(real_model, "3043")
    assert list(table.columns) == list(factsheet.TABLE_COLUMNS)
    assert len(table) == real_model.profile_counts("3043")["total"] == 44
    order = [label for _sid, label in real_model.sector_options()]
    positions = [order.index(sector) for sector in table["Sektor"]]
    assert positions == sorted(positions)
    assert set(table["Organisering"]) <= {"IKS", "AS", "KO", "IPR", "§ 27", "Vertskommune", "Plansamarbeid", "Stiftelse", "Ikke oppgitt", "Avtale"}


def test_fs003_sector_counts_against_the_regional_average(real_model) -> None:
    comparison = factsheet.sector_comparison(real_model, "3043")
    assert comparison["count"].sum() == 44
    counts = real_model.profile_counts("3043")
    assert comparison["average"].sum() == pytest.approx(counts["regional_average"])
    assert "snitt i Hallingdal: " in factsheet.headline(real_model, "3043", factsheet.partner_counts(real_model, "3043"))


def test_fs004_long_lists_shrink_the_font_then_say_what_is_left_out() -> None:
    assert factsheet.table_rows_that_fit(10, 700) == (10, factsheet.TABLE_FONT_PX[1])
    rows, font = factsheet.table_rows_that_fit(44, 700)
    assert rows == 44 and factsheet.TABLE_FONT_PX[0] <= font < factsheet.TABLE_FONT_PX[1]
    rows, font = factsheet.table_rows_that_fit(500, 700)
    assert font == factsheet.TABLE_FONT_PX[0]
    assert (rows + 2) * font * factsheet.ROW_PX_PER_FONT_PX <= 700 + 1e-9


def test_fs005_overflow_row_names_the_hidden_count() -> None:
    table = pd.DataFrame(
        {column: [f"{column} {n}" for n in range(300)] for column in factsheet.TABLE_COLUMNS}
    ).assign(Sektor="Helsetjenester")
    traces, _shapes = factsheet._table_parts(table, 700, 950)
    names = traces[3]["text"]
    assert names[-1].startswith("… og ") and "ordninger til" in names[-1]
    hidden = int(names[-1].split()[2])
    assert hidden + len(names) - 1 == 300


def test_fs006_sector_label_wraps_into_its_group() -> None:
    cells = factsheet._sector_cells(["Administrasjon og støttetjenester"] * 3 + ["Kultur"], 16)
    assert cells[0] and cells[1] and cells[3] == "Kultur"
    assert " ".join(cells[:3]).split() == "Administrasjon og støttetjenester".split()


def test_fs007_file_name() -> None:
    class Names:
        def name_of(self, number: str) -> str:
            return "Ål"

    assert factsheet.factsheet_filename(Names(), "3043", "pdf", DATE) == "faktaark-al-3043-2026-11-22.pdf"


# ----- real pages -------------------------------------------------------------------------


def test_fs010_real_fact_sheet_is_one_a4_page_with_name_and_source(renderer, real_model, tmp_path) -> None:
    base = MapBase.from_boundaries(real_model.boundaries)
    figure = factsheet.factsheet_figure(real_model, "3043", DATE, base)
    path = tmp_path / "al.pdf"
    path.write_bytes(renderer.render(figure, "pdf", factsheet.PAGE))
    assert pdf_info(path)["Pages"] == "1"
    assert pdf_page_points(path) == pytest.approx(A4_PORTRAIT_POINTS, abs=1.0)
    text = pdf_text(path)
    assert "Ål (3043)" in text
    assert "Kilde: NIVI Analyse 2021" in text and "Kartgrunnlag: © Kartverket" in text
    assert "Ordningene (44)" in text
    assert "Snitt Hallingdal" in text
    for name in ("Hallingdal legevakt", "Hallingdal Kraftnett AS", "Regionrådet for Hallingdal"):
        assert name in text, name


def test_fs011_cli_one_municipality_by_name(capsys, tmp_path) -> None:
    out = tmp_path / "ark.pdf"
    code = main(["factsheet", "--kommune", "ål", "--out", str(out), *FIXTURE_DIRS])
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert pdf_info(out)["Pages"] == "1"
    assert "Ål (3043)" in pdf_text(out)


def test_fs012_cli_region_zip_with_progress(capsys, tmp_path) -> None:
    code = main(["factsheet", "--region", "hallingdal", "--format", "png", "--out", str(tmp_path / "ark.zip"), *FIXTURE_DIRS])
    _out, err = capsys.readouterr()
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "ark.zip") as archive:
        names = archive.namelist()
        assert all(png_size(archive.read(name)) == (factsheet.PAGE.width, factsheet.PAGE.height) for name in names)
    assert len(names) == len([line for line in err.splitlines() if line.endswith("… ok")]) >= 2


@pytest.mark.parametrize(
    ("kommune", "message"),
    [("Åll", "Mente du «Ål»?"), ("Oslo", "ikke blant de kartlagte"), ("Våler", "«Våler (Viken)» eller «Våler (Innlandet)»")],
)
def test_fs013_unknown_or_unsurveyed_municipality_exits_2(capsys, tmp_path, kommune, message) -> None:
    code = main(["factsheet", "--kommune", kommune, "--out", str(tmp_path / "x.pdf"), *FIXTURE_DIRS])
    _out, err = capsys.readouterr()
    assert code == 2 and message in err
    assert not (tmp_path / "x.pdf").exists()


def test_fs020_fact_sheet_has_the_partner_grid(real_model) -> None:
    figure = factsheet.factsheet_figure(real_model, "3045", DATE, MapBase.from_boundaries(real_model.boundaries))
    notes = " ".join(annotation.text for annotation in figure.layout.annotations)
    assert "Partnere per tjeneste (samsvar)" in notes
    assert "Sigdal deltar i 6 av 6 tjenester med 5 ulike partnersett" in notes
    assert figure.layout.yaxis3.ticktext == ("Legevakt", "Barnevernvakt", "PP-tjeneste (PPT)", "Felles NAV-kontor", "Felles IKT-tjeneste", "Krisesenter")
    assert figure.layout.xaxis3.ticktext[0] == "Krødsherad"
    grid = next(trace for trace in figure.data if getattr(trace, "xaxis", None) == "x3")
    # Krødsherad (column 0) in all six rows, purple: the partner in every service.
    assert sorted(y for x, y in zip(grid.x, grid.y) if x == 0) == [0, 1, 2, 3, 4, 5]
    assert grid.marker.color[0] == factsheet.GRID_COLORS["everywhere"]


def test_fs030_cli_fact_sheet_in_2024_has_todays_number_and_name(capsys, tmp_path) -> None:
    """Sigdal is 3045 in the survey (2020) and 3332 today; --struktur 2024 gives today's."""
    code = main(["factsheet", "--kommune", "Sigdal", "--struktur", "2024", "--out", str(tmp_path)])
    _out, err = capsys.readouterr()
    assert code == 0, err
    (written,) = tmp_path.iterdir()
    assert written.name.startswith("faktaark-sigdal-3332-") and written.suffix == ".pdf"
    text = pdf_text(written)
    assert "Sigdal (3332)" in text and "(3045)" not in text
    assert "Kilde: NIVI Analyse 2021" in text and "Kartgrunnlag: © Kartverket" in text
