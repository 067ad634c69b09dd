"""The Tabell grids are set up for the keyboard and speak Norwegian; so do all dropdowns."""

from __future__ import annotations

from dash import dcc

from dashboard.web import layout
from dashboard.web.grid import GRID_LOCALE, column_defs, table_grid
from dashboard.web.plotly_locale import DROPDOWN_LABELS


def _components(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _components(child)


def test_grd001_every_dropdown_of_the_page_speaks_norwegian(fixture_model) -> None:
    from dashboard.views.view_state import ViewState

    page = layout.build_layout(fixture_model, ViewState(), {"data": [], "layout": {}}, "/topojson/")
    dropdowns = [node for node in _components(page) if isinstance(node, dcc.Dropdown)]
    assert len(dropdowns) >= 10, "the filters and the edit form"
    assert all(node.labels == DROPDOWN_LABELS for node in dropdowns)


def test_grd002_grids_sort_filter_and_leave_by_tab_with_norwegian_texts() -> None:
    grid = table_grid("g", ["Kommune", "Ordninger", "Helsetjenester"])
    defs = {d["field"]: d for d in grid.columnDefs}
    assert defs["Kommune"]["filter"] == "agTextColumnFilter"
    assert defs["Ordninger"]["filter"] == defs["Helsetjenester"]["filter"] == "agNumberColumnFilter"
    assert grid.defaultColDef["sortable"] and grid.defaultColDef["floatingFilter"]
    options = grid.dashGridOptions
    assert options["tabToNextCell"] == options["tabToNextHeader"] == {"function": "false"}
    assert options["ensureDomOrder"] and options["suppressFieldDotNotation"]
    assert options["localeText"] is GRID_LOCALE and GRID_LOCALE["noRowsToShow"] == "Ingen rader å vise"
    assert column_defs(["Plan, bygg og oppmåling"])[0]["headerName"] == "Plan, bygg og oppmåling"
