"""Thin glue for "bring your own data": template downloads, the upload, and switching datasets.

Bodies are plain functions (tested without a server). A refused file changes nothing but the
problem list: the DATASET store, the controls and the map keep what the user was looking at.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from dash import Dash, Input, Output, State, ctx, dcc, no_update

from dashboard.store import SURVEY_SLUG
from dashboard.views.datasets import Dataset, Resolver
from dashboard.views.view_state import ViewState
from dashboard.web import ids
from dashboard.web.callbacks import STATE_OUTPUTS, control_values, state_from_controls
from dashboard.web.layout import (
    lead_text,
    municipality_options,
    region_choices,
    service_options,
    source_note,
    structure_options,
)
from dashboard.web.registers import PageDatasets, page_slug
from dashboard.web.upload import (
    DRAFT_GONE,
    UploadedFiles,
    dataset_summary,
    problem_lines,
    size_problem,
    state_for_dataset,
)
from dashboard.web.upload_layout import problem_list, upload_zone

TEMPLATE_NAME = "samarbeidsordninger-mal"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_download(kind: str, dataset: Dataset) -> dict[str, Any]:
    """dcc.Download payload of the template ("xlsx" or "csv"); its guide lists the built-in vocabulary."""
    from dashboard.output.template import (  # only when asked for
        template_csv_bytes,
        template_xlsx_bytes,
    )

    if kind == "xlsx":
        return dcc.send_bytes(template_xlsx_bytes(dataset.model), f"{TEMPLATE_NAME}.xlsx", type=XLSX_TYPE)
    return dcc.send_bytes(template_csv_bytes(), f"{TEMPLATE_NAME}.csv", type="text/csv")


def changed_controls(new: ViewState, current: ViewState, default_structure: str | None = None) -> tuple[Any, ...]:
    """Control values of `new` (STATE_OUTPUTS order), no_update where the control already shows it."""
    pairs = zip(control_values(new, default_structure=default_structure), control_values(current, default_structure=default_structure))
    return tuple(value if value != old else no_update for value, old in pairs)


def switch_to(store_value: Any, resolve: Resolver, current: ViewState) -> tuple[Any, ...]:
    """Outputs that show another dataset (in its own structure): store value, no problems, controls framed for it."""
    dataset = resolve(store_value)
    own = dataset.allowed.default_structure
    values = list(changed_controls(state_for_dataset(current, dataset), current, own))
    values[STATE_OUTPUTS.index((ids.STRUCTURE, "value"))] = own  # always: the data before may have had another
    return (store_value, [], None, *values)


def upload_outcome(
    uploads: UploadedFiles,
    resolve: Resolver,
    trigger: str | None,
    contents: str | None,
    filename: str | None,
    rejected: Mapping[str, Any] | None,
    current: ViewState,
    register: str = SURVEY_SLUG,
) -> tuple[Any, ...]:
    """(DATASET store, problem list, upload contents, *control values) for one upload event.

    A good file replaces the dataset and frames the map on it; a bad or refused one only
    fills the problem list; "Tilbake" returns to the page's register. The upload's contents are
    cleared either way, so the file isn't kept in the page and the same file can be sent again.
    The store gets only the draft's id and the page's `register` slug.
    """
    from dashboard.data.problems import (
        DataError,  # here: importing the app loads no data code
    )

    unchanged = (no_update,) * len(STATE_OUTPUTS)
    if trigger == ids.DATASET_RESET:
        return switch_to(None, resolve, current)
    if trigger == ids.UPLOAD_REJECTED and rejected:
        size = rejected.get("size")  # from the browser: trust nothing
        problem = size_problem(str(rejected.get("name") or ""), int(size) if isinstance(size, (int, float)) else 0)
        return (no_update, problem_list(problem.file, "1 problem", [str(problem)]), no_update, *unchanged)
    if trigger != ids.UPLOAD or not contents:
        return (no_update, no_update, no_update, *unchanged)
    try:
        store_value = uploads.accept(contents, filename, register)
    except DataError as error:
        label = error.problems[0].file if error.problems else str(filename)
        return (no_update, problem_list(label, error.count_text(), problem_lines(error)), None, *unchanged)
    return switch_to(store_value, resolve, current)


def _choices(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for value, label in pairs]


def dataset_view(dataset: Dataset, is_upload: bool, draft_gone: bool = False) -> tuple[Any, ...]:
    """Everything outside the views that names the dataset: banner, way back, control options,
    lead and source line. Regions list only those with a municipality of the dataset (in the
    structure shown: Buskerud in 2024, Viken in 2020). A draft that no longer exists (expired or
    forged id) is said in the banner."""
    model = dataset.model
    own = dataset.allowed.default_structure or model.structure
    regions = region_choices(model)
    summary = dataset_summary(model)
    return (
        f"{DRAFT_GONE} {summary}" if draft_gone else summary,
        not is_upload,
        service_options(model),
        regions,
        _choices(model.sector_options()),
        _choices(model.legal_form_options()),
        municipality_options(model),
        lead_text(model),
        source_note(model),
        structure_options(dataset.allowed.structures, own),
    )


def register_upload(app: Dash, resolve: PageDatasets, uploads: UploadedFiles) -> None:
    """Attach the upload callbacks; data comes from `resolve` like every other view's."""

    for kind, button, download in (
        ("xlsx", ids.TEMPLATE_XLSX_BUTTON, ids.TEMPLATE_XLSX_DOWNLOAD),
        ("csv", ids.TEMPLATE_CSV_BUTTON, ids.TEMPLATE_CSV_DOWNLOAD),
    ):

        def _template(_clicks, kind=kind):
            return template_download(kind, resolve(None))

        app.callback(Output(download, "data"), Input(button, "n_clicks"), prevent_initial_call=True)(_template)

    def shown_state(values: Sequence[Any], store: Any) -> ViewState:
        return state_from_controls(*values, default_service=resolve(store).allowed.default_service)

    # The upload area comes with the panel's first opening (by click or by Enter/Space on its
    # summary), not with the page; opened again, it stays as it is.
    @app.callback(
        Output(ids.UPLOAD_HOLDER, "children"),
        Input(ids.UPLOAD_SUMMARY, "n_clicks"),
        State(ids.UPLOAD_HOLDER, "children"),
        prevent_initial_call=True,
    )
    def _upload_zone(_clicks, shown):
        return no_update if shown else upload_zone()

    # DATASET first: the views then see the dataset as their trigger and redraw in full. Both
    # inputs come from the drop zone, so this fires only once the zone is there; «Tilbake til …»
    # is a callback of its own, as it must work before the zone was ever sent (after a reload).
    @app.callback(
        Output(ids.DATASET, "data"),
        Output(ids.UPLOAD_PROBLEMS, "children"),
        Output(ids.UPLOAD, "contents"),
        *[Output(component, prop, allow_duplicate=True) for component, prop in STATE_OUTPUTS],
        Input(ids.UPLOAD, "contents"),
        Input(ids.UPLOAD_REJECTED, "data"),
        State(ids.UPLOAD, "filename"),
        *[State(component, prop) for component, prop in STATE_OUTPUTS],
        State(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _upload(contents, rejected, filename, *rest):
        *values, store = rest
        return upload_outcome(uploads, resolve, ctx.triggered_id, contents, filename, rejected, shown_state(values, store), page_slug())

    @app.callback(
        Output(ids.DATASET, "data", allow_duplicate=True),
        Output(ids.UPLOAD_PROBLEMS, "children", allow_duplicate=True),
        *[Output(component, prop, allow_duplicate=True) for component, prop in STATE_OUTPUTS],
        Input(ids.DATASET_RESET, "n_clicks"),
        *[State(component, prop) for component, prop in STATE_OUTPUTS],
        State(ids.DATASET, "data"),
        prevent_initial_call=True,
    )
    def _reset(_clicks, *rest):
        *values, store = rest
        current = shown_state(values, store)
        store_value, problems, _contents, *controls = upload_outcome(uploads, resolve, ids.DATASET_RESET, None, None, None, current, page_slug())
        return (store_value, problems, *controls)

    @app.callback(
        Output(ids.DATASET_LABEL, "children"),
        Output(ids.DATASET_RESET, "hidden"),
        Output(ids.SERVICE, "options"),
        Output(ids.REGION, "options"),
        Output(ids.SECTOR, "options"),
        Output(ids.LEGAL_FORM, "options"),
        Output(ids.MUNICIPALITY, "options"),
        Output(ids.LEAD, "children"),
        Output(ids.SOURCE_NOTE, "children"),
        Output(ids.STRUCTURE, "options"),
        Input(ids.DATASET, "data"),
        Input(ids.STRUCTURE, "value"),
        prevent_initial_call=True,
    )
    def _dataset_view(store, structure):
        own = resolve(store)
        dataset = resolve(store, structure=structure) if structure else own
        return dataset_view(dataset, own is not resolve(None), resolve.draft_missing(store))
