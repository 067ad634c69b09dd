"""Serving the two large payloads, best-compressed: the boundaries and our plotly.js; and keeping
Dash's page to the scripts the app runs.

The boundaries (~1.4 MB of GeoJSON) go once per browser, fingerprinted and cached for a year.
plotly.js is the app's own bundle (vendor/plotly: only the trace types the app draws), answered
at the URL where dcc.Graph asks for Dash's full one, so the full one can never be fetched.
Brotli at its highest quality shrinks both to about two thirds of gzip's size but takes seconds,
so it runs once in a background thread after start-up; until it is done, requests get gzip
(the app is ready at once).

Dash lists, on every page, dash_table's bundle (the app has no DataTable: grid.py) and
@babel/polyfill (core-js 2 for browsers the app does not support). `lean_dash_scripts` takes both
off the page; vendor/regenerator-runtime/, served by `serve_vendor_script`, gives Dash's bundles
the one global of the polyfill they still call (see its README).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from pathlib import Path
from typing import Any

from dash import _dash_renderer, dash_table
from flask import Flask, Response, request

try:  # brotli comes with flask-compress (pinned); without it gzip alone is served
    import brotli
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None

from dashboard.views.map_base import feature_collection

BOUNDARIES_ROUTE = "/_geo/kommuner-{digest}.json"
# Fingerprinted URL: the content behind it never changes, so browsers may keep it for a year.
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
# Dash's URL for plotly.js is not fingerprinted: browsers revalidate it (a 304 when unchanged).
REVALIDATE = "no-cache"
VENDOR = Path(__file__).resolve().parents[2] / "vendor"
PLOTLY_BUNDLE = VENDOR / "plotly" / "plotly-samarbeidskartet.min.js"
REGENERATOR_RUNTIME = VENDOR / "regenerator-runtime" / "runtime.min.js"
# vendor/<name>/<file>.js at /_vendor/<name>-<digest>.js
VENDOR_ROUTE = "/_vendor/{name}-{digest}.js"
# Dash's scripts the app's pages do without (see the module docstring).
DASH_TABLE_BUNDLE = "dash_table/bundle.js"
POLYFILL = "polyfill@"
# Where dcc.Graph loads plotly.js from (dash-renderer sets window._dashPlotlyJSURL to it).
PLOTLY_SUITE_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"
GZIP_LEVEL = 6
BROTLI_QUALITY = 11


# The feature properties the browser reads: the hover text's name (figures.py,
# "%{properties.kommune}"). The number is the feature's id already.
BROWSER_PROPERTIES = ("kommune",)


def boundary_payload(boundaries: Any) -> bytes:
    """Boundaries as compact GeoJSON bytes with feature id = kommunenummer (serialisation only),
    with only the properties the browser reads."""
    collection = feature_collection(boundaries)
    for feature in collection["features"]:
        feature["properties"] = {key: feature["properties"][key] for key in BROWSER_PROPERTIES}
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class CompressedPayload:
    """One immutable response body with its gzip form now and its brotli form when ready."""

    def __init__(
        self,
        payload: bytes,
        background: bool = True,
        mimetype: str = "application/json",
        cache_control: str = IMMUTABLE_CACHE,
    ) -> None:
        self.payload = payload
        self.mimetype = mimetype
        self.cache_control = cache_control
        self.digest = hashlib.sha256(payload).hexdigest()[:16]
        self.gzip = gzip.compress(payload, GZIP_LEVEL, mtime=0)
        self.brotli: bytes | None = None
        if background:
            threading.Thread(target=self._compress_brotli, name="brotli-boundaries", daemon=True).start()
        else:
            self._compress_brotli()

    def _compress_brotli(self) -> None:
        if brotli is not None:
            self.brotli = brotli.compress(self.payload, quality=BROTLI_QUALITY)

    def body_for(self, accept_encoding: str) -> tuple[bytes, str | None]:
        """(body, content-encoding) for a request's Accept-Encoding header."""
        accepted = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
        if "br" in accepted and self.brotli is not None:
            return self.brotli, "br"
        if "gzip" in accepted:
            return self.gzip, "gzip"
        return self.payload, None

    def response(self) -> Response:
        body, encoding = self.body_for(request.headers.get("Accept-Encoding", ""))
        response = Response(body, mimetype=self.mimetype)
        response.headers["Cache-Control"] = self.cache_control
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(f"{self.digest}-{encoding or 'identity'}")
        if encoding:
            response.headers["Content-Encoding"] = encoding
        return response.make_conditional(request)


def serve_boundaries(
    server: Flask, boundaries: Any, url_prefix: str = "/", background: bool = True, endpoint: str = "boundaries"
) -> str:
    """Register the fingerprinted boundary route on `server`; returns the URL figures refer to.

    One route per boundary set (2020, 2024): each its own `endpoint` name, its own fingerprint.
    """
    payload = CompressedPayload(boundary_payload(boundaries), background=background)
    route = BOUNDARIES_ROUTE.format(digest=payload.digest)
    server.add_url_rule(route, endpoint=endpoint, view_func=payload.response)
    return url_prefix.rstrip("/") + route


def serve_vendor_script(server: Flask, script: Path, url_prefix: str = "/", background: bool = True) -> str:
    """Serve a vendored script at a fingerprinted URL (cached for a year); returns the URL."""
    payload = CompressedPayload(script.read_bytes(), background=background, mimetype="text/javascript")
    route = VENDOR_ROUTE.format(name=script.parent.name, digest=payload.digest)
    server.add_url_rule(route, endpoint=f"vendor-{script.parent.name}", view_func=payload.response)
    return url_prefix.rstrip("/") + route


def lean_dash_scripts() -> None:
    """Take dash_table's bundle and @babel/polyfill off every page's script tags. Idempotent.

    dash_table's bundle is marked «dynamic» (Dash's own flag: still served, never listed), like
    dash-ag-grid's (grid.py). The polyfill is removed from dash-renderer's dependencies; the app
    serves regenerator-runtime in its place (`serve_vendor_script(REGENERATOR_RUNTIME)`).
    """
    dash_table._js_dist = [
        dict(resource, dynamic=True) if resource.get("relative_package_path") == DASH_TABLE_BUNDLE else resource
        for resource in dash_table._js_dist
    ]
    _dash_renderer._js_dist_dependencies = [_without_polyfill(dependency) for dependency in _dash_renderer._js_dist_dependencies]


def _without_polyfill(dependency: dict[str, Any]) -> dict[str, Any]:
    """One of dash-renderer's dependency entries, its path lists (per mode) without the polyfill."""
    lean = dict(dependency)
    for key in ("relative_package_path", "external_url"):
        paths = dependency.get(key)
        if isinstance(paths, dict):
            lean[key] = {mode: [path for path in listed if POLYFILL not in path] for mode, listed in paths.items()}
    return lean


def plotly_url(routes_prefix: str = "/") -> str:
    """The URL dcc.Graph loads plotly.js from, which `serve_plotly` answers."""
    return routes_prefix.rstrip("/") + "/" + PLOTLY_SUITE_PATH


def serve_plotly(server: Flask, routes_prefix: str = "/", bundle: Path = PLOTLY_BUNDLE, background: bool = True) -> str:
    """Answer Dash's plotly.js URL (also a fingerprinted form of it) with our bundle; returns the URL.

    Runs before Dash's own component-suites route, so Dash's 4.8 MB file is never sent.
    """
    payload = CompressedPayload(bundle.read_bytes(), background=background, mimetype="text/javascript", cache_control=REVALIDATE)
    url = plotly_url(routes_prefix)
    pattern = re.compile(re.escape(url).replace(r"plotly\.min\.js", r"plotly(?:\.v[\w.]+?)?\.min\.js") + "$")

    @server.before_request
    def _our_plotly():
        if request.method in ("GET", "HEAD") and pattern.match(request.path):
            return payload.response()
        return None

    return url


class StaticBrotli:
    """Brotli at its best for static files (Dash's component scripts, the app's assets), done once.

    flask-compress compresses every response at one level (quality 6), as callback answers must
    come fast. Static files never change while the app runs, so each is compressed once more at
    quality 11 in a background thread on its first request (5-20 % smaller: ~25 KB less on a first
    visit) and answered from memory from then on; until then, flask-compress answers as before.
    Keyed by the content, not the path: Dash answers any made-up fingerprint in a script's name
    with the same file, so a path key would let requests grow the cache and start compressions
    without end. Bounded by the static files the app has, and by MAX_ENTRIES on top.
    """

    MAX_ENTRIES = 512

    PREFIXES = ("/_dash-component-suites/", "/assets/")
    MIMETYPES = frozenset({"text/javascript", "application/javascript", "text/css", "application/json"})

    def __init__(self, background: bool = True) -> None:
        self.background = background
        self.ready: dict[bytes, bytes] = {}
        self.pending: set[bytes] = set()
        self.lock = threading.Lock()

    def install(self, server: Flask) -> None:
        """After Dash's and flask-compress's own after-request hooks were added (runs before them)."""
        server.after_request(self.after_request)

    def after_request(self, response: Response) -> Response:
        if (
            brotli is None
            or request.method != "GET"
            or response.status_code != 200
            or not request.path.startswith(self.PREFIXES)
            or response.mimetype not in self.MIMETYPES
            or "Content-Encoding" in response.headers
            or "br" not in {part.split(";")[0].strip().lower() for part in request.headers.get("Accept-Encoding", "").split(",")}
        ):
            return response
        etag, weak = response.get_etag()
        response.direct_passthrough = False
        data = response.get_data()
        key = hashlib.blake2b(data, digest_size=16).digest()
        body = self.ready.get(key)
        if body is None:
            self._compress_later(key, data)
            return response  # flask-compress answers this one
        response.set_data(body)
        response.headers["Content-Encoding"] = "br"
        response.headers["Content-Length"] = str(len(body))
        vary = response.headers.get("Vary")
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary and "accept-encoding" not in vary.lower() else (vary or "Accept-Encoding")
        if etag and not weak:
            response.set_etag(f"{etag}:br")  # as flask-compress marks its own
        # And as flask-compress does, answer a revalidation of that ETag with 304 (Dash's own check
        # compared the ETag without the suffix).
        return response.make_conditional(request)

    def _compress_later(self, key: bytes, data: bytes) -> None:
        with self.lock:
            if key in self.pending or len(self.pending) >= self.MAX_ENTRIES:
                return
            self.pending.add(key)

        def compress() -> None:
            self.ready[key] = brotli.compress(data, quality=BROTLI_QUALITY)

        if self.background:
            threading.Thread(target=compress, name="brotli-static", daemon=True).start()
        else:
            compress()


def preload_tags(plotly: str, map_data: list[str]) -> str:
    """<link>s that start the map's downloads with the page instead of after Dash has drawn it.

    Low priority: the page's own scripts come first. The map's data is fetched by plotly.js with
    XMLHttpRequest (CORS mode, same-origin credentials), which `crossorigin="anonymous"` matches.
    """
    tags = [f'<link rel="preload" href="{plotly}" as="script" fetchpriority="low">']
    tags += [f'<link rel="preload" href="{url}" as="fetch" crossorigin="anonymous" fetchpriority="low">' for url in map_data]
    return "\n        ".join(tags)
