"""«Samsvar» components: the services field, the panel, and the HTML tables of the matrix and the partner grid.

The matrix and the grid are real tables (caption, header cells with scope, values written in),
not canvases, so a screen reader reads them and a keyboard scrolls them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from dash import dcc, html

from dashboard.data.alignment import DEFINITIONS, MAX_SERVICES
from dashboard.views.alignment_figures import AgreementTable, PartnerGridTable
from dashboard.views.view_state import VIEW_ALIGNMENT, ViewState
from dashboard.web import ids
from dashboard.web.plotly_locale import DROPDOWN_LABELS

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

GRID_HINT = "Velg en kommune i kartet eller i listen «Kommune» for å se partnerne tjeneste for tjeneste."
GRID_MARK = "●"
# Dash's dropdown texts in Norwegian (its defaults are English: "{num_selected} selected", …).


def service_choices(model: "CooperationModel") -> list[dict[str, str]]:
    return [{"label": label, "value": service_id} for service_id, label in model.service_options()]


def services_field(model: "CooperationModel", state: ViewState, default_services: Sequence[str]) -> html.Div:
    """The multi-select of services, in the filter panel; shown only in the «Samsvar» view."""
    return html.Div(
        [
            html.Label("Tjenester (samsvar)", htmlFor=ids.SAMSVAR_SERVICES, className="field-label"),
            dcc.Dropdown(
                id=ids.SAMSVAR_SERVICES,
                options=service_choices(model),
                value=list(state.services or default_services),
                multi=True,
                searchable=True,
                labels=DROPDOWN_LABELS,
                placeholder="Hovedtjenestene",
            ),
            html.P(f"Standard: de seks hovedtjenestene. Høyst {MAX_SERVICES}.", className="field-hint"),
        ],
        id=ids.SAMSVAR_SERVICES_FIELD,
        className="field",
        hidden=state.view != VIEW_ALIGNMENT,
    )


def definitions() -> html.Dl:
    """The definitions the numbers stand on, in Norwegian, as the issue states them."""
    children: list[Any] = []
    for term, text in DEFINITIONS:
        children += [html.Dt(term), html.Dd(text)]
    return html.Dl(children, className="samsvar-definitions")


def _download(button_id: str, download_id: str, label: str) -> list[Any]:
    return [html.Button(label, id=button_id, className="button"), dcc.Download(id=download_id)]


def samsvar_panel(
    model: "CooperationModel", state: ViewState, default_services: Sequence[str], config: Mapping[str, Any]
) -> html.Section:
    """Under the map in the «Samsvar» view: definitions, table, matrix, partner grid, two services compared."""
    compare = state.compare or tuple(default_services[:2])
    choices = service_choices(model)

    def compare_field(label: str, control_id: str, value: str | None) -> html.Div:
        return html.Div(
            [
                html.Label(label, htmlFor=control_id, className="field-label"),
                dcc.Dropdown(id=control_id, options=choices, value=value, clearable=False, searchable=True, labels=DROPDOWN_LABELS),
            ],
            className="field samsvar-compare-field",
        )

    return html.Section(
        [
            html.H2("Samsvar: har kommunen de samme partnerne fra tjeneste til tjeneste?", className="panel-title"),
            html.Details([html.Summary("Slik er tallene regnet ut"), definitions()], open=True, className="samsvar-box"),
            html.H3("Partnere for valgt kommune", className="panel-title"),
            html.Div(html.P(GRID_HINT, className="field-hint"), id=ids.SAMSVAR_GRID, className="samsvar-box"),
            *_download(ids.SAMSVAR_GRID_DOWNLOAD_BUTTON, ids.SAMSVAR_GRID_DOWNLOAD, "Last ned partnerrutenettet (CSV)"),
            html.H3("Distriktssamsvar mellom tjenestene", className="panel-title"),
            html.Div(id=ids.SAMSVAR_MATRIX, className="samsvar-box"),
            *_download(ids.SAMSVAR_MATRIX_DOWNLOAD_BUTTON, ids.SAMSVAR_MATRIX_DOWNLOAD, "Last ned matrisen (CSV)"),
            html.H3("Sammenlign to tjenester", className="panel-title"),
            html.Div(
                [
                    compare_field("Første tjeneste", ids.SAMSVAR_COMPARE_FIRST, compare[0] if compare else None),
                    compare_field("Andre tjeneste", ids.SAMSVAR_COMPARE_SECOND, compare[1] if len(compare) > 1 else None),
                ],
                className="samsvar-compare-controls",
            ),
            html.P(id=ids.SAMSVAR_COMPARE_SUMMARY, className="map-message", role="status", **{"aria-live": "polite"}),
            # The last pan/zoom copied from one compare map to the other (see samsvar_callbacks.synced_view).
            dcc.Store(id=ids.SAMSVAR_COMPARE_VIEW, data=None),
            html.Div(
                [
                    dcc.Graph(id=ids.SAMSVAR_COMPARE_MAP_FIRST, config=config, className="samsvar-compare-map"),
                    dcc.Graph(id=ids.SAMSVAR_COMPARE_MAP_SECOND, config=config, className="samsvar-compare-map"),
                ],
                className="samsvar-compare-maps",
                role="region",
                **{"aria-label": "To tjenester side om side (samme innhold i teksten over kartene)"},
            ),
            html.H3("Konstellasjoner per kommune (tabell)", className="panel-title"),
            html.Div(id=ids.SAMSVAR_TABLE, className="samsvar-box"),
            *_download(ids.SAMSVAR_TABLE_DOWNLOAD_BUTTON, ids.SAMSVAR_TABLE_DOWNLOAD, "Last ned tabellen (CSV)"),
        ],
        id=ids.SAMSVAR_PANEL,
        className="panel samsvar-panel",
        hidden=state.view != VIEW_ALIGNMENT,
        **{"aria-label": "Samsvar"},
    )


def samsvar_table_section() -> html.Div:
    """In the table view: «Samsvar» as tables (filled when the table view opens)."""
    return html.Div(
        [
            html.H2("Samsvar: konstellasjoner og distriktssamsvar", className="panel-title"),
            html.P(
                "De seks hovedtjenestene (eller tjenestene valgt under «Samsvar»). Se «Samsvar» for definisjonene.",
                className="field-hint",
            ),
            html.Div(id=ids.SAMSVAR_TABLE_VIEW, className="samsvar-box"),
        ]
    )


# ----- the tables (built by callbacks from the pure table models) --------------------------


def _scroll(table: html.Table, label: str) -> html.Div:
    """A wide table in a box that scrolls sideways; focusable so a keyboard can scroll it."""
    return html.Div(table, className="samsvar-scroll", tabIndex="0", role="region", **{"aria-label": label})


def matrix_table(table: AgreementTable) -> html.Div:
    head = html.Thead(html.Tr([html.Th("Tjeneste", scope="col"), *(html.Th(label, scope="col") for label in table.labels)]))
    body = []
    for label, row in zip(table.labels, table.cells):
        cells = [html.Th(label, scope="row")]
        for cell in row:
            cells.append(
                html.Td(
                    [cell.text, html.Br(), html.Small(f"{cell.pairs} par")],
                    style={"backgroundColor": cell.fill, "color": cell.color},
                    className="samsvar-cell",
                )
            )
        body.append(html.Tr(cells))
    caption = html.Caption(
        "Andel kommunepar som er partnere i begge tjenestene eller i ingen av dem "
        "(blant par som begge deltar i begge). Mørkere grønn = mer i takt."
    )
    return _scroll(html.Table([caption, head, html.Tbody(body)], className="samsvar-table samsvar-matrix"), "Matrise for distriktssamsvar")


def grid_table(table: PartnerGridTable) -> html.Div:
    taking = sum(1 for row in table.rows if row.taking_part)
    if not table.columns:
        return html.Div([html.H4(table.name), html.P(f"{table.name} deltar ikke i noen av de valgte tjenestene sammen med andre.")])

    def column_class(shared: int) -> str:
        if taking > 1 and shared == taking:
            return "grid-everywhere"
        if taking > 1 and shared == 1:
            return "grid-once"
        return "grid-some"

    head = html.Thead(
        html.Tr(
            [html.Th("Tjeneste", scope="col")]
            + [
                html.Th([column.name, html.Br(), html.Small(f"{column.shared} av {taking}")], scope="col", className=column_class(column.shared))
                for column in table.columns
            ]
        )
    )
    body = []
    for row in table.rows:
        cells: list[Any] = [html.Th(row.label if row.taking_part else [row.label, html.Br(), html.Small("deltar ikke")], scope="row")]
        for column, names in zip(table.columns, row.cells):
            if names:
                cells.append(
                    html.Td(
                        [html.Span(GRID_MARK, **{"aria-hidden": "true"}), html.Span(f"ja: {'; '.join(names)}", className="visually-hidden")],
                        title="; ".join(names),
                        className=f"grid-mark {column_class(column.shared)}",
                    )
                )
            else:
                cells.append(html.Td(html.Span("nei", className="visually-hidden"), className="grid-empty"))
        body.append(html.Tr(cells, className="" if row.taking_part else "grid-not-taking-part"))
    caption = html.Caption(f"{table.name}: partnere per tjeneste. Mørk lilla: partner i alle; oransje: partner i bare én.")
    return html.Div(
        [
            html.H4(table.name, className="samsvar-grid-title"),
            html.P(table.summary, className="samsvar-grid-summary"),
            _scroll(html.Table([caption, head, html.Tbody(body)], className="samsvar-table samsvar-grid"), f"Partnere for {table.name}"),
        ]
    )


def constellation_table(rows: Sequence[Mapping[str, Any]]) -> html.Div:
    columns = ("Kommune", "Kommunenummer", "Tjenester", "Konstellasjoner")
    head = html.Thead(html.Tr([html.Th(column, scope="col") for column in columns]))
    body = html.Tbody([html.Tr([html.Th(row["Kommune"], scope="row"), *(html.Td(str(row[c])) for c in columns[1:])]) for row in rows])
    caption = html.Caption("Kartet som tabell: én rad per kartlagt kommune som deltar i minst én av tjenestene.")
    return _scroll(html.Table([caption, head, body], className="samsvar-table"), "Konstellasjoner per kommune")
