"""Pure component tree of «Endringer siden»: a day, a map of who is touched, and the list of changes."""

from __future__ import annotations

from typing import Any, Sequence

from dash import dcc, html

from dashboard.web import ids


def changes_panel(graph_config: dict[str, Any]) -> html.Details:
    return html.Details(
        [
            html.Summary("Endringer siden …"),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label("Endringer siden", htmlFor=ids.CHANGES_SINCE, className="field-label"),
                            dcc.Input(id=ids.CHANGES_SINCE, type="date", min="1900-01-01", max="2100-12-31", debounce=True, className="text-input"),
                            html.P("Nye, endrede og avsluttede ordninger i registeret fra denne dagen til i dag.", className="field-hint"),
                        ],
                        className="field changes-field",
                    ),
                    html.P(id=ids.CHANGES_SUMMARY, className="map-message", role="status", **{"aria-live": "polite"}),
                    dcc.Graph(id=ids.CHANGES_MAP, config=graph_config, className="map-graph", figure={"data": [], "layout": {"height": 80}}),
                    html.Div(id=ids.CHANGES_LIST, className="history-list"),
                ],
                className="changes-body",
            ),
        ],
        id=ids.CHANGES_PANEL,
        className="edit-panel changes-panel",
    )


def changes_list(groups: Sequence[tuple[str, Sequence[tuple[str, Sequence[str]]]]]) -> list[Any]:
    """Sections «Nye», «Endret», «Avsluttet», each arrangement with its changes, as text."""
    children: list[Any] = []
    for heading, items in groups:
        if not items:
            continue
        children.append(html.H3(f"{heading} ({len(items)})"))
        children.append(html.Ul([html.Li([html.Strong(name), html.Ul([html.Li(line) for line in lines])]) for name, lines in items]))
    return children
