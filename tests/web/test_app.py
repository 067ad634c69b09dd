"""The app as a WSGI server sees it: routes, compression, caching, callbacks over HTTP, CLI flags."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import app as app_module
from dashboard.web import ids

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(fixture_model, tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "registre.sqlite"
    return app_module.create_app(fixture_model, f"sqlite:///{database}").server.test_client()


def update_request(outputs: list[tuple[str, str]], inputs: list[dict], changed: str) -> dict:
    """The JSON body dash-renderer posts to /_dash-update-component."""
    return {
        "output": ".." + "...".join(f"{component}.{prop}" for component, prop in outputs) + "..",
        "outputs": [{"id": component, "property": prop} for component, prop in outputs],
        "inputs": inputs,
        "changedPropIds": [changed],
        "state": [],
    }


def test_app001_index_is_norwegian_and_references_only_local_resources(client) -> None:
    page = client.get("/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="nb">' in text and "<title>Samarbeidskartet</title>" in text
    sources = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert sources and all(source.startswith("/") for source in sources), sources


def test_app002_layout_is_compressed_and_carries_no_polygons(client) -> None:
    layout = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert layout.headers["Content-Encoding"] == "gzip"
    body = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "coordinates" not in body and "_geo/kommuner-" in body and "Kartgrunnlag" in body


def test_app003_boundaries_are_served_once_fingerprinted_and_cacheable(client) -> None:
    body = json.dumps(client.get("/_dash-layout").get_json())
    url = re.search(r"(/_geo/kommuner-[0-9a-f]{16}\.json)", body).group(1)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip"
    plain = json.loads(client.get(url).get_data())
    assert len(plain["features"]) == 356 and all(len(f["id"]) == 4 for f in plain["features"])
    # Only what the browser reads: the name for the hover text (the number is the id).
    assert {key for f in plain["features"] for key in f["properties"]} == {"kommune"}
    assert plain["features"][0]["properties"]["kommune"]


def test_app004_topojson_is_local(client) -> None:
    response = client.get("/assets/topojson/europe_110m.json")
    assert response.status_code == 200 and json.loads(response.get_data())["type"] == "Topology"


def test_app005_filter_change_over_http_is_a_small_patch(client) -> None:
    controls = [
        {"id": ids.VIEW, "property": "value", "value": "kart"},
        {"id": ids.SERVICE, "property": "value", "value": "barnevernvakt"},
        {"id": ids.REGION, "property": "value", "value": None},
        {"id": ids.SECTOR, "property": "value", "value": None},
        {"id": ids.LEGAL_FORM, "property": "value", "value": None},
        {"id": ids.MUNICIPALITY, "property": "value", "value": None},
        {"id": ids.NETWORK, "property": "value", "value": []},
        {"id": ids.PER, "property": "value", "value": None},
        {"id": ids.SAMSVAR_SERVICES, "property": "value", "value": []},
        {"id": ids.SAMSVAR_COMPARE_FIRST, "property": "value", "value": None},
        {"id": ids.SAMSVAR_COMPARE_SECOND, "property": "value", "value": None},
        {"id": ids.STRUCTURE, "property": "value", "value": "2020"},
        {"id": ids.DATASET, "property": "data", "value": None},
    ]
    payload = update_request([(ids.MAP, "figure"), (ids.MAP_MESSAGE, "children")], controls, f"{ids.SERVICE}.value")
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    assert "__dash_patch_update" in body and "coordinates" not in body and len(body) < 50_000
    assert "Uten ordning: Gol, Hol og Ål." in body


def test_app006_command_line_defaults_are_safe(monkeypatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    args = app_module.parse_args([])
    assert (args.host, args.port, args.debug) == ("127.0.0.1", 8050, False)
    monkeypatch.setenv("PORT", "9001")
    assert app_module.parse_args([]).port == 9001
    assert app_module.parse_args(["--port", "9002", "--host", "0.0.0.0", "--debug"]).port == 9002


def test_app007_importing_app_loads_no_data() -> None:
    code = "import app, sys; print('server' in vars(app), 'dashboard.data.loader' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_app008_boundaries_prefer_brotli_and_answer_revalidation_with_304(fixture_model) -> None:
    from flask import Flask

    from dashboard.web.serving import serve_boundaries

    server = Flask("test")
    url = serve_boundaries(server, fixture_model.boundaries, background=False)
    client = server.test_client()
    brotli_response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert brotli_response.headers["Content-Encoding"] == "br"
    gzip_response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzip_response.headers["Content-Encoding"] == "gzip"
    assert len(brotli_response.get_data()) < len(gzip_response.get_data())
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": gzip_response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"output": 1}',
        b'{"output": "map.figure", "outputs": {"id": "map", "property": "figure"}, "inputs": "x", "changedPropIds": []}',
        b'{"output": "..map.figure...map-message.children..", "outputs": [], "inputs": [], "changedPropIds": [], "state": []}',
        b'{"output": "nosuch.children", "outputs": {"id": "nosuch", "property": "children"}, "inputs": [], "changedPropIds": []}',
    ],
)
def test_app009_malformed_callback_bodies_get_400_and_one_log_line(client, body, caplog) -> None:
    response = client.post("/_dash-update-component", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_data(as_text=True) == "Ugyldig forespørsel."
    assert "Traceback" not in caplog.text and len(caplog.records) <= 2


def test_app010_security_headers_on_the_page_a_callback_and_an_asset(client) -> None:
    controls = [{"id": c, "property": p, "value": None} for c, p in (
        (ids.VIEW, "value"), (ids.SERVICE, "value"), (ids.REGION, "value"), (ids.SECTOR, "value"),
        (ids.LEGAL_FORM, "value"), (ids.MUNICIPALITY, "value"), (ids.NETWORK, "value"), (ids.PER, "value"))]
    callback = client.post("/_dash-update-component", json=update_request(
        [(ids.MAP, "figure"), (ids.MAP_MESSAGE, "children")], [*controls, {"id": ids.DATASET, "property": "data", "value": None}], f"{ids.SERVICE}.value"))
    for response in (client.get("/"), callback, client.get("/assets/style.css"), client.get("/registre")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert "Strict-Transport-Security" not in client.get("/").headers, "HSTS only over HTTPS"
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers
