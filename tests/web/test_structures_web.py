"""The 2020 and 2024 municipality structures in the page: the switch, 2024 uploads, downloads."""

from __future__ import annotations

import base64

import pytest
from dash import no_update
from fixtures import DATA, GEODATA

from dashboard.data.loader import load_structures_cached
from dashboard.store.database import open_database
from dashboard.store.drafts import Drafts
from dashboard.store.registers import RegisterStore
from dashboard.views.datasets import prepare
from dashboard.views.map_base import MapBase
from dashboard.views.view_state import ViewState, parse_query, to_query
from dashboard.web import callbacks, ids
from dashboard.web.registers import PageDatasets
from dashboard.web.upload import UploadedFiles
from dashboard.web.upload_callbacks import upload_outcome

SUNNMORE = "navn;tjeneste;deltakere;vertskommune\r\nNordre Sunnmøre legevakt;legevakt;Haram, Ålesund, Giske;Ålesund\r\n"


@pytest.fixture()
def resolver(sqlite_url: str) -> PageDatasets:
    """The app's resolver with the fixture survey in both structures (uploads read in 2024)."""
    bases = load_structures_cached(DATA, GEODATA)
    engine = open_database(sqlite_url)
    store = RegisterStore(engine, bases["2020"], bases)
    store.ensure_survey()
    surveys = {
        s: prepare(m, MapBase.from_boundaries(m.boundaries, geojson_url=f"/_geo/kommuner-{s}.json"), bases, own_structure="2020")
        for s, m in bases.items()
    }
    return PageDatasets(store, UploadedFiles(store.base_of(None), Drafts(engine), bases["2020"]), surveys["2020"], surveys)


def test_sweb001_the_survey_in_2024_has_todays_numbers_counties_and_map(resolver: PageDatasets) -> None:
    own, today = resolver(), resolver(structure="2024")
    assert own.model.structure == "2020" and today.model.structure == "2024"
    assert today.allowed.default_structure == "2020", "a link without ?struktur= still means the survey's own"
    assert today.base.geojson == "/_geo/kommuner-2024.json" and own.base.geojson == "/_geo/kommuner-2020.json"
    assert "3301" in today.model.focus and "3005" not in today.model.focus
    counties = {name for _rid, name, kind in today.model.region_options() if kind == "fylke"}
    assert {"Buskerud", "Vestfold", "Telemark", "Akershus", "Innlandet"} <= counties and "Viken" not in counties
    assert len(today.model.boundaries) == 357 and len(today.base.anchors) == 357
    state = parse_query("?struktur=2024&region=fylke-33", today.allowed)
    assert state.structure == "2024" and state.region == "fylke-33"
    assert to_query(state) == "?region=fylke-33&struktur=2024"
    assert parse_query("?struktur=2024&region=fylke-33", own.allowed).region is None, "Buskerud is no county of 2020"


def test_sweb002_switching_keeps_the_municipality_and_drops_a_county_of_the_other_structure(resolver: PageDatasets) -> None:
    current = ViewState(region="fylke-30", municipality="3005", structure="2024")
    out = callbacks.sync_state(resolver(structure="2024"), ids.STRUCTURE, "?region=fylke-30&kommune=3005", current, None)
    search, *values = out
    by_control = dict(zip([component for component, _prop in callbacks.STATE_OUTPUTS], values))
    assert by_control[ids.MUNICIPALITY] == "3301" and by_control[ids.REGION] is None
    assert by_control[ids.SERVICE] is no_update
    assert search == "?kommune=3301&struktur=2024"
    back = callbacks.sync_state(resolver(), ids.STRUCTURE, search, ViewState(municipality="3301"), None)
    assert dict(zip([c for c, _p in callbacks.STATE_OUTPUTS], back[1:]))[ids.MUNICIPALITY] == "3005"


def test_sweb003_map_and_downloads_in_2024(resolver: PageDatasets) -> None:
    today = resolver(structure="2024")
    state = ViewState(service="legevakt", region="fylke-33", structure="2024")
    spec, message = callbacks.map_spec_and_message(today, state)
    locations = {str(loc) for trace in spec["data"] for loc in (trace.get("locations") or [])}
    assert "3301" in locations and not {loc for loc in locations if loc.startswith("30")}
    assert "i Buskerud" in message
    totals = callbacks.totals_download(today, ViewState(structure="2024"))["content"]
    assert totals.startswith("\ufeffKommune,Kommunenummer,Kommunenummer 2024,") and "Drammen,3301,3301,5" in totals


def test_sweb004_a_2024_spreadsheet_naming_haram_and_alesund_validates_and_maps(resolver: PageDatasets) -> None:
    contents = "data:text/csv;base64," + base64.b64encode(SUNNMORE.encode("utf-8")).decode("ascii")
    out = upload_outcome(resolver.uploads, resolver, ids.UPLOAD, contents, "sunnmore.csv", None, ViewState())
    store_value, problems = out[0], out[1]
    assert problems == [] and store_value and store_value["draft"]
    structure = out[3:][callbacks.STATE_OUTPUTS.index((ids.STRUCTURE, "value"))]
    assert structure == "2024", "the switch shows the upload's own structure"
    dataset = resolver(store_value)
    assert dataset.model.structure == "2024" and dataset.allowed.structures == {"2024"}
    assert set(dataset.model.focus) == {"1508", "1580", "1532"}  # Ålesund, Haram, Giske
    spec, message = callbacks.map_spec_and_message(dataset, ViewState(service="legevakt"))
    locations = {str(loc) for trace in spec["data"] for loc in (trace.get("locations") or [])}
    assert {"1508", "1580"} <= locations and dataset.base.geojson == "/_geo/kommuner-2024.json"
    assert "Nordre Sunnmøre legevakt" in str(spec) and message.startswith("Legevakt:")


def test_sweb005_an_old_list_that_reads_only_in_2020_is_read_in_2020_and_says_so(resolver: PageDatasets) -> None:
    old = "navn;tjeneste;deltakere\r\nSunnmøre IKT;IKT;1507, Giske\r\n"  # Ålesund's 2020 number: split in 2024
    contents = "data:text/csv;base64," + base64.b64encode(old.encode("utf-8")).decode("ascii")
    out = upload_outcome(resolver.uploads, resolver, ids.UPLOAD, contents, "gammel.csv", None, ViewState())
    assert out[1] == [] and out[0]["draft"]
    dataset = resolver(out[0])
    assert dataset.model.structure == "2020" and set(dataset.model.focus) == {"1507", "1532"}
    assert dataset.model.notices[0].startswith("gammel.csv: lest med kommunestrukturen 2020")
    assert dataset.allowed.structures == {"2020", "2024"}, "and it can be shown in 2024 like the survey"


# ----- presentation and «Endringer siden» in the structure shown ---------------------------------


def locations_of(spec: dict) -> set[str]:
    return {str(loc) for trace in spec["data"] for loc in (trace.get("locations") or [])}


def patched_traces(patch) -> list:
    """The traces a slide Patch sends (presentation.slide_patch sets data first)."""
    operation = patch.to_plotly_json()["operations"][0]
    assert operation["location"] == ["data"]
    return operation["params"]["value"]


def test_sweb006_presentation_from_a_page_switched_to_2024_stays_in_2024(resolver: PageDatasets) -> None:
    from dashboard.web.presentation_callbacks import deck_view, enter_link, leave_link, open_deck, step_deck

    shown_state = ViewState(service="legevakt", region="fylke-33", structure="2024")
    values = callbacks.control_values(shown_state, (), "2020")
    link = enter_link(*callbacks.shown_dataset_and_state(resolver, None, values))
    assert "struktur=2024" in link and "region=fylke-33" in link, link
    request = {"search": link, "width": 1920}
    assert deck_view(request, None) == (None, "2024")
    figure, heading, _summary, _notice, counter, _source, deck_data, *_ = open_deck(resolver(None, *deck_view(request, None)), request)
    assert heading == "Legevakt – Buskerud" and counter.startswith("1 / ")
    assert "3301" in locations_of(figure) and not {loc for loc in locations_of(figure) if loc.startswith("30")}
    assert "kommuner-2024" in str(figure["data"]), "the slide draws the 2024 boundaries"
    # The deck the browser keeps carries the structure: stepping and leaving stay in 2024.
    assert deck_view(None, deck_data) == (None, "2024")
    stepped = resolver(None, *deck_view(None, deck_data))
    patch, next_heading, *_rest = step_deck(stepped, deck_data, 1, 0)
    assert next_heading.endswith("– Buskerud")
    patched = locations_of({"data": patched_traces(patch)})
    assert "3301" in patched and not {loc for loc in patched if loc.startswith("30")}
    back = leave_link(stepped, deck_data, 1, 0)
    assert "struktur=2024" in back and "region=fylke-33" in back, back
    # The register's own structure (no ?struktur=) still gives a 2020 deck.
    plain = {"search": "?visning=presentasjon&tjenester=legevakt&region=drammensregionen", "width": 1920}
    assert deck_view(plain, None) == (None, None)
    own_figure = open_deck(resolver(None, *deck_view(plain, None)), plain)[0]
    assert "3005" in locations_of(own_figure)


def test_sweb007_changes_of_a_2020_register_are_drawn_in_the_structure_shown(resolver: PageDatasets) -> None:
    from dashboard.web.changes_callbacks import changes_of, changes_view
    from dashboard.web.presentation_callbacks import open_deck

    header = "navn;tjeneste;deltakere;vertskommune"
    for rows, names in (
        ((header, "Drammen og Lier IKT;IKT;Drammen, Lier;Drammen"), {"name": "Drammensregionen"}),
        ((header, "Drammen og Lier IKT;IKT;Drammen, Lier, Holmestrand;Drammen"), {"slug": "drammensregionen"}),
    ):
        content = ("\r\n".join(rows) + "\r\n").encode("utf-8")
        resolver.store.apply_import(resolver.store.plan_import(content, "d.csv", structure="2020", **names), "test")
    own = resolver.register("drammensregionen")
    today = resolver.register("drammensregionen", None, "2024")
    assert (own.model.structure, today.model.structure) == ("2020", "2024")
    spec_2020, summary, changes = changes_of(resolver.store, own, "drammensregionen", "2000-01-01")
    spec_2024, summary_2024, _ = changes_of(resolver.store, today, "drammensregionen", "2000-01-01")
    assert changes and summary == summary_2024
    assert {"3005", "3049", "3802"} <= locations_of(spec_2020)
    # Drammen 3301, Lier 3312, Holmestrand 3903: without renumbering they were left off the 2024 map.
    assert {"3301", "3312", "3903"} <= locations_of(spec_2024) and not {"3005", "3049", "3802"} & locations_of(spec_2024)
    # The panel asks the resolver for the switch's structure.
    panel = changes_view(lambda store, per=None, structure=None: resolver.register("drammensregionen", per, structure),
                         resolver.store, "drammensregionen", "2000-01-01", None, "2024")
    assert "3301" in locations_of(panel[1])
    # And the «Endringer siden» slide of a 2024 deck.
    request = {"search": "?visning=presentasjon&tjenester=ikt&struktur=2024&endringer=2000-01-01", "width": 1920}
    slide = lambda dataset, since: changes_of(resolver.store, dataset, "drammensregionen", since)[:2]  # noqa: E731
    deck_data = open_deck(today, request, slide)[6]
    from dashboard.web.presentation_callbacks import step_deck

    patch, heading, *_ = step_deck(today, deck_data, 1, 0, slide)
    assert heading.startswith("Endringer siden 01.01.2000") and "3301" in locations_of({"data": patched_traces(patch)})
