"""The page's scripts: no dash_table bundle or @babel/polyfill in the page, regenerator-runtime served
locally in its place, and static files answered at brotli's best once compressed."""

from __future__ import annotations

import re

import brotli
import pytest
from flask import Flask

import app as app_module
from dashboard.web.serving import REGENERATOR_RUNTIME, StaticBrotli

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture(scope="module")
def client(fixture_model, tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "registre.sqlite"
    return app_module.create_app(fixture_model, f"sqlite:///{database}").server.test_client()


def test_ps001_page_lists_neither_dash_table_nor_the_polyfill_but_the_local_runtime(client) -> None:
    scripts = re.findall(r'<script defer src="([^"]+)"', client.get("/").get_data(as_text=True))
    assert not [src for src in scripts if "dash_table" in src or "polyfill" in src], scripts
    runtime = [src for src in scripts if src.startswith("/_vendor/regenerator-runtime-")]
    assert len(runtime) == 1 and scripts.index(runtime[0]) < next(i for i, src in enumerate(scripts) if "dash_renderer" in src)
    response = client.get(runtime[0], headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.get_data() == REGENERATOR_RUNTIME.read_bytes()
    assert b"regeneratorRuntime=runtime" in response.get_data() and "immutable" in response.headers["Cache-Control"]
    # Still served, for anything that asks: dash_table's bundle is only off the page's list.
    assert client.get("/_dash-component-suites/dash/dash_table/bundle.v7_4_1m1.js").status_code == 200


def test_ps003_scripts_are_deferred_and_dash_starts_once_they_have_run(client) -> None:
    """So the browser paints the static first paint before React and plotly start."""
    index = client.get("/").get_data(as_text=True)
    assert re.findall(r"<script[^>]* src=", index) == re.findall(r"<script defer src=", index) != []
    renderer = re.search(r'<script id="_dash-renderer"[^>]*>(.*?)</script>', index).group(1)
    assert renderer.startswith('document.addEventListener("DOMContentLoaded", function () {') and "new DashRenderer(" in renderer


def test_ps002_static_files_get_brotli_at_its_best_once_compressed_and_nothing_else_does() -> None:
    text = ("function f(a){return a+1}\n" * 400 + "".join(f"var v{n}={n * 7919 % 1000};" for n in range(3000))).encode()
    server = Flask(__name__)
    server.add_url_rule("/assets/x.js", "x", lambda: (text, 200, {"Content-Type": "text/javascript", "ETag": '"v1"'}))
    server.add_url_rule("/_dash-update-component", "cb", lambda: (text, 200, {"Content-Type": "application/json"}))
    StaticBrotli(background=False).install(server)
    client = server.test_client()
    first = client.get("/assets/x.js", headers=BROWSER)
    assert "Content-Encoding" not in first.headers, "the first answer is left to flask-compress"
    best = client.get("/assets/x.js", headers=BROWSER)
    assert best.headers["Content-Encoding"] == "br" and brotli.decompress(best.get_data()) == text
    assert len(best.get_data()) < len(brotli.compress(text, quality=6))
    assert best.headers["ETag"] == '"v1:br"'
    assert client.get("/assets/x.js", headers={**BROWSER, "If-None-Match": '"v1:br"'}).status_code == 304, "a repeat visit revalidates"
    assert "Content-Encoding" not in client.get("/assets/x.js", headers={"Accept-Encoding": "gzip"}).headers
    for _ in range(2):
        assert "Content-Encoding" not in client.get("/_dash-update-component", headers=BROWSER).headers


def test_ps004_made_up_fingerprints_share_one_compression() -> None:
    """Dash serves a script under any fingerprint: the cache follows the content, so it cannot grow."""
    text = b"var x = 1;\n" * 2000
    server = Flask(__name__)
    server.add_url_rule("/_dash-component-suites/dash/dcc/<path:name>", "suite", lambda name: (text, 200, {"Content-Type": "text/javascript"}))
    brotli_cache = StaticBrotli(background=False)
    brotli_cache.install(server)
    client = server.test_client()
    for n in range(50):
        client.get(f"/_dash-component-suites/dash/dcc/dash_core_components.v1_0_{n}m{n}.js", headers=BROWSER)
    assert len(brotli_cache.pending) == len(brotli_cache.ready) == 1
    answer = client.get("/_dash-component-suites/dash/dcc/dash_core_components.v9m9.js", headers=BROWSER)
    assert answer.headers["Content-Encoding"] == "br" and brotli.decompress(answer.get_data()) == text
