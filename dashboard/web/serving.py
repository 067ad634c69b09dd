"""Serving the boundary file: once per browser, fingerprinted, cached for a year, best-compressed.

The boundaries are the largest thing the app sends (~1.4 MB of GeoJSON). Brotli at its highest
quality shrinks them to about two thirds of gzip's size but takes seconds, so it runs once in a
background thread after start-up; until it is done, requests get gzip (the app is ready at once).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from typing import Any

from flask import Flask, Response, request

try:  # brotli comes with flask-compress (pinned); without it gzip alone is served
    import brotli
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None

from dashboard.views.map_base import feature_collection

BOUNDARIES_ROUTE = "/_geo/kommuner-{digest}.json"
# Fingerprinted URL: the content behind it never changes, so browsers may keep it for a year.
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
GZIP_LEVEL = 6
BROTLI_QUALITY = 11


def boundary_payload(boundaries: Any) -> bytes:
    """Boundaries as compact GeoJSON bytes with feature id = kommunenummer (serialisation only)."""
    collection = feature_collection(boundaries)
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class CompressedPayload:
    """One immutable response body with its gzip form now and its brotli form when ready."""

    def __init__(self, payload: bytes, background: bool = True) -> None:
        self.payload = payload
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
        response = Response(body, mimetype="application/json")
        response.headers["Cache-Control"] = IMMUTABLE_CACHE
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
