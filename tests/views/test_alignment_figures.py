"""«Samsvar» figures and tables (dashboard.views.alignment_figures): pure, checked without a browser."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard.data.alignment import default_services
from dashboard.views import alignment_figures as samsvar


def contrast(a: str, b: str) -> float:
    def luminance(color: str) -> float:
        channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_saf001_every_fill_has_readable_text() -> None:
    for fill in (*samsvar.AGREEMENT_COLORS, *samsvar.CONSTELLATION_COLORS, samsvar.DIAGONAL_FILL):
        assert contrast(fill, samsvar.text_color(fill)) >= 4.5, fill


def test_saf002_constellation_map_writes_the_number_on_each_municipality(real_dataset) -> None:
    model, base = real_dataset.model, real_dataset.base
    services = default_services(model)
    spec = samsvar.constellation_map_spec(model, base, services, municipality="3045")
    go.Figure(spec)  # valid plotly
    types = {trace["type"] for trace in spec["data"]}
    assert types <= {"choropleth", "scattergeo"}
    numbers = spec["data"][-1]
    assert numbers["mode"] == "text" and len(numbers["text"]) == 25
    by_number = dict(zip(numbers["customdata"], numbers["text"]))
    assert (by_number["3045"], by_number["3044"], by_number["3005"]) == ("5", "3", "2")
    assert numbers["lon"][numbers["customdata"].index("3045")] == base.anchors["3045"][0]
    legend = [trace["name"] for trace in spec["data"] if trace.get("showlegend")]
    assert legend == ["2 konstellasjoner", "3 konstellasjoner", "4 konstellasjoner", "5 konstellasjoner"]
    assert "Kilde: NIVI Analyse 2021" in str(spec["layout"]["annotations"]) and "Kartverket" in str(spec["layout"]["annotations"])
    assert spec["data"][1]["text"] == ["", "Sigdal"]


def test_saf003_summary_table_and_matrix(real_model) -> None:
    services = default_services(real_model)
    summary = samsvar.constellation_summary(real_model, services, None)
    assert "25 kommuner deltar" in summary and "Flest ulike partnersett (5)" in summary and "Sigdal" in summary
    rows = samsvar.constellation_rows(real_model, services, "hallingdal")
    assert [row["Kommune"] for row in rows] == ["Flå", "Gol", "Hemsedal", "Hol", "Nesbyen", "Ål"]
    table = samsvar.agreement_table(real_model, services)
    assert table.labels[0] == "Legevakt" and table.cells[0][0].text == "–"
    assert table.cells[0][1].text == "89 %" and table.cells[0][1].pairs == 231
    csv_rows = samsvar.agreement_rows(table)
    assert csv_rows[0]["Barnevernvakt"] == pytest.approx(0.887, abs=0.001)


def test_saf004_partner_grid_table_and_rows(real_model) -> None:
    table = samsvar.partner_grid_table(real_model, "3005", default_services(real_model))
    assert [column.name for column in table.columns] == ["Lier", "Holmestrand"]
    assert [row.taking_part for row in table.rows] == [True, True, False, False, False, False]
    assert table.rows[0].cells[0] == ("Legevakta i Drammen-Lier",)
    assert "Drammen deltar i 2 av 6 tjenester med 2 ulike partnersett" in table.summary
    rows = samsvar.partner_grid_rows(table)
    assert rows[0] == {"Tjeneste": "Legevakt", "Lier": "x", "Holmestrand": "x"}


def test_saf005_compare_maps_mark_who_differs(real_dataset) -> None:
    model, base = real_dataset.model, real_dataset.base
    spec = samsvar.compare_map_spec(model, base, "legevakt", "barnevernvakt", municipality="3045")
    go.Figure(spec)
    marks = spec["data"][-1]
    assert marks["text"][0] == "≠" and "3045" in marks["customdata"] and "3446" not in marks["customdata"]  # Gran: same partners
    assert spec["layout"]["showlegend"] is False
    text = samsvar.compare_summary(model, "legevakt", "barnevernvakt", None)
    assert text.startswith("Legevakt og barnevernvakt: samme partnere i begge: Gran, Lier og Lunner.")
