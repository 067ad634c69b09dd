"""Callbacks for small screens; they run in the browser (assets/devices.js), so none reaches the server."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output

from dashboard.web import ids


def register_devices(app: Dash) -> None:
    """On a phone or a portrait tablet (≤ 799 px), whenever the map's figure arrives or changes: notes wrapped, legend under the map."""
    app.clientside_callback(
        ClientsideFunction(namespace="devices", function_name="compactMap"),
        Output(ids.MAP, "figure", allow_duplicate=True),
        Input(ids.MAP, "figure"),
        prevent_initial_call="initial_duplicate",
    )
