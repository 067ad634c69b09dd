"""Bring your own data in the page: upload callbacks and the session store, as plain functions."""

from __future__ import annotations

import base64
import csv
import io
import json
from typing import Any

import pytest
from dash import no_update
from dash.development.base_component import Component
from openpyxl import load_workbook

from dashboard.data.model import CooperationModel
from dashboard.data.problems import DataError
from dashboard.data.sheets import MAX_UPLOAD_BYTES
from dashboard.output.template import template_csv_bytes, template_xlsx_bytes
from dashboard.store import SURVEY_SLUG
from dashboard.store.database import open_database
from dashboard.store.drafts import Drafts
from dashboard.store.registers import RegisterStore
from dashboard.views.datasets import Dataset
from dashboard.views.view_state import (
    VIEW_INTENSITY,
    VIEW_NETWORK,
    VIEW_SERVICE_MAP,
    VIEW_TABLE,
    ViewState,
)
from dashboard.web import callbacks, ids
from dashboard.web.callbacks import STATE_OUTPUTS
from dashboard.web.layout import build_layout, region_options
from dashboard.web.registers import PageDatasets
from dashboard.web.upload import (
    DRAFT_GONE,
    UploadedFiles,
    dataset_summary,
    filename_label,
    state_for_dataset,
    upload_bytes,
)
from dashboard.web.upload_callbacks import (
    dataset_view,
    template_download,
    upload_outcome,
)
from dashboard.web.upload_layout import MAX_PROBLEM_LINES, problem_list, upload_zone

HEADER = "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde"
GLAMDAL = (
    HEADER,
    "Glåmdal barnevernvakt;barnevernvakt;;Kongsvinger, Eidskog, Grue, Åsnes, Nord-Odal, Sør-Odal;Kongsvinger;vertskommune;2010;vedtak",
    "Glåmdal IKT;IKT;;Kongsvinger, Grue;;IKS;2015;",
)
KONGSVINGER, GRUE, EIDSKOG = "3401", "3417", "3416"
GLAMDAL_FOCUS = ("3401", "3414", "3415", "3416", "3417", "3418")
HTML_NAME = "<b>Fet</b> & <script>alert(1)</script>"
HTML_FILENAME = "<img src=x onerror=alert(3)>.csv"  # a file name can't hold "/"
FORMULA_NAME = '=HYPERLINK("http://x","klikk")'
# Store value and problem list first, then the upload's contents, then the seven controls.
STORE, PROBLEMS, CONTENTS = 0, 1, 2


def data_url(content: bytes, mime: str = "text/csv") -> str:
    """What dcc.Upload puts in `contents`."""
    return f"data:{mime};base64," + base64.b64encode(content).decode("ascii")


def semicolon_csv(*rows: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode(encoding)


@pytest.fixture(scope="module")
def engine(fixture_model: CooperationModel, tmp_path_factory):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('db') / 'registre.sqlite'}")
    RegisterStore(engine, fixture_model).ensure_survey()
    return engine


@pytest.fixture(scope="module")
def uploads(fixture_model: CooperationModel, engine) -> UploadedFiles:
    return UploadedFiles(fixture_model, Drafts(engine))


def new_resolver(fixture_dataset: Dataset, uploads: UploadedFiles) -> PageDatasets:
    return PageDatasets(RegisterStore(uploads.drafts.engine, fixture_dataset.model), uploads, fixture_dataset)


@pytest.fixture()
def resolver(fixture_dataset: Dataset, uploads: UploadedFiles) -> PageDatasets:
    """A fresh resolver per test, as after a server restart (empty cache)."""
    return new_resolver(fixture_dataset, uploads)


def upload(uploads: UploadedFiles, resolver: PageDatasets, content: bytes, filename: str, current: ViewState = ViewState()):
    return upload_outcome(uploads, resolver, ids.UPLOAD, data_url(content), filename, None, current)


def texts(component: Any) -> list[str]:
    """Every string child in a component tree (what the browser renders as text)."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [text for child in component for text in texts(child)]
    if isinstance(component, Component):
        return texts(getattr(component, "children", None))
    return []


# ----- the store value: a draft id, never the file -----------------------------------------


def test_up001_the_store_holds_only_a_draft_id(uploads, resolver) -> None:
    content = semicolon_csv(*GLAMDAL, *[f"Ordning {n};IKT;;Hol, Ål;;;;" for n in range(200)])
    store, problems, *_ = upload(uploads, resolver, content, "C:\\Users\\kari\\glåmdal.csv")
    assert problems == [] and set(store) == {"draft", "register"} and store["register"] == SURVEY_SLUG
    assert len(json.dumps(store)) < 100, "every callback sends the store: an id, not the file"
    assert uploads.drafts.load(store["draft"]) == (content, "glåmdal.csv")


@pytest.mark.parametrize(
    "forged",
    [None, "tekst", {"forfalsket": True}, {"draft": "A" * 32, "register": SURVEY_SLUG}, {"draft": "../../etc", "register": SURVEY_SLUG},
     {"draft": ["liste"], "register": SURVEY_SLUG}, {"draft": "x" * 10_000, "register": SURVEY_SLUG}],
)
def test_up002_forged_or_unknown_ids_show_the_register(forged, resolver, fixture_dataset) -> None:
    assert resolver(forged) is fixture_dataset


def test_up003_an_expired_draft_shows_the_register_and_says_so(uploads, fixture_dataset) -> None:
    import datetime as dt

    old = dt.datetime(2020, 1, 1)
    draft_id = uploads.drafts.save(semicolon_csv(*GLAMDAL), "gammel.csv", now=old)
    store = {"draft": draft_id, "register": SURVEY_SLUG}
    resolver = new_resolver(fixture_dataset, uploads)
    assert resolver(store) is fixture_dataset and resolver.draft_missing(store)
    label, reset_hidden, *_ = dataset_view(resolver(store), False, resolver.draft_missing(store))
    assert label.startswith(DRAFT_GONE) and reset_hidden


def test_up004_lookup_rebuilds_the_model_after_a_restart(fixture_dataset: Dataset, uploads: UploadedFiles, resolver) -> None:
    """A second worker (or a restarted server) has an empty cache: the draft id alone suffices."""
    store, *_ = upload(uploads, resolver, semicolon_csv(*GLAMDAL), "glåmdal.csv")
    first = new_resolver(fixture_dataset, uploads)(store)
    second = new_resolver(fixture_dataset, uploads)(store)
    assert first is not second and first.model.focus == second.model.focus == GLAMDAL_FOCUS
    assert list(first.model.arrangements["name"]) == list(second.model.arrangements["name"])
    assert new_resolver(fixture_dataset, uploads)({**store, "register": "en-annen-side"}) is fixture_dataset, "a draft belongs to its page"


def test_up005_filename_and_data_url() -> None:
    assert filename_label("/home/kari/ordninger.xlsx") == "ordninger.xlsx"
    assert filename_label(None) == "opplastet fil"
    assert upload_bytes(data_url(b"abc"), "a.csv") == b"abc"
    for broken in ("", "abc", "data:text/csv,abc", "data:text/csv;base64,@@@"):
        with pytest.raises(DataError) as caught:
            upload_bytes(broken, "a.csv")
        assert str(caught.value.problems[0]).startswith("a.csv: filen kom ikke fram")


# ----- the upload callback ------------------------------------------------------------------


def test_up010_good_file_gives_store_value_and_frames_the_map(uploads, resolver, fixture_dataset) -> None:
    current = ViewState(view=VIEW_NETWORK, service="legevakt", region="hallingdal", municipality="3044")
    out = upload(uploads, resolver, semicolon_csv(*GLAMDAL), "glåmdal.csv", current)
    store, problems, contents, *controls = out
    assert uploads.drafts.load(store["draft"])[1] == "glåmdal.csv" and problems == [] and contents is None
    values = dict(zip(STATE_OUTPUTS, controls))
    assert values[(ids.VIEW, "value")] is no_update, "the view stays"
    assert values[(ids.SERVICE, "value")] == "barnevernvakt", "legevakt is not in the file: its first main service"
    assert values[(ids.REGION, "value")] is None and values[(ids.MUNICIPALITY, "value")] is None
    dataset = resolver(store)
    assert dataset is not fixture_dataset and dataset.model.source_label == "glåmdal.csv"
    assert dataset_summary(dataset.model) == "Viser: glåmdal.csv (2 ordninger, 6 kommuner)"


def test_up011_bad_file_shows_every_problem_and_changes_nothing(uploads, resolver) -> None:
    content = semicolon_csv(HEADER, "A;legevakkt;;Kongsvinnger, Grue;;;;", "B;IKT;;Grue;Hol;;;")
    store, problems, contents, *controls = upload(uploads, resolver, content, "feil.csv")
    assert store is no_update and all(value is no_update for value in controls)
    assert contents is None, "the file is not kept in the page"
    lines = texts(problems)
    assert lines[0] == "«feil.csv» ble ikke tatt i bruk (3 problemer). Kartet viser det samme som før."
    assert lines[1:] == [
        "feil.csv, rad 2, kolonne «tjeneste»: ukjent tjeneste «legevakkt». Mente du «Legevakt»?",
        "feil.csv, rad 2, kolonne «deltakere»: ukjent kommune «Kongsvinnger». Mente du «Kongsvinger»?",
        "feil.csv, rad 3, kolonne «vertskommune»: vertskommunen «Hol» er ikke blant deltakerne",
    ]


def test_up012_oversize_files_are_refused_in_the_browser_and_on_the_server(uploads, resolver) -> None:
    refused = upload_outcome(uploads, resolver, ids.UPLOAD_REJECTED, None, None, {"name": "stor.csv", "size": 6 * 1024 * 1024}, ViewState())
    assert refused[STORE] is no_update and refused[CONTENTS] is no_update
    assert texts(refused[PROBLEMS])[1:] == ["stor.csv: filen er 6,0 MB; grensen er 5 MB"]
    oversize = semicolon_csv(HEADER, "A;IKT;;Hol;;;;") + b" " * MAX_UPLOAD_BYTES
    store, problems, *_ = upload(uploads, resolver, oversize, "stor.csv")
    assert store is no_update and texts(problems)[1:] == ["stor.csv: filen er 5,0 MB; grensen er 5 MB"]


def test_up013_nothing_happens_without_a_file_and_reset_returns_to_the_survey(uploads, resolver, fixture_dataset) -> None:
    assert all(value is no_update for value in upload_outcome(uploads, resolver, ids.UPLOAD, None, None, None, ViewState()))
    current = ViewState(service="barnevernvakt", municipality=KONGSVINGER)
    store, problems, _contents, *controls = upload_outcome(uploads, resolver, ids.DATASET_RESET, None, None, None, current)
    assert store is None and problems == []
    values = dict(zip(STATE_OUTPUTS, controls))
    assert values[(ids.SERVICE, "value")] is no_update and values[(ids.MUNICIPALITY, "value")] is None
    assert resolver(store) is fixture_dataset


def test_up014_long_problem_lists_are_cut_with_a_count() -> None:
    lines = [f"a.csv, rad {n}: feil" for n in range(2, 2 + MAX_PROBLEM_LINES + 7)]
    shown = texts(problem_list("a.csv", f"{len(lines)} problemer", lines))
    assert len(shown) == 1 + MAX_PROBLEM_LINES + 1 and shown[-1] == "… og 7 til."


def test_up015_windows_1252_semicolon_file_keeps_aeoeaa(uploads, resolver) -> None:
    content = semicolon_csv(*GLAMDAL, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    store, problems, *_ = upload(uploads, resolver, content, "Glåmdal.csv")
    model = resolver(store).model
    assert problems == [] and uploads.drafts.load(store["draft"])[0] == content, "the draft keeps the file byte for byte"
    assert list(model.arrangements["name"]) == ["Glåmdal barnevernvakt", "Glåmdal IKT"]
    assert {model.name_of(number) for number in model.focus} >= {"Sør-Odal", "Åsnes"}


def test_up016_template_filled_in_and_uploaded_shows_its_map_and_coverage(uploads, resolver, fixture_dataset) -> None:
    workbook = load_workbook(io.BytesIO(template_xlsx_bytes(fixture_dataset.model)))
    sheet = workbook["Ordninger"]
    sheet.delete_rows(2)  # the example row
    sheet.append(["Vest-Telemark PPT", "PPT", "", "Fyresdal, Kviteseid, Nissedal, Seljord, Tokke, Vinje", "Kviteseid", "vertskommune", 2004, "årsmelding"])
    sheet.append(["Midt-Telemark legevakt", "legevakt", "", "Midt-Telemark; Nome", "Nome", "IKS", "2019–2021", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    store, problems, *_ = upload(uploads, resolver, buffer.getvalue(), "telemark.xlsx")
    assert problems == []
    dataset = resolver(store)
    model = dataset.model
    assert len(model.focus) == 8
    coverage = model.coverage("ppt").set_index("kommune")
    assert coverage.loc["Seljord", "arrangementer"] == "Vest-Telemark PPT" and coverage.loc["Nome", "arrangementer"] == ""

    spec, message = callbacks.map_spec_and_message(dataset, ViewState(service="ppt"))
    assert message.startswith("PPT: 1 ordning") and "Nome" in message
    credit = spec["layout"]["annotations"][0]["text"]
    assert "Kilde: telemark.xlsx" in credit and "Kartgrunnlag: © Kartverket" in credit and "NIVI" not in credit
    lon, lat = dataset.base.view_ranges(model.focus)
    assert spec["layout"]["geo"]["lonaxis"]["range"] == lon and spec["layout"]["geo"]["lataxis"]["range"] == lat


def test_up017_template_downloads(fixture_dataset: Dataset) -> None:
    xlsx = template_download("xlsx", fixture_dataset)
    assert xlsx["filename"] == "samarbeidsordninger-mal.xlsx" and xlsx["base64"]
    assert base64.b64decode(xlsx["content"]).startswith(b"PK")
    csv = template_download("csv", fixture_dataset)
    assert csv["filename"] == "samarbeidsordninger-mal.csv"
    assert base64.b64decode(csv["content"]) == template_csv_bytes()


# ----- user text stays text; downloads stay formula-free --------------------------------------


@pytest.fixture()
def hostile(uploads: UploadedFiles, resolver: PageDatasets) -> Dataset:
    content = semicolon_csv(
        HEADER,
        f"{HTML_NAME};IKT;;Kongsvinger, Grue;Grue;IKS;2015;<img src=x onerror=alert(2)>",
        f"{FORMULA_NAME};IKT;;Eidskog, Kongsvinger;;;;",
        "@SUM(A1);barnevernvakt;;Eidskog, Grue;;;;",
    )
    store, problems, *_ = upload(uploads, resolver, content, HTML_FILENAME)
    assert problems == []
    return resolver(store)


def test_up020_html_in_names_is_escaped_in_every_figure(hostile: Dataset) -> None:
    for view in (VIEW_SERVICE_MAP, VIEW_NETWORK, VIEW_INTENSITY):
        spec, _message = callbacks.map_spec_and_message(hostile, ViewState(view=view, service="ikt", network=True, municipality=GRUE))
        text = json.dumps(spec, ensure_ascii=False)
        assert "<script>" not in text and "<b>Fet" not in text and "<img" not in text, view
    spec, _ = callbacks.map_spec_and_message(hostile, ViewState(service="ikt"))
    text = json.dumps(spec, ensure_ascii=False)
    assert "&lt;b&gt;Fet&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in text, "shown literally, as escaped text"
    assert "Kilde: &lt;img src=x onerror=alert(3)&gt;.csv" in text


def test_up021_html_in_names_is_plain_text_in_profile_banner_and_table(hostile: Dataset) -> None:
    children, _hidden = callbacks.profile_view(hostile, GRUE)
    assert HTML_NAME in texts(children), "a text child: React renders it as text, never as markup"
    assert "dangerously" not in json.dumps(children.to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert dataset_summary(hostile.model) == f"Viser: {HTML_FILENAME} (3 ordninger, 3 kommuner)"
    coverage, _totals, _columns = callbacks.table_records(hostile, ViewState(view=VIEW_TABLE, service="ikt"))
    assert HTML_NAME in {row["Ordning"] for row in coverage}, "DataTable cells are text (no markdown columns)"


def test_up022_downloads_of_uploaded_data_carry_no_formulas(hostile: Dataset) -> None:
    downloads = {
        "table": callbacks.coverage_download(hostile, ViewState(service="ikt")),
        "counts": callbacks.totals_download(hostile, ViewState()),
        "profile": callbacks.profile_download(hostile, EIDSKOG),
    }
    cells = {}
    for name, download in downloads.items():
        assert download["base64"] is False
        cells[name] = [cell for row in csv.reader(io.StringIO(download["content"].lstrip("\ufeff"))) for cell in row]
        assert not [cell for cell in cells[name] if cell.startswith(("=", "@", "+", "-"))], name
    assert "'" + FORMULA_NAME in cells["table"] and "'" + FORMULA_NAME in cells["profile"]
    assert "'@SUM(A1)" in cells["profile"]


# ----- the page around the views --------------------------------------------------------------


def test_up030_dataset_view_names_the_upload_and_offers_only_its_values(uploads, resolver) -> None:
    store, *_ = upload(uploads, resolver, semicolon_csv(*GLAMDAL), "glåmdal.csv")
    dataset = resolver(store)
    label, reset_hidden, services, regions, sectors, legal_forms, municipalities, lead, source, structures = dataset_view(dataset, True)
    assert label == "Viser: glåmdal.csv (2 ordninger, 6 kommuner)" and reset_hidden is False
    assert [option["value"] for option in services] == ["barnevernvakt", "ikt"]
    assert [option["value"] for option in regions] == ["fylke-34"], "only regions with a municipality of the file"
    assert sectors == [] and {option["value"] for option in legal_forms} == {"vertskommune", "IKS"}
    assert [option["value"] for option in municipalities][:2] == [EIDSKOG, GRUE]
    assert "6 kartlagte kommuner" in lead and source == "Kilde: glåmdal.csv. Kartgrunnlag: © Kartverket."


def test_up031_dataset_view_of_the_survey_matches_the_first_page(fixture_dataset: Dataset) -> None:
    model = fixture_dataset.model
    label, reset_hidden, _services, regions, *_rest, source, _structures = dataset_view(fixture_dataset, False)
    assert reset_hidden is True and label == dataset_summary(model)
    assert regions == region_options(model), "going back restores every region of the survey"
    assert source == f"Kilde: {model.source_label}. Kartgrunnlag: © Kartverket."


def test_up032_state_for_dataset_keeps_view_and_service_when_possible(fixture_dataset: Dataset) -> None:
    current = ViewState(view=VIEW_TABLE, service="ikt", region="hallingdal", sector="helse", legal_form="IKS", municipality="3044", network=True)
    assert state_for_dataset(current, fixture_dataset) == ViewState(view=VIEW_TABLE, service="ikt", network=True)
    missing = ViewState(service="ppt")
    assert state_for_dataset(missing, fixture_dataset).service == fixture_dataset.allowed.default_service


def test_up033_a_new_dataset_reframes_the_map_and_drops_the_users_zoom(uploads, resolver, fixture_dataset) -> None:
    store, *_ = upload(uploads, resolver, semicolon_csv(*GLAMDAL), "glåmdal.csv")
    uploaded = resolver(store)
    state = ViewState(service="barnevernvakt")
    assert callbacks.uirevision(uploaded, state) != callbacks.uirevision(fixture_dataset, state)
    patch, _message = callbacks.map_update(uploaded, state, ids.DATASET)
    deleted = [op["location"] for op in patch.to_plotly_json()["operations"] if op["operation"] == "Delete"]
    assert ["layout", "geo", "center"] in deleted and ["layout", "geo", "projection", "scale"] in deleted
    kept, _ = callbacks.map_update(uploaded, ViewState(service="ikt"), ids.SERVICE)
    assert not [op for op in kept.to_plotly_json()["operations"] if op["operation"] == "Delete"]
    # Switching the dataset resets controls too; the dataset decides how the map updates.
    assert callbacks.main_trigger({"municipality.value": ids.MUNICIPALITY, "dataset.data": ids.DATASET}) == ids.DATASET
    assert callbacks.main_trigger({"municipality.value": ids.MUNICIPALITY}) == ids.MUNICIPALITY
    assert callbacks.main_trigger({}) is None


def test_up034_layout_keeps_the_dataset_in_the_session_and_limits_the_upload(fixture_dataset: Dataset) -> None:
    page = build_layout(fixture_dataset.model, ViewState(), {"data": [], "layout": {}}, "/assets/topojson/")

    def find(node: Any, component_id: str) -> Any:
        if isinstance(node, Component):
            if getattr(node, "id", None) == component_id:
                return node
            return find(getattr(node, "children", None), component_id)
        if isinstance(node, (list, tuple)):
            return next((found for child in node if (found := find(child, component_id)) is not None), None)
        return None

    assert find(page, ids.DATASET).storage_type == "session"
    # The upload area is sent when the panel is first opened; its holder carries the limit for
    # assets/upload_limit.js, and the area itself refuses larger files.
    assert find(page, ids.UPLOAD) is None
    assert getattr(find(page, ids.UPLOAD_HOLDER), "data-max-bytes") == str(MAX_UPLOAD_BYTES)
    assert upload_zone().max_size == MAX_UPLOAD_BYTES
    assert find(page, ids.DATASET_RESET).hidden is True
    for component_id in (ids.TEMPLATE_XLSX_BUTTON, ids.TEMPLATE_CSV_BUTTON, ids.UPLOAD_PROBLEMS, ids.UPLOAD_REJECTED, ids.LEAD, ids.SOURCE_NOTE):
        assert find(page, component_id) is not None, component_id


def test_up040_a_refused_file_sent_again_is_answered_from_memory(uploads, resolver, monkeypatch) -> None:
    import time

    rows = [HEADER] + [f"Ordning {n};legevakt;;Kongsvinnger, Grue;;;;" for n in range(3000)]
    content = semicolon_csv(*rows)
    start = time.perf_counter()
    first = upload(uploads, resolver, content, "feil.csv")
    first_seconds = time.perf_counter() - start
    calls = []
    import dashboard.data.sheets as sheets

    monkeypatch.setattr(sheets, "read_user_file", lambda *args, **kwargs: calls.append(1))
    start = time.perf_counter()
    second = upload(uploads, resolver, content, "feil.csv")
    assert calls == [], "not read again"
    assert time.perf_counter() - start < first_seconds / 5
    assert texts(second[PROBLEMS]) == texts(first[PROBLEMS])


def test_up041_a_forged_draft_id_sent_again_costs_no_lookup(uploads, resolver, fixture_dataset, monkeypatch) -> None:
    forged = {"draft": "B" * 32, "register": SURVEY_SLUG}
    assert resolver(forged) is fixture_dataset
    lookups = []
    monkeypatch.setattr(uploads.drafts, "load", lambda *args, **kwargs: lookups.append(args))
    for _ in range(100):
        assert resolver(forged) is fixture_dataset
    assert lookups == [], "remembered as missing"
