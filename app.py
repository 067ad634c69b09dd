"""Samarbeidskartet: the Dash app. `python app.py [--host H] [--port P] [--debug]`.

For gunicorn: `gunicorn -w 2 -b 127.0.0.1:8050 app:server` (`server` is created on first
access, so importing this module loads no data).
"""

from __future__ import annotations

import argparse
import atexit
import os
from pathlib import Path
from typing import Any

from dash import Dash
from flask import Flask

from dashboard.output.export import Renderer
from dashboard.views.datasets import prepare
from dashboard.views.map_base import MapBase
from dashboard.web.auth import install_auth
from dashboard.web.callbacks import register
from dashboard.web.changes_callbacks import changes_slide, register_changes
from dashboard.web.device_callbacks import register_devices
from dashboard.web.download import MapDownloads
from dashboard.web.edit_callbacks import register_edit
from dashboard.web.grid import serve_grid_on_demand
from dashboard.web.guards import install_request_guards, install_security_headers
from dashboard.web.presentation_callbacks import register as register_presentation
from dashboard.web.registers import (
    PageDatasets,
    RegisterDash,
    add_register_routes,
    page_layouts,
)
from dashboard.web.reimport_callbacks import register_reimport
from dashboard.web.samsvar_callbacks import register as register_samsvar
from dashboard.web.serving import (
    REGENERATOR_RUNTIME,
    lean_dash_scripts,
    preload_tags,
    serve_boundaries,
    serve_plotly,
    serve_vendor_script,
    StaticBrotli,
)
from dashboard.web.upload import UploadedFiles
from dashboard.web.upload_callbacks import register_upload

ROOT = Path(__file__).resolve().parent
ASSETS = ROOT / "assets"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
# Unfingerprinted assets (the topojson) are re-validated daily.
ASSET_MAX_AGE_SECONDS = 86400
# Response compression (flask-compress): brotli first, as every current browser accepts it and it
# makes plotly.js (4.8 MB) 12 % smaller than zstd or gzip; quality 6 compresses it in ~0.15 s.
# Uploads are limited to 5 MB; base64 inside a Dash request adds a third, so refuse bodies above 10 MB.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# The world outlines plotly.js loads for the maps' scope (europe) at its default resolution.
TOPOJSON_FILE = "topojson/europe_110m.json"
COMPRESSION = {"COMPRESS_ALGORITHM": ["br", "gzip"], "COMPRESS_BR_LEVEL": 6}

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="nb">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
        {%preloads%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>
"""


def create_app(model: Any = None, database_url: str | None = None, structures: Any = None) -> Dash:
    """Open the database, load data once, build the layout, register callbacks.

    `model` defaults to the built-in survey (seeded as the register «nivi-2021» on first start);
    `database_url` defaults to $DATABASE_URL, else the SQLite file in instance/. `structures`
    maps "2020"/"2024" to the survey in that municipality structure (default: every structure
    geodata/ has when `model` is not given, else only the model's own).
    """
    from dashboard.store.accounts import Accounts, shared_secret
    from dashboard.store.database import open_database
    from dashboard.store.drafts import Drafts
    from dashboard.store.registers import RegisterStore

    if model is None:
        from dashboard.data.loader import load_structures_cached

        structures = structures or load_structures_cached()
        model = structures[min(structures)]
    structures = dict(structures or {model.structure: model})
    engine = open_database(database_url)
    store = RegisterStore(engine, model, structures)
    store.ensure_survey()
    server = Flask(__name__)
    server.config.update(COMPRESSION, SEND_FILE_MAX_AGE_DEFAULT=ASSET_MAX_AGE_SECONDS, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)
    # Tabell's grid script loads when Tabell is first opened, not with every page (grid.py).
    serve_grid_on_demand()
    # Nor dash_table's bundle (no DataTable left) or @babel/polyfill (serving.py).
    lean_dash_scripts()
    app = RegisterDash(
        __name__,
        server=server,
        title="Samarbeidskartet",
        assets_folder=str(ASSETS),
        serve_locally=True,
        compress=True,
        update_title=None,
        # Tabell's grids are sent by a callback (grid.py), so not every callback output is in the
        # start layout; tests/web/test_grid.py checks every callback id against the layout instead.
        suppress_callback_exceptions=True,
    )
    surveys = {}
    for structure, shown in structures.items():  # one boundary file per structure, each served once
        endpoint = "boundaries" if structure == model.structure else f"boundaries-{structure}"
        url = serve_boundaries(app.server, shown.boundaries, app.config.requests_pathname_prefix, endpoint=endpoint)
        base = MapBase.from_boundaries(shown.boundaries, geojson_url=url)
        surveys[structure] = prepare(shown, base, structures, own_structure=model.structure)
    geojson_url = surveys[model.structure].base.geojson  # the survey's own: preloaded with the page
    # Our plotly.js (only the trace types the app draws) in place of Dash's full one. It and the
    # map's data start downloading with the page, not one after the other once Dash has drawn.
    plotly = serve_plotly(app.server, app.config.routes_pathname_prefix)
    # The one global of the dropped polyfill that Dash's bundles still use (vendor/regenerator-runtime).
    app.config.external_scripts.append(serve_vendor_script(app.server, REGENERATOR_RUNTIME, app.config.requests_pathname_prefix))
    app.index_string = INDEX_TEMPLATE.replace("{%preloads%}", preload_tags(plotly, [geojson_url, app.get_asset_url(TOPOJSON_FILE)]))
    drafts = Drafts(engine)
    accounts = Accounts(engine)
    # Uploads are read in the structure new registers get (2024 where geodata/ has it), or in the
    # other one when only that reads the file.
    default = store.base_of(None)
    others = [base for structure, base in structures.items() if structure != default.structure]
    uploads = UploadedFiles(default, drafts, others[0] if others else None)
    datasets = PageDatasets(store, uploads, surveys[model.structure], surveys)
    app.layout = page_layouts(datasets, app.get_asset_url("topojson/"))
    register(app, datasets)
    register_samsvar(app, datasets)
    register_upload(app, datasets, uploads)
    register_presentation(app, datasets, MapDownloads(_app_renderer(), app.get_asset_url("topojson/")), changes_slide(store))
    register_edit(app, store, datasets)
    register_changes(app, datasets, store)
    register_devices(app)
    register_reimport(app, store, drafts, accounts)
    add_register_routes(app, store)
    install_auth(app.server, store, accounts, shared_secret(engine))
    install_request_guards(app.server)
    install_security_headers(app.server, app.csp_hashes())
    # Dash's scripts and our assets at brotli's best, once each (serving.py).
    StaticBrotli().install(app.server)
    return app


def _app_renderer() -> Renderer:
    """One Chromium per app for «Last ned kart»: started by the first download, closed at exit."""
    renderer = Renderer()
    atexit.register(renderer.close)
    return renderer


def __getattr__(name: str) -> Any:
    """`app.server` / `app.app` for WSGI servers: build the app on first access, then keep it."""
    if name in ("app", "server"):
        dash_app = create_app()
        globals().update(app=dash_app, server=dash_app.server)
        return globals()[name]
    raise AttributeError(name)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line: --host, --port (default $PORT or 8050), --debug."""
    parser = argparse.ArgumentParser(description="Start Samarbeidskartet.")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)), help="port (default $PORT or 8050)")
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (never in production)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    create_app().run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
