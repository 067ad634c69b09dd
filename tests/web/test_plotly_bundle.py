"""Our plotly.js bundle (vendor/plotly): answered where dcc.Graph asks for Dash's full one, with its
licence, and covering every trace type the app's figures use."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

import app as app_module
from dashboard.web.serving import PLOTLY_BUNDLE, plotly_url

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "vendor" / "plotly"
# Dash's own plotly.min.js (every trace type) is about 4.8 MB; ours must stay well under half of it.
MAX_BUNDLE_BYTES = 1_500_000
# "type" values in figure dicts that are not trace types.
NOT_TRACES = {"FeatureCollection", "Feature", "mercator", "rect", "line", "circle", "path"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture(scope="module")
def client(fixture_model, tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "registre.sqlite"
    return app_module.create_app(fixture_model, f"sqlite:///{database}").server.test_client()


def registered_traces() -> set[str]:
    entry = (VENDOR / "entry.js").read_text(encoding="utf-8")
    return {"scatter"} | set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry))


def test_pb001_dash_plotly_url_answers_our_bundle_compressed_and_revalidated(client) -> None:
    url = plotly_url()
    response = client.get(url, headers=BROWSER)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    # gzip until brotli (computed in the background at start) is ready, then brotli.
    decompress = {"br": brotli.decompress, "gzip": gzip.decompress}[response.headers["Content-Encoding"]]
    body = decompress(response.get_data())
    assert body == PLOTLY_BUNDLE.read_bytes(), "Dash's full plotly.min.js is never sent"
    assert len(body) < MAX_BUNDLE_BYTES
    assert response.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={**BROWSER, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    # A fingerprinted form of the same URL gets the same file.
    fingerprinted = client.get(url.replace("plotly.min.js", "plotly.v7_1_0m1700000000.min.js"), headers={"Accept-Encoding": "identity"})
    assert fingerprinted.get_data() == PLOTLY_BUNDLE.read_bytes()


def test_pb002_register_pages_reach_the_same_bundle(client) -> None:
    response = client.get("/r/nivi-2021/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert response.status_code == 301 and response.headers["Location"].endswith(plotly_url())


def test_pb003_index_preloads_it_and_says_loading_in_norwegian(client) -> None:
    text = client.get("/").get_data(as_text=True)
    assert f'<link rel="preload" href="{plotly_url()}" as="script" fetchpriority="low">' in text
    assert "Laster Samarbeidskartet …" in text and "Loading..." not in text
    assert 'role="status"' in text
    # A first paint before React: the header as the app draws it, and what the page is for.
    entry = text.split('<div id="react-entry-point">', 1)[1].split("</div>", 1)[0]
    assert "<h1>Samarbeidskartet</h1>" in entry and 'class="page-intro"' in entry and "Tabellen viser det samme som kartet" in entry


def test_pb004_bundle_has_its_licence_and_build_script() -> None:
    head = PLOTLY_BUNDLE.read_text(encoding="utf-8")[:300]
    assert head.startswith("/*! plotly.js v4.1.1 (MIT, see LICENSE)")
    licence = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence or "Permission is hereby granted" in licence
    assert (VENDOR / (PLOTLY_BUNDLE.name + ".LEGAL.txt")).exists(), "licences of bundled packages"
    assert "esbuild" in (VENDOR / "build.sh").read_text(encoding="utf-8")


def test_pb005_every_trace_type_the_figures_use_is_in_the_bundle() -> None:
    """A figure with a trace type the bundle lacks would draw nothing in the browser."""
    used: set[str] = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        used |= set(re.findall(r"""["']type["']\s*:\s*["'](\w+)["']""", path.read_text(encoding="utf-8")))
        used |= {name.lower() for name in re.findall(r"\bgo\.(?!Figure\b)([A-Z]\w+)\(", path.read_text(encoding="utf-8"))}
    missing = used - NOT_TRACES - registered_traces()
    assert not missing, f"trace types used but not in vendor/plotly/entry.js: {sorted(missing)}"
    assert registered_traces() == {"scatter", "choropleth", "scattergeo", "bar"}


def test_pb006_every_map_projection_is_one_the_bundle_has() -> None:
    """The bundle leaves out d3-geo-projection's exotic projections; d3-geo's mercator is in."""
    used: set[str] = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        used |= set(re.findall(r"""["']projection["']\s*:\s*\{\s*["']type["']\s*:\s*["']([\w ]+)["']""", path.read_text(encoding="utf-8")))
    assert used == {"mercator"}, f"projection types used: {sorted(used)}; a new one needs vendor/plotly/no_extra_projections.js reviewed"
