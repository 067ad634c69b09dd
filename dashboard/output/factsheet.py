"""The municipality fact sheet: one A4 page to attach to an ownership report (eierskapsmelding).

One plotly figure laid out on an A4 portrait page: a map of the partners (shaded by how many
arrangements they share with the municipality), its count per sector against the regional
average, and every arrangement by sector with host, legal form and source row. Rendered to PDF
by export.Renderer like every other export, so text stays text and the map stays vector.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.data.alignment import default_services
from dashboard.output.export import (
    SIZE_PRESETS,
    ImageSize,
    export_filename,
    for_print,
    print_margins,
    slug,
)
from dashboard.views import alignment_figures, figures
from dashboard.views import colors as palette
from dashboard.views.labels import FACTSHEET as FACTSHEET_LABELS
from dashboard.views.map_base import MapBase
from dashboard.views.view_data import focus_in, municipality_counts, plain

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

# A4 portrait at 300 dpi, laid out 1000 CSS px wide: body text ≈ 7–8 pt on paper.
PAGE = ImageSize(SIZE_PRESETS["a4-staaende"].width, SIZE_PRESETS["a4-staaende"].height, layout_width=1000)
MUNICIPALITY_FILL = palette.ARRANGEMENT_PALETTE[1]
AVERAGE_MARKER = palette.ARRANGEMENT_PALETTE[5]
# Vertical split of the plot area (paper coordinates): map and bars on top, table below.
TOP_ROW = (0.665, 0.972)
# «Samsvar»: the partner grid (services × partners) between the map row and the table.
GRID_ROW = (0.477, 0.55)
GRID_X = (0.2, 1.0)
GRID_MAX_PARTNERS = 30
# Room for Ål's 44 arrangements at the smallest font: every survey municipality's list fits.
TABLE_ROW = (0.0, 0.44)
TABLE_COLUMNS = ("Sektor", "Ordning", "Vertskommune", "Organisering", "Kilde")
TABLE_WIDTHS = (1.5, 3.75, 1.4, 1.15, 1.55)
HOST_NOT_GIVEN = "ikke oppgitt"
# Legal forms as a reader of an ownership report writes them; the ids are already the usual
# abbreviations (IKS, AS, KO, IPR, §27), the rest get a capital letter.
SHORT_LEGAL_FORMS = {
    "vertskommune": "Vertskommune",
    "plansamarbeid": "Plansamarbeid",
    "stiftelse": "Stiftelse",
    "avtale": "Avtale",
    "§27": "§ 27",
    "ukjent": "Ikke oppgitt",
}
TABLE_FONT_PX = (8.5, 13.0)  # smallest and largest table font, in layout pixels
ROW_PX_PER_FONT_PX = 1.4
# Average advance of a character relative to the font size (generous, so nothing overflows).
CHAR_WIDTH_PER_FONT_PX = 0.56
CELL_PAD = 0.006  # left padding of a cell, share of the table width
HEADER_FILL = "#37474f"
GROUP_FILLS = ("#ffffff", "#eef2f5")
# Lighter end of the count scale left out: a partner with one shared arrangement must not look
# like a municipality with none.
PARTNER_SCALE_FROM = 0.25


def factsheet_filename(model: "CooperationModel", kommunenummer: str, fmt: str, date: dt.date) -> str:
    """`faktaark-al-3043-2026-11-22.pdf`."""
    return export_filename(f"faktaark-{slug(model.name_of(kommunenummer))}-{kommunenummer}", None, fmt, date).replace(
        "-alle-", "-"
    )


def partner_counts(model: "CooperationModel", kommunenummer: str) -> pd.Series:
    """Number of arrangements each partner shares with the municipality, largest first."""
    shared: Counter[str] = Counter()
    for arrangement_id in model.arrangement_ids_of(kommunenummer):
        shared.update(set(model.members(arrangement_id)) - {kommunenummer})
    counts = pd.Series(shared, dtype=int).rename("shared")
    return counts.sort_values(ascending=False, kind="stable")


def sector_comparison(model: "CooperationModel", kommunenummer: str) -> pd.DataFrame:
    """Per sector: the municipality's count and the average of its kommuneregion's surveyed members.

    Columns sector, label, count, average (NaN outside a kommuneregion); sectors where both are 0 left out.
    """
    counts = municipality_counts(model)
    region_id = model.profile_counts(kommunenummer)["region_id"]
    peers = counts[counts["kommunenummer"].isin(focus_in(model, region_id))] if region_id else counts.iloc[0:0]
    own = counts[counts["kommunenummer"] == kommunenummer].iloc[0]
    rows = []
    for sector_id, label in model.sector_options():
        average = float(peers[sector_id].mean()) if not peers.empty else float("nan")
        if own[sector_id] or (average == average and average > 0):
            rows.append((sector_id, label, int(own[sector_id]), average))
    return pd.DataFrame(rows, columns=["sector", "label", "count", "average"])


def arrangement_table(model: "CooperationModel", kommunenummer: str) -> pd.DataFrame:
    """The municipality's arrangements in sector order, then by name, with short cells for print."""
    profile = model.profile(kommunenummer)
    order = {label: position for position, (_sid, label) in enumerate(model.sector_options())}
    table = pd.DataFrame(
        {
            "Sektor": profile["sector"],
            "Ordning": profile["name"],
            "Vertskommune": [hosts or HOST_NOT_GIVEN for hosts in profile["hosts"]],
            "Organisering": [SHORT_LEGAL_FORMS.get(form, form) for form in profile["legal_form"]],
            "Kilde": profile["source"],
        }
    )
    table = table.assign(_order=table["Sektor"].map(order).fillna(len(order)), _name=table["Ordning"].str.casefold())
    return table.sort_values(["_order", "_name"], kind="stable").loc[:, list(TABLE_COLUMNS)].reset_index(drop=True)


def decimal(value: float) -> str:
    """Norwegian decimal comma: 40,2."""
    return f"{value:.1f}".replace(".", ",")


def headline(model: "CooperationModel", kommunenummer: str, partners: pd.Series) -> str:
    """The counts in one sentence: total, regional average, hosted, partners."""
    counts = model.profile_counts(kommunenummer)
    name = model.name_of(kommunenummer)
    text = f"{name} deltar i {counts['total']} interkommunale ordninger"
    if counts["regional_average"] is not None:
        text += f" (snitt i {counts['region_name']}: {decimal(counts['regional_average'])})"
    hosted = sum(kommunenummer in model.hosts(aid) for aid in model.arrangement_ids_of(kommunenummer))
    text += f", er vertskommune for {hosted} og samarbeider med {len(partners)} kommuner."
    return text


def factsheet_figure(
    model: "CooperationModel", kommunenummer: str, date: dt.date, base: MapBase | None = None
) -> go.Figure:
    """The fact sheet page of one municipality (pure: model in, figure out)."""
    base = base or MapBase.from_boundaries(model.boundaries)
    name = model.name_of(kommunenummer)
    partners = partner_counts(model, kommunenummer)
    comparison = sector_comparison(model, kommunenummer)
    table = arrangement_table(model, kommunenummer)
    region_name = model.profile_counts(kommunenummer)["region_name"]
    summary = headline(model, kommunenummer, partners)

    margins = print_margins(summary, PAGE.layout_width)
    plot_height = PAGE.layout_height - margins["t"] - margins["b"]
    plot_width = PAGE.layout_width - margins["l"] - margins["r"]
    table_traces, table_shapes = _table_parts(table, plot_height * (TABLE_ROW[1] - TABLE_ROW[0]), plot_width)
    grid = alignment_figures.partner_grid_table(model, kommunenummer, default_services(model))
    grid_traces, grid_axes, grid_notes = _grid_parts(grid)
    shown_rows = len(table_traces[1]["y"])

    traces = [
        figures.base_trace(model, base),
        *_partner_traces(model, base, kommunenummer, partners),
        # The ring only: the municipality's name is the first of the map's names.
        figures.selection_trace(model, base, kommunenummer) | {"mode": "markers"},
        figures.label_trace(model, base, model.focus, FACTSHEET_LABELS, kommunenummer, partners.index),
        *_comparison_traces(comparison, name, region_name),
        *table_traces,
        *grid_traces,
    ]
    geo = figures.map_layout(base, model.focus, model.source_label, "")["geo"]
    outside = sum(number not in set(model.focus) for number in partners.index)
    map_note = (
        f"Oransje: {plain(name)}. Blått: partnere, mørkere = flere felles ordninger.<br>"
        f"{outside} av {len(partners)} partnere er utenfor de kartlagte kommunene (kartet viser de kartlagte)."
    )
    heading_y = TOP_ROW[1] + 0.006
    layout: dict[str, Any] = {
        "geo": geo | {"domain": {"x": [0.0, 0.47], "y": list(TOP_ROW)}},
        "xaxis": {
            "domain": [0.76, 1.0],
            "anchor": "y",
            "title": {"text": "Antall ordninger", "font": {"size": 12}, "standoff": 6},
            "gridcolor": "#eceff1",
            "zeroline": False,
            "tickfont": {"size": 11},
        },
        "yaxis": {
            "domain": [TOP_ROW[0] + 0.045, TOP_ROW[1] - 0.035],
            "anchor": "x",
            "autorange": "reversed",
            "tickfont": {"size": 11},
        },
        "xaxis2": {"domain": [0.0, 1.0], "range": [0, 1], "visible": False, "fixedrange": True},
        "yaxis2": {
            "domain": list(TABLE_ROW),
            "range": [shown_rows + 1, 0],
            "visible": False,
            "fixedrange": True,
            "anchor": "x2",
        },
        **grid_axes,
        "barmode": "overlay",
        "bargap": 0.35,
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "x": 1.0,
            "xanchor": "right",
            "y": TOP_ROW[1] - 0.03,
            "yanchor": "bottom",
            "font": {"size": 12},
        },
        "font": {"family": figures.FONT_FAMILY, "size": 13, "color": "#1a1a1a"},
        "plot_bgcolor": "#ffffff",
        "separators": ", ",
        "shapes": table_shapes,
        "annotations": [
            _note("Samarbeidspartnere", x=0.0, y=heading_y, size=15, bold=True),
            _note(f"Ordninger per sektor, {plain(name)} mot snittet", x=0.53, y=heading_y, size=15, bold=True),
            _note(map_note, x=0.0, y=TOP_ROW[0] - 0.004, size=11, yanchor="top", color="#455a64"),
            _note(f"Ordningene ({len(table)}), etter sektor", x=0.0, y=TABLE_ROW[1] + 0.006, size=15, bold=True),
            *grid_notes,
        ],
    }
    page = go.Figure({"data": traces, "layout": layout})
    title = f"{name} ({kommunenummer}) – interkommunalt samarbeid"
    return for_print(page, title, summary, model.source_label, date, PAGE.layout_width)


GRID_COLORS = {"everywhere": "#54278f", "some": "#78909c", "once": "#d55e00"}


def _grid_parts(grid: "alignment_figures.PartnerGridTable") -> tuple[list[dict], dict[str, Any], list[dict]]:
    """The partner grid as scatter markers on an axis pair of its own (x3/y3).

    Columns are partners (recurring ones first, as on the page), rows the headline services; a
    square where the two share an arrangement: purple for a partner in every service the
    municipality takes part in, orange for one in a single service, grey otherwise.
    """
    taking = sum(1 for row in grid.rows if row.taking_part)
    columns = grid.columns[:GRID_MAX_PARTNERS]
    hidden = len(grid.columns) - len(columns)

    def kind(shared: int) -> str:
        if taking > 1 and shared == taking:
            return "everywhere"
        return "once" if taking > 1 and shared == 1 else "some"

    xs, ys, fills = [], [], []
    for row_index, row in enumerate(grid.rows):
        for column_index, (column, cell) in enumerate(zip(columns, row.cells)):
            if cell:
                xs.append(column_index)
                ys.append(row_index)
                fills.append(GRID_COLORS[kind(column.shared)])
    traces = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": xs,
            "y": ys,
            "marker": {"symbol": "square", "size": 11, "color": fills},
            "showlegend": False,
            "hoverinfo": "skip",
            "xaxis": "x3",
            "yaxis": "y3",
        }
    ]
    labels = [row.label if row.taking_part else f"{row.label} (deltar ikke)" for row in grid.rows]
    axes = {
        "xaxis3": {
            "domain": list(GRID_X),
            "anchor": "y3",
            "range": [-0.6, max(len(columns), 12) - 0.4],
            "tickvals": list(range(len(columns))),
            "ticktext": [plain(column.name) for column in columns],
            "tickangle": -50,
            "side": "top",
            "tickfont": {"size": 10},
            "showgrid": True,
            "gridcolor": "#eceff1",
            "zeroline": False,
            "fixedrange": True,
        },
        "yaxis3": {
            "domain": list(GRID_ROW),
            "anchor": "x3",
            "range": [len(grid.rows) - 0.5, -0.5],
            "tickvals": list(range(len(grid.rows))),
            "ticktext": [plain(label) for label in labels],
            "tickfont": {"size": 11},
            "showgrid": True,
            "gridcolor": "#eceff1",
            "zeroline": False,
            "fixedrange": True,
        },
    }
    legend = grid.summary.split(". ")[0].rstrip(".") + ". Lilla: partner i alle tjenestene, oransje: i bare én, grå: i noen."
    if hidden:
        legend += f" {hidden} partnere til i bare én tjeneste er ikke vist."
    notes = [
        _note("Partnere per tjeneste (samsvar)", x=0.0, y=GRID_ROW[1] + 0.062, size=15, bold=True),
        _note(plain(legend), x=0.0, y=GRID_ROW[0] - 0.005, size=11, yanchor="top", color="#455a64"),
    ]
    return traces, axes, notes


def _partner_traces(
    model: "CooperationModel", base: MapBase, kommunenummer: str, partners: pd.Series
) -> list[dict[str, Any]]:
    """Partners shaded by shared count (with a colour bar), the municipality itself dark."""
    shown = [number for number in partners.index if number in base.anchors]
    traces: list[dict[str, Any]] = []
    if shown:
        traces.append(
            {
                "type": "choropleth",
                "name": "Felles ordninger",
                "geojson": base.geojson_for(shown),
                "locations": shown,
                "z": [int(partners[number]) for number in shown],
                "zmin": 1,
                "zmax": max(int(partners.max()), 2),
                "colorscale": _partner_scale(),
                "marker": {"line": {"color": "#ffffff", "width": 0.6}},
                "colorbar": {
                    "title": {"text": "Felles<br>ordninger", "font": {"size": 11}},
                    "thickness": 12,
                    "len": 0.22,
                    "x": 0.475,
                    "xanchor": "left",
                    "y": TOP_ROW[0] + 0.01,
                    "yanchor": "bottom",
                    "tickfont": {"size": 10},
                },
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
    if kommunenummer in base.anchors:
        traces.append(
            {
                "type": "choropleth",
                "name": model.name_of(kommunenummer),
                "geojson": base.geojson_for([kommunenummer]),
                "locations": [kommunenummer],
                "z": [1],
                "colorscale": figures.solid_scale(MUNICIPALITY_FILL),
                "showscale": False,
                "showlegend": False,
                "marker": {"line": {"color": "#ffffff", "width": 1}},
                "hoverinfo": "skip",
            }
        )
    return traces


def _partner_scale() -> list[list[Any]]:
    """The app's count scale from PARTNER_SCALE_FROM up, stretched to 0–1."""
    stops = [(position, color) for position, color in palette.COUNT_SCALE if position >= PARTNER_SCALE_FROM]
    low = stops[0][0]
    return [[(position - low) / (1 - low), color] for position, color in stops]


def _comparison_traces(comparison: pd.DataFrame, name: str, region_name: str | None) -> list[dict[str, Any]]:
    """Bars: the municipality per sector; diamonds: the regional average."""
    labels = [f"{plain(label)} ({count})" for label, count in zip(comparison["label"], comparison["count"])]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "name": plain(name),
            "y": labels,
            "x": [int(value) for value in comparison["count"]],
            "marker": {"color": palette.ARRANGEMENT_PALETTE[0]},
            "xaxis": "x",
            "yaxis": "y",
        }
    ]
    if region_name is not None and comparison["average"].notna().any():
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"Snitt {plain(region_name)}",
                "y": labels,
                "x": [round(value, 1) for value in comparison["average"]],
                "marker": {"symbol": "diamond", "size": 10, "color": AVERAGE_MARKER, "line": {"width": 1, "color": "#ffffff"}},
                "xaxis": "x",
                "yaxis": "y",
            }
        )
    return traces


def table_rows_that_fit(rows: int, height_px: float) -> tuple[int, float]:
    """(rows shown, font px): the largest font up to the maximum at which rows + header fit."""
    font = min(TABLE_FONT_PX[1], height_px / (rows + 1) / ROW_PX_PER_FONT_PX)
    if font >= TABLE_FONT_PX[0]:
        return rows, font
    capacity = int(height_px / (TABLE_FONT_PX[0] * ROW_PX_PER_FONT_PX)) - 1
    return max(capacity - 1, 1), TABLE_FONT_PX[0]  # one row kept for "… og N til"


def _table_parts(table: pd.DataFrame, height_px: float, width_px: float) -> tuple[list[dict], list[dict]]:
    """Traces and shapes drawing the table as text on a hidden axis pair (x2/y2).

    Drawn rather than a plotly `table` trace so row height and font are exact: every row is one
    line, cut to its column with an ellipsis, and the whole list fits the page.
    """
    shown, font = table_rows_that_fit(len(table), height_px)
    body = table.iloc[:shown]
    hidden = len(table) - shown
    shares = [width / sum(TABLE_WIDTHS) for width in TABLE_WIDTHS]
    lefts = [sum(shares[:i]) for i in range(len(shares))]
    budgets = [int((share - CELL_PAD) * width_px / (font * CHAR_WIDTH_PER_FONT_PX)) for share in shares]
    row_count = shown + (1 if hidden else 0)

    sector_cells = _sector_cells(list(body["Sektor"]), budgets[0])
    columns = [sector_cells, *(list(body[column]) for column in TABLE_COLUMNS[1:])]
    if hidden:
        columns = [column + [""] for column in columns]
        columns[1][-1] = f"… og {hidden} ordninger til (se appen eller CSV-nedlastingen)"
    traces: list[dict[str, Any]] = []
    for left, budget, column, values in zip(lefts, budgets, TABLE_COLUMNS, columns):
        x = left + CELL_PAD
        traces.append(_text_column([f"<b>{column}</b>"], x, [0.5], font, "#ffffff"))
        texts = [plain(_cut(str(value), budget)) for value in values]
        traces.append(_text_column(texts, x, [row + 1.5 for row in range(row_count)], font, "#1a1a1a"))
    shapes = [_band(0, 1, HEADER_FILL)]
    group = -1
    for row, sector in enumerate(body["Sektor"]):
        if row == 0 or sector != body["Sektor"].iloc[row - 1]:
            group += 1
            if row:
                shapes.append({**_band(row + 1, row + 1, "rgba(0,0,0,0)"), "line": {"color": "#90a4ae", "width": 0.8}})
        shapes.append(_band(row + 1, row + 2, GROUP_FILLS[group % 2]))
    return traces, shapes


def _sector_cells(sectors: list[str], budget: int) -> list[str]:
    """Sector label on the first rows of its group, wrapped over the group's empty rows."""
    cells = [""] * len(sectors)
    start = 0
    while start < len(sectors):
        end = start
        while end < len(sectors) and sectors[end] == sectors[start]:
            end += 1
        lines = textwrap.wrap(sectors[start], max(budget, 4)) or [""]
        room = end - start
        if len(lines) > room:
            lines = lines[: room - 1] + [_cut(" ".join(lines[room - 1 :]), budget)]
        for offset, line in enumerate(lines):
            cells[start + offset] = line
        start = end
    return cells


def _text_column(texts: list[str], x: float, ys: list[float], font: float, color: str) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "text",
        "x": [x] * len(texts),
        "y": ys,
        "text": texts,
        "textposition": "middle right",
        "textfont": {"size": font, "color": color},
        "cliponaxis": False,
        "showlegend": False,
        "hoverinfo": "skip",
        "xaxis": "x2",
        "yaxis": "y2",
    }


def _band(top: float, bottom: float, fill: str) -> dict[str, Any]:
    """A full-width rectangle between two row boundaries of the table."""
    return {
        "type": "rect",
        "xref": "x2",
        "yref": "y2",
        "x0": 0,
        "x1": 1,
        "y0": top,
        "y1": bottom,
        "fillcolor": fill,
        "line": {"width": 0},
        "layer": "below",
    }


def _cut(text: str, budget: int) -> str:
    """Text cut to `budget` characters with an ellipsis (full text is in the CSV and the app)."""
    return text if len(text) <= budget else text[: max(budget - 1, 1)].rstrip() + "…"


def _note(
    text: str, x: float, y: float, size: int, bold: bool = False, yanchor: str = "bottom", color: str = "#1a1a1a"
) -> dict[str, Any]:
    return {
        "text": f"<b>{text}</b>" if bold else text,
        "xref": "paper",
        "yref": "paper",
        "x": x,
        "y": y,
        "xanchor": "left",
        "yanchor": yanchor,
        "showarrow": False,
        "align": "left",
        "font": {"size": size, "color": color},
    }
