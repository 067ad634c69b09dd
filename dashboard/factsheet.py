"""The municipality fact sheet: one A4 page to attach to an ownership report (eierskapsmelding).

One plotly figure laid out on an A4 portrait page: a map of the partners (shaded by how many
arrangements they share with the municipality), its count per sector against the regional
average, and every arrangement by sector with host, legal form and source row. Rendered to PDF
by export.Renderer like every other export, so text stays text and the map stays vector.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import colors as palette
from dashboard import figures
from dashboard.export import SIZE_PRESETS, ImageSize, export_filename, for_print, slug
from dashboard.map_base import MapBase
from dashboard.view_data import focus_in, municipality_counts, plain, profile_rows

if TYPE_CHECKING:
    from dashboard.model import CooperationModel

# A4 portrait at 300 dpi, laid out 1000 CSS px wide: body text ≈ 7–8 pt on paper.
PAGE = ImageSize(SIZE_PRESETS["a4-staaende"].width, SIZE_PRESETS["a4-staaende"].height, layout_width=1000)
MUNICIPALITY_FILL = "#263238"
AVERAGE_MARKER = "#D55E00"
# Vertical split of the plot area (paper coordinates): map and bars on top, table below.
TOP_ROW = (0.63, 1.0)
TABLE_ROW = (0.0, 0.59)
TABLE_COLUMNS = ("Sektor", "Ordning", "Vertskommune", "Organisasjonsform", "Kilde")
TABLE_WIDTHS = (1.55, 3.7, 1.45, 1.75, 1.05)
TABLE_HEADER_PX = 26
TABLE_FONT_PX = (9.5, 13.0)  # smallest and largest table font, in layout pixels
TABLE_ROW_PX_PER_FONT_PX = 1.45
# Average width of a character relative to the font size, to cut cells to their column.
CHAR_WIDTH_PER_FONT_PX = 0.55
GROUP_FILLS = ("#ffffff", "#f1f4f6")


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
    """The municipality's arrangements in sector order, then by name (the app's profile columns)."""
    rows = profile_rows(model, kommunenummer)
    order = {label: position for position, (_sid, label) in enumerate(model.sector_options())}
    rows = rows.assign(_order=rows["Sektor"].map(order).fillna(len(order)), _name=rows["Ordning"].str.casefold())
    return rows.sort_values(["_order", "_name"], kind="stable").loc[:, list(TABLE_COLUMNS)].reset_index(drop=True)


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

    traces = [
        figures.base_trace(model, base),
        *_partner_traces(model, base, kommunenummer, partners),
        figures.selection_trace(model, base, kommunenummer),
        *_comparison_traces(comparison, name, region_name),
        _table_trace(table),
    ]
    geo = figures.map_layout(base, model.focus, model.source_label, "")["geo"]
    outside = [number for number in partners.index if number not in set(model.focus)]
    notes = [
        f"Mørk: {plain(name)}. Farge: antall felles ordninger med {plain(name)}.",
        f"{len(outside)} av {len(partners)} partnere ligger utenfor de kartlagte kommunene"
        " (kartet viser de kartlagte).",
    ]
    layout: dict[str, Any] = {
        "geo": geo | {"domain": {"x": [0.0, 0.5], "y": list(TOP_ROW)}},
        "xaxis": {
            "domain": [0.74, 1.0],
            "anchor": "y",
            "title": {"text": "Antall ordninger", "font": {"size": 12}},
            "gridcolor": "#eceff1",
            "zeroline": False,
            "tickfont": {"size": 11},
        },
        "yaxis": {
            "domain": [TOP_ROW[0] + 0.035, TOP_ROW[1] - 0.03],
            "anchor": "x",
            "autorange": "reversed",
            "tickfont": {"size": 11},
        },
        "barmode": "overlay",
        "legend": {"orientation": "h", "x": 0.6, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "font": {"size": 12}},
        "font": {"family": figures.FONT_FAMILY, "size": 13, "color": "#1a1a1a"},
        "plot_bgcolor": "#ffffff",
        "separators": ", ",
        "margin": {"l": 24, "r": 24, "t": 0, "b": 0},
        "annotations": [
            _note("Samarbeidspartnere", x=0.0, y=TOP_ROW[1] + 0.005, size=15, bold=True),
            _note("Ordninger per sektor", x=0.6, y=TOP_ROW[1] + 0.03, size=15, bold=True),
            _note("<br>".join(notes), x=0.0, y=TOP_ROW[0] - 0.002, size=11, yanchor="top", color="#455a64"),
            _note(f"Ordningene ({len(table)})", x=0.0, y=TABLE_ROW[1] + 0.003, size=15, bold=True),
        ],
    }
    page = go.Figure({"data": traces, "layout": layout})
    title = f"{name} ({kommunenummer}) – interkommunalt samarbeid"
    return for_print(page, title, headline(model, kommunenummer, partners), model.source_label, date)


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
                "colorscale": [list(stop) for stop in palette.COUNT_SCALE],
                "marker": {"line": {"color": "#ffffff", "width": 0.6}},
                "colorbar": {
                    "title": {"text": "Felles<br>ordninger", "font": {"size": 11}},
                    "thickness": 12,
                    "len": 0.3,
                    "x": 0.5,
                    "xanchor": "left",
                    "y": TOP_ROW[0] + 0.02,
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


def _comparison_traces(comparison: pd.DataFrame, name: str, region_name: str | None) -> list[dict[str, Any]]:
    """Bars: the municipality per sector; diamonds: the regional average."""
    labels = [plain(label) for label in comparison["label"]]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "name": plain(name),
            "y": labels,
            "x": [int(value) for value in comparison["count"]],
            "text": [str(int(value)) for value in comparison["count"]],
            "textposition": "outside",
            "textfont": {"size": 11},
            "cliponaxis": False,
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


def _table_trace(table: pd.DataFrame) -> dict[str, Any]:
    """The arrangements as a table sized so every row fits the page (font shrinks for long lists)."""
    page_height = PAGE.layout_height
    available = page_height * 0.78 * (TABLE_ROW[1] - TABLE_ROW[0]) - TABLE_HEADER_PX
    rows = max(len(table), 1)
    font = max(TABLE_FONT_PX[0], min(TABLE_FONT_PX[1], available / rows / TABLE_ROW_PX_PER_FONT_PX))
    row_height = font * TABLE_ROW_PX_PER_FONT_PX
    total_width = PAGE.layout_width - 48
    budgets = [int(total_width * share / sum(TABLE_WIDTHS) / (font * CHAR_WIDTH_PER_FONT_PX)) for share in TABLE_WIDTHS]
    shown_sector = []
    fills = []
    previous = None
    group = -1
    for sector in table["Sektor"]:
        if sector != previous:
            group += 1
        shown_sector.append(sector if sector != previous else "")
        fills.append(GROUP_FILLS[group % 2])
        previous = sector
    columns = [shown_sector, *(list(table[column]) for column in TABLE_COLUMNS[1:])]
    cells = [[plain(_cut(str(value), budget)) for value in column] for column, budget in zip(columns, budgets)]
    return {
        "type": "table",
        "domain": {"x": [0.0, 1.0], "y": list(TABLE_ROW)},
        "columnwidth": list(TABLE_WIDTHS),
        "header": {
            "values": [f"<b>{column}</b>" for column in TABLE_COLUMNS],
            "align": "left",
            "height": TABLE_HEADER_PX,
            "fill": {"color": "#37474f"},
            "font": {"color": "#ffffff", "size": 12},
            "line": {"color": "#37474f", "width": 0.5},
        },
        "cells": {
            "values": cells,
            "align": "left",
            "height": row_height,
            "fill": {"color": [fills] * len(TABLE_COLUMNS)},
            "font": {"size": font, "color": "#1a1a1a"},
            "line": {"color": "#cfd8dc", "width": 0.5},
        },
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
