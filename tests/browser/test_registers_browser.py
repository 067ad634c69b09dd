"""Registers in a real browser: one link, the same register for everyone; a try-upload sends only its id."""

from __future__ import annotations

import base64

import pytest
from conftest import STATE_TIMEOUT_MS, VIEWPORT, LiveApp, screenshot

from dashboard.store.database import open_database
from dashboard.store.registers import RegisterStore

pytestmark = pytest.mark.browser

HEADER = "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde"
GLAMDAL = "\r\n".join(
    [
        HEADER,
        "Glåmdal barnevernvakt;barnevernvakt;;Kongsvinger, Eidskog, Grue, Åsnes, Nord-Odal, Sør-Odal;Kongsvinger;vertskommune;2010;",
        "Glåmdal legevakt;legevakt;;Kongsvinger, Eidskog, Grue, Åsnes;Kongsvinger;vertskommune;2012;",
        "Kongsvingerregionen IPR;;Regionalpolitisk;Kongsvinger, Nord-Odal, Sør-Odal, Eidskog, Grue, Åsnes;Kongsvinger;IPR;2000;",
    ]
).encode("utf-8")
FOCUS = ["3401", "3414", "3415", "3416", "3417", "3418"]
MARKER = "Prøvefil-ordning-7f3a"
TRY_FILE = f"{HEADER}\r\n{MARKER};legevakt;;Hol, Ål, Gol;Hol;vertskommune;;\r\n".encode("utf-8")
PAINTED = """() => { const gd = document.querySelector('#map .js-plotly-plot');
  return [...new Set(gd.data.slice(2).flatMap(t => t.type === 'choropleth' ? t.locations : []))].sort(); }"""
DRAWN = "document.querySelectorAll('#map path.choroplethlocation').length >= 356"


@pytest.fixture(scope="module")
def glamdal(live_app: LiveApp, live_database: str) -> str:
    store = RegisterStore(open_database(live_database), live_app.model)
    if store.info("glamdal") is None:
        store.apply_import(store.plan_import(GLAMDAL, "glamdal.csv", name="Glåmdal", slug="glamdal"), "test")
    return f"{live_app.url}/r/glamdal"


def test_rbr001_two_browsers_see_the_same_register_at_its_link(page, browser, glamdal: str) -> None:
    page.goto(glamdal)
    page.wait_for_function(DRAWN)
    page.wait_for_function("document.querySelector('#dataset-label').textContent === 'Viser: Glåmdal (3 ordninger, 6 kommuner)'")
    page.wait_for_function(f"({PAINTED})().length === {len(FOCUS)}")
    first = (page.inner_text("#dataset-label"), page.evaluate(PAINTED), page.inner_text("#map-message"))
    assert first[1] == FOCUS and page.inner_text("#source-note").startswith("Kilde: Glåmdal")
    screenshot(page, "register-01-glamdal")

    # A second, separate browser context: no shared storage, same link, same register.
    other = browser.new_context(viewport=VIEWPORT, locale="nb-NO", bypass_csp=True)
    other.set_default_timeout(STATE_TIMEOUT_MS)
    try:
        second_page = other.new_page()
        errors: list[str] = []
        second_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        second_page.goto(glamdal + "?tjeneste=legevakt")
        second_page.wait_for_function(DRAWN)
        second_page.wait_for_function("document.querySelector('#map-message').textContent.startsWith('Legevakt')")
        assert second_page.inner_text("#dataset-label") == first[0]
        assert second_page.evaluate(PAINTED) == FOCUS
        assert second_page.inner_text("#map-message") == "Legevakt: 1 ordning. Uten ordning: Nord-Odal og Sør-Odal."
        assert errors == []
    finally:
        other.close()


def test_rbr002_after_a_try_upload_callbacks_carry_only_the_draft_id(page, glamdal: str) -> None:
    page.goto(glamdal)
    page.wait_for_function(DRAWN)
    page.click("#upload-panel summary")
    page.set_input_files("#upload input[type=file]", files=[{"name": "prøve.csv", "mimeType": "text/csv", "buffer": TRY_FILE}])
    page.wait_for_function("document.querySelector('#dataset-label').textContent === 'Viser: prøve.csv (1 ordning, 3 kommuner)'")
    bodies: list[bytes] = []
    page.on("request", lambda request: bodies.append(request.post_data_buffer or b"") if request.method == "POST" else None)
    page.click("#view label:has-text('Tabell')")
    page.wait_for_function("document.querySelector('#coverage-table') && document.querySelector('#coverage-table').textContent.includes('Prøvefil')")
    page.click("#view label:has-text('Tjenestekart')")
    page.wait_for_function(f"({PAINTED})().length === 3")
    assert bodies, "callbacks ran after the upload"
    encoded = base64.b64encode(TRY_FILE).decode()
    for body in bodies:
        text = body.decode("utf-8", "replace")
        assert MARKER not in text and encoded[:40] not in text, "the file's content went along with a callback"
    assert max(len(body) for body in bodies) < 8_000
    assert all(b"/r/glamdal" not in body for body in bodies)
    screenshot(page, "register-02-try-upload")
    # Back to the register: the way back names it.
    page.click("#dataset-reset")
    page.wait_for_function("document.querySelector('#dataset-label').textContent === 'Viser: Glåmdal (3 ordninger, 6 kommuner)'")


def test_rbr003_list_and_not_found_pages(page, page_log, live_app: LiveApp, glamdal: str) -> None:
    page.goto(live_app.url + "/registre")
    assert page.title() == "Registre – Samarbeidskartet"
    assert page.get_by_role("link", name="Glåmdal").get_attribute("href") == "/r/glamdal"
    screenshot(page, "register-03-list")
    response = page.goto(live_app.url + "/r/finnes-ikke")
    assert response.status == 404 and page.inner_text("h1") == "Registeret «finnes-ikke» finnes ikke"
    # Chromium logs the page's own 404 status; that is this test's point, not an error of the page.
    page_log.errors[:] = [error for error in page_log.errors if "status of 404" not in error]
    screenshot(page, "register-04-not-found")


def test_rbr004_presentation_mode_and_map_download_work_on_a_register(page, glamdal: str) -> None:
    page.goto(glamdal + "?visning=presentasjon&tjenester=legevakt,barnevernvakt")
    page.wait_for_function("(document.getElementById('presentation-counter') || {}).textContent === '1 / 2'")
    page.wait_for_function("document.querySelectorAll('#presentation-map path.choroplethlocation').length >= 356")
    assert page.inner_text("#presentation-title").startswith("Legevakt")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(document.getElementById('presentation-counter') || {}).textContent === '2 / 2'")
    assert page.inner_text("#presentation-title").startswith("Barnevernvakt")
    assert "Kilde: Glåmdal" in page.inner_text("#presentation-source")
    screenshot(page, "register-05-presentation")
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('presentation').hidden")
    assert page.url.startswith(glamdal + "?"), "Esc leaves to the same register"
    page.wait_for_function("document.querySelector('#map-message').textContent.startsWith('Barnevernvakt: 1 ordning')")
    with page.expect_download(timeout=120_000) as download_info:
        page.click("#export-button")
    assert download_info.value.suggested_filename.startswith("barnevernvakt-")
