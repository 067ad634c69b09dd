"""The Tabell grids are set up for the keyboard and speak Norwegian; so do all dropdowns."""

from __future__ import annotations

import re

import pytest
from dash import dcc

from dashboard.views.view_state import VIEW_TABLE, ViewState
from dashboard.web import ids, layout
from dashboard.web.callbacks import table_grids
from dashboard.web.grid import GRID_LOCALE, column_defs, grid_script_path, table_grid
from dashboard.web.plotly_locale import DROPDOWN_LABELS
from dashboard.web.upload_layout import upload_area, upload_zone


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


@pytest.fixture(scope="module")
def grid_app(fixture_model, tmp_path_factory):
    import app as app_module

    database = tmp_path_factory.mktemp("grid") / "registre.sqlite"
    return app_module.create_app(fixture_model, f"sqlite:///{database}")


def _callback_ids(dash_app) -> set[str]:
    """Every plain (not pattern-matching) component id a callback reads or writes."""
    found = set()
    for key, spec in dash_app.callback_map.items():
        if not spec.get("no_output"):
            found.update(output.rsplit(".", 1)[0] for output in key.strip(".").split("..."))
        found.update(item["id"] for item in [*spec["inputs"], *spec["state"]])
    return {value for value in found if isinstance(value, str) and not value.startswith("{")}


def test_grd004_grid_script_is_served_but_not_in_the_page(grid_app) -> None:
    client = grid_app.server.test_client()
    index = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script defer src="([^"]+)"', index)
    assert any("dash_renderer" in src for src in scripts) and not any("dash_ag_grid" in src for src in scripts), scripts
    with grid_app.server.test_request_context("/"):
        page = grid_app.layout()
    panel = next(node for node in _components(page) if getattr(node, "id", None) == ids.TABLE_PANEL)
    path = getattr(panel, "data-grid-script")
    assert path == grid_script_path() and path.startswith("dash_ag_grid/dash_ag_grid.v")
    script = client.get("/_dash-component-suites/" + path)
    assert script.status_code == 200 and b"dash_ag_grid" in script.get_data()[:2000] + script.get_data()[-2000:]
    assert "max-age" in script.headers.get("Cache-Control", "")


def test_grd005_every_callback_id_is_in_the_start_layout_or_sent_on_demand(grid_app, fixture_dataset) -> None:
    """Only the grids (sent when Tabell is first opened) and the drop zones (sent when their panel
    is first opened) are missing from the start layout."""
    with grid_app.server.test_request_context("/"):
        page = grid_app.layout()
    in_layout = {node.id for node in _components(page) if isinstance(getattr(node, "id", None), str)}
    assert _callback_ids(grid_app) - in_layout == set(ids.ON_DEMAND)
    assert not set(ids.ON_DEMAND) & in_layout, "the grids and the drop zones are not in the start layout"
    coverage, totals = table_grids(fixture_dataset, ViewState(view=VIEW_TABLE, service="legevakt"))
    assert {coverage.id, totals.id} == set(ids.GRIDS)
    assert ids.ON_DEMAND - ids.GRIDS == {upload_zone().id, upload_area(ids.REIMPORT_UPLOAD).id}
    assert coverage.rowData and totals.rowData and {"Kommune", "Ordninger"} <= {d["field"] for d in totals.columnDefs}
