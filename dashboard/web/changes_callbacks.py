"""Thin glue for «Endringer siden»: the day from the link or the field, the store's changes, the map and the list.

Open to everyone, like the register itself: it shows what changed, not who changed it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from dash import Dash, Input, Output, State, no_update

from dashboard.data.structures import numbers_shown
from dashboard.views import figures
from dashboard.views.datasets import Dataset, Resolver
from dashboard.views.view_state import CHANGES_KEY, valid_date
from dashboard.web import ids
from dashboard.web.changes_layout import changes_list
from dashboard.web.registers import page_slug

if TYPE_CHECKING:
    from dashboard.store.registers import RegisterStore

KIND_HEADINGS = (("ny", "Nye ordninger"), ("endret", "Endrede ordninger"), ("avsluttet", "Avsluttede ordninger"))
DEFAULT_DAYS = 365


def since_from_query(search: str | None) -> str | None:
    return valid_date(dict(parse_qsl((search or "").lstrip("?"))).get(CHANGES_KEY))


def changes_of(store: "RegisterStore", dataset: Dataset, slug: str, since: str | None) -> tuple[dict[str, Any], str, list[Any]]:
    """(map spec, summary sentence, changes) of the register since `since` (default: a year ago) until now.

    The history names municipalities in the register's own structure; the map draws them in the
    one `dataset` is shown in (Drammen 3005 as 3301 in 2024).
    """
    from dashboard.store.schema import stored_time, utcnow

    day = dt.date.fromisoformat(since) if valid_date(since) else dt.date.today() - dt.timedelta(days=DEFAULT_DAYS)
    start = stored_time(dt.datetime.combine(day, dt.time()))  # from midnight in Norway
    changes = store.changes_between(slug, start, utcnow()) if store.version(slug) is not None else []
    shown = day.strftime("%d.%m.%Y")
    counts = {kind: sum(1 for change in changes if change.kind == kind) for kind, _heading in KIND_HEADINGS}
    summary = (
        f"Siden {shown}: {counts['ny']} nye, {counts['endret']} endrede og {counts['avsluttet']} avsluttede ordninger."
        if changes else f"Ingen endringer i registeret siden {shown}."
    )
    own = dataset.allowed.default_structure or dataset.model.structure
    touched = [(c.name, c.kind, numbers_shown(dataset.model, c.members, own)) for c in changes]
    spec = figures.changes_spec(dataset.model, dataset.base, touched, f"Endringer siden {shown}")
    return spec, summary, changes


def changes_view(
    resolve: Resolver, store: "RegisterStore", slug: str, since: str | None, store_value: Any, structure: str | None = None
) -> tuple[Any, ...]:
    """(summary, figure, list) for the «Endringer siden» panel, in the structure the page shows."""
    spec, summary, changes = changes_of(store, resolve(store_value, None, structure), slug, since)
    groups = [(heading, [(c.name, c.lines) for c in changes if c.kind == kind]) for kind, heading in KIND_HEADINGS]
    return summary, spec, changes_list(groups)


def changes_slide(store: "RegisterStore"):
    """For presentation mode: (dataset, since) -> (map spec, summary) of the page's register."""
    return lambda dataset, since: changes_of(store, dataset, page_slug(), since)[:2]


def register_changes(app: Dash, resolve: Resolver, store: "RegisterStore") -> None:
    @app.callback(
        Output(ids.CHANGES_SINCE, "value"),
        Output(ids.CHANGES_PANEL, "open"),
        Input(ids.URL, "search"),
        State(ids.CHANGES_SINCE, "value"),
    )
    def _from_link(search, current):
        since = since_from_query(search)
        if since is None:
            return (no_update, no_update) if current else ((dt.date.today() - dt.timedelta(days=DEFAULT_DAYS)).isoformat(), no_update)
        return since, True

    @app.callback(
        Output(ids.CHANGES_SUMMARY, "children"),
        Output(ids.CHANGES_MAP, "figure"),
        Output(ids.CHANGES_LIST, "children"),
        Input(ids.CHANGES_SINCE, "value"),
        Input(ids.CHANGES_PANEL, "open"),
        Input(ids.CHANGES_PANEL, "n_clicks"),
        Input(ids.DATASET, "data"),
        Input(ids.STRUCTURE, "value"),
        prevent_initial_call=True,
    )
    def _changes(since, is_open, clicks, store_value, structure):
        # Built once the panel is opened (by a link, or a click on its heading: the browser
        # toggles <details> itself, so Dash sees the click, not the open state).
        if not (is_open or clicks):
            return no_update, no_update, no_update
        return changes_view(resolve, store, page_slug(), since, store_value, structure)
