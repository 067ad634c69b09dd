"""Bring your own data in a real browser: a good file takes over the page, a bad or too large one changes nothing."""

from __future__ import annotations

import pytest
from conftest import LiveApp, screenshot

from dashboard.data.sheets import MAX_UPLOAD_BYTES
from dashboard.views.map_base import MapBase

pytestmark = pytest.mark.browser

MAP = "document.querySelector('#map .js-plotly-plot')"
HTML_NAME = "<b>Fet</b> & <script>alert(1)</script>"
GLAMDAL = "\r\n".join(
    [
        "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde",
        f"{HTML_NAME};barnevernvakt;;Kongsvinger, Eidskog, Grue, Åsnes, Nord-Odal, Sør-Odal;Kongsvinger;vertskommune;2010;",
        "Glåmdal IKT;IKT;;Kongsvinger, Grue;;IKS;2015;",
    ]
)
GLAMDAL_FOCUS = ["3401", "3414", "3415", "3416", "3417", "3418"]
BAD = "navn,tjeneste,deltakere\nA,legevakt,Kongsvinnger\nB,legevakkt,Hol\n"
# What the map shows: the municipalities its traces paint (data[0] is the grey base of all,
# data[1] the selection ring), the frame, and the credit line.
MAP_STATE = f"""(() => {{
  const gd = {MAP};
  const painted = new Set(gd.data.slice(2).flatMap(t => t.type === 'choropleth' ? t.locations : []));
  return {{painted: [...painted].sort(), lon: gd.layout.geo.lonaxis.range, lat: gd.layout.geo.lataxis.range,
          credit: gd.layout.annotations[0].text, message: document.querySelector('#map-message').textContent}};
}})()"""
DRAWN = """(numbers) => numbers.every(number => [...document.querySelectorAll('#map path.choroplethlocation')]
  .some(p => p.__data__ && p.__data__.loc === number && (p.getAttribute('d') || '').length > 10))"""


def upload(page, name: str, content: bytes, mime: str = "text/csv") -> None:
    page.set_input_files("#upload input[type=file]", files=[{"name": name, "mimeType": mime, "buffer": content}])


def test_upl001_good_file_takes_over_the_page_bad_or_large_ones_change_nothing(page, live_app: LiveApp) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_app.url + "/")
    page.wait_for_function("document.querySelectorAll('#map path.choroplethlocation').length >= 356")
    page.click("#upload-panel summary")

    # A Windows-1252 semicolon file, as Excel saves "CSV (semikolondelt)".
    upload(page, "glåmdal.csv", GLAMDAL.encode("cp1252"))
    page.wait_for_function("document.querySelector('#dataset-label').textContent === 'Viser: glåmdal.csv (2 ordninger, 6 kommuner)'")
    page.wait_for_function(f"{MAP}.layout.annotations[0].text.startsWith('Kilde: glåmdal.csv')")
    page.wait_for_function(DRAWN, arg=GLAMDAL_FOCUS)
    shown = page.evaluate(MAP_STATE)
    assert shown["painted"] == GLAMDAL_FOCUS, "the map paints the file's municipalities and no others"
    lon, lat = MapBase.from_boundaries(live_app.model.boundaries, geojson_url="").view_ranges(GLAMDAL_FOCUS)
    assert (shown["lon"], shown["lat"]) == (lon, lat), "zoomed to the file's municipalities"
    assert "Kartgrunnlag: © Kartverket" in shown["credit"] and "NIVI" not in shown["credit"]
    assert shown["message"].startswith("Barnevernvakt: 1 ordning")
    assert page.is_visible("#dataset-reset")
    assert page.inner_text("#source-note") == "Kilde: glåmdal.csv. Kartgrunnlag: © Kartverket."
    legend = page.eval_on_selector("#map .legend", "node => node.textContent")
    assert HTML_NAME in legend, "a name with HTML shows literally"
    assert page.locator("#map .legend b, #map script").count() == 0
    screenshot(page, "upload-01-glamdal")

    # The profile of a municipality in the file shows the same name as text.
    page.click("#municipality")
    page.get_by_role("option", name="Grue", exact=True).click()
    page.wait_for_function("document.querySelector('#profile h2') && document.querySelector('#profile h2').textContent === 'Grue'")
    assert HTML_NAME in page.inner_text("#profile") and page.locator("#profile script, #profile b").count() == 0
    before = page.evaluate(MAP_STATE)

    # A bad file: its problems appear, one line each; the banner, the map and the profile stay.
    upload(page, "feil.csv", BAD.encode("utf-8"))
    page.wait_for_function("document.querySelectorAll('#upload-problems li').length === 2")
    lines = page.locator("#upload-problems li").all_inner_texts()
    assert lines == [
        "feil.csv, rad 2, kolonne «deltakere»: ukjent kommune «Kongsvinnger». Mente du «Kongsvinger»?",
        "feil.csv, rad 3, kolonne «tjeneste»: ukjent tjeneste «legevakkt». Mente du «Legevakt»?",
    ]
    assert page.inner_text("#dataset-label") == "Viser: glåmdal.csv (2 ordninger, 6 kommuner)"
    assert page.evaluate(MAP_STATE) == before
    assert page.inner_text("#profile h2") == "Grue"
    screenshot(page, "upload-02-problems")

    # A file over 5 MB never leaves the browser (dcc.Upload max_size); the page says why.
    posted: list[int] = []
    page.on("request", lambda request: posted.append(len(request.post_data_buffer or b"")))
    upload(page, "stor.csv", b"navn;deltakere\n" + b" " * MAX_UPLOAD_BYTES)
    page.wait_for_function("document.querySelector('#upload-problems').textContent.includes('stor.csv')")
    assert page.locator("#upload-problems li").all_inner_texts() == ["stor.csv: filen er 5,0 MB; grensen er 5 MB"]
    assert max(posted) < 10_000, "only the file's name and size went to the server"
    assert page.inner_text("#dataset-label") == "Viser: glåmdal.csv (2 ordninger, 6 kommuner)"
    assert page.evaluate(MAP_STATE) == before
    assert dialogs == [], "no script from the file ran"


def test_upl002_the_drop_zone_loads_with_its_panel_and_the_way_back_works_without_it(page, live_app: LiveApp) -> None:
    """The page loads no upload code (nor dash_table's or the polyfill) until the panel opens; after
    a reload the uploaded file is still shown, and «Tilbake til …» works with the panel unopened."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_app.url + "/")
    page.wait_for_function("document.querySelectorAll('#map path.choroplethlocation').length >= 356")
    page.wait_for_load_state("networkidle")
    survey_label = page.inner_text("#dataset-label")
    assert page.locator("#upload").count() == 0
    assert not [url for url in requested if any(name in url for name in ("async-upload", "dash_table", "polyfill"))], requested
    assert any("/_vendor/regenerator-runtime-" in url for url in requested)

    page.click("#upload-panel summary")
    upload(page, "glåmdal.csv", GLAMDAL.encode("cp1252"))
    page.wait_for_function("(document.querySelector('#dataset-label') || {textContent: ''}).textContent === 'Viser: glåmdal.csv (2 ordninger, 6 kommuner)'")
    assert any("async-upload" in url for url in requested)

    page.reload()
    page.wait_for_function("(document.querySelector('#dataset-label') || {textContent: ''}).textContent === 'Viser: glåmdal.csv (2 ordninger, 6 kommuner)'")
    page.wait_for_function(DRAWN, arg=GLAMDAL_FOCUS)
    assert page.locator("#upload").count() == 0 and not page.evaluate("document.getElementById('upload-panel').open")
    page.click("#dataset-reset")
    page.wait_for_function("([label]) => (document.querySelector('#dataset-label') || {textContent: ''}).textContent === label", arg=[survey_label])
    page.wait_for_function("document.querySelectorAll('#map path.choroplethlocation').length >= 356")
    assert page.is_hidden("#dataset-reset")
    screenshot(page, "upload-03-back-to-the-survey")
