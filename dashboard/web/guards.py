"""What every response and request goes through: security headers (flask-talisman), and bad
requests answered with 400 and one log line, not 500 and a traceback (callback bodies are untrusted)."""

from __future__ import annotations

import logging
from typing import Any

from dash.exceptions import CallbackException
from flask import Flask, Response, request
from flask_talisman import Talisman
from werkzeug.exceptions import HTTPException, InternalServerError

LOG = logging.getLogger("samarbeidskartet.requests")
CALLBACK_SUFFIX = "_dash-update-component"
# What a malformed body makes Dash's dispatcher raise before any callback of ours runs.
MALFORMED = (KeyError, IndexError, TypeError, ValueError, AttributeError, CallbackException)
REQUIRED_LISTS = ("inputs", "changedPropIds")


def bad_request(reason: str) -> Response:
    LOG.warning("400 %s %s: %s", request.method, request.path[:120], reason[:200])
    return Response("Ugyldig forespørsel.", status=400, mimetype="text/plain")


def content_security_policy(inline_script_hashes: list[str]) -> dict[str, Any]:
    """Only the app's own host; Dash's one inline script by its hash, no eval; plotly's inline
    styles and data:/blob: images (in-browser map downloads); no framing by other sites."""
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *inline_script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "worker-src": ["'self'", "blob:"],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def install_security_headers(server: Flask, inline_script_hashes: list[str]) -> None:
    """CSP, nosniff, X-Frame-Options, Referrer-Policy on every response; HSTS only over HTTPS.

    Cookies are set by web.auth (Secure over HTTPS), so Talisman leaves them alone, and plain
    http on 127.0.0.1 keeps working.
    """
    Talisman(
        server,
        force_https=False,
        strict_transport_security=True,
        session_cookie_secure=False,
        session_cookie_http_only=True,
        content_security_policy=content_security_policy(inline_script_hashes),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
    )


def install_request_guards(server: Flask) -> None:
    @server.before_request
    def _check_callback_body():
        if request.method != "POST" or not request.path.endswith(CALLBACK_SUFFIX):
            return None
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return bad_request("body is not a JSON object")
        if not isinstance(body.get("output"), str) or not isinstance(body.get("outputs"), (list, dict)):
            return bad_request("no output")
        if any(not isinstance(body.get(key), list) for key in REQUIRED_LISTS) or not isinstance(body.get("state", []), list):
            return bad_request("inputs, changedPropIds or state is not a list")
        return None

    @server.errorhandler(Exception)
    def _refuse(error: Exception):
        if isinstance(error, HTTPException):
            return error
        if request.path.endswith(CALLBACK_SUFFIX) and isinstance(error, MALFORMED):
            return bad_request(f"{type(error).__name__}: {error}")
        server.logger.exception("Unexpected error on %s", request.path)
        return InternalServerError()
