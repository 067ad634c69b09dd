"""«Samsvar» figures and tables (dashboard.views.alignment_figures): pure, checked without a browser."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard.data.alignment import default_services
from dashboard.views import alignment_figures as samsvar
from dashboard.views import figures, labels


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
    numbers = spec["data"][-2]
    assert numbers["name"] == "Antall konstellasjoner" and spec["data"][-1]["name"] == figures.LABEL_TRACE_NAME
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
    marks = spec["data"][-2]
    assert marks["text"][0] == "≠" and "3045" in marks["customdata"] and "3446" not in marks["customdata"]  # Gran: same partners
    assert spec["layout"]["showlegend"] is False
    text = samsvar.compare_summary(model, "legevakt", "barnevernvakt", None)
    assert text.startswith("Legevakt og barnevernvakt: samme partnere i begge: Gran, Lier og Lunner.")


def drawn_boxes(spec: dict, trace: dict, size: labels.LabelSize, font: float = 0, mark=None) -> list[tuple[str, labels.Box]]:
    """(text, box in px) of each text of a trace on a map framed as `spec` at `size`; with `mark`
    (a labels.Mark), the box of that mark around each point instead."""
    geo = spec["layout"]["geo"]
    project = labels.projector(geo["lonaxis"]["range"], geo["lataxis"]["range"], size)
    boxes = []
    for lon, lat, text in zip(trace["lon"], trace["lat"], trace["text"]):
        x, y = project(lon, lat)
        if mark:
            boxes.append((text, (x + mark[0], y + mark[1], x + mark[2], y + mark[3])))
        else:
            # Half a pixel in from each side: label positions are rounded to 0.001°.
            left, top, right, bottom = labels.text_box(x, y, text, font)
            boxes.append((text, (left + 0.5, top + 0.5, right - 0.5, bottom - 0.5)))
    return boxes


def covered(names: list, marks: list) -> list[str]:
    return [name for name, box in names if any(labels.overlaps(box, mark) for _text, mark in marks)]


def test_saf006_konstellasjoner_map_names_go_under_the_numbers_never_over_one(real_dataset) -> None:
    model, base = real_dataset.model, real_dataset.base
    spec = samsvar.constellation_map_spec(model, base, default_services(model), municipality="3045")
    numbers, names = spec["data"][-2], spec["data"][-1]
    # Last, so «Vis kommunenavn» (the last scattergeo trace, assets/style.css) hides names, not numbers.
    assert names["name"] == figures.LABEL_TRACE_NAME and names["mode"] == "text"
    number_boxes = drawn_boxes(spec, numbers, labels.SCREEN, samsvar.NUMBER_FONT)
    assert not covered(drawn_boxes(spec, names, labels.SCREEN, labels.SCREEN.font), number_boxes)
    surveyed = {model.name_of(number) for number in model.focus}
    shown = [name for name in names["text"] if name in surveyed]
    assert len(shown) >= 20 and "Sigdal" not in shown, "the chosen one is named by its ring"
    # Hol's name straight under its number.
    hol = names["text"].index("Hol")
    assert names["lon"][hol] == pytest.approx(base.anchors["3044"][0], abs=0.001) and names["lat"][hol] < base.anchors["3044"][1]
    dark = {color for name, color in zip(names["text"], names["textfont"]["color"]) if name in surveyed}
    assert dark == {figures.LABEL_INK}
    without = samsvar.constellation_map_spec(model, base, default_services(model), labels=None)
    assert without["data"][-1]["name"] == "Antall konstellasjoner"


def test_saf007_compare_maps_have_names_at_half_width_under_the_marks(real_dataset) -> None:
    model, base = real_dataset.model, real_dataset.base
    spec = samsvar.compare_map_spec(model, base, "legevakt", "barnevernvakt", municipality="3045", colors=real_dataset.colors)
    marks, names = spec["data"][-2], spec["data"][-1]
    assert names["name"] == figures.LABEL_TRACE_NAME and "Hol" in names["text"] and "Sigdal" not in names["text"]
    name_boxes = drawn_boxes(spec, names, labels.COMPARE, labels.COMPARE.font)
    assert not covered(name_boxes, drawn_boxes(spec, marks, labels.COMPARE, mark=samsvar.DIFFERENT_MARK_SIZE))
    assert not [a for index, (a, one) in enumerate(name_boxes) for _b, other in name_boxes[index + 1 :] if labels.overlaps(one, other)]
    # Nor the chosen municipality's ring and the name above it (Flå's name used to run into «Sigdal»).
    ring = labels.ring_mark(figures.SELECTION_RING_PX / 2 + figures.SELECTION_RING_LINE / 2, "Sigdal", figures.SELECTION_FONT)
    selection = spec["data"][figures.SELECTION_TRACE] | {"text": ["Sigdal"]}
    assert not covered(name_boxes, drawn_boxes(spec, selection, labels.COMPARE, mark=ring))
    # Fewer names than on the page's wide map: they are placed for half its width.
    page_map = figures.service_map_spec(model, "legevakt", base=base, colors=real_dataset.colors)
    assert len(names["text"]) < len(page_map["data"][-1]["text"])
    assert samsvar.compare_map_spec(model, base, "legevakt", "barnevernvakt", labels=None)["data"][-1]["name"].startswith("≠")
