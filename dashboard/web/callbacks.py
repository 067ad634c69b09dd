"""Thin glue between components and figures. Each callback body is a plain function, tested directly.

Callbacks get their data through `resolve(store_value)` (see datasets.py), never from a global,
so a session can look at an uploaded dataset while another looks at the survey.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any, Callable, Mapping, Sequence

from dash import (
    ClientsideFunction,
    Dash,
    Input,
    Output,
    Patch,
    State,
    ctx,
    dcc,
    html,
    no_update,
)

from dashboard.output.safe_csv import to_safe_csv
from dashboard.views import alignment_figures, figures
from dashboard.views.datasets import Dataset, Resolver
from dashboard.views.view_data import (
    COVERAGE_COLUMNS,
    UNKNOWN_HOST,
    coverage_rows,
    intensity_summary,
    municipality_counts,
    network_summary,
    partner_edges,
    profile_rows,
    service_map_data,
    service_summary,
    totals_rows,
    with_number_2024,
)
from dashboard.views.view_state import (
    VIEW_ALIGNMENT,
    VIEW_INTENSITY,
    VIEW_NETWORK,
    VIEW_SERVICE_MAP,
    VIEW_TABLE,
    ViewState,
    chosen_services,
    parse_query,
    structure_in,
    to_query,
    valid_date,
)
from dashboard.web import ids
from dashboard.web.grid import column_defs, table_grid
from dashboard.web.layout import (
    NETWORK_ON,
    PROFILE_HINT,
    map_description,
    municipality_options,
    region_choices,
)

# Excel opens UTF-8 CSV with æøå correctly only when the file starts with a byte-order mark.
CSV_BOM = "\ufeff"

# Inputs after which the map frames its municipalities anew (the user's own zoom is dropped).
REFRAMING_TRIGGERS = (ids.DATASET, ids.REGION)

STATE_OUTPUTS = (
    (ids.VIEW, "value"),
    (ids.SERVICE, "value"),
    (ids.REGION, "value"),
    (ids.SECTOR, "value"),
    (ids.LEGAL_FORM, "value"),
    (ids.MUNICIPALITY, "value"),
    (ids.NETWORK, "value"),
    (ids.PER, "value"),
    # «Samsvar» (dashboard/web/samsvar_layout.py): the chosen services and the two compared.
    (ids.SAMSVAR_SERVICES, "value"),
    (ids.SAMSVAR_COMPARE_FIRST, "value"),
    (ids.SAMSVAR_COMPARE_SECOND, "value"),
    (ids.STRUCTURE, "value"),
)


# ----- state <-> URL ----------------------------------------------------------------------


def state_from_controls(
    view: str | None,
    service: str | None,
    region: str | None,
    sector: str | None,
    legal_form: str | None,
    municipality: str | None,
    network: Sequence[str] | None,
    per: str | None = None,
    services: Sequence[str] | None = None,
    compare_first: str | None = None,
    compare_second: str | None = None,
    structure: str | None = None,
    *,
    default_service: str,
    default_structure: str | None = None,
) -> ViewState:
    """The ViewState the controls currently show (empty values mean "no filter", a bad date none;
    the data's own structure is None, as in a link without ?struktur=)."""
    compare = (compare_first, compare_second)
    return ViewState(
        view=view or VIEW_SERVICE_MAP,
        service=service or default_service,
        region=region or None,
        sector=sector or None,
        legal_form=legal_form or None,
        municipality=municipality or None,
        network=NETWORK_ON in (network or []),
        per=valid_date(per),
        services=tuple(dict.fromkeys(service for service in (services or []) if isinstance(service, str))),
        compare=compare if all(isinstance(value, str) and value for value in compare) and compare_first != compare_second else (),
        structure=structure if structure and structure != default_structure else None,
    )


def control_values(state: ViewState, default_services: Sequence[str] = (), default_structure: str | None = None) -> tuple[Any, ...]:
    """Control values for a state, in STATE_OUTPUTS order («Samsvar»'s defaults filled in; the
    structure switch shows the data's own for None)."""
    services = list(state.services or default_services)
    compare = state.compare or tuple(services[:2])
    return (
        state.view,
        state.service,
        state.region,
        state.sector,
        state.legal_form,
        state.municipality,
        [NETWORK_ON] if state.network else [],
        state.per,
        services,
        compare[0] if compare else None,
        compare[1] if len(compare) > 1 else None,
        state.structure or default_structure,
    )


def clicked_municipality(click_data: Mapping[str, Any] | None) -> str | None:
    """Kommunenummer of a clicked map point: a polygon's location or a marker's customdata."""
    points = (click_data or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    number = point.get("location") or point.get("customdata")
    if isinstance(number, list):
        number = number[0] if number else None
    return str(number) if number else None


def sync_state(
    dataset: Dataset,
    trigger: str | None,
    search: str | None,
    current: ViewState,
    click_data: Mapping[str, Any] | None,
) -> tuple[Any, ...]:
    """One owner of the page state: the URL drives the controls, and the controls drive the URL.

    Returns (search, *control values) with `no_update` wherever nothing changes, so a page
    opened without a query string costs no further callbacks. A location change (first load,
    back/forward, a pasted link) sets the controls; a control change or a map click writes a
    new query string (one browser history entry).
    """
    unchanged = (no_update,) * len(STATE_OUTPUTS)
    default_service = dataset.allowed.default_service
    own = dataset.allowed.default_structure
    if trigger in (None, ids.URL):
        wanted = parse_query(search, dataset.allowed)
        defaults = dataset.allowed.default_services
        values = tuple(
            new if new != old else no_update
            for new, old in zip(control_values(wanted, defaults, own), control_values(current, defaults, own))
        )
        return (no_update, *values)
    state = current
    values = unchanged
    if trigger == ids.STRUCTURE:
        state = in_shown_structure(dataset, current)
        values = tuple(
            new if new != old else no_update
            for new, old in zip(
                control_values(state, dataset.allowed.default_services, own), control_values(current, dataset.allowed.default_services, own)
            )
        )
    if trigger == ids.MAP:
        number = clicked_municipality(click_data)
        if number is None or number not in dataset.allowed.municipalities or number == current.municipality:
            return (no_update, *unchanged)
        state = replace(current, municipality=number)
        values = tuple(no_update if (key, prop) != (ids.MUNICIPALITY, "value") else number for key, prop in STATE_OUTPUTS)
    query = to_query(state, default_service, dataset.allowed.default_services)
    return (no_update if query == (search or "") else query, *values)


def in_shown_structure(dataset: Dataset, state: ViewState) -> ViewState:
    """`state` after switching to `dataset`'s structure: the chosen municipality under its number
    there (Drammen 3005 <-> 3301), a region that does not exist there (Viken) dropped."""
    allowed = dataset.allowed
    municipality = state.municipality
    if municipality is not None and municipality not in allowed.municipalities:
        municipality = dataset.model.registry.from_other(municipality)
        municipality = municipality if municipality in allowed.municipalities else None
    region = state.region if state.region in allowed.regions else None
    return replace(state, municipality=municipality, region=region)


def valid_for(dataset: Dataset, state: ViewState) -> ViewState:
    """`state` without values `dataset` does not have: while the structure switches, callbacks may
    see the other structure's municipality or region for a moment."""
    allowed = dataset.allowed
    if (state.municipality is None or state.municipality in allowed.municipalities) and (
        state.region is None or state.region in allowed.regions
    ):
        return state
    return in_shown_structure(dataset, state)


# ----- maps -------------------------------------------------------------------------------


def map_spec_and_message(dataset: Dataset, state: ViewState, **options: Any) -> tuple[dict[str, Any], str]:
    """The full figure dict and the summary sentence for the map view of `state` (dated when «per dato»).

    `options` go to the figure builder: `labels` (a LabelSize, None for no names) and, for the
    service map, `members_in_legend`.
    """
    spec, message = _map_spec_and_message(dataset, state, **options)
    if not state.per:
        return spec, message
    day = dt.date.fromisoformat(state.per).strftime("%d.%m.%Y")
    title = spec.get("layout", {}).get("title")
    if isinstance(title, dict) and isinstance(title.get("text"), str):
        title["text"] += f" – per {day}"
    return spec, f"Per {day}: {message}"


def _map_spec_and_message(dataset: Dataset, state: ViewState, **options: Any) -> tuple[dict[str, Any], str]:
    model = dataset.model
    labels = {"labels": options["labels"]} if "labels" in options else {}
    if state.view == VIEW_ALIGNMENT:
        services = chosen_services(state, dataset.allowed)
        spec = alignment_figures.constellation_map_spec(model, dataset.base, services, state.region, state.municipality, **labels)
        message = alignment_figures.constellation_summary(model, services, state.region)
        if len(state.services) > len(services) and state.services[: len(services)] == services:
            message = f"Bare de {len(services)} første tjenestene er med. " + message
        return spec, message
    if state.view == VIEW_NETWORK:
        edges = partner_edges(model, sector=state.sector, legal_form=state.legal_form, region=state.region)
        spec = figures.network_spec(
            model, state.sector, state.legal_form, state.region,
            base=dataset.base, municipality=state.municipality, edges=edges, **labels,
        )
        return spec, network_summary(model, edges, state.region, state.sector, state.legal_form)
    if state.view == VIEW_INTENSITY:
        counts = municipality_counts(model, sector=state.sector, legal_form=state.legal_form)
        spec = figures.intensity_spec(
            model, state.sector, state.legal_form, state.region,
            base=dataset.base, municipality=state.municipality, counts=counts, **labels,
        )
        return spec, intensity_summary(model, counts, state.region, state.sector, state.legal_form)
    data = service_map_data(model, state.service, region=state.region, sector=state.sector, legal_form=state.legal_form)
    spec = figures.service_map_spec(
        model, state.service, state.region, state.sector, state.legal_form,
        base=dataset.base, colors=dataset.colors, show_network=state.network,
        municipality=state.municipality, data=data, **options,
    )
    return spec, service_summary(model, data, state.region, state.sector, state.legal_form)


def map_update(dataset: Dataset, state: ViewState, trigger: str | None) -> tuple[Any, Any]:
    """(figure Patch, message) for a state change. Polygons are never resent: traces refer to
    the boundary file by URL, and only traces, titles, notes and the zoom are patched."""
    if trigger == ids.MUNICIPALITY:
        # The marker, and the names (the chosen one is named by its marker and always kept).
        patch = Patch()
        patch["data"][figures.SELECTION_TRACE] = figures.selection_trace(dataset.model, dataset.base, state.municipality)
        if state.view != VIEW_TABLE:
            spec, _message = map_spec_and_message(dataset, state)
            for index, trace in enumerate(spec["data"]):
                if trace.get("name") == figures.LABEL_TRACE_NAME:
                    patch["data"][index] = trace
        return patch, no_update
    spec, message = map_spec_and_message(dataset, state)
    if state.view == VIEW_TABLE:
        return no_update, message
    layout = spec["layout"]
    patch = Patch()
    patch["data"] = spec["data"]
    patch["layout"]["title"] = layout["title"]
    patch["layout"]["annotations"] = layout["annotations"]
    patch["layout"]["legend"]["title"] = layout["legend"]["title"]
    patch["layout"]["geo"]["lonaxis"] = layout["geo"].get("lonaxis", {})
    patch["layout"]["geo"]["lataxis"] = layout["geo"].get("lataxis", {})
    patch["layout"]["uirevision"] = uirevision(dataset, state)
    patch["layout"]["legend"]["uirevision"] = legend_revision(dataset, state)
    if trigger in REFRAMING_TRIGGERS:
        # plotly writes the user's zoom and pan into the layout itself; drop them so the new
        # frame (lonaxis/lataxis above) is what the map shows.
        del patch["layout"]["geo"]["center"]
        del patch["layout"]["geo"]["projection"]["scale"]
    return patch, message


def main_trigger(triggered_prop_ids: Mapping[str, str]) -> str | None:
    """The input that decides how the map updates when several change at once (switching the
    dataset also resets controls): a re-framing one first, else the first that changed."""
    triggered = list(triggered_prop_ids.values())
    return next((component for component in REFRAMING_TRIGGERS if component in triggered), triggered[0] if triggered else None)


def initial_map(dataset: Dataset, state: ViewState) -> tuple[dict[str, Any], str]:
    """The figure embedded in the page layout, with the same uirevision map_update uses."""
    spec, message = map_spec_and_message(dataset, state)
    spec["layout"]["uirevision"] = uirevision(dataset, state)
    spec["layout"].setdefault("legend", {})["uirevision"] = legend_revision(dataset, state)
    return spec, message


def uirevision(dataset: Dataset, state: ViewState) -> str:
    """A new region or a dataset of other municipalities (an upload) re-frames the map; other
    changes keep the user's own pan and zoom."""
    municipalities = hashlib.sha1(",".join(dataset.model.focus).encode()).hexdigest()[:10]
    return f"region:{state.region or ''}|kommuner:{municipalities}"


def legend_revision(dataset: Dataset, state: ViewState) -> str:
    """Legend clicks (an arrangement highlighted) hold only while the traces mean the same: a new
    view, service, filter, region or dataset shows every trace again (plotly's legend.uirevision)."""
    parts = (state.view, state.service, state.sector or "", state.legal_form or "", str(state.network), state.per or "")
    return uirevision(dataset, state) + "|" + "|".join(parts)


def sector_bars(dataset: Dataset, state: ViewState) -> Any:
    """Figure dict of the sector breakdown, only while the count view is open."""
    if state.view != VIEW_INTENSITY:
        return no_update
    return figures.sector_bars_spec(
        dataset.model,
        sector=state.sector,
        legal_form=state.legal_form,
        region=state.region,
        municipality=state.municipality,
    )


def panel_visibility(view: str | None) -> tuple[bool, bool, bool, bool, bool]:
    """hidden flags: map panel, sector bars, table panel, service field, network toggle."""
    view = view or VIEW_SERVICE_MAP
    uses_service = view in (VIEW_SERVICE_MAP, VIEW_TABLE)
    return (
        view == VIEW_TABLE,
        view != VIEW_INTENSITY,
        view != VIEW_TABLE,
        not uses_service,
        view != VIEW_SERVICE_MAP,
    )


# ----- tables and downloads ---------------------------------------------------------------


def table_records(dataset: Dataset, state: ViewState) -> tuple[Any, Any, Any]:
    """(coverage rows, totals rows, totals columns) for the table view; no_update elsewhere."""
    if state.view != VIEW_TABLE:
        return no_update, no_update, no_update
    model = dataset.model
    coverage = coverage_rows(model, state.service, state.region, state.sector, state.legal_form)
    totals = totals_rows(model, state.region, state.sector, state.legal_form)
    return coverage.to_dict("records"), totals.to_dict("records"), column_defs(totals.columns)


def table_grids(dataset: Dataset, state: ViewState) -> tuple[Any, Any]:
    """The coverage and count grids, filled for `state`: sent when «Tabell» is first opened."""
    model = dataset.model
    coverage = coverage_rows(model, state.service, state.region, state.sector, state.legal_form)
    totals = totals_rows(model, state.region, state.sector, state.legal_form)
    return (
        table_grid(ids.TABLE, COVERAGE_COLUMNS, coverage.to_dict("records")),
        table_grid(ids.TOTALS_TABLE, totals.columns, totals.to_dict("records")),
    )


def csv_download(frame, filename: str) -> dict[str, Any]:
    """dcc.Download payload: formula-safe CSV with a BOM so Excel shows æøå."""
    return dcc.send_string(CSV_BOM + to_safe_csv(frame), filename)


def coverage_download(dataset: Dataset, state: ViewState) -> dict[str, Any]:
    """The coverage table of `state` as a CSV download."""
    frame = coverage_rows(dataset.model, state.service, state.region, state.sector, state.legal_form)
    return csv_download(with_number_2024(frame, dataset.model), f"ordninger-{state.service}{_suffix(state)}.csv")


def totals_download(dataset: Dataset, state: ViewState) -> dict[str, Any]:
    """The count table of `state` as a CSV download."""
    frame = totals_rows(dataset.model, state.region, state.sector, state.legal_form)
    return csv_download(with_number_2024(frame, dataset.model), f"antall-ordninger{_suffix(state)}.csv")


def profile_download(dataset: Dataset, municipality: str | None) -> Any:
    """One municipality's arrangements as a CSV download."""
    if not municipality:
        return no_update
    frame = profile_rows(dataset.model, municipality)
    frame.insert(1, "Kommunenummer", municipality)
    return csv_download(with_number_2024(frame, dataset.model), f"ordninger-{municipality}.csv")


def _suffix(state: ViewState) -> str:
    parts = [value for value in (state.region, state.sector, state.legal_form) if value]
    return ("-" + "-".join(parts)) if parts else ""


# ----- municipality profile ---------------------------------------------------------------


def decimal(value: float) -> str:
    """Norwegian decimal comma with one decimal.

    >>> decimal(38.25)
    '38,2'
    """
    return f"{value:.1f}".replace(".", ",")


def profile_announcement(dataset: Dataset, municipality: str | None, service: str | None = None) -> str:
    """What screen readers hear when a profile opens: «Kommuneprofil for Hol er åpnet, med legevakt først.»"""
    if not municipality:
        return ""
    service_label = _service_label(dataset.model, service)
    name = dataset.model.name_of(municipality)
    return f"Kommuneprofil for {name} er åpnet" + (f", med {in_sentence(service_label)} først." if service_label else ".")


# An uploaded sheet may leave «sektor» empty: its group still needs a heading.
NO_SECTOR = "Uten sektor"


def profile_view(dataset: Dataset, municipality: str | None, service: str | None = None) -> tuple[Any, bool]:
    """(profile children, hide download button) for the chosen municipality.

    With a service chosen, the profile opens with that service (arrangement, partners, host,
    legal form, or a plain «no arrangement»); the full list by sector follows.
    """
    if not municipality:
        return html.P(PROFILE_HINT, className="field-hint"), True
    model = dataset.model
    name = model.name_of(municipality)
    rows = profile_rows(model, municipality)
    counts = model.profile_counts(municipality)
    surveyed = municipality in set(model.focus)
    children: list[Any] = [html.H2(name, className="profile-title")]
    if not surveyed:
        children.append(
            html.P(
                "Ikke blant de kartlagte kommunene: bare ordninger der en kartlagt kommune deltar er med.",
                className="field-hint",
            )
        )
    children.append(html.P(_count_sentence(name, counts), className="profile-counts"))
    service_label = _service_label(model, service)
    if rows.empty:
        children.append(html.P("Ingen ordninger i datagrunnlaget."))
        return html.Div(children), True
    if service_label:
        chosen = [aid in set(_service_ids(model, municipality, service)) for aid in model.arrangement_ids_of(municipality)]
        service_rows = rows[chosen]
        section: list[Any] = [html.H3(f"{service_label} i {name}", className="profile-service-title")]
        if service_rows.empty:
            section.append(html.P(f"{name} har ingen ordning for {in_sentence(service_label)} i datagrunnlaget.", className="profile-gap"))
        else:
            section.append(_profile_table(service_rows.to_dict("records")))
        children.append(html.Section(section, className="profile-service", **{"aria-label": f"{service_label} i {name}"}))
        children.append(html.H3("Alle ordninger etter sektor", className="profile-all-title"))
    for sector_label, group in rows.groupby("Sektor", sort=False):
        children.append(
            html.Details(
                [html.Summary(f"{sector_label or NO_SECTOR} ({len(group)})"), _profile_table(group.to_dict("records"))],
                open=True,
                className="profile-sector",
            )
        )
    return html.Div(children), False


def in_sentence(label: str) -> str:
    """A label inside a sentence: «Legevakt» → «legevakt», acronyms kept («PP-tjeneste (PPT)»).

    >>> in_sentence("Legevakt"), in_sentence("PP-tjeneste (PPT)")
    ('legevakt', 'PP-tjeneste (PPT)')
    """
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _service_label(model: Any, service: str | None) -> str:
    """The service's label, or "" when none (or one the data does not know) is chosen."""
    if not service:
        return ""
    try:
        return model.service_label(service)
    except (KeyError, ValueError):
        return ""


def _service_ids(model: Any, municipality: str, service: str) -> list[str]:
    """The municipality's arrangements that provide `service`."""
    return [aid for aid in model.arrangement_ids_of(municipality) if service in model.arrangement(aid)["services"]]


def _count_sentence(name: str, counts: Mapping[str, Any]) -> str:
    total = counts["total"]
    text = f"{name} deltar i {total} {'ordning' if total == 1 else 'ordninger'}."
    average = counts.get("regional_average")
    if average is not None and counts.get("region_name"):
        difference = total - average
        relation = "flere enn" if difference > 0 else ("færre enn" if difference < 0 else "like mange som")
        amount = f"{decimal(abs(difference))} " if difference else ""
        text += f" Snittet i {counts['region_name']} er {decimal(average)}: {amount}{relation} snittet."
    return text


PROFILE_COLUMNS = ("Ordning", "Partnere", "Vertskommune", "Organisasjonsform", "Kilde")


def _profile_table(rows: Sequence[Mapping[str, Any]]) -> html.Table:
    """One sector's arrangements as a compact table (text only, never markup)."""
    head = html.Thead(html.Tr([html.Th(column, scope="col") for column in PROFILE_COLUMNS]))
    body = []
    for row in rows:
        name_cell = [html.Strong(row["Ordning"])]
        if row["Tjenester"]:
            name_cell += [html.Br(), html.Small(row["Tjenester"])]
        cells = [name_cell, row["Partnere"] or "ingen oppgitt", row["Vertskommune"] or UNKNOWN_HOST, row["Organisasjonsform"], row["Kilde"]]
        # data-label: on phones the rows stack and each cell shows its column's name (assets/style_devices.css).
        body.append(html.Tr([html.Td(cell, **{"data-label": column}) for column, cell in zip(PROFILE_COLUMNS, cells)]))
    return html.Table([head, html.Tbody(body)], className="profile-table")


# ----- wiring -----------------------------------------------------------------------------


def current_state(dataset: Dataset, values: Sequence[Any]) -> ViewState:
    """The controls' values as a state, with this dataset's defaults."""
    allowed = dataset.allowed
    return state_from_controls(*values, default_service=allowed.default_service, default_structure=allowed.default_structure)


def shown_dataset_and_state(resolve: Resolver, store: Any, values: Sequence[Any]) -> tuple[Dataset, ViewState]:
    """The controls' state and the data it shows: the register on its «per dato», in its structure."""
    dataset = resolve(store)
    state = current_state(dataset, values)
    if state.per or state.structure:
        dataset = resolve(store, state.per, state.structure)
    return dataset, valid_for(dataset, state)


def register_state_downloads(
    app: Dash, downloads: Sequence[tuple[str, str, Any]], dataset_and_state: Any
) -> None:
    """One download callback per (download id, button id, build): build(dataset, state) of the controls."""
    control_states = [State(component, prop) for component, prop in STATE_OUTPUTS]
    for download_id, button_id, build in downloads:

        def _download(_clicks, *args, build=build):
            *values, store = args
            return build(*dataset_and_state(store, values))

        app.callback(
            Output(download_id, "data"),
            Input(button_id, "n_clicks"),
            *control_states,
            State(ids.DATASET, "data"),
            prevent_initial_call=True,
        )(_download)


def register(app: Dash, resolve: Resolver) -> None:
    """Attach every callback to `app`; data comes from `resolve(DATASET store value)`.

    The layout is built for the default state, so only the URL sync runs on page load; every
    other callback fires when the sync (or the user) changes a control.
    """
    control_inputs = [Input(component, prop) for component, prop in STATE_OUTPUTS]

    def dataset_and_state(store: Any, values: Sequence[Any]) -> tuple[Dataset, ViewState]:
        return shown_dataset_and_state(resolve, store, values)

    @app.callback(
        Output(ids.URL, "search"),
        *[Output(component, prop) for component, prop in STATE_OUTPUTS],
        Output(ids.REGION, "options", allow_duplicate=True),
        Output(ids.MUNICIPALITY, "options", allow_duplicate=True),
        Input(ids.URL, "search"),
        *control_inputs,
        Input(ids.MAP, "clickData"),
        State(ids.DATASET, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def _sync(search, *rest):
        *values, click_data, store = rest
        own = resolve(store)
        current = current_state(own, values)
        trigger = ctx.triggered_id
        # The URL names the structure on load and back/forward; the switch, when it is the trigger.
        structure = structure_in(search, own.allowed) if trigger in (None, ids.URL) else current.structure
        dataset = resolve(store, structure=structure) if structure else own
        outputs = sync_state(dataset, trigger, search, current, click_data)
        # A new structure brings its own regions and municipality numbers: the options go in the
        # same response as the values, or a dropdown would drop a value its old options lack.
        if trigger == ids.STRUCTURE or (trigger in (None, ids.URL) and structure != current.structure):
            return (*outputs, region_choices(dataset.model), municipality_options(dataset.model))
        return (*outputs, no_update, no_update)

    def on_state_change(outputs: Sequence[Output], body: Callable[[Dataset, ViewState], Any]) -> None:
        """Register `body(dataset, state)` to run whenever a control or the dataset changes."""

        def callback(*args):
            *values, store = args
            return body(*dataset_and_state(store, values))

        app.callback(*outputs, *control_inputs, Input(ids.DATASET, "data"), prevent_initial_call=True)(callback)

    on_state_change(
        [Output(ids.MAP, "figure"), Output(ids.MAP_MESSAGE, "children")],
        lambda dataset, state: map_update(dataset, state, main_trigger(ctx.triggered_prop_ids)),
    )

    # «Vis kommunenavn» hides the names in the browser (assets/map_labels.js): no request.
    app.clientside_callback(
        ClientsideFunction(namespace="mapLabels", function_name="toggle"),
        Input(ids.LABELS, "value"),
        prevent_initial_call=True,
    )
    on_state_change([Output(ids.SECTOR_BARS, "figure")], sector_bars)
    on_state_change(
        [Output(ids.TABLE, "rowData"), Output(ids.TOTALS_TABLE, "rowData"), Output(ids.TOTALS_TABLE, "columnDefs")],
        table_records,
    )
    control_states = [State(component, prop) for component, prop in STATE_OUTPUTS]

    # «Tabell» opened the first time: the browser loads the grid's script (assets/table_grids.js),
    # then the grids come, filled for the controls of that moment; later changes patch rowData.
    app.clientside_callback(
        ClientsideFunction(namespace="tableGrids", function_name="open"),
        Output(ids.TABLE_GRIDS_READY, "data"),
        Input(ids.VIEW, "value"),
        State(ids.TABLE_GRIDS_READY, "data"),
    )

    @app.callback(
        Output(ids.TABLE_HOLDER, "children"),
        Output(ids.TOTALS_HOLDER, "children"),
        Input(ids.TABLE_GRIDS_READY, "data"),
        *control_states,
        State(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _grids(ready, *args):
        if not ready:
            return no_update, no_update
        *values, store = args
        return table_grids(*dataset_and_state(store, values))

    @app.callback(
        Output(ids.MAP_PANEL, "hidden"),
        Output(ids.SECTOR_BARS_PANEL, "hidden"),
        Output(ids.TABLE_PANEL, "hidden"),
        Output(ids.SERVICE_FIELD, "hidden"),
        Output(ids.NETWORK_FIELD, "hidden"),
        Input(ids.VIEW, "value"),
        prevent_initial_call=True,
    )
    def _panels(view):
        return panel_visibility(view)

    @app.callback(
        Output(ids.PROFILE, "children"),
        Output(ids.PROFILE_DOWNLOAD_BUTTON, "hidden"),
        Output(ids.PROFILE_STATUS, "children"),
        Input(ids.MUNICIPALITY, "value"),
        Input(ids.PER, "value"),
        Input(ids.DATASET, "data"),
        Input(ids.SERVICE, "value"),
        Input(ids.STRUCTURE, "value"),
        State(ids.VIEW, "value"),
        prevent_initial_call=True,
    )
    def _profile(municipality, per, store, service, structure, view):
        # The service leads the profile where the page is about one (service map, table).
        service = service if (view or VIEW_SERVICE_MAP) in (VIEW_SERVICE_MAP, VIEW_TABLE) else None
        dataset = resolve(store, valid_date(per), structure)
        # While the structure switches, the municipality may be the other structure's number for a moment.
        municipality = municipality if municipality in dataset.allowed.municipalities else None
        return (*profile_view(dataset, municipality, service), profile_announcement(dataset, municipality, service))

    # Opening a profile brings it into view when it is out of sight (assets/profile.js).
    app.clientside_callback(
        ClientsideFunction(namespace="profile", function_name="reveal"),
        Input(ids.MUNICIPALITY, "value"),
        prevent_initial_call=True,
    )

    # In the browser, while typing: an exact name, alias or number first (assets/dropdown_search.js).
    app.clientside_callback(
        ClientsideFunction(namespace="municipalitySearch", function_name="order"),
        Output(ids.MUNICIPALITY, "options", allow_duplicate=True),
        Input(ids.MUNICIPALITY, "search_value"),
        State(ids.MUNICIPALITY, "options"),
        prevent_initial_call=True,
    )

    @app.callback(Output(ids.MAP_DESCRIPTION, "children"), Input(ids.VIEW, "value"), prevent_initial_call=True)
    def _describe_map(view):
        return map_description(view)

    table_downloads = ((ids.TABLE_DOWNLOAD, ids.TABLE_DOWNLOAD_BUTTON, coverage_download),
                       (ids.TOTALS_DOWNLOAD, ids.TOTALS_DOWNLOAD_BUTTON, totals_download))
    register_state_downloads(app, table_downloads, dataset_and_state)

    @app.callback(
        Output(ids.PROFILE_DOWNLOAD, "data"),
        Input(ids.PROFILE_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.MUNICIPALITY, "value"),
        State(ids.PER, "value"),
        State(ids.DATASET, "data"),
        State(ids.STRUCTURE, "value"),
        prevent_initial_call=True,
    )
    def _profile_download(_clicks, municipality, per, store, structure):
        dataset = resolve(store, valid_date(per), structure)
        return profile_download(dataset, municipality if municipality in dataset.allowed.municipalities else None)
