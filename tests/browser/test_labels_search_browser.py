"""Issue 11 in a real browser: names on the map, exact search, legend highlight reset, dropdown typing."""

from __future__ import annotations

import pytest
from conftest import LiveApp, screenshot
from test_browser import MAP_PATHS, VISIBLE_ARRANGEMENTS, choose, open_app

pytestmark = pytest.mark.browser

# The names trace: the last scattergeo trace of the map.
NAME_NODES = "#map .scatterlayer > .trace.scattergeo:last-child text"
PROFILE_TITLE = "document.querySelector('#profile h2') && document.querySelector('#profile h2').textContent"


def shown_names(page) -> list[str]:
    """Municipality names drawn and visible on the map."""
    return page.eval_on_selector_all(NAME_NODES, "nodes => nodes.filter(n => n.getClientRects().length).map(n => n.textContent)")


def search_municipality(page, text: str) -> None:
    """Open «Kommune», type into its search box and press Enter, as a keyboard user does."""
    page.click("#municipality")
    box = page.locator(".dash-dropdown-content .dash-dropdown-search")
    box.fill(text)
    box.press("Enter")


@pytest.mark.parametrize(("typed", "expected"), [("Ål", "Ål"), ("Hol", "Hol"), ("3044", "Hol"), ("hjardal", "Hjartdal")])
def test_br101_exact_name_alias_or_number_wins_in_municipality_search(page, live_app: LiveApp, typed, expected) -> None:
    if not live_app.real:
        pytest.skip("needs the real survey and its aliases")
    open_app(page, live_app)
    search_municipality(page, typed)
    page.wait_for_function(f"({PROFILE_TITLE}) === {expected!r}")
    if typed == "Ål":
        screenshot(page, "11-search-aal-opens-aal")


def test_br102_highlight_then_service_change_draws_the_full_map(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    page.locator("#map .legend .traces").first.click()
    page.wait_for_function(VISIBLE_ARRANGEMENTS + ".length === 1")
    choose(page, "service", "Barnevernvakt")
    page.wait_for_function("document.querySelector('#map-message').textContent.startsWith('Barnevernvakt')")
    expected = page.inner_text("#map-message").split(":")[1].split("ordning")[0].strip()
    page.wait_for_function(VISIBLE_ARRANGEMENTS + f".length === {int(expected)}")
    drawn = page.eval_on_selector_all(
        MAP_PATHS, "paths => paths.filter(p => p.closest('.trace') && p.style.opacity !== '0').length"
    )
    assert drawn >= 356
    screenshot(page, "11-highlight-then-service-change")


def test_br103_typing_in_the_service_dropdown_searches_with_a_norwegian_placeholder(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    page.click("#service")
    box = page.locator(".dash-dropdown-content .dash-dropdown-search")
    assert box.get_attribute("placeholder") == "Søk"
    page.wait_for_function("document.activeElement && document.activeElement.closest('.dash-dropdown-content') !== null")
    page.keyboard.type("barnevern")
    assert box.input_value() == "barnevern"
    screenshot(page, "11-service-dropdown-typing")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#map-message').textContent.startsWith('Barnevernvakt')")


def test_br104_service_map_names_municipalities_and_names_can_be_switched_off(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the real survey")
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, live_app)
    for name in ("Sigdal", "Tinn", "Kongsberg"):
        assert name in shown_names(page)
    # Names stay inside the map and clear of one another as drawn.
    boxes = page.eval_on_selector_all(NAME_NODES, "nodes => nodes.map(n => { const b = n.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; })")
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1]
    assert len(boxes) >= 25 and not overlapping
    screenshot(page, "11-service-map-names-1440")

    page.click("#labels input")
    page.wait_for_function("document.querySelector('#map').classList.contains('labels-off')")
    assert "Sigdal" not in shown_names(page)
    choose(page, "service", "Barnevernvakt")
    page.wait_for_function("document.querySelector('#map-message').textContent.startsWith('Barnevernvakt')")
    assert "Sigdal" not in shown_names(page), "names stay off after the map changes"
    screenshot(page, "11-service-map-names-off")
    page.click("#labels input")
    page.wait_for_function("!document.querySelector('#map').classList.contains('labels-off')")
    assert "Sigdal" in shown_names(page)


def test_br105_nav_slide_for_hallingdal_names_the_six_members(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the survey's NAV Hallingdal")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_app.url + "/?visning=presentasjon&tjenester=nav&region=hallingdal")
    page.wait_for_function(
        "(document.getElementById('presentation-title') || {}).textContent === 'Felles NAV-kontor – Hallingdal'"
        " && document.querySelectorAll('#presentation-map .legend .traces').length > 0"
    )
    members = ("Flå", "Gol", "Hemsedal", "Hol", "Nesbyen", "Ål")
    legend = page.eval_on_selector("#presentation-map .legend", "node => node.textContent")
    assert all(name in legend for name in members), legend
    names = page.eval_on_selector_all(
        "#presentation-map .scatterlayer > .trace.scattergeo:last-child text", "nodes => nodes.map(n => n.textContent)"
    )
    assert set(members) <= set(names), names
    screenshot(page, "11-slide-nav-hallingdal")


OVERLAPPING_CELL_TEXT = """() => {
  // Text of a profile cell that runs into its neighbour: a cell's content wider than the cell.
  return [...document.querySelectorAll('#profile .profile-table td, #profile .profile-table th')]
    .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
    .map(cell => cell.textContent);
}"""


def test_br106_profile_opens_with_the_service_in_view_and_is_announced(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the real survey")
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, live_app, "?tjeneste=ppt")
    search_municipality(page, "Flesberg")
    page.wait_for_function(f"({PROFILE_TITLE}) === 'Flesberg'")
    page.wait_for_function("document.getElementById('profile-status').textContent.includes('Flesberg er åpnet')")
    assert "med PP-tjeneste (PPT) først" in page.inner_text("#profile-status")
    first_section = page.inner_text("#profile .profile-service")
    assert first_section.startswith("PP-tjeneste (PPT) i Flesberg") and "Vertskommune" in first_section
    # In view: the profile's heading is on screen without scrolling by hand.
    page.wait_for_function(
        "(() => { const r = document.querySelector('#profile .profile-service').getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight / 2; })()"
    )
    assert page.evaluate(OVERLAPPING_CELL_TEXT) == []
    screenshot(page, "11-profile-flesberg-ppt-1440")


def test_br107_a_national_upload_gives_a_readable_map_and_a_short_summary(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the real registry of 356 municipalities")
    from fixtures import national_register_csv

    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, live_app)
    page.click("#upload-panel summary")
    page.set_input_files(
        "#upload input[type=file]", files=[{"name": "nasjonal.csv", "mimeType": "text/csv", "buffer": national_register_csv()}]
    )
    page.wait_for_function("document.querySelector('#dataset-label').textContent.includes('3000 ordninger')", timeout=120_000)
    page.wait_for_function("document.querySelector('#map-message').textContent.includes('356 kommuner')")
    page.wait_for_function("document.querySelector('#map .legend').textContent.includes('mindre ordninger')")
    summary = page.inner_text("#map-message")
    assert len(summary) < 300 and "(alle i «Tabell»)" in summary, summary
    graph = "document.querySelector('#map .js-plotly-plot')"
    legend_entries = page.evaluate(f"{graph}._fullData.filter(t => t.showlegend && t.visible !== false).length")
    assert legend_entries <= 14, "the legend groups the small arrangements instead of scrolling"
    crosses = page.evaluate(f"{graph}.data.filter(t => t.marker && t.marker.symbol === 'x').length")
    dots = page.evaluate(f"{graph}.data.filter(t => t.name === 'To ordninger').length")
    assert crosses == 0 and dots == 0, "no crosses or dots all over the country"
    names = shown_names(page)
    assert 20 <= len(names) < 200, "names thin out at national scale"
    screenshot(page, "11-national-upload-service-map", selector="#map-panel")
