"""Phones, tablets and desktop in real headless Chromium: reflow at 320 px, a usable map, the filter
drawer by keyboard, 200 % text, the loading state on a slow connection, and our plotly.js bundle.

Screenshots go to tests/screenshots/devices-*.png; look at them after a change of layout.
"""

from __future__ import annotations

import pytest
from conftest import SCREENSHOTS, LiveApp

pytestmark = pytest.mark.browser

MAP_DRAWN = "document.querySelectorAll('#map path.choroplethlocation').length >= 356"
# Phones (portrait), tablets (portrait 768, landscape 1024) and desktop.
DEVICES = {320: 640, 390: 844, 768: 1024, 1024: 768, 1440: 1000}
NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"
# The drawn map: the geo subplot's background rectangle (the area polygons are drawn in).
MAP_BOX = """(() => {
  const box = document.querySelector('#map .geo .bg rect, #map .geolayer .bg rect');
  if (!box) return null;
  const r = box.getBoundingClientRect();
  return [r.width, r.height];
})()"""
# The throttled connection of the issue: 1.6 Mbps down, 750 kbps up, 150 ms latency.
SLOW_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}


def screenshot(page, name: str) -> None:
    """The whole page, top to bottom (what a person scrolls through), under tests/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def open_at(page, live_app: LiveApp, width: int, query: str = "", height: int | None = None) -> None:
    page.set_viewport_size({"width": width, "height": height or DEVICES.get(width, 900)})
    page.goto(live_app.url + "/" + query)
    page.wait_for_function(MAP_DRAWN)
    # The phone layout (legend under the map) is a second render right after the first.
    page.wait_for_function("document.querySelector('#map .js-plotly-plot') !== null && !document.querySelector('#map-loading:not(.is-loaded)')")


def sideways_overflow(page) -> list[int]:
    return page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", sorted(DEVICES))
def test_dev001_no_sideways_scrolling_and_a_usable_map(page, live_app: LiveApp, width: int) -> None:
    open_at(page, live_app, width)
    screenshot(page, f"devices-{width}-kart")
    scroll_width, inner_width = sideways_overflow(page)
    assert scroll_width <= inner_width, f"the page scrolls sideways at {width} px ({scroll_width} px wide)"
    map_width, map_height = page.evaluate(MAP_BOX)
    # Phones and portrait tablets: the map gets (nearly) the full width, legend under it.
    # Landscape tablets and desktop: a map at least 500 px wide beside its legend.
    expected_width = 0.8 * width if width < 800 else 500
    assert map_width >= expected_width, f"map only {map_width:.0f} px wide at {width} px"
    assert map_height >= min(0.75 * width, 400), f"map only {map_height:.0f} px high at {width} px"
    legend = page.evaluate("(() => { const r = document.querySelector('#map .legend').getBoundingClientRect(); return [r.left, r.right, r.top]; })()")
    map_box_bottom = page.evaluate("document.querySelector('#map .geo .bg rect').getBoundingClientRect().bottom")
    if width < 800:
        assert legend[2] >= map_box_bottom - 1, "on narrow screens the legend is under the map, not over it"
    assert legend[1] <= width + 2, "the legend is inside the window"


@pytest.mark.parametrize("query", ["?visning=tabell", "?visning=antall", "?visning=nettverk", "?kommune=3044"])
def test_dev002_every_view_and_the_profile_reflow_at_320(page, live_app: LiveApp, query: str) -> None:
    open_at(page, live_app, 320, query)
    if "kommune" in query:
        page.wait_for_function("document.querySelector('.profile-table') !== null")
    name = query.strip("?").replace("=", "-")
    screenshot(page, f"devices-320-{name}")
    scroll_width, inner_width = sideways_overflow(page)
    assert scroll_width <= inner_width, f"{query} scrolls sideways at 320 px ({scroll_width} px wide)"
    if "kommune" in query:
        # No cell of the profile overlaps the next one: each row's cells stack inside the panel.
        overlaps = page.evaluate(
            """[...document.querySelectorAll('.profile-table td')].filter(td => td.scrollWidth > td.clientWidth + 1).length"""
        )
        assert overlaps == 0, "profile cells overflow their box"


def test_dev003_tablet_filters_are_a_keyboard_drawer(page, live_app: LiveApp) -> None:
    open_at(page, live_app, 768)
    toggle = page.locator("#filter-toggle")
    drawer = page.locator("#filter-drawer")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "filter-drawer"
    assert not drawer.is_visible(), "the filters are closed at first; the map has the screen"
    toggle.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'true'")
    assert drawer.is_visible()
    assert page.evaluate("document.getElementById('filter-drawer').contains(document.activeElement)"), "focus moves into the drawer"
    page.locator("#service").wait_for(state="visible")
    screenshot(page, "devices-768-filtre-aapne")
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'false'")
    assert not drawer.is_visible()
    assert page.evaluate("document.activeElement && document.activeElement.id") == "filter-toggle", "Esc returns focus to «Filtre»"
    # Space opens it too, and «Lukk filtrene» closes it and returns focus.
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'true'")
    assert page.evaluate("document.activeElement && document.activeElement.id") == "filter-close"
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'false'")
    assert page.evaluate("document.activeElement && document.activeElement.id") == "filter-toggle"


def test_dev004_desktop_shows_the_filters_beside_the_map(page, live_app: LiveApp) -> None:
    open_at(page, live_app, 1440)
    assert not page.locator("#filter-toggle").is_visible()
    assert not page.locator("#filter-close").is_visible()
    assert page.locator("#filter-drawer").is_visible()
    page.locator("#service").wait_for(state="visible")


def test_dev005_text_at_200_percent_stays_usable(page, live_app: LiveApp) -> None:
    """A reader's default text size doubled (the page is in rem): nothing overflows sideways."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(live_app.url + "/")
    page.add_style_tag(content="html { font-size: 200% !important; }")
    page.wait_for_function(MAP_DRAWN)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 29, "body text follows the root size"
    screenshot(page, "devices-1024-tekst-200")
    scroll_width, inner_width = sideways_overflow(page)
    assert scroll_width <= inner_width, f"200 % text makes the page {scroll_width} px wide"
    page.locator("#filter-toggle").click()
    page.wait_for_function("document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'true'")
    page.locator("#service").wait_for(state="visible")
    screenshot(page, "devices-1024-tekst-200-filtre")


def test_dev006_slow_connection_shows_loading_then_the_map(page, live_app: LiveApp) -> None:
    """1.6 Mbps / 150 ms: «Laster kart …» in a polite live region before the map, read out when done."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    session.send("Network.emulateNetworkConditions", SLOW_NETWORK)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(live_app.url + "/", wait_until="commit")
    page.wait_for_selector(".page-loading", state="attached", timeout=10_000)
    page.wait_for_selector("#map-loading", state="visible")
    loading = page.locator("#map-loading")
    assert loading.inner_text() == "Laster kart …"
    assert loading.get_attribute("role") == "status" and loading.get_attribute("aria-live") == "polite"
    assert page.evaluate("document.querySelectorAll('#map path.choroplethlocation').length") == 0, "the note comes before the map"
    screenshot(page, "devices-1024-laster-kart")
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    page.wait_for_function("document.getElementById('map-loading').textContent === 'Kartet er lastet.'")
    assert page.evaluate("document.getElementById('map-loading').getBoundingClientRect().width") <= 1, "then it is only read out, not shown"
    session.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def test_dev007_the_page_loads_our_plotly_bundle_not_the_full_one(page, live_app: LiveApp, page_log) -> None:
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, int(response.headers.get("content-length") or 0)))
    open_at(page, live_app, 1440)
    plotly_requests = [url for url in page_log.requests if "plotly" in url.rsplit("/", 1)[-1]]
    assert plotly_requests == [live_app.url + "/_dash-component-suites/plotly/package_data/plotly.min.js"]
    assert page.evaluate("window.Plotly.version") == "4.1.1"
    # Only the trace types the app draws are registered: not e.g. the 3-D or table traces.
    registered = page.evaluate("Object.keys(window.Plotly.PlotSchema.get().traces).sort()")
    assert registered == ["bar", "choropleth", "scatter", "scattergeo"]
