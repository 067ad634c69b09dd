"""Pure component trees of the map toolbar («Last ned kart», «Presentasjon») and the slide overlay."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.output import export
from dashboard.output.presentation import EMPTY_SLIDE
from dashboard.web import ids
from dashboard.web.download import DEFAULT_FORMAT, FORMAT_OPTIONS, SIZE_OPTIONS

KEY_HELP = "Piltastene eller Page Up/Page Down blar, F gir fullskjerm, Esc avslutter."


def _choice(label: str, component_id: str, options: tuple[tuple[str, str], ...], value: str) -> html.Fieldset:
    """A labelled row of radio buttons (a fieldset, so screen readers name the group)."""
    return html.Fieldset(
        [
            html.Legend(label, className="toolbar-label"),
            dcc.RadioItems(
                id=component_id,
                options=[{"label": text, "value": key} for key, text in options],
                value=value,
                inline=True,
                className="toolbar-choice",
            ),
        ],
        className="toolbar-group",
    )


def map_toolbar() -> html.Div:
    """Download of the view as a file, and the way into presentation mode."""
    return html.Div(
        [
            _choice("Format", ids.EXPORT_FORMAT, FORMAT_OPTIONS, DEFAULT_FORMAT),
            _choice("Størrelse", ids.EXPORT_SIZE, SIZE_OPTIONS, export.DEFAULT_SIZE),
            html.Button("Last ned kart", id=ids.EXPORT_BUTTON, className="button button-strong"),
            html.Span("Lager kartet …", id=ids.EXPORT_BUSY, className="toolbar-busy", hidden=True),
            html.Button(
                "Presentasjon",
                id=ids.PRESENTATION_BUTTON,
                className="button toolbar-present",
                title="Fullskjerm for projektor med de seks hovedtjenestene. " + KEY_HELP,
            ),
            html.P(id=ids.EXPORT_STATUS, className="toolbar-status", role="status", **{"aria-live": "polite"}),
            dcc.Download(id=ids.EXPORT_DOWNLOAD),
            dcc.Store(id=ids.EXPORT_FALLBACK),
        ],
        id=ids.MAP_TOOLBAR,
        className="map-toolbar",
        role="group",
        **{"aria-label": "Last ned eller presenter kartet"},
    )


def presentation_overlay(graph_config: dict[str, Any]) -> html.Div:
    """The slide: large title and summary, the map with its legend, credit line, buttons and counter.

    `graph_config` is the app's plotly config (local topojson); the slide drops the modebar, as
    there is nothing to click on a projector. Hidden until the link says ?visning=presentasjon;
    assets/presentation.js shows it and turns the keys into clicks on the buttons.
    """
    return html.Div(
        [
            dcc.Store(id=ids.PRESENTATION_QUERY),
            dcc.Store(id=ids.PRESENTATION_DECK),
            html.Div(
                [
                    html.Header(
                        [
                            html.H2(id=ids.PRESENTATION_TITLE, className="slide-title"),
                            html.P(id=ids.PRESENTATION_SUMMARY, className="slide-summary"),
                            html.P(id=ids.PRESENTATION_NOTICE, className="slide-notice", role="alert"),
                        ],
                        className="slide-header",
                    ),
                    dcc.Graph(
                        id=ids.PRESENTATION_MAP,
                        figure=EMPTY_SLIDE,
                        config={**graph_config, "displayModeBar": False, "scrollZoom": False},
                        className="slide-map",
                    ),
                    html.Footer(
                        [
                            html.P(id=ids.PRESENTATION_SOURCE, className="slide-source"),
                            html.Div(
                                [
                                    html.Button("‹ Forrige", id=ids.PRESENTATION_PREVIOUS, className="slide-button", title="← eller Page Up"),
                                    html.Button("Neste ›", id=ids.PRESENTATION_NEXT, className="slide-button", title="→ eller Page Down"),
                                    html.Button("Avslutt", id=ids.PRESENTATION_EXIT, className="slide-button", title="Esc"),
                                ],
                                className="slide-nav",
                                title=KEY_HELP,
                            ),
                            html.P(id=ids.PRESENTATION_COUNTER, className="slide-counter", **{"aria-live": "polite"}),
                        ],
                        className="slide-footer",
                    ),
                ],
                id=ids.PRESENTATION,
                className="presentation",
                hidden=True,
                role="dialog",
                tabIndex="-1",
                **{"aria-modal": "true", "aria-labelledby": ids.PRESENTATION_TITLE},
            ),
        ]
    )
