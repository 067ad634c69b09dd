"""Registers on the web: /r/<slug> pages, their own Dash endpoints, the list page and «finnes ikke».

A register page is the same Dash app; only its request prefix differs. The index at /r/<slug>
tells the renderer to send its layout and callback requests to /r/<slug>/_dash-…, so every
request names its register in its path, and the server never trusts the browser's store to say
which register it is. Datasets are cached per (slug, version), so an import elsewhere (another
worker, another host, the command line) shows at the next request.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from typing import TYPE_CHECKING, Any, Callable, Mapping

from dash import Dash
from flask import Response, has_request_context, redirect, request

from dashboard.store import SURVEY_SLUG
from dashboard.views.datasets import Dataset, prepare
from dashboard.views.view_state import default_state, valid_date
from dashboard.web.bounded_cache import BoundedCache
from dashboard.web.callbacks import initial_map
from dashboard.web.layout import build_layout
from dashboard.web.upload import draft_reference

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel
    from dashboard.store.registers import RegisterStore
    from dashboard.web.upload import UploadedFiles

PAGE_PATH = re.compile(r"^/r/([a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?)(?:/|$)")
DASH_ENDPOINTS = ("_dash-layout", "_dash-dependencies", "_dash-update-component", "_reload-hash")
# Derived datasets kept per process (register versions and drafts); each is small beside the geometry.
MAX_CACHED_DATASETS = 32
MAX_REMEMBERED_MISSING = 1024
LIST_PATH = "/registre"


def page_slug() -> str:
    """The register of the current request, from its path (/r/<slug>…); the survey at / and outside requests."""
    if not has_request_context():
        return SURVEY_SLUG
    match = PAGE_PATH.match(request.path)
    return match.group(1) if match else SURVEY_SLUG


# What the page shows until Dash has drawn it (Dash's own says «Loading...» in English): the
# header as the app draws it, what the page is for, and that it is loading. Plain HTML in the
# index, so it is painted as soon as the styles are in, seconds before React has drawn the page on
# a slow phone; Dash replaces it.
LOADING_ENTRY = """
<div id="react-entry-point">
    <header class="app-header">
        <h1>Samarbeidskartet</h1>
        <p class="lead">Interkommunalt samarbeid – hvem samarbeider med hvem, om hva, og hvor det mangler en ordning.</p>
    </header>
    <p class="page-loading" role="status" aria-live="polite">Laster Samarbeidskartet …</p>
    <p class="page-intro">Velg en tjeneste for å se hvilke kommuner som samarbeider om den, og hvor det mangler en
    ordning. Velg en kommune for å se alt den samarbeider om. Tabellen viser det samme som kartet, og kan brukes med
    tastatur og skjermleser.</p>
</div>
"""


class RegisterDash(Dash):
    """Dash whose page config points a register page's requests at /r/<slug>/ (see module docstring).

    The layout is a function (one per register), so Dash would embed a validation copy of it in
    every page (+58 KB); every register's page has the same ids, so the real layout validates.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page's scripts are deferred (see interpolate_index); Dash starts once they have run.
        self.renderer = f'document.addEventListener("DOMContentLoaded", function () {{ {self.renderer} }});'

    def interpolate_index(self, **kwargs: Any) -> str:
        """The index with its static first paint, and Dash's scripts deferred: they download as
        before, in parallel, but run in order after the page has been parsed, so the browser can
        paint the first paint (LOADING_ENTRY) instead of waiting for React and plotly to start."""
        scripts = kwargs["scripts"].replace('<script src="', '<script defer src="')
        return super().interpolate_index(**{**kwargs, "app_entry": LOADING_ENTRY, "scripts": scripts})

    def _config(self) -> dict[str, Any]:
        config = super()._config()
        config.pop("validation_layout", None)
        if has_request_context() and PAGE_PATH.match(request.path):
            config["requests_pathname_prefix"] = f"/r/{page_slug()}/"
        return config


class PageDatasets:
    """The resolver every callback uses: the page's register (or its draft) as a Dataset.

    `survey` is the built-in dataset prepared at start-up; other registers are prepared from
    the store on first use of each version and kept in a bounded cache, as are drafts.
    `surveys` holds the survey per municipality structure (its map base and, for "2024", the
    registry and counties a 2020 register is shown in today's terms with).
    """

    def __init__(
        self, store: "RegisterStore", uploads: "UploadedFiles", survey: Dataset, surveys: Mapping[str, Dataset] | None = None
    ) -> None:
        self.store = store
        self.uploads = uploads
        self.survey = survey
        self.surveys = dict(surveys or {survey.model.structure: survey})
        self._datasets: BoundedCache[Dataset] = BoundedCache(MAX_CACHED_DATASETS)
        # Draft ids found missing: a draft never comes back once gone (ids are random, never reused).
        self._missing: BoundedCache[bool] = BoundedCache(MAX_REMEMBERED_MISSING)

    def _cached(self, key: tuple[Any, ...], build: Callable[[], Dataset | None]) -> Dataset | None:
        dataset = self._datasets.get(key)
        if dataset is None:
            dataset = build()
            if dataset is not None:
                self._datasets.put(key, dataset)
        return dataset

    def shown(self, model: "CooperationModel", structure: str | None) -> Dataset:
        """`model` as a dataset in `structure` (its own for None, or where it cannot be shown so)."""
        from dashboard.data.structures import in_structure

        own = model.structure
        choices = [s for s in self.surveys if s == own or (own, s) == ("2020", "2024")]
        if structure in choices and structure != own:
            model = in_structure(model, structure, {s: d.model for s, d in self.surveys.items()})
        return prepare(model, self.surveys[model.structure].base, choices, own_structure=own)

    def register(self, slug: str, per: dt.date | None = None, structure: str | None = None) -> Dataset | None:
        """The register's dataset at its current version (on the day `per`, or now, in `structure`
        or its own); None for an unknown slug."""
        if slug == SURVEY_SLUG and per is None and structure in (None, self.survey.model.structure):
            return self.survey
        if slug == SURVEY_SLUG and per is None and structure in self.surveys:
            return self.surveys[structure]
        version = self.store.version(slug)
        if version is None:
            return None

        def build() -> Dataset | None:
            try:
                return self.shown(self.store.model(slug, per), structure)
            except ValueError:  # RegisterError: it was removed in between
                return None

        return self._cached(("register", slug, version, per, structure), build)

    def draft(self, draft_id: str, per: dt.date | None = None, structure: str | None = None) -> Dataset | None:
        """A live draft's dataset; an id found missing (forged, expired) is remembered, so asking again is cheap."""
        if draft_id in self._missing:
            return None

        def build() -> Dataset | None:
            model = self.uploads(draft_id)
            if model is not None and per is not None:
                model = model.in_force_on(per)
            return None if model is None else self.shown(model, structure)

        dataset = self._cached(("draft", draft_id, per, structure), build)
        if dataset is None:
            self._missing.put(draft_id, True)
        return dataset

    def draft_missing(self, store_value: Any) -> bool:
        """True when the store names a draft of this page that no longer exists (expired or forged)."""
        reference = draft_reference(store_value)
        return reference is not None and reference[1] == page_slug() and self.draft(reference[0]) is None

    def __call__(self, store_value: Any = None, per: str | None = None, structure: str | None = None) -> Dataset:
        """The page's draft (if the store names a live one of this page) or register; on `per`
        (ISO date) and in `structure` ("2024": the survey in today's numbers) if given."""
        slug = page_slug()
        day = dt.date.fromisoformat(per) if valid_date(per) else None
        structure = structure if structure in self.surveys else None
        reference = draft_reference(store_value)
        if reference is not None and reference[1] == slug:
            dataset = self.draft(reference[0], day, structure)
            if dataset is not None:
                return dataset
        return self.register(slug, day, structure) or self.survey


def page_layouts(datasets: PageDatasets, topojson_url: str) -> Callable[[], Any]:
    """`app.layout`: the page for the request's register, built once per dataset version."""
    built: BoundedCache[tuple[Dataset, Any]] = BoundedCache(MAX_CACHED_DATASETS)

    def layout() -> Any:
        dataset = datasets()
        found = built.get(id(dataset))
        if found is not None and found[0] is dataset:  # id() is reused once a dataset is dropped
            return found[1]
        state = default_state(dataset.allowed)
        figure, message = initial_map(dataset, state)
        page = build_layout(dataset.model, state, figure, topojson_url, message, structures=dataset.allowed.structures)
        return built.put(id(dataset), (dataset, page))[1]

    return layout


# ----- pages outside Dash -------------------------------------------------------------------


def html_page(title: str, body: str, status: int = 200) -> Response:
    """A small Norwegian page in the app's style; `body` is markup built from escaped text only."""
    page = f"""<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – Samarbeidskartet</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<header class="app-header"><p class="site-name"><a href="/">Samarbeidskartet</a></p></header>
<main class="page-main">
{body}
</main>
</body>
</html>
"""
    return Response(page, status=status, mimetype="text/html")


def not_found_page(slug: str) -> Response:
    body = (
        f"<h1>Registeret «{escape(slug)}» finnes ikke</h1>"
        "<p>Lenken kan være feilskrevet, eller registeret kan være fjernet.</p>"
        f'<p><a href="{LIST_PATH}">Se alle registre</a> eller <a href="/">gå til kartleggingen fra NIVI Analyse 2021</a>.</p>'
    )
    return html_page("Finnes ikke", body, status=404)


def register_list_page(store: "RegisterStore") -> Response:
    rows = []
    for info in store.registers():
        link = "/" if info.slug == SURVEY_SLUG else f"/r/{info.slug}"
        updated = info.updated_at.strftime("%d.%m.%Y")
        rows.append(
            f'<tr><td><a href="{escape(link)}">{escape(info.name)}</a></td>'
            f"<td>{escape(link)}</td><td>{info.arrangements}</td><td>{updated}</td></tr>"
        )
    body = (
        "<h1>Registre</h1>"
        "<p>Registre over interkommunalt samarbeid som regionene selv holder oppdatert.</p>"
        '<table class="register-table"><caption>Offentlige registre</caption>'
        '<thead><tr><th scope="col">Register</th><th scope="col">Lenke</th>'
        '<th scope="col">Ordninger</th><th scope="col">Sist endret</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return html_page("Registre", body)


def add_register_routes(app: Dash, store: "RegisterStore") -> None:
    """/r/<slug> (the page), /r/<slug>/_dash-… (its requests), /registre (the list)."""
    server = app.server
    prefix = app.config.routes_pathname_prefix

    def known(slug: str) -> bool:
        return store.version(slug) is not None

    def page(slug: str):
        if not known(slug):
            return not_found_page(slug)
        return app.index()

    server.add_url_rule("/r/<slug>", "register_page", page)
    server.add_url_rule("/r/<slug>/", "register_page_slash", page)
    for name in DASH_ENDPOINTS:
        view = server.view_functions.get(prefix + name)
        if view is None:
            continue
        methods = ["POST"] if name == "_dash-update-component" else ["GET"]

        def endpoint(slug: str, view=view):
            if not known(slug):
                return not_found_page(slug)
            return view()

        server.add_url_rule(f"/r/<slug>/{name}", f"register{name}", endpoint, methods=methods)
    def shared_file(slug: str, path: str):
        # Lazily loaded scripts (plotly.js) are asked for under the page's prefix; send the browser
        # to the one shared, cached URL instead of serving a copy per register.
        query = request.query_string.decode("ascii", "replace")
        return redirect(f"{prefix}_dash-component-suites/{path}" + (f"?{query}" if query else ""), code=301)

    server.add_url_rule("/r/<slug>/_dash-component-suites/<path:path>", "register_component_suites", shared_file)
    server.add_url_rule(LIST_PATH, "register_list", lambda: register_list_page(store))
