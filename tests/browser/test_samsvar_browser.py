"""«Samsvar» in real headless Chromium: opened from a URL, a municipality selected, the partner grid read."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from conftest import LiveApp, screenshot
from fixtures.axe import assert_axe_clean

pytestmark = pytest.mark.browser

SIGDAL = "3045"
MAP_PATHS = "#map path.choroplethlocation"
# Numbers written on the konstellasjoner map (the text trace), as the browser drew them.
MAP_NUMBERS = """[...document.querySelectorAll('#map .scattergeo text')].map(t => t.textContent).filter(t => /^\\d+$/.test(t))"""


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def choose_municipality(page, name: str) -> None:
    page.click("#municipality")
    page.fill(".dash-dropdown-content .dash-dropdown-search", name)
    page.get_by_role("option", name=name, exact=True).click()


def test_bsa001_samsvar_from_a_url_then_a_municipality_fills_the_partner_grid(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the real survey (geodata/)")
    page.goto(live_app.url + "/?visning=samsvar")
    page.wait_for_function(f"document.querySelectorAll('{MAP_PATHS}').length >= 356")
    page.wait_for_function("(document.querySelector('#map-message') || {textContent: ''}).textContent.startsWith('Samsvar')")
    assert not page.locator("#samsvar-panel").is_hidden()
    assert not page.locator("#samsvar-services-field").is_hidden()
    # The konstellasjoner map: one number on each of the 25 surveyed municipalities.
    page.wait_for_function(f"{MAP_NUMBERS}.length === 25")
    numbers = page.evaluate(MAP_NUMBERS)
    assert sorted(set(numbers)) == ["2", "3", "4", "5"]
    assert "Flest ulike partnersett (5)" in page.inner_text("#map-message")
    screenshot(page, "samsvar-00-map")
    # The matrix: a real table, values written in.
    page.wait_for_selector("#samsvar-matrix table td")
    matrix = page.inner_text("#samsvar-matrix")
    assert "Legevakt" in matrix and "89 %" in matrix and "231 par" in matrix
    # Definitions stated in the page, in Norwegian.
    assert "Antall ulike partnersett blant disse tjenestene" in page.inner_text("#samsvar-panel")

    choose_municipality(page, "Sigdal")
    page.wait_for_function("(document.querySelector('#samsvar-grid h4') || {textContent: ''}).textContent === 'Sigdal'")
    assert query_of(page)["kommune"] == [SIGDAL] and query_of(page)["visning"] == ["samsvar"]
    grid = page.locator("#samsvar-grid table")
    headers = grid.locator("thead th").all_inner_texts()
    assert headers[0] == "Tjeneste" and headers[1].startswith("Krødsherad") and "6 av 6" in headers[1]
    rows = grid.locator("tbody tr")
    assert rows.count() == 6
    assert [rows.nth(i).locator("th").inner_text() for i in range(6)] == ["Legevakt", "Barnevernvakt", "PP-tjeneste (PPT)", "Felles NAV-kontor", "Felles IKT-tjeneste", "Krisesenter"]
    # Krødsherad is marked in every row (the recurring partner); the summary counts five sets.
    assert grid.locator("tbody td:nth-child(2).grid-mark").count() == 6
    assert "6 av 6 tjenester med 5 ulike partnersett" in page.inner_text("#samsvar-grid")
    page.locator("#samsvar-grid").scroll_into_view_if_needed()
    screenshot(page, "samsvar-01-sigdal-partner-grid")
    screenshot(page, "samsvar-02-sigdal-grid-only", selector="#samsvar-grid")

    # Two services side by side: both maps drawn, the summary names who differs.
    page.wait_for_function("document.querySelectorAll('#samsvar-compare-map-first path.choroplethlocation').length >= 356")
    page.wait_for_function("document.querySelectorAll('#samsvar-compare-map-second path.choroplethlocation').length >= 356")
    summary = page.inner_text("#samsvar-compare-summary")
    assert summary.startswith("Legevakt og barnevernvakt:") and "Andre partnere (≠)" in summary
    page.locator("#samsvar-compare-summary").scroll_into_view_if_needed()
    screenshot(page, "samsvar-03-compare")
    assert_axe_clean(page, "Samsvar, two services compared")
    with page.expect_download() as download_info:
        page.click("#samsvar-grid-download-button")
    content = download_info.value.path().read_text(encoding="utf-8")
    assert content.startswith("\ufeffTjeneste,Krødsherad") and "Legevakt,x" in content


SCALE_OF = "(id) => document.querySelector(`#${id} .js-plotly-plot`)._fullLayout.geo.projection.scale"


def zoom_first_map_with_the_wheel(page, map_id: str, before: float) -> None:
    """Wheel over the map's centre until the map itself has zoomed.

    Under load the panel can still grow (matrix, grid) after the map is drawn, moving the map away
    from the point measured; a wheel that lands on the page scrolls it instead. So the position is
    measured right before each try, and success is the map's own scale, not the follower's.
    """
    under_cursor = []
    for _ in range(5):
        page.locator(f"#{map_id}").scroll_into_view_if_needed()
        box = page.locator(f"#{map_id} .js-plotly-plot").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        under_cursor.append(page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); return e ? `${e.tagName}.${e.getAttribute('class')}` : 'none'; }", [x, y]))
        page.mouse.wheel(0, -400)
        try:
            page.wait_for_function(f"(() => {{ const s = ({SCALE_OF})('{map_id}'); return s > {before} * 1.05; }})()", timeout=5000)
            return
        except PlaywrightTimeoutError:
            continue
    screenshot(page, "samsvar-zoom-failed")
    scale = page.evaluate(SCALE_OF, map_id)
    boxes = page.evaluate(
        """(id) => Object.fromEntries([`#${id}`, `#${id} .js-plotly-plot`, `#${id} svg.main-svg`, '#samsvar-table', '.samsvar-compare-maps'].map(s => {
          const e = document.querySelector(s); if (!e) return [s, null]; const b = e.getBoundingClientRect();
          return [s, [Math.round(b.top + scrollY), Math.round(b.height), getComputedStyle(e).display, getComputedStyle(e).position]];
        }))""",
        map_id,
    )
    raise AssertionError(f"the wheel never zoomed #{map_id}: scale {scale} (before {before}); under the cursor: {under_cursor}; boxes: {boxes}")


def test_bsa002_compare_maps_share_zoom_and_selection_and_fit_a_phone(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the real survey (geodata/)")
    page.goto(live_app.url + "/?visning=samsvar&sammenlign=ppt,nav")
    first, second = "samsvar-compare-map-first", "samsvar-compare-map-second"
    for map_id in (first, second):
        page.wait_for_function(f"document.querySelectorAll('#{map_id} path.choroplethlocation').length >= 356")
    assert page.inner_text("#samsvar-compare-summary").startswith("PP-tjeneste (PPT) og felles NAV-kontor:")
    # Each map's box is as tall as its drawing, so nothing below is laid over it (it once collapsed to 0).
    for map_id in (first, second):
        heights = page.evaluate(f"[document.querySelector('#{map_id}').getBoundingClientRect().height, document.querySelector('#{map_id} svg.main-svg').getBoundingClientRect().height]")
        assert heights[0] >= heights[1] - 1, heights
    before = page.evaluate(SCALE_OF, second)
    zoom_first_map_with_the_wheel(page, first, before)
    page.wait_for_function(f"(() => {{ const s = ({SCALE_OF})('{second}'); return s > {before} * 1.05; }})()")
    assert page.evaluate(SCALE_OF, first) == pytest.approx(page.evaluate(SCALE_OF, second), rel=0.01)
    # Selecting Hol by a click on the second map puts the ring on both maps and fills the grid.
    point = page.evaluate(
        """(id) => {
          const paths = [...document.querySelectorAll(`#${id} path.choroplethlocation`)].filter(p => p.__data__ && p.__data__.loc === '3044');
          const path = paths[paths.length - 1]; const box = path.getBoundingClientRect();
          const local = path.getScreenCTM().inverse(); const pt = path.ownerSVGElement.createSVGPoint();
          for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
            pt.x = box.left + box.width * i / 12; pt.y = box.top + box.height * j / 12;
            if (path.isPointInFill(pt.matrixTransform(local))) return [pt.x, pt.y];
          }
          return null;
        }""",
        second,
    )
    assert point
    page.mouse.click(*point)
    page.wait_for_function("(document.querySelector('#samsvar-grid h4') || {textContent: ''}).textContent === 'Hol'")
    page.wait_for_function(f"document.querySelector('#{first} .js-plotly-plot')._fullData[1].text[1] === 'Hol'")
    screenshot(page, "samsvar-04-compare-zoomed-hol", selector=".samsvar-compare-maps")
    # 320 px wide: the tables scroll inside their own box, the page itself does not.
    page.set_viewport_size({"width": 320, "height": 800})
    page.locator("#samsvar-grid").scroll_into_view_if_needed()
    # Nothing of this view overflows its own box (the wide tables scroll inside theirs). The page
    # column itself can be wider than 320 px because of the map's legend: issue 12's responsive work.
    # The maps redraw at the new width a moment after the resize, so this waits for that state.
    for selector in ("#samsvar-panel", "#samsvar-services-field", ".samsvar-compare-controls"):
        page.wait_for_function(f"(() => {{ const e = document.querySelector('{selector}'); return e && e.scrollWidth <= e.clientWidth + 1; }})()")
    assert page.evaluate("Math.max(...[...document.querySelectorAll('.samsvar-scroll')].map(e => e.getBoundingClientRect().right))") <= 320
    screenshot(page, "samsvar-05-phone-grid")


def test_bsa003_samsvar_in_the_2024_structure(page, live_app: LiveApp) -> None:
    """The view follows the structure switch: the same konstellasjoner, under 2024 numbers."""
    if not live_app.real:
        pytest.skip("needs the real survey (geodata/)")
    page.goto(live_app.url + "/?visning=samsvar&struktur=2024")
    page.wait_for_function(f"document.querySelectorAll('{MAP_PATHS}').length >= 357")
    page.wait_for_function(f"{MAP_NUMBERS}.length === 25")
    assert sorted(set(page.evaluate(MAP_NUMBERS))) == ["2", "3", "4", "5"]
    choose_municipality(page, "Sigdal")
    page.wait_for_function("(document.querySelector('#samsvar-grid') || {innerText: ''}).innerText.includes('Krødsherad')")
    assert "Sigdal deltar i 6 av 6 tjenester med 5 ulike partnersett" in page.inner_text("#samsvar-grid")
    assert query_of(page)["kommune"] == ["3332"]  # Sigdal 3045 is 3332 from 2024


def shown_texts(page, map_id: str, names_only: bool = True) -> list[str]:
    """Texts drawn and visible: of the names (a map's last scattergeo trace, which assets/style.css
    hides when «Vis kommunenavn» is off), or of every scattergeo trace."""
    selector = f"#{map_id} .scatterlayer > .trace.scattergeo{':last-child' if names_only else ''} text"
    return page.eval_on_selector_all(selector, "nodes => nodes.filter(n => n.getClientRects().length).map(n => n.textContent)")


def name_overlaps(page, map_id: str) -> list[tuple[str, str]]:
    """(name, what it covers) for visible names over a number, a «≠» disc or another name, as drawn (1 px slack)."""
    return page.evaluate(
        """(id) => {
          const layers = [...document.querySelectorAll(`#${id} .scatterlayer > .trace.scattergeo`)];
          const box = n => { const b = n.getBoundingClientRect(); return [b.left + 1, b.top + 1, b.right - 1, b.bottom - 1]; };
          const visible = nodes => [...nodes].filter(n => n.getClientRects().length);
          const names = visible(layers[layers.length - 1].querySelectorAll('text')).map(n => [n.textContent, box(n)]);
          const others = layers.slice(0, -1).flatMap(layer => {
            const texts = visible(layer.querySelectorAll('text'));
            const discs = texts.some(n => n.textContent === '≠') ? visible(layer.querySelectorAll('path.point')) : [];
            return [...texts.map(n => [n.textContent, box(n)]), ...discs.map(n => ['≠ (disc)', box(n)])];
          });
          const hit = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
          const out = [];
          names.forEach(([name, b], i) => {
            others.forEach(([other, c]) => { if (hit(b, c)) out.push([name, other]); });
            names.slice(i + 1).forEach(([other, c]) => { if (hit(b, c)) out.push([name, other]); });
          });
          return out;
        }""",
        map_id,
    )


def test_bsa004_names_on_all_three_maps_follow_the_toggle_and_keep_clear_of_numbers(page, live_app: LiveApp) -> None:
    if not live_app.real:
        pytest.skip("needs the real survey (geodata/)")
    first, second = "samsvar-compare-map-first", "samsvar-compare-map-second"
    page.goto(live_app.url + "/?visning=samsvar&kommune=" + SIGDAL)
    page.wait_for_function(f"{MAP_NUMBERS}.length === 25")
    for map_id in (first, second):
        page.wait_for_function(f"document.querySelectorAll('#{map_id} path.choroplethlocation').length >= 356")
    # The konstellasjoner map: names under the numbers, the selected one by its ring.
    page.wait_for_function("(id) => document.querySelectorAll(`#${id} .scatterlayer > .trace.scattergeo:last-child text`).length >= 20", arg="map")
    names = shown_texts(page, "map")
    assert {"Hol", "Flesberg", "Drammen"} <= set(names) and "Sigdal" not in names
    # Nor over the ring's own name «Sigdal» above it.
    assert not name_overlaps(page, "map")
    page.locator("#map").scroll_into_view_if_needed()
    screenshot(page, "samsvar-06-konstellasjoner-names")
    # The compare maps: ordinary service maps with names, clear of the «≠» marks.
    for map_id in (first, second):
        page.wait_for_function("(id) => document.querySelectorAll(`#${id} .scatterlayer > .trace.scattergeo:last-child text`).length >= 15", arg=map_id)
        assert "Hol" in shown_texts(page, map_id)
        assert not name_overlaps(page, map_id)
    page.locator(".samsvar-compare-maps").scroll_into_view_if_needed()
    screenshot(page, "samsvar-07-compare-names", selector=".samsvar-compare-maps")
    # Another municipality: the ring moves and the names are placed again around it (the names
    # patch the maps' last trace): Hol is now named by its ring, and no name covers it.
    choose_municipality(page, "Hol")
    for map_id in (first, second):
        page.wait_for_function(
            "(id) => { const n = [...document.querySelectorAll(`#${id} .scatterlayer > .trace.scattergeo:last-child text`)].map(t => t.textContent);"
            " return n.length > 15 && !n.includes('Hol'); }",
            arg=map_id,
        )
        page.wait_for_function(f"document.querySelector('#{map_id} .js-plotly-plot')._fullData[1].text[1] === 'Hol'")
        assert not name_overlaps(page, map_id)

    # Off: no names on any of the three maps, the numbers and «≠» marks stay.
    page.locator("#labels input").scroll_into_view_if_needed()
    page.click("#labels input")
    for map_id in ("map", first, second):
        page.wait_for_function("(id) => document.getElementById(id).classList.contains('labels-off')", arg=map_id)
        assert shown_texts(page, map_id) == [], map_id
    assert len([text for text in shown_texts(page, "map", names_only=False) if text.isdigit()]) == 25
    assert "≠" in shown_texts(page, first, names_only=False)
    page.locator("#map").scroll_into_view_if_needed()
    screenshot(page, "samsvar-08-names-off")
    # A new pair to compare keeps them off; on again, they come back everywhere.
    page.click("#samsvar-compare-second")
    page.fill(".dash-dropdown-content .dash-dropdown-search", "Felles NAV-kontor")
    page.get_by_role("option", name="Felles NAV-kontor", exact=True).click()
    page.wait_for_function("(document.querySelector('#samsvar-compare-summary') || {textContent: ''}).textContent.startsWith('Legevakt og felles NAV-kontor')")
    page.wait_for_function(f"(document.querySelector('#{second} .gtitle') || {{textContent: ''}}).textContent.startsWith('Felles NAV-kontor')")
    assert shown_texts(page, second) == []
    page.click("#labels input")
    for map_id in ("map", first, second):
        page.wait_for_function("(id) => !document.getElementById(id).classList.contains('labels-off')", arg=map_id)
        assert len(shown_texts(page, map_id)) >= 15, map_id
