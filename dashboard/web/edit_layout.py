"""Pure component trees for editors: the login bar, the edit form and the register's change log.

Every page has them (the layout is shared by all visitors of a register); a callback shows them
only to a logged-in editor of that register. Each field has a label and a place for its message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from dash import dcc, html

from dashboard.web import ids
from dashboard.web.plotly_locale import DROPDOWN_LABELS

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

NEW_ARRANGEMENT = "__ny__"
# Pattern-matching id type of the «Angre» buttons: {"type": REVERT_TYPE, "index": change set id}.
REVERT_TYPE = "revert"
# «Last ned registeret slik det var etter denne endringen»: {"type": STATE_TYPE, "index": change set id}.
STATE_TYPE = "state-download"
# Edit form fields: component id, the sheet's column (whose messages it shows), label.
EDIT_FIELDS = (
    (ids.EDIT_NAME, "navn", "Navn"),
    (ids.EDIT_SERVICES, "tjeneste", "Tjenester"),
    (ids.EDIT_SECTOR, "sektor", "Sektor"),
    (ids.EDIT_MEMBERS, "deltakere", "Deltakere"),
    (ids.EDIT_HOSTS, "vertskommune", "Vertskommune"),
    (ids.EDIT_LEGAL_FORM, "organisasjonsform", "Organisasjonsform"),
    (ids.EDIT_ESTABLISHED, "etablert", "Etablert (år)"),
    (ids.EDIT_SOURCE, "kilde", "Kilde"),
)


def error_id(component_id: str) -> str:
    return f"{component_id}-error"


def _edit_field(component_id: str, label: str, control: Any) -> html.Div:
    message = html.P(id=error_id(component_id), className="field-error", role="alert")
    return html.Div(
        [html.Label(label, htmlFor=component_id, className="field-label"), control, message], className="field edit-field"
    )


def editor_bar() -> html.Div:
    """Filled by a callback: «Logg inn for å redigere», or who is logged in and «Logg ut»."""
    return html.Div(id=ids.EDITOR_BAR, className="editor-bar")


def edit_options(model: "CooperationModel") -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """(services, municipalities, legal forms) for the form: sent only to editors, not in every page."""
    from dashboard.data.sheets import (
        USER_LEGAL_FORMS,  # here: importing the app loads no data code
    )

    municipalities = [{"label": name, "value": knr} for knr, name in zip(model.municipalities["kommunenummer"], model.municipalities["kommune"])]
    municipalities.sort(key=lambda option: option["label"])
    services = sorted(
        ({"label": label, "value": sid} for sid, label in zip(model.services["id"], model.services["label"])),
        key=lambda option: option["label"].casefold(),
    )
    forms = [{"label": model.legal_form_label(form), "value": form} for form in USER_LEGAL_FORMS]
    return services, municipalities, forms


def edit_panel(model: "CooperationModel") -> html.Details:
    """The form, empty of choices until an editor is logged in (edit_options fills them)."""
    services: list[dict[str, str]] = []
    municipalities: list[dict[str, str]] = []
    forms: list[dict[str, str]] = []
    controls = {
        ids.EDIT_NAME: dcc.Input(id=ids.EDIT_NAME, type="text", maxLength=300, className="text-input"),
        ids.EDIT_SERVICES: dcc.Dropdown(labels=DROPDOWN_LABELS, id=ids.EDIT_SERVICES, options=services, multi=True, placeholder="Velg tjenester …"),
        ids.EDIT_SECTOR: dcc.Input(id=ids.EDIT_SECTOR, type="text", list=ids.EDIT_SECTOR_CHOICES, maxLength=200, className="text-input"),
        ids.EDIT_MEMBERS: dcc.Dropdown(labels=DROPDOWN_LABELS, id=ids.EDIT_MEMBERS, options=municipalities, multi=True, placeholder="Velg kommuner …"),
        ids.EDIT_HOSTS: dcc.Dropdown(labels=DROPDOWN_LABELS, id=ids.EDIT_HOSTS, options=municipalities, multi=True, placeholder="Ingen"),
        ids.EDIT_LEGAL_FORM: dcc.Dropdown(labels=DROPDOWN_LABELS, id=ids.EDIT_LEGAL_FORM, options=forms, placeholder="Ukjent"),
        ids.EDIT_ESTABLISHED: dcc.Input(id=ids.EDIT_ESTABLISHED, type="text", inputMode="numeric", maxLength=9, className="text-input"),
        ids.EDIT_SOURCE: dcc.Input(id=ids.EDIT_SOURCE, type="text", maxLength=300, className="text-input"),
    }
    fields = [_edit_field(component_id, label, controls[component_id]) for component_id, _column, label in EDIT_FIELDS]
    return html.Details(
        [
            html.Summary("Rediger registeret"),
            html.Div(
                [
                    _edit_field(
                        ids.EDIT_PICK,
                        "Ordning",
                        dcc.Dropdown(labels=DROPDOWN_LABELS, id=ids.EDIT_PICK, value=NEW_ARRANGEMENT, clearable=False, options=[{"label": "Ny ordning", "value": NEW_ARRANGEMENT}]),
                    ),
                    html.Div(id=ids.EDIT_ARRANGEMENT_HISTORY, className="history-list"),
                    html.Datalist(id=ids.EDIT_SECTOR_CHOICES),
                    html.Div(fields, className="edit-grid"),
                    _edit_field(ids.EDIT_REASON, "Begrunnelse (valgfri, vises i endringsloggen)", dcc.Input(id=ids.EDIT_REASON, type="text", maxLength=500, className="text-input")),
                    html.Div(
                        [
                            html.Button("Lagre", id=ids.EDIT_SAVE, className="button button-strong"),
                            html.Div(
                                [
                                    html.Label("Sluttdato", htmlFor=ids.EDIT_END_DATE, className="field-label"),
                                    dcc.Input(id=ids.EDIT_END_DATE, type="date", className="text-input"),
                                    html.Button("Avslutt ordningen", id=ids.EDIT_END, className="button"),
                                ],
                                className="edit-end",
                            ),
                        ],
                        className="edit-actions",
                    ),
                    html.P(id=ids.EDIT_STATUS, className="edit-status", role="status", **{"aria-live": "polite"}),
                    html.P(
                        [
                            html.Button("Vis i listen over registre", id=ids.EDIT_LISTED, className="button", **{"aria-pressed": "false"}),
                            html.Span(" Et register som ikke står i listen, vises bare for dem som har lenken.", className="field-hint"),
                        ],
                        className="field",
                    ),
                    reimport_section(),
                    keep_draft_section(),
                ],
                className="edit-body",
            ),
        ],
        id=ids.EDIT_PANEL,
        className="edit-panel",
        hidden=True,
    )


def reimport_section() -> html.Div:
    """Upload a new version of the register's sheet; its differences show before anything is written."""
    return html.Div(
        [
            html.H3("Ny versjon av regnearket"),
            html.P("Last opp en ny versjon av hele registeret. Du ser forskjellene før noe blir lagret.", className="field-hint"),
            # The drop zone comes when the edit panel is first shown (reimport_callbacks.py).
            html.Div(id=ids.REIMPORT_HOLDER, **{"data-file-label": "Ny versjon av regnearket (.xlsx eller .csv)"}),
            dcc.Store(id=ids.REIMPORT_PENDING),
            html.Div(id=ids.REIMPORT_DIFF, className="history-list", role="status", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Button("Lagre endringene", id=ids.REIMPORT_CONFIRM, className="button button-strong"),
                    html.Button("Avbryt", id=ids.REIMPORT_CANCEL, className="button"),
                ],
                id=ids.REIMPORT_ACTIONS,
                className="upload-buttons",
                hidden=True,
            ),
        ],
        className="reimport",
    )


def keep_draft_section() -> html.Div:
    """Shown while a try-upload is on screen: keep it as a new register under a name."""
    return html.Div(
        [
            html.H3("Behold prøvefilen som et nytt register"),
            html.Div(
                [
                    html.Label("Navn på registeret", htmlFor=ids.KEEP_DRAFT_NAME, className="field-label"),
                    dcc.Input(id=ids.KEEP_DRAFT_NAME, type="text", maxLength=200, className="text-input"),
                ],
                className="field",
            ),
            html.Button("Lagre som register", id=ids.KEEP_DRAFT_BUTTON, className="button button-strong"),
            html.P(id=ids.KEEP_DRAFT_STATUS, className="edit-status", role="status", **{"aria-live": "polite"}),
        ],
        id=ids.KEEP_DRAFT,
        className="keep-draft",
        hidden=True,
    )


def history_panel() -> html.Details:
    return html.Details(
        [
            html.Summary("Endringslogg"),
            html.Div(
                [
                    html.Button("Last ned (CSV)", id=ids.HISTORY_CSV_BUTTON, className="button"),
                    html.Button("Last ned (Excel)", id=ids.HISTORY_XLSX_BUTTON, className="button"),
                    dcc.Download(id=ids.HISTORY_DOWNLOAD),
                ],
                className="upload-buttons",
            ),
            html.Div(id=ids.HISTORY_LIST, className="history-list"),
        ],
        id=ids.HISTORY_PANEL,
        className="edit-panel",
        hidden=True,
    )


def change_set_item(set_id: int, heading: str, lines: Sequence[str], revertible: bool) -> html.Li:
    """One change set: when, who, why, each change as text, and «Angre» (itself recorded as a change)."""
    children: list[Any] = [html.P(heading, className="history-heading"), html.Ul([html.Li(line) for line in lines])]
    buttons = [html.Button("Last ned registeret slik det var etter dette (Excel)", id={"type": STATE_TYPE, "index": set_id}, className="button")]
    if revertible:
        buttons.append(html.Button("Angre denne endringen", id={"type": REVERT_TYPE, "index": set_id}, className="button"))
    children.append(html.Div(buttons, className="upload-buttons"))
    return html.Li(children, className="history-item")
