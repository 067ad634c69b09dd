"""The survey in today's municipality structure: the 2024 switch, its counties, its numbers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import LiveApp, screenshot

pytestmark = pytest.mark.browser

MAP_PATHS = "#map path.choroplethlocation"
# Municipality ids of the drawn choropleth (the base layer has every municipality of the structure).
DRAWN_IDS = "[...new Set([...document.querySelectorAll('#map path.choroplethlocation')].map(p => p.__data__ && p.__data__.loc))]"


IN_BUSKERUD = "(document.querySelector('#map-message') || {textContent: ''}).textContent.includes('i Buskerud')"


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def choose(page, dropdown_id: str, search: str, option: str) -> None:
    """Dash 4 dropdowns are virtualized: type to filter, then click the option."""
    page.click(f"#{dropdown_id}")
    page.fill(".dash-dropdown-content .dash-dropdown-search", search)
    page.get_by_role("option", name=option, exact=True).click()


def test_brs001_the_survey_switches_to_2024_and_filters_on_buskerud(page, live_app: LiveApp) -> None:
    page.goto(live_app.url + "/")
    page.wait_for_function(f"document.querySelectorAll('{MAP_PATHS}').length >= 356")
    assert page.is_checked("#structure input[value='2020']")
    assert "3005" in page.evaluate(DRAWN_IDS), "the survey opens in its own 2020 numbers"

    page.check("#structure input[value='2024']")
    page.wait_for_function(f"{DRAWN_IDS}.includes('3301') && !{DRAWN_IDS}.includes('3005')")
    assert query_of(page)["struktur"] == ["2024"]
    assert page.evaluate(f"{DRAWN_IDS}.length") >= 357, "every municipality of 2024, Haram too"

    # The county filter follows the structure: Buskerud is there again, Viken is not.
    page.click("#region")
    page.fill(".dash-dropdown-content .dash-dropdown-search", "Viken")
    page.wait_for_function("!document.querySelector('.dash-dropdown-content [role=option]') || "
                           "![...document.querySelectorAll('.dash-dropdown-content [role=option]')].some(o => o.textContent.includes('Viken'))")
    page.keyboard.press("Escape")
    choose(page, "region", "Buskerud", "Buskerud (fylke)")
    page.wait_for_function(IN_BUSKERUD)
    assert query_of(page)["region"] == ["fylke-33"] and query_of(page)["struktur"] == ["2024"]
    message = page.inner_text("#map-message")
    if live_app.real:
        assert "Nore og Uvdal" in message, "the legevakt gap the report names, inside Buskerud"
    annotations = " ".join(page.eval_on_selector_all("#map .annotation", "nodes => nodes.map(n => n.textContent)"))
    assert "Kilde: NIVI Analyse 2021" in annotations and "Kartgrunnlag: © Kartverket" in annotations
    screenshot(page, "structure-2024-buskerud")

    # A shared link reopens the same view; back to 2020 keeps the data, drops the county of 2024.
    page.goto(live_app.url + "/?struktur=2024&region=fylke-33")
    page.wait_for_function(IN_BUSKERUD)
    assert page.is_checked("#structure input[value='2024']")
    assert "Buskerud (fylke)" in page.inner_text("#region") and query_of(page)["region"] == ["fylke-33"]
    page.check("#structure input[value='2020']")
    page.wait_for_function(f"{DRAWN_IDS}.includes('3005')")
    page.wait_for_function("!new URLSearchParams(location.search).has('struktur')")
    assert "region" not in query_of(page), "Buskerud is no county of 2020"


SLIDE_IDS = "[...new Set([...document.querySelectorAll('#presentation-map path.choroplethlocation')].map(p => p.__data__ && p.__data__.loc))]"
# The boundary file a map's traces draw (one per structure, each served once).
GEOJSON_OF = "(sel) => { const g = document.querySelector(sel + ' .js-plotly-plot'); return g && g.data && g.data[0] && g.data[0].geojson; }"


def test_brs002_presenting_a_survey_switched_to_2024_shows_2024_slides(page, live_app: LiveApp) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_app.url + "/")
    page.wait_for_function(f"document.querySelectorAll('{MAP_PATHS}').length >= 356")
    boundaries_2020 = page.evaluate(GEOJSON_OF, "#map")
    page.check("#structure input[value='2024']")
    page.wait_for_function(f"{DRAWN_IDS}.includes('3301')")
    boundaries_2024 = page.evaluate(GEOJSON_OF, "#map")
    assert boundaries_2024 != boundaries_2020
    choose(page, "region", "Buskerud", "Buskerud (fylke)")
    page.wait_for_function(IN_BUSKERUD)

    page.click("#presentation-button")
    page.wait_for_function(
        """() => {
          const title = (document.getElementById('presentation-title') || {}).textContent;
          const graph = document.querySelector('#presentation-map .js-plotly-plot');
          return title === 'Legevakt – Buskerud' && graph && graph._fullLayout && graph._fullLayout.uirevision === 'slide:legevakt'
            && document.querySelectorAll('#presentation-map path.choroplethlocation').length >= 357;
        }"""
    )
    query = query_of(page)
    assert query["visning"] == ["presentasjon"] and query["struktur"] == ["2024"] and query["region"] == ["fylke-33"]
    assert page.evaluate(GEOJSON_OF, "#presentation-map") == boundaries_2024, "the slide draws the 2024 boundaries"
    drawn = page.evaluate(SLIDE_IDS)
    assert "3301" in drawn and not [number for number in drawn if number and number.startswith("30")], "no Viken numbers"
    hover = page.evaluate(
        "() => JSON.stringify(document.querySelector('#presentation-map .js-plotly-plot').data.map(t => [t.locations, t.text, t.hovertext]))"
    )
    assert "Drammen" in hover and "3301" in hover
    if live_app.real:
        assert "3332" in drawn and "Sigdal" in hover, "Sigdal under its 2024 number"
    assert "Kilde: NIVI Analyse 2021" in page.inner_text("#presentation-source")
    assert "Kartverket" in page.inner_text("#presentation-source")
    screenshot(page, "structure-2024-slide-legevakt-buskerud")

    # The next slide and the way out stay in 2024 and in Buskerud.
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(document.getElementById('presentation-counter') || {textContent: ''}).textContent.startsWith('2 /')"
        " && (document.getElementById('presentation-title') || {textContent: ''}).textContent.endsWith('– Buskerud')"
    )
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('presentation').hidden")
    page.wait_for_function(IN_BUSKERUD)
    assert query_of(page)["struktur"] == ["2024"] and query_of(page)["region"] == ["fylke-33"]
    assert page.is_checked("#structure input[value='2024']")
