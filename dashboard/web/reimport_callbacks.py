"""Thin glue for an editor's whole-file changes: a new version of the sheet (differences first, then
confirm or cancel), and keeping a try-upload as a register of its own.

The pending file waits server-side as a draft; the browser holds only its id. Every write asks
`editor_of(page_slug())` first, at confirmation too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard.web import ids
from dashboard.web.auth import editor_of
from dashboard.web.edit_callbacks import NOT_ALLOWED
from dashboard.web.registers import page_slug
from dashboard.web.upload import draft_reference, filename_label, upload_bytes
from dashboard.web.upload_layout import upload_area

if TYPE_CHECKING:
    from dashboard.store.accounts import Accounts
    from dashboard.store.drafts import Drafts
    from dashboard.store.registers import RegisterStore


def diff_view(title: str, lines: list[str]) -> html.Div:
    return html.Div([html.P(title, className="history-heading"), html.Ul([html.Li(line) for line in lines])])


def register_reimport(app: Dash, store: "RegisterStore", drafts: "Drafts", accounts: "Accounts") -> None:
    from dashboard.data.problems import DataError
    from dashboard.store.registers import RegisterError

    # The drop zone comes when the edit panel is first shown (to an editor), not with every page.
    @app.callback(
        Output(ids.REIMPORT_HOLDER, "children"),
        Input(ids.EDIT_PANEL, "hidden"),
        State(ids.REIMPORT_HOLDER, "children"),
        prevent_initial_call=True,
    )
    def _reimport_zone(hidden, shown):
        return no_update if hidden or shown else upload_area(ids.REIMPORT_UPLOAD)

    # The drop zone may not be there yet: its contents and name are then None.
    @app.callback(
        Output(ids.REIMPORT_DIFF, "children"),
        Output(ids.REIMPORT_PENDING, "data"),
        Output(ids.REIMPORT_UPLOAD, "contents"),
        Output(ids.DATASET, "data", allow_duplicate=True),
        Input(ids.REIMPORT_UPLOAD, "contents", allow_optional=True),
        Input(ids.REIMPORT_CONFIRM, "n_clicks"),
        Input(ids.REIMPORT_CANCEL, "n_clicks"),
        State(ids.REIMPORT_UPLOAD, "filename", allow_optional=True),
        State(ids.REIMPORT_PENDING, "data"),
        prevent_initial_call=True,
    )
    def _reimport(contents, _confirm, _cancel, filename, pending):
        slug = page_slug()
        editor = editor_of(slug)
        if editor is None:
            return NOT_ALLOWED, None, None, no_update
        if ctx.triggered_id == ids.REIMPORT_CANCEL:
            return "Avbrutt; ingenting er lagret.", None, None, no_update
        try:
            if ctx.triggered_id == ids.REIMPORT_UPLOAD and contents:
                label = filename_label(filename)
                content = upload_bytes(contents, label)
                plan = store.plan_import(content, label, slug=slug)
                if plan.diff.empty:
                    return f"{label}: ingen endringer fra registeret.", None, None, no_update
                draft_id = drafts.save(content, label)
                title = f"{label}: {plan.diff.summary()}. Ingenting er lagret ennå."
                return diff_view(title, plan.lines()), {"draft": draft_id}, None, no_update
            if ctx.triggered_id == ids.REIMPORT_CONFIRM and isinstance(pending, dict):
                loaded = drafts.load(pending.get("draft"))
                if loaded is None:
                    return "Filen er ikke lenger tilgjengelig; last den opp på nytt.", None, None, no_update
                content, label = loaded
                entry = store.apply_import(store.plan_import(content, label, slug=slug), editor.email)
                message = f"Lagret fra {label}: {entry.added} nye, {entry.changed} endret, {entry.ended} avsluttet."
                return message, None, None, {"register": slug, "versjon": store.version(slug)}
        except DataError as error:
            lines = [str(problem) for problem in error.problems[:50]]
            return diff_view(f"Filen ble ikke tatt i bruk ({error.count_text()}). Registeret er uendret.", lines), None, None, no_update
        except RegisterError as error:
            return f"Ikke lagret: {error}.", None, None, no_update
        return no_update, no_update, no_update, no_update

    @app.callback(Output(ids.REIMPORT_ACTIONS, "hidden"), Input(ids.REIMPORT_PENDING, "data"))
    def _actions(pending):
        return not pending

    @app.callback(Output(ids.KEEP_DRAFT, "hidden"), Input(ids.DATASET, "data"), Input(ids.EDIT_PANEL, "hidden"))
    def _keep_visible(store_value, edit_hidden):
        return edit_hidden or draft_reference(store_value) is None

    @app.callback(
        Output(ids.KEEP_DRAFT_STATUS, "children"),
        Input(ids.KEEP_DRAFT_BUTTON, "n_clicks"),
        State(ids.KEEP_DRAFT_NAME, "value"),
        State(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _keep(_clicks, name, store_value) -> Any:
        slug = page_slug()
        editor = editor_of(slug)
        reference = draft_reference(store_value)
        if editor is None:
            return NOT_ALLOWED
        loaded = drafts.load(reference[0]) if reference and reference[1] == slug else None  # a draft of this page
        if loaded is None:
            return "Det er ingen prøvefil å lagre (den slettes etter 24 timer)."
        content, label = loaded
        try:
            plan = store.plan_import(content, label, name=str(name or "").strip())
            if plan.exists:
                return f"Lenkenavnet «{plan.slug}» er allerede i bruk; velg et annet navn."
            store.apply_import(plan, editor.email)
            accounts.grant(editor, plan.slug)
        except (DataError, RegisterError) as error:
            return f"Ikke lagret: {error}"
        return html.Span([f"Lagret som «{plan.name}»: ", html.A(f"/r/{plan.slug}", href=f"/r/{plan.slug}"), ". Du er redaktør for det."])
