"""An editor in a real browser: log in by keyboard, edit an arrangement, see the map change, find it in the log."""

from __future__ import annotations

import pytest
from conftest import STATE_TIMEOUT_MS, VIEWPORT, LiveApp, screenshot
from fixtures.axe import assert_axe_clean

from dashboard.store.accounts import Accounts
from dashboard.store.database import open_database
from dashboard.store.registers import RegisterStore

pytestmark = pytest.mark.browser

HEADER = "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde"
ODAL = "\r\n".join(
    [
        HEADER,
        "Odal legevakt;legevakt;;Nord-Odal, Sør-Odal;Sør-Odal;vertskommune;2012;",
        "Odal PPT;ppt;;Nord-Odal, Sør-Odal;;IKS;2008;",
    ]
).encode("utf-8")
PASSWORD = "redaktor-passord"
PAINTED_LEGEVAKT = """() => { const gd = document.querySelector('#map .js-plotly-plot');
  const t = gd.data.find(t => t.type === 'choropleth' && t.name === 'Odal legevakt'); return t ? [...t.locations].sort() : null; }"""


@pytest.fixture(scope="module")
def odal(live_app: LiveApp, live_database: str) -> str:
    store = RegisterStore(open_database(live_database), live_app.model)
    if store.info("odal") is None:
        store.apply_import(store.plan_import(ODAL, "odal.csv", name="Odalen", slug="odal"), "test")
        Accounts(store.engine).add("odal", "kari@odal.no", PASSWORD)
    return f"{live_app.url}/r/odal"


def choose(page, field: str, option: str, search: bool = False) -> None:
    page.click(f"#{field}")
    if search:  # long lists (356 municipalities) show what matches the typed text
        page.fill(".dash-dropdown-content .dash-dropdown-search", option)
    try:
        page.get_by_role("option", name=option, exact=True).click()
    except Exception:
        screenshot(page, f"failed-choose-{field}")
        raise


def test_bed001_log_in_edit_see_the_map_change_and_the_log(page, browser, odal: str) -> None:
    page.goto(odal + "/logg-inn")
    page.keyboard.press("Tab")  # the site link, then the form: all by keyboard
    page.focus("#email")
    page.keyboard.type("kari@odal.no")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(odal)
    page.wait_for_function("document.querySelectorAll('#map path.choroplethlocation').length >= 356")
    page.wait_for_function("document.querySelector('#editor-bar').textContent.includes('Logget inn som kari@odal.no')")
    assert page.evaluate(PAINTED_LEGEVAKT) == ["3414", "3415"]

    page.click("#edit-panel summary")
    screenshot(page, "edit-00-panel-open")
    choose(page, "edit-pick", "Odal legevakt")
    page.wait_for_function("document.querySelector('#edit-name').value === 'Odal legevakt'")
    # A bad edit: the message stands next to the field, nothing is saved.
    page.fill("#edit-established", "tjue")
    page.click("#edit-save")
    page.wait_for_function("document.querySelector('#edit-established-error').textContent.includes('er ikke et årstall')")
    assert page.inner_text("#edit-status") == "Ikke lagret: rett feltene som er merket."
    screenshot(page, "edit-01-form-with-error")
    # A good one: Eidskog joins.
    page.fill("#edit-established", "2012")
    choose(page, "edit-members", "Eidskog", search=True)
    page.fill("#edit-reason", "Eidskog ble med fra 2024")
    page.click("#edit-save")
    page.wait_for_function("document.querySelector('#edit-status').textContent === 'Lagret «Odal legevakt».'")
    page.wait_for_function(f"JSON.stringify(({PAINTED_LEGEVAKT})()) === JSON.stringify(['3414', '3415', '3416'])")
    page.wait_for_function("document.querySelector('#edit-arrangement-history').textContent.includes('Eidskog ble med fra 2024')")
    page.click("#history-panel summary")
    page.wait_for_function("document.querySelector('#history-list').textContent.includes('deltakere: Nord-Odal, Sør-Odal → Nord-Odal, Sør-Odal, Eidskog')")
    assert "kari@odal.no" in page.inner_text("#history-list") and "Eidskog ble med fra 2024" in page.inner_text("#history-list")
    screenshot(page, "edit-02-saved-and-logged")

    # Anyone opening the link now sees the change, and no editing controls.
    other = browser.new_context(viewport=VIEWPORT, locale="nb-NO", bypass_csp=True)
    other.set_default_timeout(STATE_TIMEOUT_MS)
    try:
        visitor = other.new_page()
        visitor.goto(odal)
        visitor.wait_for_function("document.querySelectorAll('#map path.choroplethlocation').length >= 356")
        visitor.wait_for_function(f"JSON.stringify(({PAINTED_LEGEVAKT})()) === JSON.stringify(['3414', '3415', '3416'])")
        visitor.wait_for_function("document.querySelector('#editor-bar').textContent === 'Logg inn for å redigere'")
        assert visitor.locator("#edit-panel").is_hidden() and visitor.locator("#history-panel").is_hidden()
        # «Endringer siden» from a link: what changed this year, for a politician.
        visitor.goto(odal + "?endringer=2020-01-01")
        visitor.wait_for_function("(document.querySelector('#changes-summary') || {textContent: ''}).textContent.startsWith('Siden 01.01.2020:')")
        visitor.wait_for_function("document.querySelectorAll('#changes-map path.choroplethlocation').length >= 356")
        summary = visitor.inner_text("#changes-summary")
        assert summary == "Siden 01.01.2020: 2 nye, 0 endrede og 0 avsluttede ordninger.", "both arrangements came with this year's import"
        assert "Odal legevakt" in visitor.inner_text("#changes-list")
        visitor.locator("#changes-panel").scroll_into_view_if_needed()
        screenshot(visitor, "edit-03-changes-since")
    finally:
        other.close()


def test_bed002_login_edit_and_change_pages_pass_axe(page, page_log, odal: str, live_app: LiveApp) -> None:
    """The editor's pages: the login page whole, and the edit form, change log and «Endringer siden» panels."""
    page.goto(odal + "/logg-inn")
    assert_axe_clean(page, "the login page")
    page.fill("#email", "kari@odal.no")
    page.fill("#password", "feil passord")
    page.click("button[type=submit]")
    page.wait_for_selector(".form-error")
    assert_axe_clean(page, "the login page's error state")
    # Chromium logs the refused login's own 401 status; that is the point here, not a page error.
    page_log.errors[:] = [error for error in page_log.errors if "status of 401" not in error]
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(odal)
    page.wait_for_function("(document.querySelector('#editor-bar') || {textContent: ''}).textContent.includes('Logget inn som')")
    for panel in ("#edit-panel", "#history-panel", "#changes-panel"):
        page.click(f"{panel} summary")
    page.wait_for_function("(document.querySelector('#changes-summary') || {textContent: ''}).textContent.length > 0")
    assert_axe_clean(page, "the edit form, change log and «Endringer siden» of a logged-in editor")
    page.goto(live_app.url + "/registre")
    assert_axe_clean(page, "/registre")


def test_bed003_a_deck_ends_with_what_changed_since_a_day(page, odal: str) -> None:
    page.goto(odal + "?visning=presentasjon&tjenester=legevakt,ppt&endringer=2020-01-01")
    page.wait_for_function("(document.getElementById('presentation-counter') || {}).textContent === '1 / 3'")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("(document.getElementById('presentation-counter') || {}).textContent === '3 / 3'")
    page.wait_for_function("document.getElementById('presentation-title').textContent === 'Endringer siden 01.01.2020'")
    assert page.inner_text("#presentation-summary").startswith("Siden 01.01.2020: 2 nye")
    page.wait_for_function("document.querySelectorAll('#presentation-map path.choroplethlocation').length >= 356")
    screenshot(page, "edit-04-changes-slide")


def test_bed004_a_new_version_of_the_sheet_shows_its_differences_before_saving(page, odal: str) -> None:
    page.goto(odal + "/logg-inn")
    page.fill("#email", "kari@odal.no")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(odal)
    page.wait_for_function("(document.querySelector('#editor-bar') || {textContent: ''}).textContent.includes('Logget inn som')")
    page.click("#edit-panel summary")
    new_version = "\r\n".join([HEADER, "Odal legevakt;legevakt;;Nord-Odal, Sør-Odal, Eidskog, Kongsvinger;Sør-Odal;vertskommune;2012;",
                               "Odal barnevernvakt;barnevernvakt;;Nord-Odal, Sør-Odal;;;2024;"]).encode("utf-8")
    page.set_input_files("#reimport-upload input[type=file]", files=[{"name": "odal-2025.csv", "mimeType": "text/csv", "buffer": new_version}])
    page.wait_for_function("document.querySelector('#reimport-diff').textContent.includes('Ingenting er lagret ennå')")
    text = page.inner_text("#reimport-diff")
    assert "+ ny: Odal barnevernvakt" in text and "- avsluttes: Odal PPT" in text and "Kongsvinger" in text
    page.locator("#reimport-diff").scroll_into_view_if_needed()
    screenshot(page, "edit-05-new-version-differences")
    page.click("#reimport-cancel")
    page.wait_for_function("document.querySelector('#reimport-diff').textContent === 'Avbrutt; ingenting er lagret.'")
    # Logging out (a form post with its CSRF token) ends the editing.
    page.click("#editor-bar button[type=submit]")
    page.wait_for_url(odal)
    page.wait_for_function("(document.querySelector('#editor-bar') || {textContent: ''}).textContent === 'Logg inn for å redigere'")
    assert page.locator("#edit-panel").is_hidden()
