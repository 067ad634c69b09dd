"""Thin glue for editors: fill the form, validate and save, end, revert, and the change log.

Every write asks `editor_of(page_slug())` first, so an editor of one register cannot touch
another, whatever a hand-made callback request says. The form is checked by the same reader and
messages as an uploaded sheet; each message is shown next to its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Sequence

import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from flask_wtf.csrf import generate_csrf

from dashboard.data.problems import Problem
from dashboard.output.safe_csv import to_safe_xlsx
from dashboard.web import ids
from dashboard.web.auth import editor_of
from dashboard.web.callbacks import csv_download
from dashboard.web.edit_layout import (
    EDIT_FIELDS,
    NEW_ARRANGEMENT,
    REVERT_TYPE,
    STATE_TYPE,
    change_set_item,
    edit_options,
    error_id,
)
from dashboard.web.registers import page_slug
from dashboard.web.upload_callbacks import XLSX_TYPE

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel
    from dashboard.store import records as rec
    from dashboard.store.registers import RegisterStore

# The store and the sheet reader are imported inside the functions that use them, so that
# importing the app stays light (tests/web/test_app.py).

FORM_LABEL = "skjemaet"
NOT_ALLOWED = "Du må være logget inn som redaktør for dette registeret for å endre det."
FIELD_OF_COLUMN = {column: component_id for component_id, column, _label in EDIT_FIELDS}


def form_values(record: "rec.Record | None") -> tuple[Any, ...]:
    """The form's values (EDIT_FIELDS order) for a record, or empty for a new arrangement."""
    if record is None:
        return ("", [], "", [], [], None, "", "")
    return (record.name, list(record.services), record.sector, list(record.members), list(record.hosts),
            record.legal_form or None, record.established, record.source)


def _message(problem: Problem) -> str:
    return problem.message + (f". Mente du «{problem.suggestion}»?" if problem.suggestion else "")


def record_from_form(values: Sequence[Any], base: "CooperationModel", origin: str) -> tuple["rec.Record | None", dict[str, str]]:
    """(record, {}) for a valid form, or (None, {field id: message}) with every problem by its field."""
    from dashboard.data.problems import DataError
    from dashboard.data.sheets import USER_COLUMNS, model_from_rows
    from dashboard.store import records as rec

    name, services, sector, members, hosts, legal_form, established, source = values

    def listed(items: Any) -> list[str]:
        return [str(item) for item in (items or [])][:400]

    cells = {
        "navn": str(name or "").strip(),
        "tjeneste": "; ".join(listed(services)),
        "sektor": str(sector or "").strip(),
        "deltakere": ", ".join(listed(members)),
        "vertskommune": ", ".join(listed(hosts)),
        "organisasjonsform": str(legal_form or ""),
        "etablert": str(established or "").strip(),
        "kilde": str(source or "").strip(),
    }
    try:
        model = model_from_rows([(1, list(USER_COLUMNS)), (2, [cells[column] for column in USER_COLUMNS])], FORM_LABEL, base.registry, base)
    except DataError as error:
        messages: dict[str, str] = {}
        for problem in error.problems:
            field = FIELD_OF_COLUMN.get(problem.column or "", ids.EDIT_NAME)
            messages.setdefault(field, _message(problem))
        return None, messages
    [record] = rec.records_from_model(model)
    return replace(record, origin=origin), {}


def change_log_items(store: "RegisterStore", slug: str) -> list[html.Li]:
    """The register's change sets, newest first, each with its lines and a way to undo it."""
    from dashboard.store.schema import local_time

    lines_by_set: dict[int, list[str]] = {}
    for line in store.history(slug):
        if line.change_set is not None:
            lines_by_set.setdefault(line.change_set, []).append(line.describe())
    items = []
    for entry in store.change_sets(slug):
        kind = {"fil": f"import av {entry.filename}", "redigering": "redigering", "tilbakestilling": "tilbakestilling"}.get(entry.kind, entry.kind)
        heading = f"{local_time(entry.at).strftime('%d.%m.%Y %H:%M')} · {entry.actor} · {kind}" + (f" · «{entry.reason}»" if entry.reason else "")
        lines = lines_by_set.get(entry.id, [])
        if lines:
            items.append(change_set_item(entry.id, heading, lines, revertible=True))
    return items


def arrangement_history(store: "RegisterStore", slug: str, record: "rec.Record | None") -> Any:
    """One arrangement's audit trail (newest first), shown under the form when it is picked."""
    from dashboard.store.schema import local_time

    if record is None:
        return []
    lines = [line for line in store.history(slug) if line.key == record.key]
    items = [
        html.Li(f"{local_time(line.at).strftime('%d.%m.%Y %H:%M')} · {line.actor}: {line.describe()}" + (f" – {line.reason}" if line.reason else ""))
        for line in reversed(lines)
    ]
    return [html.P(f"Endringer i «{record.name}»", className="history-heading"), html.Ul(items)] if items else []


def clicked_index(clicks: Any) -> int | None:
    """The change set id of the pattern-matched button that was clicked, or None (no click, or forged)."""
    trigger = ctx.triggered_id
    if not any(clicks or []) or not isinstance(trigger, dict) or not isinstance(trigger.get("index"), int):
        return None
    return trigger["index"]


def history_frame(store: "RegisterStore", slug: str) -> pd.DataFrame:
    from dashboard.store.schema import local_time

    rows = [
        {"tidspunkt": local_time(line.at).strftime("%Y-%m-%d %H:%M:%S"), "hvem": line.actor, "ordning": line.arrangement, "hva": line.action,
         "felt": line.field or "", "før": line.before or "", "etter": line.after or "", "begrunnelse": line.reason or "",
         "fil": line.filename or ""}
        for line in store.history(slug)
    ]
    return pd.DataFrame(rows, columns=["tidspunkt", "hvem", "ordning", "hva", "felt", "før", "etter", "begrunnelse", "fil"])


def register_edit(app: Dash, store: "RegisterStore", datasets) -> None:
    """Attach the editor callbacks."""
    from dashboard.store.registers import RegisterError

    field_ids = [component_id for component_id, _column, _label in EDIT_FIELDS]

    def changed(slug: str) -> dict[str, Any]:
        """A new DATASET value, so every view redraws from the register's new version."""
        return {"register": slug, "versjon": store.version(slug)}

    @app.callback(
        Output(ids.EDITOR_BAR, "children"),
        Output(ids.EDIT_PANEL, "hidden"),
        Output(ids.HISTORY_PANEL, "hidden"),
        Output(ids.EDIT_PICK, "options"),
        Output(ids.EDIT_SERVICES, "options"),
        Output(ids.EDIT_MEMBERS, "options"),
        Output(ids.EDIT_HOSTS, "options"),
        Output(ids.EDIT_LEGAL_FORM, "options"),
        Output(ids.EDIT_SECTOR_CHOICES, "children"),
        Input(ids.URL, "pathname"),
        Input(ids.DATASET, "data"),
    )
    def _editor_view(pathname, _store):
        slug = page_slug()
        unchanged = (no_update,) * 6
        if not (pathname or "").startswith("/r/"):
            return None, True, True, *unchanged
        editor = editor_of(slug)
        if editor is None:
            return html.A("Logg inn for å redigere", href=f"/r/{slug}/logg-inn"), True, True, *unchanged
        bar = html.Form(
            [
                html.Span(f"Logget inn som {editor.email}. "),
                dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),  # logging out is a state change too
                html.Button("Logg ut", type="submit", className="button"),
            ],
            method="post", action=f"/r/{slug}/logg-ut",
        )
        options = [{"label": "Ny ordning", "value": NEW_ARRANGEMENT}]
        options += [{"label": record.name, "value": record.key} for record in store.active_records(slug)]
        model = store.base_of(store.structure_of(slug))  # the vocabulary and every municipality of the register's structure
        services, municipalities, forms = edit_options(model)
        sectors = [html.Option(value=label) for label in model.sectors["label"]]
        return bar, False, False, options, services, municipalities, municipalities, forms, sectors

    @app.callback(
        *[Output(field, "value") for field in field_ids],
        Output(ids.EDIT_ARRANGEMENT_HISTORY, "children"),
        Input(ids.EDIT_PICK, "value"),
        Input(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _pick(key, _store):
        slug = page_slug()
        if editor_of(slug) is None:
            return (no_update,) * (len(field_ids) + 1)
        found = [record for record in store.active_records(slug) if record.key == key]
        record = found[0] if found else None
        values = form_values(record) if ctx.triggered_id == ids.EDIT_PICK else (no_update,) * len(field_ids)
        return (*values, arrangement_history(store, slug, record))

    def listed_button(listed: bool) -> tuple[str, str]:
        """(label, aria-pressed) of the toggle: pressed means «shown in the list»."""
        return ("Står i listen over registre (trykk for å skjule)", "true") if listed else ("Vis i listen over registre", "false")

    @app.callback(
        Output(ids.EDIT_LISTED, "children"),
        Output(ids.EDIT_LISTED, "aria-pressed"),
        Output(ids.EDIT_STATUS, "children", allow_duplicate=True),
        Input(ids.EDIT_PANEL, "hidden"),
        Input(ids.EDIT_LISTED, "n_clicks"),
        prevent_initial_call=True,
    )
    def _listed(hidden, _clicks):
        slug = page_slug()
        info = store.info(slug)
        if hidden or info is None or editor_of(slug) is None:
            return no_update, no_update, no_update
        if ctx.triggered_id != ids.EDIT_LISTED:
            return (*listed_button(info.listed), no_update)
        store.set_listed(slug, not info.listed)
        message = "Registeret står nå i listen over registre." if not info.listed else "Registeret er tatt ut av listen; lenken virker fortsatt."
        return (*listed_button(not info.listed), message)

    @app.callback(
        *[Output(error_id(field), "children") for field in field_ids],
        Output(ids.EDIT_STATUS, "children"),
        Output(ids.DATASET, "data", allow_duplicate=True),
        Output(ids.EDIT_PICK, "value"),
        Input(ids.EDIT_SAVE, "n_clicks"),
        *[State(field, "value") for field in field_ids],
        State(ids.EDIT_PICK, "value"),
        State(ids.EDIT_REASON, "value"),
        prevent_initial_call=True,
    )
    def _save(_clicks, *args):
        *values, key, reason = args
        slug = page_slug()
        editor = editor_of(slug)
        nothing = ("",) * len(field_ids)
        if editor is None:
            return (*nothing, NOT_ALLOWED, no_update, no_update)
        origin = "redigert i siden"  # who: in the change log, for editors; the public source names no person
        try:
            base = store.base_of(store.structure_of(slug))
        except RegisterError as error:
            return (*nothing, f"Ikke lagret: {error}.", no_update, no_update)
        record, messages = record_from_form(values, base, origin)
        if record is None:
            errors = tuple(messages.get(field, "") for field in field_ids)
            return (*errors, "Ikke lagret: rett feltene som er merket.", no_update, no_update)
        try:
            store.save_arrangement(slug, record, editor.email, key=None if key == NEW_ARRANGEMENT else key, reason=reason)
        except RegisterError as error:
            return (*nothing, f"Ikke lagret: {error}.", no_update, no_update)
        return (*nothing, f"Lagret «{record.name}».", changed(slug), record.key)

    @app.callback(
        Output(ids.EDIT_STATUS, "children", allow_duplicate=True),
        Output(ids.DATASET, "data", allow_duplicate=True),
        Output(ids.EDIT_PICK, "value", allow_duplicate=True),
        Input(ids.EDIT_END, "n_clicks"),
        State(ids.EDIT_PICK, "value"),
        State(ids.EDIT_END_DATE, "value"),
        State(ids.EDIT_REASON, "value"),
        prevent_initial_call=True,
    )
    def _end(_clicks, key, end_date, reason):
        slug = page_slug()
        editor = editor_of(slug)
        if editor is None:
            return NOT_ALLOWED, no_update, no_update
        if key in (None, NEW_ARRANGEMENT):
            return "Velg ordningen som skal avsluttes.", no_update, no_update
        try:
            on = dt.date.fromisoformat(str(end_date)) if end_date else dt.date.today()
        except ValueError:
            return f"«{end_date}» er ikke en dato.", no_update, no_update
        try:
            store.end_arrangement(slug, key, on, editor.email, reason=reason)
        except RegisterError as error:
            return f"Ikke avsluttet: {error}.", no_update, no_update
        return f"Avsluttet med sluttdato {on.strftime('%d.%m.%Y')}. Ordningen blir i historikken.", changed(slug), NEW_ARRANGEMENT

    @app.callback(Output(ids.HISTORY_LIST, "children"), Input(ids.HISTORY_PANEL, "hidden"), Input(ids.DATASET, "data"))
    def _history(hidden, _store):
        slug = page_slug()
        if hidden or editor_of(slug) is None:
            return []
        items = change_log_items(store, slug)
        return html.Ol(items, className="history-sets", reversed=True) if items else html.P("Ingen endringer ennå.")

    @app.callback(
        Output(ids.EDIT_STATUS, "children", allow_duplicate=True),
        Output(ids.DATASET, "data", allow_duplicate=True),
        Input({"type": REVERT_TYPE, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _revert(clicks):
        slug = page_slug()
        editor = editor_of(slug)
        set_id = clicked_index(clicks)
        if set_id is None:
            return no_update, no_update
        if editor is None:
            return NOT_ALLOWED, no_update
        try:
            store.revert(slug, set_id, editor.email)
        except RegisterError as error:
            return f"Ikke angret: {error}.", no_update
        return "Endringen er angret, og angringen står i endringsloggen.", changed(slug)

    @app.callback(
        Output(ids.HISTORY_DOWNLOAD, "data"),
        Input(ids.HISTORY_CSV_BUTTON, "n_clicks"),
        Input(ids.HISTORY_XLSX_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
    def _history_download(_csv, _xlsx):
        slug = page_slug()
        if editor_of(slug) is None:
            return no_update
        frame = history_frame(store, slug)
        name = f"endringslogg-{slug}-{dt.date.today().isoformat()}"
        if ctx.triggered_id == ids.HISTORY_XLSX_BUTTON:
            return dcc.send_bytes(to_safe_xlsx(frame, sheet_name="Endringslogg"), f"{name}.xlsx", type=XLSX_TYPE)
        return csv_download(frame, f"{name}.csv")

    @app.callback(
        Output(ids.HISTORY_DOWNLOAD, "data", allow_duplicate=True),
        Input({"type": STATE_TYPE, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _state_download(clicks):
        """The register as it stood right after one change set: nothing is lost."""
        from dashboard.store.schema import local_time

        slug = page_slug()
        set_id = clicked_index(clicks)
        if editor_of(slug) is None or set_id is None:
            return no_update
        entry = {entry.id: entry for entry in store.change_sets(slug)}.get(set_id)
        if entry is None:
            return no_update
        frame = store.export_frame(slug, entry.at)
        stamp = local_time(entry.at).strftime("%Y-%m-%d-%H%M")
        return dcc.send_bytes(to_safe_xlsx(frame, sheet_name="Ordninger"), f"{slug}-slik-det-var-{stamp}.xlsx", type=XLSX_TYPE)
