"""Registers on the web: /r/<slug>, its own Dash endpoints, the list page and «finnes ikke»."""

from __future__ import annotations

import json
import re

import pytest

import app as app_module
from dashboard.data.model import CooperationModel
from dashboard.store.database import open_database
from dashboard.store.registers import RegisterStore
from dashboard.web import ids

HEADER = "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde"
ROWS = (
    "Glåmdal barnevernvakt;barnevernvakt;;Kongsvinger, Eidskog, Grue, Åsnes, Nord-Odal, Sør-Odal;Kongsvinger;vertskommune;2010;vedtak",
    "Glåmdal IKT;IKT;;Kongsvinger, Grue;;IKS;2015;",
)


def sheet(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


@pytest.fixture()
def site(fixture_model: CooperationModel, sqlite_url: str):
    """The app and a second handle on its database (as the command line or another worker has)."""
    dash_app = app_module.create_app(fixture_model, sqlite_url)
    store = RegisterStore(open_database(sqlite_url), fixture_model)
    store.apply_import(store.plan_import(sheet(*ROWS), "glamdal.csv", name="Glåmdal <b>region</b>", slug="glamdal"), "test")
    return dash_app.server.test_client(), store


def dataset_label(client, prefix: str, store_value=None) -> str:
    """The banner, as the dataset callback computes it for a page at `prefix`."""
    body = {
        "output": f"..{ids.DATASET_LABEL}.children...{ids.DATASET_RESET}.hidden...{ids.SERVICE}.options...{ids.REGION}.options..."
        f"{ids.SECTOR}.options...{ids.LEGAL_FORM}.options...{ids.MUNICIPALITY}.options...{ids.LEAD}.children...{ids.SOURCE_NOTE}.children...{ids.STRUCTURE}.options..",
        "outputs": [{"id": i, "property": p} for i, p in (
            (ids.DATASET_LABEL, "children"), (ids.DATASET_RESET, "hidden"), (ids.SERVICE, "options"), (ids.REGION, "options"),
            (ids.SECTOR, "options"), (ids.LEGAL_FORM, "options"), (ids.MUNICIPALITY, "options"), (ids.LEAD, "children"),
            (ids.SOURCE_NOTE, "children"), (ids.STRUCTURE, "options"))],
        "inputs": [{"id": ids.DATASET, "property": "data", "value": store_value}, {"id": ids.STRUCTURE, "property": "value", "value": None}],
        "changedPropIds": [f"{ids.DATASET}.data"],
        "state": [],
    }
    response = client.post(f"{prefix}_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"][ids.DATASET_LABEL]["children"]


def test_rweb001_a_register_page_sends_its_requests_to_its_own_prefix(site) -> None:
    client, _store = site
    page = client.get("/r/glamdal")
    assert page.status_code == 200
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page.get_data(as_text=True)).group(1))
    assert config["requests_pathname_prefix"] == "/r/glamdal/" and "validation_layout" not in config
    assert len(page.data) < 10_000, "no copy of the layout in the page"
    survey = client.get("/")
    assert '"requests_pathname_prefix":"\\u002f"' in survey.get_data(as_text=True)


def test_rweb002_layout_and_callbacks_show_the_register_of_the_path(site) -> None:
    client, _store = site
    layout = json.dumps(client.get("/r/glamdal/_dash-layout").get_json(), ensure_ascii=False)
    assert "Viser: Glåmdal <b>region</b> (2 ordninger, 6 kommuner)" in layout, "a text child: React shows it as text"
    assert dataset_label(client, "/r/glamdal/") == "Viser: Glåmdal <b>region</b> (2 ordninger, 6 kommuner)"
    assert dataset_label(client, "/").startswith("Viser: ") and "Glåmdal" not in dataset_label(client, "/")


def test_rweb003_a_change_elsewhere_shows_at_the_next_request(site) -> None:
    client, store = site
    assert dataset_label(client, "/r/glamdal/").endswith("(2 ordninger, 6 kommuner)")
    store.apply_import(store.plan_import(sheet(ROWS[1]), "glamdal-2.csv", slug="glamdal"), "kommandolinje")
    assert dataset_label(client, "/r/glamdal/") == "Viser: Glåmdal <b>region</b> (1 ordning, 2 kommuner)"
    assert "1 ordning, 2 kommuner" in json.dumps(client.get("/r/glamdal/_dash-layout").get_json(), ensure_ascii=False)


def test_rweb004_unknown_registers_get_a_norwegian_404(site) -> None:
    client, _store = site
    for path in ("/r/finnes-ikke", "/r/finnes-ikke/_dash-layout", "/r/finnes-ikke/_dash-dependencies"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Registeret «finnes-ikke» finnes ikke" in response.get_data(as_text=True)
    well_formed = {"output": "x.children", "outputs": {"id": "x", "property": "children"}, "inputs": [], "changedPropIds": []}
    assert client.post("/r/finnes-ikke/_dash-update-component", json=well_formed).status_code == 404
    assert client.post("/r/finnes-ikke/_dash-update-component", json={}).status_code == 400, "a malformed body is refused first"
    page = client.get("/r/<script>").get_data(as_text=True)
    assert "<script>" not in page


def test_rweb005_the_list_shows_public_registers_as_text(site) -> None:
    client, store = site
    page = client.get("/registre")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="nb">' in text
    assert '<a href="/r/glamdal">Glåmdal &lt;b&gt;region&lt;/b&gt;</a>' in text and "<b>region" not in text
    assert '<a href="/">' in text
    store.set_listed("glamdal", False)
    assert "/r/glamdal" not in client.get("/registre").get_data(as_text=True)
    assert client.get("/r/glamdal").status_code == 200, "unlisted: only its link shows it"


def test_rweb006_a_draft_id_from_another_page_or_forged_shows_the_pages_register(site) -> None:
    client, _store = site
    assert dataset_label(client, "/r/glamdal/", {"draft": "A" * 32, "register": "nivi-2021"}).startswith("Viser: Glåmdal")
    forged = dataset_label(client, "/r/glamdal/", {"draft": "A" * 32, "register": "glamdal"})
    assert forged.startswith("Utkastet finnes ikke lenger") and "Glåmdal" in forged


def test_rweb007_per_dato_over_http_dates_the_map_and_leaves_out_later_arrangements(site) -> None:
    client, _store = site
    from dashboard.views.view_state import ViewState
    from dashboard.web.callbacks import STATE_OUTPUTS, control_values

    def message(per: str | None) -> str:
        values = control_values(ViewState(service="ikt", per=per))
        inputs = [{"id": c, "property": p, "value": v} for (c, p), v in zip(STATE_OUTPUTS, values)]
        inputs.append({"id": ids.DATASET, "property": "data", "value": None})
        body = {
            "output": f"..{ids.MAP}.figure...{ids.MAP_MESSAGE}.children..",
            "outputs": [{"id": ids.MAP, "property": "figure"}, {"id": ids.MAP_MESSAGE, "property": "children"}],
            "inputs": inputs, "changedPropIds": [f"{ids.PER}.value"], "state": [],
        }
        return client.post("/r/glamdal/_dash-update-component", json=body).get_json()["response"][ids.MAP_MESSAGE]["children"]

    assert message(None).startswith("IKT: 1 ordning")
    assert message("2014-12-31").startswith("Per 31.12.2014: Ingen ordninger for ikt"), "Glåmdal IKT is from 2015"
    assert message("2015-01-01").startswith("Per 01.01.2015: IKT: 1 ordning")
    assert message("ikke-en-dato").startswith("IKT: 1 ordning"), "a bad date is no date"
