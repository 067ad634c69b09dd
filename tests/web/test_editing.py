"""Who may edit, over real HTTP requests to the app: logins, rate limit, CSRF, and forged callbacks."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

import app as app_module
from dashboard.cli.main import main as cli_main
from dashboard.data.model import CooperationModel
from dashboard.store.accounts import MAX_FAILURES, Accounts
from dashboard.store.database import open_database
from dashboard.store.registers import RegisterStore
from dashboard.web import ids

HEADER = "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde"
GLAMDAL = "Glåmdal IKT;IKT;;Kongsvinger, Grue;;IKS;2015;"
HALLINGDAL = "IKT Hallingdal;IKT;;Gol, Hol, Ål;;IKS;2015;"
PASSWORD = "et-langt-passord"


def sheet(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


@pytest.fixture()
def site(fixture_model: CooperationModel, sqlite_url: str):
    dash_app = app_module.create_app(fixture_model, sqlite_url)
    store = RegisterStore(open_database(sqlite_url), fixture_model)
    for slug, row in (("glamdal", GLAMDAL), ("hallingdal", HALLINGDAL)):
        store.apply_import(store.plan_import(sheet(row), f"{slug}.csv", name=slug.title(), slug=slug), "test")
    accounts = Accounts(store.engine)
    accounts.add("glamdal", "kari@glamdal.no", PASSWORD)
    return dash_app, store


def log_in(client, slug: str, email: str, password: str):
    page = client.get(f"/r/{slug}/logg-inn").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(f"/r/{slug}/logg-inn", data={"email": email, "password": password, "csrf_token": token})


def callback_body(dash_app, trigger: str, prop: str, value, states: dict[str, object]) -> dict:
    """The body dash-renderer posts for the callback that `trigger` fires (from the app's own callback map)."""
    [(key, spec)] = [(k, v) for k, v in dash_app.callback_map.items() if any(i["id"] == trigger for i in v["inputs"])]
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in key.strip(".").split("...")]
    if not key.startswith(".."):  # a single output is sent as one object
        outputs = outputs[0]
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [{**spec_input, "value": value if spec_input["id"] == trigger else None} for spec_input in spec["inputs"]],
        "state": [{**state, "value": states.get(state["id"])} for state in spec["state"]],
        "changedPropIds": [f"{trigger}.{prop}"],
    }


def save_body(dash_app, name: str, members: list[str]) -> dict:
    return callback_body(dash_app, ids.EDIT_SAVE, "n_clicks", 1, {
        ids.EDIT_NAME: name, ids.EDIT_SERVICES: ["ikt"], ids.EDIT_MEMBERS: members, ids.EDIT_PICK: "__ny__", ids.EDIT_REASON: "test",
    })


def status_of(response) -> str:
    return response.get_json()["response"][ids.EDIT_STATUS]["children"]


def csrf_header(client) -> dict[str, str]:
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value} if cookie else {}


def test_edit001_anonymous_users_cannot_edit(site) -> None:
    dash_app, store = site
    client = dash_app.server.test_client()
    response = client.post("/r/glamdal/_dash-update-component", json=save_body(dash_app, "Ny ordning", ["3401", "3417"]))
    assert response.status_code == 200 and status_of(response).startswith("Du må være logget inn")
    assert [r.name for r in store.active_records("glamdal")] == ["Glåmdal IKT"]


def test_edit002_an_editor_edits_her_register_and_the_change_is_recorded(site) -> None:
    dash_app, store = site
    client = dash_app.server.test_client()
    assert log_in(client, "glamdal", "kari@glamdal.no", PASSWORD).status_code == 302
    response = client.post("/r/glamdal/_dash-update-component", json=save_body(dash_app, "PPT Glåmdal", ["3401", "3416"]), headers=csrf_header(client))
    assert status_of(response) == "Lagret «PPT Glåmdal»."
    last = store.history("glamdal")[-1]
    assert (last.actor, last.action, last.arrangement, last.reason) == ("kari@glamdal.no", "lagt til", "PPT Glåmdal", "test")
    sources = list(store.model("glamdal").arrangements["source"])
    assert any(source.startswith("redigert i siden; sist endret ") for source in sources)
    assert not any("kari@" in source for source in sources), "the public source names no person"


def test_edit003_an_editor_cannot_touch_another_register_by_a_hand_made_request(site) -> None:
    dash_app, store = site
    client = dash_app.server.test_client()
    log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    response = client.post("/r/hallingdal/_dash-update-component", json=save_body(dash_app, "Kapret", ["3041"]), headers=csrf_header(client))
    assert status_of(response).startswith("Du må være logget inn")
    assert [r.name for r in store.active_records("hallingdal")] == ["IKT Hallingdal"]
    assert log_in(dash_app.server.test_client(), "hallingdal", "kari@glamdal.no", PASSWORD).status_code == 401, "accounts are per register"


def test_edit004_state_changing_requests_need_the_csrf_token(site) -> None:
    dash_app, store = site
    client = dash_app.server.test_client()
    log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    response = client.post("/r/glamdal/_dash-update-component", json=save_body(dash_app, "Uten token", ["3401"]))
    assert response.status_code == 400
    assert [r.name for r in store.active_records("glamdal")] == ["Glåmdal IKT"]
    assert client.post("/r/glamdal/logg-inn", data={"email": "kari@glamdal.no", "password": PASSWORD}).status_code == 400


def test_edit005_wrong_passwords_are_rate_limited(site) -> None:
    dash_app, _store = site
    client = dash_app.server.test_client()
    for _ in range(MAX_FAILURES):
        assert log_in(client, "glamdal", "kari@glamdal.no", "feil passord").status_code == 401
    refused = log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    assert refused.status_code == 429 and "For mange mislykkede forsøk" in refused.get_data(as_text=True)
    other = dash_app.server.test_client()
    assert log_in(other, "glamdal", "kari@glamdal.no", PASSWORD).status_code == 429, "the limit is in the database, not the session"


def test_edit006_session_cookies_are_httponly_samesite_and_secure_over_https(site) -> None:
    dash_app, _store = site
    client = dash_app.server.test_client()
    page = client.get("/r/glamdal/logg-inn", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/r/glamdal/logg-inn", base_url="https://localhost", headers={"Referer": "https://localhost/r/glamdal/logg-inn"},
                           data={"email": "kari@glamdal.no", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, "over HTTPS the form also needs a same-origin Referer (Flask-WTF's strict check)"
    session_cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")][-1]
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie and "Secure" in session_cookie
    plain = dash_app.server.test_client()
    cookie = [c for c in log_in(plain, "glamdal", "kari@glamdal.no", PASSWORD).headers.getlist("Set-Cookie") if c.startswith("session=")][-1]
    assert "Secure" not in cookie, "plain http on 127.0.0.1 keeps working"


def test_edit007_revert_and_the_change_log_download_is_formula_safe(site) -> None:
    dash_app, store = site
    client = dash_app.server.test_client()
    log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    client.post("/r/glamdal/_dash-update-component", json=save_body(dash_app, "=HYPERLINK(\"x\")", ["3401"]), headers=csrf_header(client))
    [edit, *_] = store.change_sets("glamdal")
    [(key, _spec)] = [(k, v) for k, v in dash_app.callback_map.items() if any(isinstance(i["id"], str) and "\"revert\"" in i["id"] for i in v["inputs"])]
    body = {
        "output": key,
        "outputs": [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in key.strip(".").split("...")],
        "inputs": [[{"id": {"type": "revert", "index": edit.id}, "property": "n_clicks", "value": 1}]],
        "state": [],
        "changedPropIds": [f'{{"index":{edit.id},"type":"revert"}}.n_clicks'],
    }
    response = client.post("/r/glamdal/_dash-update-component", json=body, headers=csrf_header(client))
    assert status_of(response).startswith("Endringen er angret")
    assert [r.name for r in store.active_records("glamdal")] == ["Glåmdal IKT"]
    assert [line.action for line in store.history("glamdal")][-2:] == ["lagt til", "tilbakestilt"]
    download = client.post("/r/glamdal/_dash-update-component", headers=csrf_header(client),
                           json=callback_body(dash_app, ids.HISTORY_CSV_BUTTON, "n_clicks", 1, {}))
    content = download.get_json()["response"][ids.HISTORY_DOWNLOAD]["data"]["content"]
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][:4] == ["tidspunkt", "hvem", "ordning", "hva"]
    assert "'=HYPERLINK(\"x\")" in {row[2] for row in rows[1:]} and '=HYPERLINK("x")' not in {row[2] for row in rows[1:]}


def test_edit008_user_add_on_the_command_line(sqlite_url: str, fixture_model, monkeypatch, capsys) -> None:
    from fixtures import DATA, GEODATA

    store = RegisterStore(open_database(sqlite_url), fixture_model)
    store.apply_import(store.plan_import(sheet(GLAMDAL), "g.csv", name="Glåmdal", slug="glamdal"), "test")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    common = ["--data-dir", str(DATA), "--geodata-dir", str(GEODATA), "--database-url", sqlite_url]
    assert cli_main(["user", "add", "--register", "glamdal", "--email", "Kari@Glamdal.no", "--password-stdin", *common]) == 0
    assert "kari@glamdal.no er redaktør for /r/glamdal" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert cli_main(["user", "add", "--register", "glamdal", "--email", "ola@glamdal.no", "--password-stdin", *common]) == 2
    assert "passordet må ha 10–200 tegn" in capsys.readouterr().err
    assert Accounts(store.engine).login("glamdal", "kari@glamdal.no", PASSWORD) is not None
    stored = store.engine.connect().exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_edit009_a_new_version_of_the_sheet_shows_its_differences_before_anything_is_written(site) -> None:
    import base64

    dash_app, store = site
    client = dash_app.server.test_client()
    log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    new_version = sheet("Glåmdal IKT;IKT;;Kongsvinger, Grue, Eidskog;;IKS;2015;", "PPT Glåmdal;ppt;;Kongsvinger, Eidskog;;;;")
    contents = "data:text/csv;base64," + base64.b64encode(new_version).decode()
    shown = client.post("/r/glamdal/_dash-update-component", headers=csrf_header(client), json=callback_body(
        dash_app, ids.REIMPORT_UPLOAD, "contents", contents, {ids.REIMPORT_UPLOAD: "glamdal-2.csv"}))
    answer = shown.get_json()["response"]
    text = json.dumps(answer[ids.REIMPORT_DIFF]["children"], ensure_ascii=False)
    assert "glamdal-2.csv: 1 nye, 1 endret, 0 avsluttes. Ingenting er lagret ennå." in text
    assert "deltakere: Kongsvinger, Grue → Kongsvinger, Eidskog, Grue" in text
    assert [r.name for r in store.active_records("glamdal")] == ["Glåmdal IKT"], "nothing written before confirming"
    pending = answer[ids.REIMPORT_PENDING]["data"]
    assert set(pending) == {"draft"}, "the browser holds only the draft id"
    confirmed = client.post("/r/glamdal/_dash-update-component", headers=csrf_header(client), json=callback_body(
        dash_app, ids.REIMPORT_CONFIRM, "n_clicks", 1, {ids.REIMPORT_PENDING: pending}))
    assert confirmed.get_json()["response"][ids.REIMPORT_DIFF]["children"] == "Lagret fra glamdal-2.csv: 1 nye, 1 endret, 0 avsluttet."
    assert {r.name for r in store.active_records("glamdal")} == {"Glåmdal IKT", "PPT Glåmdal"}
    assert store.change_sets("glamdal")[0].actor == "kari@glamdal.no"
    anonymous = dash_app.server.test_client().post("/r/glamdal/_dash-update-component", json=callback_body(
        dash_app, ids.REIMPORT_CONFIRM, "n_clicks", 1, {ids.REIMPORT_PENDING: pending}))
    assert anonymous.get_json()["response"][ids.REIMPORT_DIFF]["children"].startswith("Du må være logget inn")


def test_edit010_an_editor_keeps_a_try_upload_as_a_new_register(site) -> None:
    import base64

    dash_app, store = site
    client = dash_app.server.test_client()
    log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    contents = "data:text/csv;base64," + base64.b64encode(sheet("Solør legevakt;legevakt;;Grue, Åsnes, Våler (Innlandet);;;;")).decode()
    uploaded = client.post("/r/glamdal/_dash-update-component", headers=csrf_header(client), json=callback_body(
        dash_app, ids.UPLOAD, "contents", contents, {ids.UPLOAD: "solor.csv"}))
    draft = uploaded.get_json()["response"][ids.DATASET]["data"]
    kept = client.post("/r/glamdal/_dash-update-component", headers=csrf_header(client), json=callback_body(
        dash_app, ids.KEEP_DRAFT_BUTTON, "n_clicks", 1, {ids.KEEP_DRAFT_NAME: "Solør", ids.DATASET: draft}))
    assert "/r/solor" in json.dumps(kept.get_json()["response"], ensure_ascii=False)
    assert [r.name for r in store.active_records("solor")] == ["Solør legevakt"]
    assert log_in(dash_app.server.test_client(), "solor", "kari@glamdal.no", PASSWORD).status_code == 302, "she edits what she made"


def test_edit011_an_editor_takes_her_register_off_the_list_and_back(site) -> None:
    dash_app, store = site
    client = dash_app.server.test_client()
    log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    toggled = client.post("/r/glamdal/_dash-update-component", headers=csrf_header(client),
                          json=callback_body(dash_app, ids.EDIT_LISTED, "n_clicks", 1, {}))
    answer = toggled.get_json()["response"]
    assert answer[ids.EDIT_LISTED] == {"children": "Vis i listen over registre", "aria-pressed": "false"}
    assert not store.info("glamdal").listed and "/r/glamdal" not in client.get("/registre").get_data(as_text=True)
    client.post("/r/glamdal/_dash-update-component", headers=csrf_header(client), json=callback_body(dash_app, ids.EDIT_LISTED, "n_clicks", 2, {}))
    assert store.info("glamdal").listed
    anonymous = dash_app.server.test_client().post("/r/hallingdal/_dash-update-component",
                                                   json=callback_body(dash_app, ids.EDIT_LISTED, "n_clicks", 1, {}))
    assert store.info("hallingdal").listed and anonymous.status_code in (200, 204)


def test_edit012_the_register_as_it_stood_after_any_change_can_be_downloaded(site) -> None:
    import base64

    from openpyxl import load_workbook

    dash_app, store = site
    client = dash_app.server.test_client()
    log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    client.post("/r/glamdal/_dash-update-component", json=save_body(dash_app, "PPT Glåmdal", ["3401", "3416"]), headers=csrf_header(client))
    [edit, first_import] = store.change_sets("glamdal")
    [(key, _spec)] = [(k, v) for k, v in dash_app.callback_map.items() if any("state-download" in str(i["id"]) for i in v["inputs"])]

    def state_after(set_id: int) -> list[str]:
        body = {
            "output": key, "outputs": dict(zip(("id", "property"), key.rsplit(".", 1))),
            "inputs": [[{"id": {"type": "state-download", "index": set_id}, "property": "n_clicks", "value": 1}]],
            "state": [], "changedPropIds": [f'{{"index":{set_id},"type":"state-download"}}.n_clicks'],
        }
        data = client.post("/r/glamdal/_dash-update-component", json=body, headers=csrf_header(client)).get_json()["response"][ids.HISTORY_DOWNLOAD]["data"]
        sheet_ = load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
        return [row[0] for row in sheet_.iter_rows(min_row=2, values_only=True)]

    assert state_after(first_import.id) == ["Glåmdal IKT"]
    assert state_after(edit.id) == ["Glåmdal IKT", "PPT Glåmdal"]


def test_edit013_the_form_has_the_same_cell_limits_as_a_file(site) -> None:
    dash_app, store = site
    client = dash_app.server.test_client()
    log_in(client, "glamdal", "kari@glamdal.no", PASSWORD)
    response = client.post("/r/glamdal/_dash-update-component", headers=csrf_header(client), json=save_body(dash_app, "Ny\x1b[31m", ["3401"]))
    answer = response.get_json()["response"]
    assert answer["edit-name-error"]["children"].startswith("cellen har kontrolltegn")
    assert status_of(response) == "Ikke lagret: rett feltene som er merket."
    assert [r.name for r in store.active_records("glamdal")] == ["Glåmdal IKT"]
