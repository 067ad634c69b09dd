"""WCAG 2.1 AA in a real browser: axe-core in every view and state, the keyboard, names and announcements.

axe runs through tests/fixtures/axe.py (WCAG 2.0/2.1 A and AA rules); any violation fails. The
keyboard tests press real keys and check where focus lands, and that it can be seen.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from conftest import LiveApp, screenshot
from fixtures.axe import assert_axe_clean

pytestmark = pytest.mark.browser

POLYGONS = "document.querySelectorAll('#map path.choroplethlocation').length >= 356"
HOL = "3044"
BAD = "navn,tjeneste,deltakere\nA,legevakt,Kongsvinnger\n"
# What has focus, in words a failure message can show.
FOCUSED = """(() => { const e = document.activeElement;
  return e ? `${e.tagName.toLowerCase()}#${e.id}.${String(e.className).split(' ')[0]} «${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40)}»` : 'none'; })()"""
# The focus ring of the focused element (or of the option label round a focused radio/checkbox,
# or of the box round a text or date field).
FOCUS_RING = """(() => { let e = document.activeElement; if (!e || e === document.body) return 0;
  const box = e.closest('.dash-options-list-option, .dash-input-container'); if (box) e = box;
  const style = getComputedStyle(e);
  return style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth); })()"""


def open_app(page, live_app: LiveApp, query: str = "") -> None:
    """The page with its map drawn and its (lazily loaded) dropdowns drawn and repaired by a11y.js."""
    page.goto(live_app.url + "/" + query)
    page.wait_for_function(POLYGONS)
    page.wait_for_selector("button#municipality[aria-labelledby^='municipality-label']", state="attached")


def focused(page) -> str:
    return page.evaluate(FOCUSED)


def test_a11y001_every_view_and_state_passes_axe(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    assert_axe_clean(page, "Tjenestekart")
    for view, ready in (("Nettverk", POLYGONS), ("Antall ordninger", POLYGONS), ("Tabell", "document.querySelector('#coverage-table .ag-cell')"),
                        ("Samsvar", "document.querySelector('#samsvar-matrix td')")):
        page.get_by_role("radio", name=view).check()
        page.wait_for_function(ready)
        assert_axe_clean(page, view)
    screenshot(page, "a11y-01-tabell")

    open_app(page, live_app, f"?kommune={HOL}")
    page.wait_for_function("(document.querySelector('#profile h2') || {}).textContent === 'Hol'")
    assert_axe_clean(page, "the map with Hol's profile open")

    page.click("#upload-panel summary")
    page.wait_for_selector("#upload input[type=file]", state="attached")  # the drop zone comes with the opening
    page.click("#changes-panel summary")
    assert_axe_clean(page, "the upload and «Endringer siden» panels open")
    page.set_input_files("#upload input[type=file]", files=[{"name": "feil.csv", "mimeType": "text/csv", "buffer": BAD.encode()}])
    page.wait_for_function("document.querySelectorAll('#upload-problems li').length === 1")
    assert_axe_clean(page, "the upload's error state")

    page.goto(live_app.url + "/?visning=presentasjon&tjenester=legevakt,ppt")
    page.wait_for_function("document.querySelectorAll('#presentation-map path.choroplethlocation').length >= 356")
    assert_axe_clean(page, "presentation mode")


def test_a11y002_tabell_is_sorted_filtered_and_left_by_keyboard(page, live_app: LiveApp) -> None:
    """Tab into the grid and out of it on both sides; sort and filter with the keyboard alone."""
    open_app(page, live_app, "?visning=tabell&tjeneste=barnevernvakt")
    page.wait_for_selector("#coverage-table .ag-cell")
    page.focus("#coverage-table-download-button")
    page.keyboard.press("Tab")
    settle_focus(page, "document.activeElement.closest('#coverage-table') !== null", "into the first grid")
    assert "Kommune" in focused(page)
    assert page.evaluate(FOCUS_RING) >= 2, "the focused header cell shows it"

    first_column = "[...document.querySelectorAll('#coverage-table .ag-center-cols-container .ag-row')].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map(r => r.querySelector('[col-id=\"Kommune\"]').textContent)"
    names = page.evaluate(first_column)
    page.keyboard.press("Enter")  # sort ascending
    page.wait_for_function("(document.querySelector('#coverage-table [col-id=\"Kommune\"][aria-sort]') || {}).getAttribute('aria-sort') === 'ascending'")
    ascending = page.evaluate(first_column)
    assert ascending == sorted(names, key=lambda name: name.casefold()), ascending[:5]
    page.keyboard.press("Enter")  # descending
    page.wait_for_function("document.querySelector('#coverage-table [col-id=\"Kommune\"][aria-sort]').getAttribute('aria-sort') === 'descending'")
    assert page.evaluate(first_column)[0] == ascending[-1]

    page.keyboard.press("ArrowDown")  # the column's filter cell
    page.keyboard.press("Enter")  # into its text field
    settle_focus(page, "document.activeElement.tagName === 'INPUT'", "into the filter field")
    page.keyboard.type("Ringerike")
    page.wait_for_function(f"{first_column}.length === 1 && {first_column}[0] === 'Ringerike'")
    screenshot(page, "a11y-02-tabell-filtered-by-keyboard")
    page.keyboard.press("Escape")

    page.keyboard.press("Tab")
    settle_focus(page, "document.activeElement.id === 'totals-table-download-button'")
    assert page.evaluate(FOCUS_RING) >= 2
    page.keyboard.press("Tab")
    settle_focus(page, "document.activeElement.closest('#totals-table') !== null")
    page.keyboard.press("Tab")
    settle_focus(page, "document.activeElement.closest('#totals-table') === null", "out the other side")
    # Back again, one step at a time: AG Grid moves focus from its tab guard to a cell
    # asynchronously, so each press waits for the previous one to land.
    page.keyboard.press("Shift+Tab")
    settle_focus(page, "document.activeElement.closest('#totals-table') !== null", "back into the second grid")
    page.keyboard.press("Shift+Tab")
    settle_focus(page, "document.activeElement.id === 'totals-table-download-button'", "back on its download button")
    page.keyboard.press("Shift+Tab")
    settle_focus(page, "document.activeElement.closest('#coverage-table') !== null", "and back in")


def settle_focus(page, predicate: str, what: str = "") -> None:
    """Wait (briefly) until focus is where `predicate` says; fail naming where it is instead."""
    try:
        page.wait_for_function(predicate, timeout=5000)
    except Exception:
        raise AssertionError(f"{what or predicate}: focus is on {focused(page)}") from None


def test_a11y003_presentation_is_a_modal_and_esc_returns_focus_to_its_button(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    page.focus("#presentation-button")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.getElementById('presentation').hidden")
    page.wait_for_function("document.getElementById('presentation').contains(document.activeElement)")
    page.wait_for_function("document.querySelectorAll('#presentation-map path.choroplethlocation').length >= 356")
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('presentation').contains(document.activeElement)"), "focus left the dialog: " + focused(page)
        seen.append(page.evaluate("document.activeElement.id"))
    assert {"presentation-previous", "presentation-next", "presentation-exit"} <= set(seen)
    assert page.evaluate(FOCUS_RING) >= 2
    screenshot(page, "a11y-03-presentation-focus")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.getElementById('presentation').contains(document.activeElement)"), focused(page)
    assert page.evaluate("document.querySelector('.app-body').inert"), "the page behind the dialog is inert"
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('presentation').hidden")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'presentation-button'")
    assert not page.evaluate("document.querySelector('.app-body').inert")
    assert page.evaluate(FOCUS_RING) >= 2, "and the ring shows where it is"


def test_a11y004_controls_are_named_by_their_labels_and_changes_are_announced(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    # Dropdowns: the visible label first, then the value («Tjeneste Legevakt»), and a Tab stop of their own.
    for label in ("Tjeneste", "Region", "Sektor", "Organisasjonsform", "Kommune"):
        button = page.get_by_role("button", name=re.compile(f"^{label} "))
        assert button.count() == 1, label
        assert button.first.get_attribute("tabindex") == "0"
    assert page.get_by_role("button", name="Tjeneste Legevakt").count() == 1
    for radio in ("Tjenestekart", "Nettverk", "Antall ordninger", "Tabell", "PNG", "A4"):
        assert page.get_by_role("radio", name=radio, exact=True).count() == 1, radio
    assert page.get_by_role("checkbox", name="Vis samarbeidslinjer").count() == 1
    assert page.get_by_role("radiogroup", name="Visning").count() == 1
    assert page.get_attribute("#map-panel", "aria-describedby") == "map-description map-message"
    assert page.text_content("#map-description").startswith("Kartet viser hvilken ordning hver kommune deltar i")

    # No English inside the dropdowns: the search field and «no match» speak Norwegian.
    page.focus("#service")
    page.keyboard.press("Enter")
    search = page.locator(".dash-dropdown-content .dash-dropdown-search")
    assert search.get_attribute("placeholder") == "Søk"
    assert search.get_attribute("aria-label") == "Søk i Tjeneste"
    search.fill("zzzz")
    page.wait_for_selector(".dash-dropdown-content :text('Ingen treff')")
    page.keyboard.press("Escape")

    # Keyboard: Tab reaches the service dropdown and shows its ring; Enter opens it.
    page.focus("#service")
    assert page.evaluate(FOCUS_RING) >= 2, "the dropdown shows focus"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "service", focused(page)

    # Choosing a municipality is announced; a filter change updates the live summary.
    page.focus("#municipality")
    page.keyboard.press("Enter")
    page.fill(".dash-dropdown-content .dash-dropdown-search", "Hol")
    page.get_by_role("option", name="Hol", exact=True).click()
    page.wait_for_function("(document.getElementById('profile-status') || {}).textContent.startsWith('Kommuneprofil for Hol er åpnet')")
    assert page.get_attribute("#profile-status", "aria-live") == "polite"
    assert page.get_attribute("#map-message", "role") == "status"
    page.get_by_role("radio", name="Antall ordninger").check()
    page.wait_for_function("document.getElementById('map-description').textContent.includes('hvor mange ordninger')")


def test_a11y005_visible_focus_on_every_control_of_the_page(page, live_app: LiveApp) -> None:
    """Tab from the top through upload, filters, views, toolbar and the map's modebar: every stop shows a ring ≥ 2 px."""
    open_app(page, live_app)
    page.click("#upload-panel summary")
    page.wait_for_selector("#upload input[type=file]", state="attached")
    page.evaluate("document.activeElement.blur()")
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        where = focused(page)
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last control
        stops.append(where)
        assert page.evaluate(FOCUS_RING) >= 2, f"no visible focus on {where}"
        if page.evaluate("document.activeElement.closest('.upload-zone') !== null"):
            screenshot(page, "a11y-05-upload-zone-focus")
    assert any("#service" in stop for stop in stops) and any("#export-button" in stop for stop in stops), stops
    assert any("modebar-btn" in stop for stop in stops), stops


def test_a11y006_focus_returns_to_last_ned_kart_after_the_download(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    page.focus("#export-button")
    with page.expect_download():
        page.keyboard.press("Enter")
    page.wait_for_function("!document.getElementById('export-button').disabled")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'export-button'")
    screenshot(page, "a11y-06-focus-back-on-download", selector="#map-toolbar")


def open_file_chooser_by_keyboard(page):
    """Space (then Enter) on the focused file field opens the chooser, as for any button.

    Headless Chromium now and then ignores a first Enter on a file field while Space worked
    every time (in CI, Enter alone failed 1 run in 2 after the other tests of this file), so
    Space goes first and Enter is the fallback; focus is checked before each try and reported.
    """
    seen = []
    for key in ("Space", "Enter", "Space"):
        seen.append(focused(page))
        try:
            with page.expect_file_chooser(timeout=8000) as chooser:
                page.keyboard.press(key)
            return chooser.value
        except PlaywrightTimeoutError:
            seen.append(f"{key}: no chooser; focus then {focused(page)}")
    raise AssertionError(f"the file chooser never opened: {seen}")


def test_a11y007_choosing_filters_switching_view_and_uploading_by_keyboard_alone(page, live_app: LiveApp) -> None:
    open_app(page, live_app)
    # A dropdown: Enter opens it on the chosen option; arrow keys move, Enter chooses.
    page.focus("#service")
    page.keyboard.press("Enter")
    page.wait_for_function("(document.activeElement || {}).value === 'legevakt'")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.closest('.dash-dropdown-option').textContent")
    page.keyboard.press("Enter")
    page.wait_for_function("([name]) => document.querySelector('#map-message').textContent.startsWith(name)", arg=[chosen])
    assert page.evaluate("document.activeElement.id") == "service", "focus is back on the dropdown"
    # Typing on a closed dropdown searches; Enter takes the first match.
    page.focus("#region")
    page.keyboard.type("H")
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('dash-dropdown-search')")
    page.keyboard.type("allingdal (k")
    page.wait_for_function("document.querySelector('.dash-dropdown-search').value === 'Hallingdal (k'")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#map-message').textContent.includes('i Hallingdal')")

    # The view switch is a native radio group: arrow keys move the choice.
    page.get_by_role("radio", name="Tjenestekart").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("new URLSearchParams(location.search).get('visning') === 'nettverk'")
    assert page.get_by_role("radio", name="Nettverk").is_checked()
    assert page.evaluate(FOCUS_RING) >= 2

    # The upload: Enter on the panel's summary opens it (its drop zone is sent then), Tab passes
    # the two template buttons to the file field, the zone shows focus, and Space opens the file
    # chooser, where the file is chosen.
    page.wait_for_load_state("networkidle")  # no callback still redrawing the page
    page.focus("#upload-summary")
    page.keyboard.press("Enter")
    page.wait_for_selector("#upload input[type=file]", state="attached")
    assert page.evaluate("document.getElementById('upload-panel').open")
    stops = []
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    assert [stop.split(".")[0] for stop in stops[:2]] == ["button#template-xlsx-button", "button#template-csv-button"], stops
    assert page.evaluate("document.activeElement.type") == "file", stops
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Last opp den utfylte filen (.xlsx eller .csv)"
    assert page.evaluate("getComputedStyle(document.activeElement.closest('.upload-zone')).outlineStyle") == "solid"
    screenshot(page, "a11y-07-keyboard-upload-focus", selector="#upload-panel")
    chooser = open_file_chooser_by_keyboard(page)
    assert not chooser.is_multiple()
    chooser.set_files(files=[{"name": "feil.csv", "mimeType": "text/csv", "buffer": BAD.encode()}])
    page.wait_for_function("document.querySelectorAll('#upload-problems li').length === 1")
    assert "feil.csv" in page.inner_text("#upload-problems")
    screenshot(page, "a11y-07-keyboard-upload-problems")
