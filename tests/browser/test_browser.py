"""A few real headless-Chromium checks of what a person sees. Each waits for state, never for time."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import LiveApp, screenshot

pytestmark = pytest.mark.browser

MAP_PATHS = "#map path.choroplethlocation"
HOL = "3044"

# A point inside the drawn polygon of one municipality (grid scan of its box with
# SVG isPointInFill), so the click lands on that municipality and nothing else.
POINT_IN_MUNICIPALITY = """
(number) => {
  const paths = [...document.querySelectorAll('#map path.choroplethlocation')]
    .filter(p => p.__data__ && p.__data__.loc === number && (p.getAttribute('d') || '').length > 10);
  const path = paths[paths.length - 1];
  if (!path) return null;
  const box = path.getBoundingClientRect();
  const toLocal = path.getScreenCTM().inverse();
  const point = path.ownerSVGElement.createSVGPoint();
  for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++) {
    point.x = box.left + box.width * i / 16;
    point.y = box.top + box.height * j / 16;
    if (path.isPointInFill(point.matrixTransform(toLocal))) return [point.x, point.y];
  }
  return null;
}
"""


# Names of the arrangement traces currently drawn (legend entries that are visible).
VISIBLE_ARRANGEMENTS = """document.querySelector('#map .js-plotly-plot')._fullData
  .filter(t => t.visible === true && t.showlegend && String(t.legendgroup).startsWith('nivi'))
  .map(t => t.name)"""


def open_app(page, live_app: LiveApp, query: str = "") -> None:
    page.goto(live_app.url + "/" + query)
    page.wait_for_function(f"document.querySelectorAll('{MAP_PATHS}').length >= 356")


def choose(page, dropdown_id: str, option: str) -> None:
    page.click(f"#{dropdown_id}")
    page.get_by_role("option", name=option, exact=True).click()


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_br001_page_loads_with_polygons_legend_and_attribution(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    paths = page.eval_on_selector_all(MAP_PATHS, "paths => paths.length")
    drawn = page.eval_on_selector_all(MAP_PATHS, "paths => paths.filter(p => (p.getAttribute('d') || '').length > 10).length")
    assert paths >= 356, "every municipality is in the choropleth layer"
    assert drawn >= len(live_app.model.focus), "at least the surveyed municipalities are drawn in view"
    assert page.inner_text("#map-message").startswith("Legevakt:")
    legend = page.eval_on_selector("#map .legend", "node => node.textContent")
    assert "Ordning (legevakt)" in legend and "To ordninger" in legend
    annotations = " ".join(page.eval_on_selector_all("#map .annotation", "nodes => nodes.map(n => n.textContent)"))
    assert "Kilde: NIVI Analyse 2021" in annotations and "Kartgrunnlag: © Kartverket" in annotations
    buttons = page.eval_on_selector_all("#map .modebar-btn", "bs => bs.map(b => b.getAttribute('data-title'))")
    assert "Last ned figur som PNG" in buttons and not [b for b in buttons if "Share" in b], buttons
    if live_app.real:
        assert "Ingen ordning" in legend and "Tinn" in page.inner_text("#map-message")
    screenshot(page, "01-start-legevakt")

    # Clicking an arrangement in the legend shows only it (the grey base stays as backdrop).
    first = page.locator("#map .legend .traces").first
    name = first.text_content()
    first.click()
    page.wait_for_function(VISIBLE_ARRANGEMENTS + ".length === 1")
    assert page.evaluate(VISIBLE_ARRANGEMENTS) == [name]
    assert page.evaluate("document.querySelector('#map .js-plotly-plot')._fullData[0].visible") is True
    screenshot(page, "01b-legend-highlights-one-arrangement")
    first.click()
    page.wait_for_function(VISIBLE_ARRANGEMENTS + ".length > 1")


def test_br002_switching_service_and_region_updates_map_and_url(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    choose(page, "service", "Barnevernvakt")
    page.wait_for_function("document.querySelector('#map-message').textContent.startsWith('Barnevernvakt')")
    assert query_of(page)["tjeneste"] == ["barnevernvakt"]
    page.wait_for_function("document.querySelector('#map .legend') && document.querySelector('#map .legend').textContent.includes('Ingen ordning')")
    before = page.evaluate("document.querySelector('#map .js-plotly-plot').layout.geo.lonaxis.range")
    choose(page, "region", "Hallingdal (kommuneregion)")
    page.wait_for_function("document.querySelector('#map-message').textContent.includes('i Hallingdal')")
    assert query_of(page)["region"] == ["hallingdal"]
    after = page.evaluate("document.querySelector('#map .js-plotly-plot').layout.geo.lonaxis.range")
    assert after != before and after[1] - after[0] < before[1] - before[0], "the map zooms to the region"
    screenshot(page, "02-barnevernvakt-hallingdal")


def test_br003_clicking_a_municipality_opens_its_profile(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    point = page.evaluate(POINT_IN_MUNICIPALITY, HOL)
    assert point, "no visible point inside Hol"
    page.mouse.move(*point)
    page.mouse.click(*point)
    page.wait_for_function("document.querySelector('#profile h2') && document.querySelector('#profile h2').textContent === 'Hol'")
    profile = page.inner_text("#profile")
    assert "Hol deltar i" in profile and "Kilde" in profile
    assert query_of(page)["kommune"] == [HOL]
    screenshot(page, "03-map-with-hol-selected")
    screenshot(page, "03-profile-hol", selector="#profile")
    with page.expect_download() as download_info:
        page.click("#profile-download-button")
    content = download_info.value.path().read_text(encoding="utf-8")
    assert content.startswith("\ufeffKommune,Kommunenummer,Kommunenummer 2024,Sektor,Ordning") and "Hol,3044,3330," in content


def test_br004_shared_link_reopens_the_view_and_back_forward_work(page, live_app: LiveApp) -> None:
    open_app(page, live_app, "?visning=nettverk&region=hallingdal&kommune=3044")
    page.wait_for_function("document.querySelector('#profile h2') && document.querySelector('#profile h2').textContent === 'Hol'")
    page.wait_for_function("document.querySelector('#map-message').textContent.includes('kommunepar')")
    assert page.is_checked("#view input[value='nettverk']")
    assert page.evaluate("document.querySelector('#map .js-plotly-plot').layout.title.text").startswith("Samarbeidsnettverk")
    screenshot(page, "04-shared-link-network")

    page.check("#view input[value='antall']")
    page.wait_for_function("new URLSearchParams(location.search).get('visning') === 'antall'")
    page.wait_for_function("!document.getElementById('sector-bars-panel').hidden")
    page.wait_for_selector("#sector-bars .bars path")
    page.wait_for_function("document.querySelector('#sector-bars .main-svg').getBoundingClientRect().height > 200")
    screenshot(page, "05-counts-map")
    screenshot(page, "05-sector-bars", selector="#sector-bars-panel")

    page.go_back()
    page.wait_for_function("document.querySelector('#view input[value=\"nettverk\"]').checked")
    page.wait_for_function("document.querySelector('#map-message').textContent.includes('kommunepar')")
    assert query_of(page)["visning"] == ["nettverk"]
    page.go_forward()
    page.wait_for_function("document.querySelector('#view input[value=\"antall\"]').checked")


def test_br005_table_view_lists_the_map_and_downloads_csv(page, live_app: LiveApp) -> None:
    open_app(page, live_app, "?visning=tabell&tjeneste=barnevernvakt")
    page.wait_for_selector("#coverage-table .ag-cell")
    assert page.is_hidden("#map-panel")
    cells = page.inner_text("#coverage-table")
    assert "Ingen ordning" in cells
    with page.expect_download() as download_info:
        page.click("#coverage-table-download-button")
    download = download_info.value
    assert download.suggested_filename == "ordninger-barnevernvakt.csv"
    assert "Ingen ordning" in download.path().read_text(encoding="utf-8")
    screenshot(page, "06-table-barnevernvakt")


def test_br010_tabell_grids_load_on_first_opening_only(page, live_app: LiveApp, page_log) -> None:
    """Issue 12: the grid's script and chunk are not part of the first visit; opening Tabell fetches
    them once, the grids come filled, and later filter changes still update them."""
    open_app(page, live_app)
    page.wait_for_load_state("networkidle")
    assert not [url for url in page_log.requests if "dash_ag_grid" in url], "no grid script with the start page"
    assert page.evaluate("typeof window.dash_ag_grid") == "undefined"
    assert page.query_selector("#coverage-table") is None and page.query_selector("#totals-table") is None

    page.check("#view input[value='tabell']")
    page.wait_for_selector("#coverage-table .ag-cell")
    page.wait_for_selector("#totals-table .ag-cell")
    assert query_of(page)["visning"] == ["tabell"]
    grid_requests = [url.rsplit("/", 1)[-1] for url in page_log.requests if "/dash_ag_grid/" in url]
    assert len(grid_requests) == 2, grid_requests
    assert grid_requests[0].startswith("dash_ag_grid.v") and grid_requests[1].startswith("async-community")
    assert page.evaluate("document.querySelectorAll('#coverage-table .ag-center-cols-container .ag-row').length") >= 10
    assert "Barnevernvakt" not in page.inner_text("#coverage-table"), "filled for the service of that moment (Legevakt)"

    choose(page, "service", "Barnevernvakt")
    page.wait_for_function("document.querySelector('#coverage-table').textContent.includes('Barnevernvakt')")
    page.check("#view input[value='nettverk']")
    page.wait_for_function("document.getElementById('table-panel').hidden")
    page.check("#view input[value='tabell']")
    page.wait_for_selector("#coverage-table .ag-cell")
    assert len([url for url in page_log.requests if "/dash_ag_grid/" in url]) == 2, "loaded once"
    screenshot(page, "10-tabell-on-demand")


def test_br011_tabell_says_so_when_the_grid_cannot_load_and_tries_again(page, live_app: LiveApp, page_log) -> None:
    open_app(page, live_app)
    page.route("**/dash_ag_grid/**", lambda route: route.abort())
    page.check("#view input[value='tabell']")
    page.wait_for_function("(document.querySelector('#coverage-table-holder [role=status]') || {}).textContent.includes('kunne ikke lastes')")
    screenshot(page, "11-tabell-grid-failed", selector="#table-panel")
    page.unroute("**/dash_ag_grid/**")
    page.check("#view input[value='nettverk']")
    page.check("#view input[value='tabell']")
    page.wait_for_selector("#coverage-table .ag-cell")
    # The aborted request is logged by Chromium as a console error; that one was meant.
    failed = [error for error in page_log.errors if "Failed to load resource" in error]
    assert failed and len(failed) == len(page_log.errors), page_log.errors
    page_log.errors.clear()
