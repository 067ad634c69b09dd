"""Thin glue for the map download and presentation mode; each body is a plain function, tested directly.

Keys and the "is this a presentation link?" check run in the browser (assets/presentation.js,
no server round trip per URL change); the server builds slides, files and links.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard.output.export import pack_services
from dashboard.output.presentation import (
    Deck,
    SlideSizes,
    button_deck,
    counter_text,
    deck_from_query,
    exit_query,
    presentation_query,
    slide_figure,
    slide_heading,
    slide_index,
    slide_patch,
    slide_source,
)
from dashboard.views.datasets import Dataset, Resolver
from dashboard.views.view_state import QUERY_KEYS, ViewState, valid_date
from dashboard.web import ids
from dashboard.web.callbacks import (
    STATE_OUTPUTS,
    map_spec_and_message,
    shown_dataset_and_state,
)
from dashboard.web.download import MapDownloads

# (dataset, since) -> (map spec, summary): the «Endringer siden» slide (see changes_callbacks.changes_slide).
ChangesSlide = Callable[[Dataset, str], tuple[dict[str, Any], str]]


def slide_view(dataset: Dataset, deck: Deck, index: int, changes: ChangesSlide | None = None) -> tuple[dict[str, Any], str, str, str]:
    """(slide figure dict, heading, summary sentence, counter) of slide `index`."""
    sizes = SlideSizes.for_width(deck.screen_width)
    if deck.is_changes(index) and changes is not None:
        spec, summary = changes(dataset, deck.changes_since)
        heading = spec["layout"]["title"]["text"]
        return slide_figure(spec, "endringer", sizes), heading, summary, counter_text(index % len(deck), len(deck))
    state = deck.slide(index)
    spec, summary = map_spec_and_message(dataset, state, labels=sizes.labels(), members_in_legend=True)
    figure = slide_figure(spec, state.service, sizes)
    return figure, slide_heading(dataset.model, state), summary, counter_text(index % len(deck), len(deck))


def open_deck(dataset: Dataset, request: Mapping[str, Any] | None, changes: ChangesSlide | None = None) -> tuple[Any, ...]:
    """Everything the overlay shows for a presentation link; the full first figure, click counts reset.

    `request` is what assets/presentation.js sends: the link's query string and the window width.
    """
    if not request or not request.get("search"):
        raise PreventUpdate
    deck = deck_from_query(request["search"], dataset.allowed, pack_services(dataset.model))
    deck = replace(deck, screen_width=int(request.get("width") or deck.screen_width))
    figure, heading, summary, counter = slide_view(dataset, deck, deck.start, changes)
    source = slide_source(dataset.model.source_label)
    return figure, heading, summary, deck.notice, counter, source, deck.to_store(), 0, 0


def step_deck(dataset: Dataset, deck_data: Any, forward: int | None, back: int | None, changes: ChangesSlide | None = None) -> tuple[Any, ...]:
    """The slide after a step: a Patch of traces and notes (the polygons stay in the browser)."""
    deck = _stored_deck(dataset, deck_data)
    index = slide_index(len(deck), deck.start, forward, back)
    figure, heading, summary, counter = slide_view(dataset, deck, index, changes)
    unchanged = (no_update,) * 4
    return slide_patch(figure), heading, summary, no_update, counter, *unchanged


def leave_link(dataset: Dataset, deck_data: Any, forward: int | None, back: int | None) -> str:
    """The normal view's link for the slide on screen (same service, region and filters)."""
    deck = _stored_deck(dataset, deck_data)
    return exit_query(deck, slide_index(len(deck), deck.start, forward, back), dataset.allowed.default_service)


def enter_link(dataset: Dataset, state: ViewState) -> str:
    """The presentation link for the view on screen: the headline services, starting at this one."""
    default_service = dataset.allowed.default_service
    if state.services == dataset.allowed.default_services:
        state = replace(state, services=())  # the defaults stay out of the link
    return presentation_query(state, button_deck(state.service, pack_services(dataset.model)), default_service)


def _stored_deck(dataset: Dataset, deck_data: Any) -> Deck:
    if not deck_data:
        raise PreventUpdate
    try:
        return Deck.from_store(deck_data, dataset.allowed)
    except (TypeError, ValueError):  # a store from another dataset or version: nothing to step through
        raise PreventUpdate from None


def download_outputs(downloads: MapDownloads, dataset: Dataset, state: ViewState, fmt: str | None, size: str | None) -> tuple[Any, str, Any]:
    """(file for dcc.Download, status sentence, figure for the browser to draw) of one button press."""
    result = downloads(dataset, state, fmt, size)
    return (
        result.file if result.file is not None else no_update,
        result.message,
        result.browser_render if result.browser_render is not None else no_update,
    )


def deck_view(request: Any, deck_data: Any) -> tuple[str | None, str | None]:
    """The deck's «per dato» and municipality structure (?per=, ?struktur=): from the link that
    opened it, or from the deck the browser keeps. The resolver ignores a structure the data
    cannot be shown in."""
    search = request.get("search") if isinstance(request, Mapping) else None
    if isinstance(search, str):
        values: Mapping[str, Any] = dict(parse_qsl(search.lstrip("?")))
    else:
        base = deck_data.get("base") if isinstance(deck_data, dict) else None
        values = {QUERY_KEYS[key]: base.get(key) for key in ("per", "structure")} if isinstance(base, dict) else {}
    structure = values.get(QUERY_KEYS["structure"])
    return valid_date(values.get(QUERY_KEYS["per"])), structure if isinstance(structure, str) else None


def register(app: Dash, resolve: Resolver, downloads: MapDownloads, changes: ChangesSlide | None = None) -> None:
    """Attach the download and presentation callbacks; data comes from `resolve(DATASET store value)`."""
    control_states = [State(component, prop) for component, prop in STATE_OUTPUTS]

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"),
        Output(ids.EXPORT_STATUS, "children"),
        Output(ids.EXPORT_FALLBACK, "data"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        State(ids.EXPORT_FORMAT, "value"),
        State(ids.EXPORT_SIZE, "value"),
        *control_states,
        State(ids.DATASET, "data"),
        running=[(Output(ids.EXPORT_BUTTON, "disabled"), True, False), (Output(ids.EXPORT_BUSY, "hidden"), False, True)],
        prevent_initial_call=True,
    )
    def _download(_clicks, fmt, size, *args):
        *values, store = args
        return download_outputs(downloads, *shown_dataset_and_state(resolve, store, values), fmt, size)

    app.clientside_callback(
        ClientsideFunction(namespace="mapDownload", function_name="drawInBrowser"),
        Output(ids.EXPORT_STATUS, "children", allow_duplicate=True),
        Input(ids.EXPORT_FALLBACK, "data"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction(namespace="presentation", function_name="gate"),
        Output(ids.PRESENTATION, "hidden"),
        Output(ids.PRESENTATION_QUERY, "data"),
        Input(ids.URL, "search"),
        State(ids.PRESENTATION_QUERY, "data"),
    )

    @app.callback(
        Output(ids.PRESENTATION_MAP, "figure"),
        Output(ids.PRESENTATION_TITLE, "children"),
        Output(ids.PRESENTATION_SUMMARY, "children"),
        Output(ids.PRESENTATION_NOTICE, "children"),
        Output(ids.PRESENTATION_COUNTER, "children"),
        Output(ids.PRESENTATION_SOURCE, "children"),
        Output(ids.PRESENTATION_DECK, "data"),
        Output(ids.PRESENTATION_NEXT, "n_clicks"),
        Output(ids.PRESENTATION_PREVIOUS, "n_clicks"),
        Input(ids.PRESENTATION_QUERY, "data"),
        Input(ids.PRESENTATION_NEXT, "n_clicks"),
        Input(ids.PRESENTATION_PREVIOUS, "n_clicks"),
        State(ids.PRESENTATION_DECK, "data"),
        State(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _slides(request, forward, back, deck_data, store):
        # The deck shows what the page showed: its «per dato» and its municipality structure.
        dataset = resolve(store, *deck_view(request, deck_data))
        if ctx.triggered_id == ids.PRESENTATION_QUERY:
            return open_deck(dataset, request, changes)
        return step_deck(dataset, deck_data, forward, back, changes)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.PRESENTATION_EXIT, "n_clicks"),
        State(ids.PRESENTATION_DECK, "data"),
        State(ids.PRESENTATION_NEXT, "n_clicks"),
        State(ids.PRESENTATION_PREVIOUS, "n_clicks"),
        State(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _leave(_clicks, deck_data, forward, back, store):
        return leave_link(resolve(store, *deck_view(None, deck_data)), deck_data, forward, back)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.PRESENTATION_BUTTON, "n_clicks"),
        *control_states,
        State(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _enter(_clicks, *args):
        *values, store = args
        return enter_link(*shown_dataset_and_state(resolve, store, values))
