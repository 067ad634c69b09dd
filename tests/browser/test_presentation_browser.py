"""Real headless-Chromium checks of «Last ned kart» and presentation mode. Wait for state, never for time."""

from __future__ import annotations

import datetime as dt
import logging
import struct
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import HOST, LiveApp, screenshot
from werkzeug.serving import make_server

import app as app_module
from dashboard.output import export

pytestmark = pytest.mark.browser

MAP_PATHS = "#map path.choroplethlocation"
SLIDE_PATHS = "#presentation-map path.choroplethlocation"
SLIDES = (1920, 1080)
DECK = "?visning=presentasjon&tjenester=legevakt,ppt,nav&region=hallingdal"
PPT_TITLE = "PP-tjeneste (PPT) – Hallingdal"
NAV_TITLE = "Felles NAV-kontor – Hallingdal"


def png_size(path: Path) -> tuple[int, int]:
    content = path.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", content[16:24])


def open_map(page, url: str, query: str) -> None:
    page.goto(url + "/" + query)
    page.wait_for_function(f"document.querySelectorAll('{MAP_PATHS}').length >= 356")


def wait_for_slide(page, counter: str, title: str, service: str) -> None:
    """Until the slide's counter and title show and its figure (patched or new) is drawn."""
    page.wait_for_function(
        """([counter, title, service]) => {
          const text = (id) => (document.getElementById(id) || {}).textContent;
          const graph = document.querySelector('#presentation-map .js-plotly-plot');
          return text('presentation-counter') === counter && text('presentation-title') === title
            && graph && graph._fullLayout && graph._fullLayout.uirevision === 'slide:' + service;
        }""",
        arg=[counter, title, service],
    )


def legend_text(page) -> str:
    return page.eval_on_selector("#presentation-map .legend", "node => node.textContent")


def test_bp001_download_button_gives_an_a4_png_of_the_view(page, live_app: LiveApp) -> None:
    open_map(page, live_app.url, "?region=hallingdal")
    with page.expect_download(timeout=120_000) as download_info:
        page.click("#export-button")
    download = download_info.value
    assert download.suggested_filename == f"legevakt-hallingdal-{dt.date.today().isoformat()}.png"
    width, height = png_size(download.path())
    assert width >= 2400 and (width, height) == (3508, 2480)
    page.wait_for_function("document.getElementById('export-status').textContent.startsWith('Lastet ned')")
    assert not page.is_disabled("#export-button") and page.is_hidden("#export-busy")
    screenshot(page, "10-map-toolbar", selector="#map-toolbar")


def test_bp002_presentation_from_a_link_steps_with_keys_and_esc_leaves(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the six headline services of the survey")
    page.set_viewport_size({"width": SLIDES[0], "height": SLIDES[1]})
    step_bytes: list[int] = []
    page.on(
        "requestfinished",
        lambda request: step_bytes.append(request.sizes()["responseBodySize"]) if "_dash-update-component" in request.url else None,
    )
    page.goto(live_app.url + "/" + DECK)
    wait_for_slide(page, "1 / 3", "Legevakt – Hallingdal", "legevakt")
    page.wait_for_function(f"document.querySelectorAll('{SLIDE_PATHS}').length >= 356")
    assert page.is_visible("#presentation") and page.evaluate("document.documentElement.classList.contains('presenting')")
    assert "Kartgrunnlag: © Kartverket" in page.inner_text("#presentation-source")
    assert "Kilde: NIVI Analyse 2021" in page.inner_text("#presentation-source")
    assert "Hallingdal legevakt" in legend_text(page)
    legend_px = page.evaluate("getComputedStyle(document.querySelector('#presentation-map .legendtext')).fontSize")
    assert float(legend_px.rstrip("px")) >= 24, "legend readable from the back of the room"
    screenshot(page, "11-slide-1-legevakt-hallingdal")

    step_bytes.clear()
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, "2 / 3", PPT_TITLE, "ppt")
    assert "legevakt" not in legend_text(page).lower()
    screenshot(page, "12-slide-2-ppt-hallingdal")
    assert step_bytes and max(step_bytes) < 30_000, f"one step sends traces only, not polygons: {step_bytes}"

    page.keyboard.press("PageDown")
    wait_for_slide(page, "3 / 3", NAV_TITLE, "nav")
    assert "Ordning (felles nav-kontor)" in legend_text(page), "a single arrangement still gets its legend"
    screenshot(page, "13-slide-3-nav-hallingdal")
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, "1 / 3", "Legevakt – Hallingdal", "legevakt")
    page.keyboard.press("ArrowLeft")
    wait_for_slide(page, "3 / 3", NAV_TITLE, "nav")
    page.keyboard.press("PageUp")
    wait_for_slide(page, "2 / 3", PPT_TITLE, "ppt")

    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('presentation').hidden")
    page.wait_for_function("document.getElementById('map-message').textContent.startsWith('PP')")
    assert parse_qs(urlsplit(page.url).query) == {"tjeneste": ["ppt"], "region": ["hallingdal"]}
    assert not page.evaluate("document.documentElement.classList.contains('presenting')")
    geo_fetches = [url for url in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)") if "/_geo/" in url]
    assert len(geo_fetches) == 1, "the boundaries are fetched once for the whole deck and the page"


def test_bp003_presentation_button_starts_at_the_service_on_screen(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the six headline services of the survey")
    page.set_viewport_size({"width": SLIDES[0], "height": SLIDES[1]})
    open_map(page, live_app.url, "?tjeneste=nav&region=hallingdal")
    page.click("#presentation-button")
    wait_for_slide(page, "4 / 6", NAV_TITLE, "nav")
    query = parse_qs(urlsplit(page.url).query)
    assert query["visning"] == ["presentasjon"] and query["tjenester"] == ["legevakt,barnevernvakt,ppt,nav,ikt,krisesenter"]
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, "5 / 6", "Felles IKT-tjeneste – Hallingdal", "ikt")
    screenshot(page, "14-slide-5-ikt-hallingdal")
    page.click("#presentation-exit")
    page.wait_for_function("document.getElementById('presentation').hidden")
    assert parse_qs(urlsplit(page.url).query) == {"tjeneste": ["ikt"], "region": ["hallingdal"]}


@pytest.fixture()
def app_without_chromium(live_app: LiveApp, live_database: str, monkeypatch):
    """A second server of the app whose renderer finds no Chromium (as on a bare server)."""
    monkeypatch.setenv(export.BROWSER_ENV, "/nonexistent/chromium")
    dash_app = app_module.create_app(live_app.model, live_database)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server(HOST, 0, dash_app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_bp004_without_chromium_the_browser_makes_the_png_and_says_so(page, app_without_chromium: str) -> None:
    open_map(page, app_without_chromium, "?tjeneste=barnevernvakt&region=hallingdal")
    with page.expect_download(timeout=120_000) as download_info:
        page.click("#export-button")
    download = download_info.value
    assert download.suggested_filename == f"barnevernvakt-hallingdal-{dt.date.today().isoformat()}.png"
    assert png_size(download.path()) == (3508, 2480)
    page.wait_for_function("document.getElementById('export-status').textContent.includes('laget i nettleseren din fordi')")
    screenshot(page, "15-download-without-chromium", selector="#map-toolbar")
