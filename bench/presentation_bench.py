"""Presentation mode and «Last ned kart», measured over HTTP; writes bench/presentation_results.md.

Run: `python3 bench/presentation_bench.py` (about half a minute). Not a test: numbers depend on
the machine; they are reported side by side with the naive way, never asserted.

- Per slide step: bytes of the callback response (raw and brotli, as a browser receives it)
  and server time, ours (a Patch of traces and notes; polygons stay in the browser) against
  resending the whole slide figure by URL, and the naive whole figure with inline polygons.
- Download: time and size of the download callback per format and size, the first one
  including the start of the shared headless Chromium.
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import brotli  # noqa: E402
from plotly.utils import PlotlyJSONEncoder  # noqa: E402

import app as app_module  # noqa: E402
from dashboard.data.loader import load_builtin_cached  # noqa: E402
from dashboard.output.export import PACK_SERVICES  # noqa: E402
from dashboard.output.presentation import slide_figure  # noqa: E402
from dashboard.views.datasets import prepare  # noqa: E402
from dashboard.views.map_base import MapBase  # noqa: E402
from dashboard.views.view_state import ViewState  # noqa: E402
from dashboard.web import ids  # noqa: E402
from dashboard.web.callbacks import STATE_OUTPUTS, control_values, map_spec_and_message  # noqa: E402

RESULTS = ROOT / "bench" / "presentation_results.md"
DECK_LINK = "?visning=presentasjon&tjenester=" + ",".join(PACK_SERVICES)
BROTLI_QUALITY = 6  # what the app's flask-compress uses
DOWNLOADS = (("png", "a4"), ("png", "a4"), ("svg", "a3"), ("pdf", "a4"), ("png", "16:9"))


def dependencies(client) -> dict[str, dict[str, Any]]:
    """Registered callbacks by their first output ("component.prop")."""
    found = {}
    for callback in client.get("/_dash-dependencies").get_json():
        first = callback["output"].strip(".").split("...")[0]
        found[first] = callback
    return found


def call(client, callback: dict[str, Any], inputs: list[Any], state: list[Any], changed: str) -> tuple[bytes, float]:
    """POST one callback as dash-renderer does; (raw response body, server seconds)."""

    def values(specs, given):
        return [{"id": spec["id"], "property": spec["property"], "value": value} for spec, value in zip(specs, given)]

    payload = {
        "output": callback["output"],
        "outputs": [_output(part) for part in callback["output"].strip(".").split("...")],
        "inputs": values(callback["inputs"], inputs),
        "state": values(callback["state"], state),
        "changedPropIds": [changed],
    }
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=payload)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(), elapsed


def _output(text: str) -> dict[str, str]:
    component, prop = text.rsplit(".", 1)
    return {"id": component, "property": prop.split("@")[0]}


def kb(size: float) -> str:
    return f"{size / 1024:,.1f}".replace(",", " ")


def compressed(body: bytes) -> int:
    return len(brotli.compress(body, quality=BROTLI_QUALITY))


def measure_steps(client, callbacks) -> dict[str, Any]:
    slides = callbacks[f"{ids.PRESENTATION_MAP}.figure"]
    request = {"search": DECK_LINK, "width": 1920}
    opened, open_seconds = call(client, slides, [request, None, None], [None, None], f"{ids.PRESENTATION_QUERY}.data")
    deck_data = json.loads(opened)["response"][ids.PRESENTATION_DECK]["data"]
    steps = []
    for forward in range(1, len(PACK_SERVICES) + 1):
        body, seconds = call(client, slides, [request, forward, 0], [deck_data, None], f"{ids.PRESENTATION_NEXT}.n_clicks")
        steps.append((len(body), compressed(body), seconds))
    return {"open": (len(opened), compressed(opened), open_seconds), "steps": steps}


def naive_steps(model) -> dict[str, list[int]]:
    """Whole slide figures per step: by boundary URL (no Patch), and with inline polygons."""
    by_url = prepare(model, MapBase.from_boundaries(model.boundaries, geojson_url="/_geo/kommuner.json"))
    inline = prepare(model, MapBase.from_boundaries(model.boundaries))
    sizes: dict[str, list[int]] = {"url": [], "url_br": [], "inline": [], "inline_br": []}
    for service in PACK_SERVICES:
        for key, dataset in (("url", by_url), ("inline", inline)):
            spec, _message = map_spec_and_message(dataset, ViewState(service=service))
            body = json.dumps(slide_figure(spec, service), cls=PlotlyJSONEncoder).encode()
            sizes[key].append(len(body))
            sizes[f"{key}_br"].append(compressed(body))
    return sizes


def measure_downloads(client, callbacks) -> list[tuple[str, str, int, float, str]]:
    download = callbacks[f"{ids.EXPORT_DOWNLOAD}.data"]
    controls = list(control_values(ViewState(service="legevakt", region="hallingdal")))
    rows = []
    for clicks, (fmt, size) in enumerate(DOWNLOADS, start=1):
        body, seconds = call(client, download, [clicks], [fmt, size, *controls, None], f"{ids.EXPORT_BUTTON}.n_clicks")
        file = json.loads(body)["response"][ids.EXPORT_DOWNLOAD]["data"]
        rows.append((fmt, size, len(body), seconds, file["filename"]))
    return rows


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    model = load_builtin_cached()
    dash_app = app_module.create_app(model, f"sqlite:///{tempfile.mkdtemp(prefix='bench-db-')}/registre.sqlite")
    client = dash_app.server.test_client()
    callbacks = dependencies(client)
    assert len(STATE_OUTPUTS) == len(control_values(ViewState()))
    ours = measure_steps(client, callbacks)
    naive = naive_steps(model)
    downloads = measure_downloads(client, callbacks)

    step_raw = [raw for raw, _br, _s in ours["steps"]]
    step_br = [br for _raw, br, _s in ours["steps"]]
    step_ms = [seconds * 1000 for _raw, _br, seconds in ours["steps"]]
    lines = [
        "# Presentation mode and map download — measured",
        "",
        f"Real survey data, deck of the six headline services ({', '.join(PACK_SERVICES)}), no region, "
        "1920 px wide screen. Sizes are callback response bodies; «br» is brotli quality 6 as the app sends them.",
        "",
        "## Per slide step",
        "",
        "| what goes to the browser per step | median raw KB | median br KB | max br KB |",
        "| --- | ---: | ---: | ---: |",
        f"| ours: Patch (traces, notes, legend title) with heading, summary and counter | {kb(statistics.median(step_raw))} | "
        f"{kb(statistics.median(step_br))} | {kb(max(step_br))} |",
        f"| whole slide figure, boundaries by URL | {kb(statistics.median(naive['url']))} | "
        f"{kb(statistics.median(naive['url_br']))} | {kb(max(naive['url_br']))} |",
        f"| naive: whole slide figure with inline polygons | {kb(statistics.median(naive['inline']))} | "
        f"{kb(statistics.median(naive['inline_br']))} | {kb(max(naive['inline_br']))} |",
        "",
        f"Opening the deck (full first slide by URL, titles, deck): {kb(ours['open'][0])} KB raw, "
        f"{kb(ours['open'][1])} KB br, {ours['open'][2] * 1000:.0f} ms server time. "
        f"Step server time: median {statistics.median(step_ms):.0f} ms, max {max(step_ms):.0f} ms.",
        "",
        "A slide is almost all traces, so a step's Patch is about as large as the whole slide figure by URL; "
        "what matters is that neither carries polygons (the browser fetched the boundary file once, with the page).",
        "",
        "## «Last ned kart» (Hallingdal, legevakt)",
        "",
        "| format | size | response KB (base64 file) | seconds | file |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for position, (fmt, size, body, seconds, name) in enumerate(downloads):
        note = " (first: starts Chromium)" if position == 0 else ""
        lines.append(f"| {fmt.upper()} | {size}{note} | {kb(body)} | {seconds:.2f} | {name} |")
    dash_app_renderer_note = "The renderer is one headless Chromium per app process, started by the first download."
    lines += ["", dash_app_renderer_note, ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
