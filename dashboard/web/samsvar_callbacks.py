"""«Samsvar» callbacks: thin glue from the page state to dashboard.views.alignment_figures.

Every body is a plain function of (dataset, state) tested without a browser; `register` wires them.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd
from dash import Dash, Input, Output, Patch, State, ctx, html, no_update

from dashboard.views import alignment_figures as samsvar
from dashboard.views import figures
from dashboard.views.datasets import Dataset, Resolver
from dashboard.views.view_state import (
    VIEW_ALIGNMENT,
    VIEW_TABLE,
    ViewState,
    chosen_services,
    compared_services,
)
from dashboard.web import ids
from dashboard.web.callbacks import (
    STATE_OUTPUTS,
    clicked_municipality,
    csv_download,
    register_state_downloads,
    shown_dataset_and_state,
    uirevision,
)
from dashboard.web.samsvar_layout import (
    GRID_HINT,
    constellation_table,
    grid_table,
    matrix_table,
)

CONTENT_OUTPUTS = (
    (ids.SAMSVAR_GRID, "children"),
    (ids.SAMSVAR_MATRIX, "children"),
    (ids.SAMSVAR_TABLE, "children"),
    (ids.SAMSVAR_COMPARE_SUMMARY, "children"),
    (ids.SAMSVAR_COMPARE_MAP_FIRST, "figure"),
    (ids.SAMSVAR_COMPARE_MAP_SECOND, "figure"),
)
# The geo keys plotly reports when a map is panned or zoomed, copied to the other map.
GEO_VIEW_KEYS = ("geo.center.lon", "geo.center.lat", "geo.projection.scale", "geo.projection.rotation.lon")


def panel_hidden(view: str | None) -> tuple[bool, bool]:
    """hidden flags: the «Samsvar» panel and its services field."""
    return view != VIEW_ALIGNMENT, view != VIEW_ALIGNMENT


def grid_children(dataset: Dataset, state: ViewState) -> Any:
    """The partner grid of the chosen municipality, or a hint without one."""
    if not state.municipality:
        return html.P(GRID_HINT, className="field-hint")
    table = samsvar.partner_grid_table(dataset.model, state.municipality, chosen_services(state, dataset.allowed))
    return grid_table(table)


def compare_specs(dataset: Dataset, state: ViewState) -> tuple[str, Any, Any]:
    """(summary, first map, second map) of the two compared services; one service only: the note says so."""
    pair = compared_services(state, dataset.allowed)
    if len(pair) < 2 or pair[0] == pair[1]:
        return "Velg to ulike tjenester å sammenligne.", no_update, no_update
    first, second = pair
    model = dataset.model
    specs = []
    for service, other in ((first, second), (second, first)):
        spec = samsvar.compare_map_spec(model, dataset.base, service, other, state.region, state.municipality, dataset.colors)
        spec["layout"]["uirevision"] = uirevision(dataset, state)
        specs.append(spec)
    return samsvar.compare_summary(model, first, second, state.region), specs[0], specs[1]


def selection_patches(dataset: Dataset, state: ViewState) -> tuple[Any, Any]:
    """The two compare maps after a new municipality: the ring moves, and the names (the last
    trace; Dash reads -1 from the end) are placed again around it. Only the names are rebuilt."""
    ring = figures.selection_trace(dataset.model, dataset.base, state.municipality)
    pair = compared_services(state, dataset.allowed)
    patches = []
    for service, other in (pair, pair[::-1]) if len(pair) == 2 and pair[0] != pair[1] else ((None, None),) * 2:
        patch = Patch()
        patch["data"][figures.SELECTION_TRACE] = ring
        if service:
            patch["data"][-1] = samsvar.compare_names(dataset.model, dataset.base, service, other, state.region, state.municipality)
        patches.append(patch)
    return patches[0], patches[1]


# Controls «Samsvar» does not use: changing them (the view hides most of them) redraws nothing.
UNUSED_TRIGGERS = (ids.SERVICE, ids.SECTOR, ids.LEGAL_FORM, ids.NETWORK)
COMPARE_TRIGGERS = (ids.SAMSVAR_COMPARE_FIRST, ids.SAMSVAR_COMPARE_SECOND)


def samsvar_content(dataset: Dataset, state: ViewState, trigger: str | None) -> tuple[Any, ...]:
    """Everything under the map, in CONTENT_OUTPUTS order; no_update outside the view.

    Only what a change touches is rebuilt: a new municipality redraws the grid and moves the
    selection ring (and the names) on the two maps; a new pair to compare redraws the two maps; a new choice of
    services leaves the two maps alone when the pair was chosen explicitly. The two maps are the
    costly part (two service maps), so they are built only when they change.
    """
    unchanged = (no_update,) * len(CONTENT_OUTPUTS)
    if state.view != VIEW_ALIGNMENT or trigger in UNUSED_TRIGGERS:
        return unchanged
    if trigger == ids.MUNICIPALITY:
        return (grid_children(dataset, state), no_update, no_update, no_update, *selection_patches(dataset, state))
    if trigger in COMPARE_TRIGGERS:
        return (no_update, no_update, no_update, *compare_specs(dataset, state))
    services = chosen_services(state, dataset.allowed)
    model = dataset.model
    grid = grid_children(dataset, state)
    matrix = matrix_table(samsvar.agreement_table(model, services, state.region))
    table = constellation_table(samsvar.constellation_rows(model, services, state.region))
    compared = (no_update,) * 3 if trigger == ids.SAMSVAR_SERVICES and state.compare else compare_specs(dataset, state)
    return (grid, matrix, table, *compared)


def table_view_children(dataset: Dataset, state: ViewState) -> Any:
    """The table view's «Samsvar» section: the konstellasjoner table and the matrix (no_update elsewhere)."""
    if state.view != VIEW_TABLE:
        return no_update
    services = chosen_services(state, dataset.allowed)
    model = dataset.model
    return [
        constellation_table(samsvar.constellation_rows(model, services, state.region)),
        matrix_table(samsvar.agreement_table(model, services, state.region)),
    ]


def geo_view(relayout: Mapping[str, Any] | None) -> dict[str, Any]:
    """The pan/zoom part of a map's relayoutData (empty when the event was something else)."""
    return {key: value for key, value in (relayout or {}).items() if key in GEO_VIEW_KEYS and isinstance(value, (int, float))}


def synced_view(trigger: str | None, first: Mapping | None, second: Mapping | None, last: Mapping | None) -> tuple[Any, Any, Any]:
    """(first map patch, second map patch, new last view): the other map follows a pan or zoom.

    The last synced view is kept so the follower's own echo of the same view stops the exchange.
    """
    source = first if trigger == ids.SAMSVAR_COMPARE_MAP_FIRST else second
    view = geo_view(source)
    if not view or view == (last or {}):
        return no_update, no_update, no_update
    patch = Patch()
    for key, value in view.items():
        target = patch["layout"]
        parts = key.split(".")
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value
    if trigger == ids.SAMSVAR_COMPARE_MAP_FIRST:
        return no_update, patch, view
    return patch, no_update, view


def picked_municipality(dataset: Dataset, click_data: Mapping[str, Any] | None, current: str | None) -> Any:
    """A click on either compare map selects that municipality (no_update for anything else)."""
    number = clicked_municipality(click_data)
    if number is None or number == current or number not in dataset.allowed.municipalities:
        return no_update
    return number


def _frame_download(rows: Sequence[Mapping[str, Any]], filename: str) -> dict[str, Any]:
    return csv_download(pd.DataFrame(list(rows)), filename)


def table_download(dataset: Dataset, state: ViewState) -> dict[str, Any]:
    rows = samsvar.constellation_rows(dataset.model, chosen_services(state, dataset.allowed), state.region)
    return _frame_download(rows, f"samsvar-konstellasjoner{_suffix(state)}.csv")


def matrix_download(dataset: Dataset, state: ViewState) -> dict[str, Any]:
    table = samsvar.agreement_table(dataset.model, chosen_services(state, dataset.allowed), state.region)
    return _frame_download(samsvar.agreement_rows(table), f"samsvar-matrise{_suffix(state)}.csv")


def grid_download(dataset: Dataset, state: ViewState) -> Any:
    if not state.municipality:
        return no_update
    table = samsvar.partner_grid_table(dataset.model, state.municipality, chosen_services(state, dataset.allowed))
    return _frame_download(samsvar.partner_grid_rows(table), f"samsvar-partnere-{state.municipality}.csv")


def _suffix(state: ViewState) -> str:
    return f"-{state.region}" if state.region else ""


def register(app: Dash, resolve: Resolver) -> None:
    """Attach the «Samsvar» callbacks; data comes from `resolve(DATASET store value, per)`."""
    control_inputs = [Input(component, prop) for component, prop in STATE_OUTPUTS]

    def dataset_and_state(store: Any, values: Sequence[Any]) -> tuple[Dataset, ViewState]:
        return shown_dataset_and_state(resolve, store, values)

    @app.callback(
        Output(ids.SAMSVAR_PANEL, "hidden"),
        Output(ids.SAMSVAR_SERVICES_FIELD, "hidden"),
        Input(ids.VIEW, "value"),
        prevent_initial_call=True,
    )
    def _hidden(view):
        return panel_hidden(view)

    @app.callback(
        *[Output(component, prop) for component, prop in CONTENT_OUTPUTS],
        *control_inputs,
        Input(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _content(*args):
        *values, store = args
        triggered = list(ctx.triggered_prop_ids.values())
        trigger = triggered[0] if len(triggered) == 1 else None
        return samsvar_content(*dataset_and_state(store, values), trigger)

    @app.callback(Output(ids.SAMSVAR_TABLE_VIEW, "children"), *control_inputs, Input(ids.DATASET, "data"), prevent_initial_call=True)
    def _table_view(*args):
        *values, store = args
        return table_view_children(*dataset_and_state(store, values))

    @app.callback(
        Output(ids.SAMSVAR_COMPARE_MAP_FIRST, "figure", allow_duplicate=True),
        Output(ids.SAMSVAR_COMPARE_MAP_SECOND, "figure", allow_duplicate=True),
        Output(ids.SAMSVAR_COMPARE_VIEW, "data"),
        Input(ids.SAMSVAR_COMPARE_MAP_FIRST, "relayoutData"),
        Input(ids.SAMSVAR_COMPARE_MAP_SECOND, "relayoutData"),
        State(ids.SAMSVAR_COMPARE_VIEW, "data"),
        prevent_initial_call=True,
    )
    def _zoom(first, second, last):
        return synced_view(ctx.triggered_id, first, second, last)

    @app.callback(
        Output(ids.MUNICIPALITY, "value", allow_duplicate=True),
        Input(ids.SAMSVAR_COMPARE_MAP_FIRST, "clickData"),
        Input(ids.SAMSVAR_COMPARE_MAP_SECOND, "clickData"),
        State(ids.MUNICIPALITY, "value"),
        State(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _click(first, second, current, store):
        click = first if ctx.triggered_id == ids.SAMSVAR_COMPARE_MAP_FIRST else second
        return picked_municipality(resolve(store), click, current)

    downloads = (
        (ids.SAMSVAR_TABLE_DOWNLOAD, ids.SAMSVAR_TABLE_DOWNLOAD_BUTTON, table_download),
        (ids.SAMSVAR_MATRIX_DOWNLOAD, ids.SAMSVAR_MATRIX_DOWNLOAD_BUTTON, matrix_download),
        (ids.SAMSVAR_GRID_DOWNLOAD, ids.SAMSVAR_GRID_DOWNLOAD_BUTTON, grid_download),
    )
    register_state_downloads(app, downloads, dataset_and_state)
