"""Issue 11 in a real browser: names on the map, exact search, legend highlight reset, dropdown typing."""

from __future__ import annotations

import pytest
from conftest import LiveApp, screenshot
from test_browser import MAP_PATHS, VISIBLE_ARRANGEMENTS, choose, open_app

pytestmark = pytest.mark.browser

PROFILE_TITLE = "document.querySelector('#profile h2') && document.querySelector('#profile h2').textContent"


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
