"""Samarbeidskartet: the Dash app. `python app.py [--host H] [--port P] [--debug]`.

For gunicorn: `gunicorn -w 2 -b 127.0.0.1:8050 app:server` (`server` is created on first
access, so importing this module loads no data).
"""

from __future__ import annotations

import argparse
import atexit
import os
from pathlib import Path
from typing import Any, Callable

from dash import Dash
from flask import Flask

from dashboard.output.export import Renderer
from dashboard.views.datasets import DatasetResolver, prepare
from dashboard.views.map_base import MapBase
from dashboard.views.view_state import default_state
from dashboard.web.callbacks import initial_map, register
from dashboard.web.download import MapDownloads
from dashboard.web.layout import build_layout
from dashboard.web.presentation_callbacks import register as register_presentation
from dashboard.web.serving import serve_boundaries
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
COMPRESSION = {"COMPRESS_ALGORITHM": ["br", "gzip"], "COMPRESS_BR_LEVEL": 6}

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="nb">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
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


def create_app(model: Any = None, lookup: Callable[[Any], Any] | None = None) -> Dash:
    """Load data once, build the layout, register callbacks.

    `model` defaults to the built-in survey; `lookup` resolves DATASET store values of uploaded
    files to their models (default: dashboard/web/upload.py re-validates the session's file).
    """
    if model is None:
        from dashboard.data.loader import load_builtin_cached

        model = load_builtin_cached()
    server = Flask(__name__)
    server.config.update(COMPRESSION, SEND_FILE_MAX_AGE_DEFAULT=ASSET_MAX_AGE_SECONDS, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)
    app = Dash(
        __name__,
        server=server,
        title="Samarbeidskartet",
        assets_folder=str(ASSETS),
        serve_locally=True,
        compress=True,
        update_title=None,
    )
    app.index_string = INDEX_TEMPLATE
    geojson_url = serve_boundaries(app.server, model.boundaries, app.config.requests_pathname_prefix)
    builtin = prepare(model, MapBase.from_boundaries(model.boundaries, geojson_url=geojson_url))
    state = default_state(builtin.allowed)
    figure, message = initial_map(builtin, state)
    app.layout = build_layout(model, state, figure, app.get_asset_url("topojson/"), message)
    uploads = UploadedFiles(model)
    resolver = DatasetResolver(builtin, lookup if lookup is not None else uploads)
    register(app, resolver)
    register_upload(app, resolver, uploads)
    register_presentation(app, resolver, MapDownloads(_app_renderer(), app.get_asset_url("topojson/")))
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
