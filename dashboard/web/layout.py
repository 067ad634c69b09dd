"""Pure component tree of the app: options and initial figure in, Dash components out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from dash import dcc, html

from dashboard.data.alignment import default_services
from dashboard.data.structures import STRUCTURE_LABELS, STRUCTURES
from dashboard.views.view_data import norwegian_key
from dashboard.views.view_state import (
    VIEW_ALIGNMENT,
    VIEW_INTENSITY,
    VIEW_NETWORK,
    VIEW_SERVICE_MAP,
    VIEW_TABLE,
    ViewState,
)
from dashboard.web import ids
from dashboard.web.changes_layout import changes_panel
from dashboard.web.edit_layout import edit_panel, editor_bar, history_panel
from dashboard.web.grid import GRID_KEYS_HELP, grid_script_path
from dashboard.web.plotly_locale import DROPDOWN_LABELS, plotly_locale_config
from dashboard.web.presentation_layout import map_toolbar, presentation_overlay
from dashboard.web.samsvar_layout import (
    samsvar_panel,
    samsvar_table_section,
    services_field,
)
from dashboard.web.upload_layout import dataset_bar, upload_panel

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

VIEW_LABELS = {
    VIEW_SERVICE_MAP: "Tjenestekart",
    VIEW_NETWORK: "Nettverk",
    VIEW_INTENSITY: "Antall ordninger",
    VIEW_TABLE: "Tabell",
    VIEW_ALIGNMENT: "Samsvar",
}
REGION_KIND_LABELS = {
    "kommuneregion": "kommuneregion",
    "delregion": "delregion",
    "regionraad": "regionråd",
    "region": "region",
    "fylke": "fylke",
}
MAP_DESCRIPTIONS = {
    VIEW_SERVICE_MAP: (
        "Kartet viser hvilken ordning hver kommune deltar i for den valgte tjenesten: én farge per ordning. "
        "Kommuner uten ordning er hvite med kryss, kommuner med to ordninger har tykk kant. "
        "Sammendraget over kartet sier hvor mange ordninger det er og hvilke kommuner som mangler en."
    ),
    VIEW_NETWORK: (
        "Kartet viser samarbeid som linjer mellom kommuner: for en tjeneste fra vertskommunen til deltakerne, "
        "for en sektor eller alt mellom kommuner som deler ordninger, tykkere jo flere de deler."
    ),
    VIEW_INTENSITY: (
        "Kartet viser hvor mange ordninger hver kommune deltar i, mørkere jo flere. "
        "Stolpediagrammet under fordeler dem på sektorer."
    ),
}
TABLE_ALTERNATIVE = " Det samme innholdet finnes som tabell under visningen «Tabell»."
NETWORK_ON = "on"
LABELS_ON = "on"
PROFILE_HINT = "Velg en kommune i kartet eller i listen «Kommune» for å se alle ordningene den deltar i."
OUTSIDE_SURVEY = "(ikke kartlagt)"
MAIN_SERVICES_HEADER = "── Andre oppgaveområder ──"


def lead_text(model: "CooperationModel") -> str:
    """The sentence under the title: what the shown dataset covers."""
    return (
        f"Interkommunalt samarbeid i {len(model.focus)} kartlagte kommuner – hvem samarbeider med hvem, "
        "om hva, og hvor det mangler en ordning."
    )


def map_description(view: str | None) -> str:
    """The map's text alternative: what the current view's map shows (the summary says the numbers)."""
    return MAP_DESCRIPTIONS.get(view or VIEW_SERVICE_MAP, MAP_DESCRIPTIONS[VIEW_SERVICE_MAP]) + TABLE_ALTERNATIVE


def source_note(model: "CooperationModel") -> str:
    """The page's credit line (the maps carry their own)."""
    return f"Kilde: {model.source_label}. Kartgrunnlag: © Kartverket."


def graph_config(topojson_url: str, filename: str) -> dict[str, Any]:
    """plotly.js config: local topojson (never the CDN), Norwegian-friendly modebar."""
    return {
        **plotly_locale_config(),
        "topojsonURL": topojson_url,
        "displaylogo": False,
        "scrollZoom": True,
        "responsive": True,
        # No "Share chart": it uploads the figure to Plotly's cloud (data leaving the app).
        "showSendToCloud": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendChartToCloud"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def service_options(model: "CooperationModel") -> list[dict[str, Any]]:
    """Dropdown options: the main services first, then a divider and the other task areas."""
    main_ids = set(model.services.loc[model.services["main"].astype(str).str.lower() == "true", "id"])
    options: list[dict[str, Any]] = []
    divider_added = False
    for service_id, label in model.service_options():
        if service_id not in main_ids and not divider_added and options:
            options.append({"label": MAIN_SERVICES_HEADER, "value": "__divider__", "disabled": True})
            divider_added = True
        options.append({"label": label, "value": service_id})
    return options


def region_options(model: "CooperationModel") -> list[dict[str, str]]:
    """Regions labelled with their kind, so "Hallingdal" the region and the council differ."""
    return [
        {"label": f"{name} ({REGION_KIND_LABELS.get(kind, kind)})", "value": region_id}
        for region_id, name, kind in model.region_options()
    ]


def region_choices(model: "CooperationModel") -> list[dict[str, str]]:
    """Region options with at least one municipality of the data (an upload, the survey in 2024)."""
    focus = set(model.focus)
    return [option for option in region_options(model) if focus & set(model.region_municipalities(option["value"]))]


def municipality_options(model: "CooperationModel") -> list[dict[str, str]]:
    """The surveyed municipalities, then partners outside the survey (marked), all by name.

    An option's `search` holds the other accepted spellings («Aal»), separated by «|», so the
    search box finds them and assets/dropdown_search.js can put an exact match first.
    """
    focus = set(model.focus)
    members = set(model.memberships["kommunenummer"]) | focus
    aliases: dict[str, list[str]] = {}
    frame = model.registry.aliases
    for alias, number in zip(frame["alias"], frame["kommunenummer"]):
        aliases.setdefault(str(number), []).append(str(alias))
    rows = sorted(((model.name_of(number), number) for number in members), key=lambda row: norwegian_key(row[0]))

    def option(label: str, number: str) -> dict[str, str]:
        spellings = aliases.get(number)
        return {"label": label, "value": number, **({"search": "|".join(spellings)} if spellings else {})}

    surveyed = [option(name, number) for name, number in rows if number in focus]
    others = [option(f"{name} {OUTSIDE_SURVEY}", number) for name, number in rows if number not in focus]
    return surveyed + others


def structure_options(structures: Any, own: str) -> list[dict[str, Any]]:
    """Both municipality structures; one the data cannot be shown in is disabled (2024 data in 2020)."""
    allowed = set(structures) | {own}
    return [{"label": f" {STRUCTURE_LABELS[s]}", "value": s, "disabled": s not in allowed} for s in STRUCTURES]


def structure_hint(structures: Any, own: str) -> str:
    """What the switch does for this data, in words."""
    text = f"Dataene er registrert med kommunenumrene fra {own}."
    if "2024" in set(structures) and own != "2024":
        text += " 2024 viser dem med dagens kommunenummer og fylker (Buskerud, Vestfold, Telemark …)."
    return text


def structure_field(model: "CooperationModel", state: ViewState, structures: Any = ()) -> html.Fieldset:
    """The switch between the 2020 and 2024 municipality structures (?struktur=2024)."""
    return html.Fieldset(
        [
            html.Legend("Kommunestruktur", className="field-label"),
            dcc.RadioItems(
                id=ids.STRUCTURE,
                options=structure_options(structures, model.structure),
                value=state.structure or model.structure,
                className="structure-switch",
            ),
            html.P(structure_hint(structures, model.structure), className="field-hint"),
        ],
        id=ids.STRUCTURE_FIELD,
        className="field structure-field",
    )


def _field(label: str, control: Any, field_id: str | None = None, hint: str | None = None) -> html.Div:
    children = [html.Label(label, htmlFor=control.id, className="field-label"), control]
    if hint:
        children.append(html.P(hint, className="field-hint"))
    return html.Div(children, className="field", **({"id": field_id} if field_id else {}))


def controls(model: "CooperationModel", state: ViewState, structures: Any = ()) -> html.Div:
    """The filter panel."""
    return html.Div(
        [
            structure_field(model, state, structures),
            _field(
                "Tjeneste",
                dcc.Dropdown(
                    labels=DROPDOWN_LABELS,
                    id=ids.SERVICE,
                    options=service_options(model),
                    value=state.service,
                    clearable=False,
                    searchable=True,
                ),
                field_id=ids.SERVICE_FIELD,
            ),
            html.Div(
                dcc.Checklist(
                    id=ids.NETWORK,
                    options=[{"label": " Vis samarbeidslinjer (vertskommune → deltakere)", "value": NETWORK_ON}],
                    value=[NETWORK_ON] if state.network else [],
                ),
                id=ids.NETWORK_FIELD,
                className="field",
            ),
            services_field(model, state, default_services(model)),
            html.Div(
                dcc.Checklist(
                    id=ids.LABELS,
                    options=[{"label": " Vis kommunenavn i kartet", "value": LABELS_ON}],
                    value=[LABELS_ON],
                ),
                className="field",
            ),
            _field(
                "Region",
                dcc.Dropdown(
                    labels=DROPDOWN_LABELS,
                    id=ids.REGION,
                    options=region_options(model),
                    value=state.region,
                    placeholder="Alle kartlagte kommuner",
                    searchable=True,
                ),
                hint="Kartet zoomer til regionen.",
            ),
            _field(
                "Sektor",
                dcc.Dropdown(
                    labels=DROPDOWN_LABELS,
                    id=ids.SECTOR,
                    options=[{"label": label, "value": sector_id} for sector_id, label in model.sector_options()],
                    value=state.sector,
                    placeholder="Alle sektorer",
                ),
            ),
            _field(
                "Organisasjonsform",
                dcc.Dropdown(
                    labels=DROPDOWN_LABELS,
                    id=ids.LEGAL_FORM,
                    options=[{"label": label, "value": form} for form, label in model.legal_form_options()],
                    value=state.legal_form,
                    placeholder="Alle organisasjonsformer",
                ),
            ),
            _field(
                "Kommune",
                dcc.Dropdown(
                    labels=DROPDOWN_LABELS,
                    id=ids.MUNICIPALITY,
                    options=municipality_options(model),
                    value=state.municipality,
                    placeholder="Søk etter kommune …",
                    searchable=True,
                    # Our own order (exact name first, see assets/dropdown_search.js), not js-search's.
                    search_order="original",
                ),
                hint="Eller klikk på en kommune i kartet.",
            ),
            _field(
                "Per dato",
                dcc.Input(id=ids.PER, type="date", value=state.per, min="1900-01-01", max="2100-12-31", debounce=True, className="text-input"),
                hint="Registeret slik det var denne dagen: ordninger som var etablert og ikke avsluttet. Tomt: i dag.",
            ),
        ],
        className="controls",
        role="search",
        **{"aria-label": "Filtre"},
    )


def filter_toggle() -> html.Button:
    """«Filtre»: opens the filter drawer on tablets and phones (hidden on desktop, see assets/devices.js)."""
    return html.Button(
        "Filtre",
        id=ids.FILTER_TOGGLE,
        className="button filter-toggle",
        **{"aria-expanded": "false", "aria-controls": ids.FILTER_DRAWER},
    )


def table_panel(state: ViewState) -> html.Section:
    """Table view: the service map and the count map as sortable tables with CSV download.

    The grids themselves are not here: a callback sends them into the two holders when «Tabell» is
    first opened, after assets/table_grids.js has loaded the grid's script (`data-grid-script`).
    """
    return html.Section(
        [
            html.H2("Ordninger for valgt tjeneste", id=ids.TABLE_TITLE, className="panel-title"),
            html.P(
                "Én rad per kommune og ordning; «Ingen ordning» der en kartlagt kommune ikke har noen.",
                className="field-hint",
            ),
            html.Button("Last ned tabellen (CSV)", id=ids.TABLE_DOWNLOAD_BUTTON, className="button"),
            dcc.Download(id=ids.TABLE_DOWNLOAD),
            html.P(GRID_KEYS_HELP, className="field-hint"),
            dcc.Store(id=ids.TABLE_GRIDS_READY, data=False),
            html.Section(
                html.P("Laster tabellen …", className="field-hint", role="status"),
                id=ids.TABLE_HOLDER,
                **{"aria-labelledby": ids.TABLE_TITLE},
            ),
            html.H2("Antall ordninger per kommune", id=ids.TOTALS_TITLE, className="panel-title"),
            html.Button("Last ned tabellen (CSV)", id=ids.TOTALS_DOWNLOAD_BUTTON, className="button"),
            dcc.Download(id=ids.TOTALS_DOWNLOAD),
            html.Section(id=ids.TOTALS_HOLDER, **{"aria-labelledby": ids.TOTALS_TITLE}),
            samsvar_table_section(),
        ],
        id=ids.TABLE_PANEL,
        className="panel",
        hidden=state.view != VIEW_TABLE,
        **{"data-grid-script": grid_script_path()},
    )


def build_layout(
    model: "CooperationModel",
    state: ViewState,
    map_figure: Mapping[str, Any],
    topojson_url: str,
    message: str = "",
    structures: Any = (),
) -> html.Div:
    """The whole page for `state`; `map_figure` is the first map, later only patched.

    `structures`: the municipality structures the data can be shown in (the switch).
    """
    map_hidden = state.view == VIEW_TABLE
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            # Session storage: an uploaded file stays in this tab only (see dashboard/web/upload.py).
            dcc.Store(id=ids.DATASET, data=None, storage_type="session"),
            html.Header(
                [
                    html.H1("Samarbeidskartet"),
                    html.P(lead_text(model), id=ids.LEAD, className="lead"),
                    html.Div([html.A("Alle registre", href="/registre"), editor_bar()], className="header-links"),
                    dataset_bar(model),
                    upload_panel(),
                    changes_panel(graph_config(topojson_url, "endringer")),
                    edit_panel(model),
                    history_panel(),
                ],
                className="app-header",
            ),
            html.Div(
                [
                    html.Aside(
                        [html.Button("Lukk filtrene", id=ids.FILTER_CLOSE, className="button drawer-close"), controls(model, state, structures)],
                        id=ids.FILTER_DRAWER,
                        className="sidebar",
                    ),
                    html.Main(
                        [
                            filter_toggle(),
                            html.Div(
                                dcc.RadioItems(
                                    id=ids.VIEW,
                                    options=[{"label": label, "value": view} for view, label in VIEW_LABELS.items()],
                                    value=state.view,
                                    inline=True,
                                    className="view-switch",
                                ),
                                role="radiogroup",
                                **{"aria-label": "Visning"},
                            ),
                            html.P(message, id=ids.MAP_MESSAGE, className="map-message", role="status", **{"aria-live": "polite"}),
                            html.Div(
                                [
                                    html.P(map_description(state.view), id=ids.MAP_DESCRIPTION, className="visually-hidden"),
                                    map_toolbar(),
                                    html.P("Laster kart …", id=ids.MAP_LOADING, className="map-loading", role="status", **{"aria-live": "polite"}),
                                    dcc.Graph(
                                        id=ids.MAP,
                                        figure=map_figure,
                                        config=graph_config(topojson_url, "samarbeidskart"),
                                        className="map-graph",
                                    ),
                                ],
                                id=ids.MAP_PANEL,
                                className="panel",
                                hidden=map_hidden,
                                role="region",
                                **{
                                    "aria-label": "Kart (samme innhold finnes som tabell under «Tabell»)",
                                    "aria-describedby": f"{ids.MAP_DESCRIPTION} {ids.MAP_MESSAGE}",
                                },
                            ),
                            html.Div(
                                dcc.Graph(
                                    id=ids.SECTOR_BARS,
                                    config=graph_config(topojson_url, "ordninger-per-sektor"),
                                ),
                                id=ids.SECTOR_BARS_PANEL,
                                className="panel",
                                hidden=state.view != VIEW_INTENSITY,
                            ),
                            table_panel(state),
                            samsvar_panel(model, state, default_services(model), graph_config(topojson_url, "samsvar")),
                        ],
                        className="main",
                    ),
                    html.Aside(
                        [
                            html.P(id=ids.PROFILE_STATUS, className="visually-hidden", role="status", **{"aria-live": "polite"}),
                            html.Div(html.P(PROFILE_HINT, className="field-hint"), id=ids.PROFILE),
                            html.Button(
                                "Last ned kommunens ordninger (CSV)",
                                id=ids.PROFILE_DOWNLOAD_BUTTON,
                                className="button",
                                hidden=state.municipality is None,
                            ),
                            dcc.Download(id=ids.PROFILE_DOWNLOAD),
                        ],
                        className="profile",
                        **{"aria-label": "Kommuneprofil"},
                    ),
                ],
                className="app-body",
            ),
            html.Footer(
                [
                    html.P(source_note(model), id=ids.SOURCE_NOTE),
                    html.P(
                        "Kartleggingen dekker de kartlagte kommunene; partnere utenfor vises lysere og er bare med "
                        "der de deltar i samme ordning."
                    ),
                ],
                className="app-footer",
            ),
            presentation_overlay(graph_config(topojson_url, "lysbilde")),
        ],
        className="app",
    )
