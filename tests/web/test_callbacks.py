"""Callback bodies as plain functions: no server, no browser."""

from __future__ import annotations

import pytest
from dash import no_update
from dash._utils import to_json

from dashboard.views import figures
from dashboard.views.datasets import Dataset, prepare
from dashboard.views.view_state import VIEW_TABLE, VIEWS, ViewState
from dashboard.web import callbacks, ids
from dashboard.web.layout import NETWORK_ON

DRAMMEN, HOL, TONSBERG = "3005", "3044", "3803"
DEFAULT = ViewState()


def patch_operations(patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def patch_json(patch) -> str:
    """The Patch as Dash serialises it for the browser."""
    return to_json(patch.to_plotly_json())


def test_cb001_url_sets_only_the_controls_that_differ(fixture_dataset: Dataset) -> None:
    out = callbacks.sync_state(fixture_dataset, ids.URL, "?visning=tabell&tjeneste=ikt&region=hallingdal&per=2019-01-01", DEFAULT, None)
    search, view, service, region, sector, legal_form, municipality, network, per, *samsvar, structure = out
    assert (search, view, service, region, per) == (no_update, "tabell", "ikt", "hallingdal", "2019-01-01")
    assert all(value is no_update for value in samsvar)
    assert sector is no_update and legal_form is no_update and municipality is no_update and network is no_update
    assert structure is no_update


def test_cb002_first_load_without_query_triggers_nothing(fixture_dataset: Dataset) -> None:
    out = callbacks.sync_state(fixture_dataset, None, "", DEFAULT, None)
    assert all(value is no_update for value in out)


def test_cb003_invalid_link_values_fall_back_to_defaults(fixture_dataset: Dataset) -> None:
    current = ViewState(region="hallingdal")
    out = callbacks.sync_state(fixture_dataset, ids.URL, "?tjeneste=finnesikke&region=mars&kommune=0000", current, None)
    assert out[2] is no_update and out[3] is None and out[6] is no_update


def test_cb004_control_change_writes_a_short_query(fixture_dataset: Dataset) -> None:
    state = ViewState(view="nettverk", service="legevakt", region="hallingdal", municipality=HOL, network=True)
    out = callbacks.sync_state(fixture_dataset, ids.REGION, "", state, None)
    assert out[0] == "?visning=nettverk&region=hallingdal&kommune=3044&nettverk=1"
    assert all(value is no_update for value in out[1:])
    same = callbacks.sync_state(fixture_dataset, ids.REGION, out[0], state, None)
    assert same[0] is no_update


def test_cb005_map_click_chooses_the_municipality(fixture_dataset: Dataset) -> None:
    click = {"points": [{"location": HOL, "curveNumber": 3}]}
    out = callbacks.sync_state(fixture_dataset, ids.MAP, "", DEFAULT, click)
    assert out[0] == "?kommune=3044" and out[6] == HOL
    marker_click = {"points": [{"customdata": DRAMMEN}]}
    assert callbacks.sync_state(fixture_dataset, ids.MAP, "", DEFAULT, marker_click)[6] == DRAMMEN
    outside = {"points": [{"location": "0301"}]}
    assert all(v is no_update for v in callbacks.sync_state(fixture_dataset, ids.MAP, "", DEFAULT, outside))


def test_cb006_filter_change_patches_traces_and_never_sends_polygons(fixture_dataset: Dataset) -> None:
    patch, message = callbacks.map_update(fixture_dataset, ViewState(service="barnevernvakt"), ids.SERVICE)
    operations = patch_operations(patch)
    locations = {tuple(op["location"]) for op in operations}
    assert ("data",) in locations and ("layout", "annotations") in locations and ("layout", "geo", "lonaxis") in locations
    text = patch_json(patch)
    assert "coordinates" not in text and "test.json" in text
    assert len(text) < 50_000
    assert message.startswith("Barnevernvakt: 1 ordning.") and "Uten ordning: Gol, Hol og Ål." in message


def test_cb007_choosing_a_municipality_patches_only_its_marker_and_the_names(fixture_dataset: Dataset) -> None:
    patch, message = callbacks.map_update(fixture_dataset, ViewState(municipality=HOL), ids.MUNICIPALITY)
    operations = patch_operations(patch)
    spec, _message = callbacks.map_spec_and_message(fixture_dataset, ViewState(municipality=HOL))
    names_index = next(i for i, trace in enumerate(spec["data"]) if trace.get("name") == figures.LABEL_TRACE_NAME)
    assert [op["location"] for op in operations] == [["data", figures.SELECTION_TRACE], ["data", names_index]]
    assert operations[0]["params"]["value"]["text"] == ["", "Hol"]
    assert "Hol" not in operations[1]["params"]["value"]["text"], "the marker names the chosen municipality"
    assert len(patch_json(patch)) < 6_000
    assert message is no_update


def test_cb008_every_view_builds_and_describes_itself(fixture_dataset: Dataset) -> None:
    network, text = callbacks.map_update(fixture_dataset, ViewState(view="nettverk"), ids.VIEW)
    assert "kommunepar samarbeider" in text and "Drammen og Lier (4)" in text
    counts, text = callbacks.map_update(fixture_dataset, ViewState(view="antall"), ids.VIEW)
    assert "flest har Drammen (5)" in text and "færrest Gol (2)" in text
    table, text = callbacks.map_update(fixture_dataset, ViewState(view="tabell"), ids.VIEW)
    assert table is no_update and text.startswith("Legevakt: 5 ordninger.")


def test_cb009_empty_results_are_said_in_words(fixture_dataset: Dataset) -> None:
    _patch, text = callbacks.map_update(fixture_dataset, ViewState(legal_form="IKS"), ids.LEGAL_FORM)
    assert text.startswith("Ingen ordninger for legevakt organisert som Interkommunalt selskap (IKS).")
    _patch, text = callbacks.map_update(fixture_dataset, ViewState(view="nettverk", legal_form="AS"), ids.LEGAL_FORM)
    assert text.startswith("Ingen felles ordninger")
    _patch, text = callbacks.map_update(fixture_dataset, ViewState(view="antall", legal_form="AS"), ids.LEGAL_FORM)
    assert text.startswith("Ingen ordninger")


def test_cb010_region_change_resets_zoom_but_other_changes_keep_it(fixture_dataset: Dataset) -> None:
    first, _ = callbacks.map_update(fixture_dataset, ViewState(region="hallingdal"), ids.REGION)
    second, _ = callbacks.map_update(fixture_dataset, ViewState(region="hallingdal", service="ikt"), ids.SERVICE)
    revisions = [
        op["params"]["value"] for p in (first, second) for op in patch_operations(p) if op["location"] == ["layout", "uirevision"]
    ]
    assert revisions[0] == revisions[1] and revisions[0].startswith("region:hallingdal|")
    spec, message = callbacks.initial_map(fixture_dataset, DEFAULT)
    assert spec["layout"]["uirevision"].startswith("region:|") and message.startswith("Legevakt")


def test_cb011_panels_follow_the_view() -> None:
    assert callbacks.panel_visibility("kart") == (False, True, True, False, False)
    assert callbacks.panel_visibility("tabell") == (True, True, False, False, True)
    assert callbacks.panel_visibility("antall") == (False, False, True, True, True)
    assert callbacks.panel_visibility(None) == callbacks.panel_visibility("kart")


def test_cb012_sector_bars_only_while_the_count_view_is_open(fixture_dataset: Dataset) -> None:
    assert callbacks.sector_bars(fixture_dataset, DEFAULT) is no_update
    spec = callbacks.sector_bars(fixture_dataset, ViewState(view="antall", region="hallingdal"))
    assert {label for trace in spec["data"] for label in trace["y"]} == {"Hol", "Ål", "Gol"}


def test_cb013_tables_fill_only_in_the_table_view(fixture_dataset: Dataset) -> None:
    assert callbacks.table_records(fixture_dataset, DEFAULT) == (no_update, no_update, no_update)
    coverage, totals, columns = callbacks.table_records(fixture_dataset, ViewState(view="tabell", service="barnevernvakt"))
    assert sum(row["Ordning"] == "Ingen ordning" for row in coverage) == 3
    assert [c["field"] for c in columns][:3] == ["Kommune", "Kommunenummer", "Ordninger"] and len(totals) == 6


def test_cb014_downloads_are_formula_safe_csv_with_bom(fixture_dataset: Dataset) -> None:
    download = callbacks.coverage_download(fixture_dataset, ViewState(service="barnevernvakt", region="hallingdal"))
    assert download["filename"] == "ordninger-barnevernvakt-hallingdal.csv"
    assert download["content"].startswith("\ufeffKommune,Kommunenummer,Kommunenummer 2024,Kartlagt,Ordning")
    assert "Gol,3041,3324,ja" in download["content"], "both numbers: 2020 (as surveyed) and 2024 (to join today's data)"
    totals = callbacks.totals_download(fixture_dataset, DEFAULT)
    assert totals["filename"] == "antall-ordninger.csv" and "Drammen,3005,3301,5" in totals["content"]
    profile = callbacks.profile_download(fixture_dataset, DRAMMEN)
    assert profile["filename"] == "ordninger-3005.csv" and "Legevakta i Drammen-Lier" in profile["content"]
    assert profile["content"].startswith("\ufeffKommune,Kommunenummer,Kommunenummer 2024,") and "Drammen,3005,3301," in profile["content"]
    assert callbacks.profile_download(fixture_dataset, None) is no_update

    import pandas as pd

    risky = callbacks.csv_download(pd.DataFrame({"Ordning": ["=HYPERLINK(\"x\")", "+1", "@SUM(A1)"]}), "x.csv")
    lines = risky["content"].lstrip("\ufeff").splitlines()
    assert lines == ["Ordning", '"\'=HYPERLINK(""x"")"', "'+1", "'@SUM(A1)"]


def test_cb015_profile_groups_by_sector_and_compares_with_the_region(fixture_dataset: Dataset) -> None:
    children, hide_download = callbacks.profile_view(fixture_dataset, DRAMMEN)
    text = str(children.to_plotly_json())
    assert hide_download is False
    assert "Drammen deltar i 5 ordninger." in text and "Snittet i Drammensregionen er 4,0: 1,0 flere enn snittet." in text
    sections = [c for c in children.children if getattr(c, "className", "") == "profile-sector"]
    assert [s.children[0].children for s in sections] == ["Kommunehelsetjenester (2)", "Sosialtjenester (1)", "Teknisk sektor (2)"]
    health_rows = sections[0].children[1].children[1].children
    first = [cell.children for cell in health_rows[0].children]
    assert first[1:] == ["Holmestrand", "Drammen", "Vertskommunesamarbeid", "Tabell 5.2, rad 1"]
    hint, hidden = callbacks.profile_view(fixture_dataset, None)
    assert hidden is True and "Velg en kommune" in hint.children


def test_cb016_profile_of_a_partner_outside_the_survey_says_so(fixture_dataset: Dataset) -> None:
    children, _hidden = callbacks.profile_view(fixture_dataset, TONSBERG)
    assert "Ikke blant de kartlagte kommunene" in str(children.to_plotly_json())


def test_cb017_controls_round_trip_through_state() -> None:
    state = ViewState(view="antall", service="ppt", region="r", sector="s", legal_form="IKS", municipality="3005", network=True, per="2019-01-01")
    values = callbacks.control_values(state, default_structure="2020")
    assert values[6:8] == ([NETWORK_ON], "2019-01-01") and values[-1] == "2020"
    assert callbacks.state_from_controls(*values, default_service="legevakt", default_structure="2020") == state
    shown_2024 = callbacks.state_from_controls(*values[:-1], "2024", default_service="legevakt", default_structure="2020")
    assert shown_2024.structure == "2024"
    assert callbacks.state_from_controls(None, None, "", None, None, None, None, default_service="legevakt") == ViewState()
    assert callbacks.state_from_controls(None, None, "", None, None, None, None, "2019-02-30", default_service="legevakt") == ViewState()


def test_cb019_prepared_dataset_knows_valid_link_values(fixture_dataset: Dataset) -> None:
    allowed = prepare(fixture_dataset.model, fixture_dataset.base).allowed
    assert "legevakt" in allowed.services and "hallingdal" in allowed.regions
    assert TONSBERG in allowed.municipalities and "0301" not in allowed.municipalities


@pytest.mark.parametrize("decimal_in, expected", [(4.0, "4,0"), (38.25, "38,2"), (0.05, "0,1")])
def test_cb020_norwegian_decimals(decimal_in: float, expected: str) -> None:
    assert callbacks.decimal(decimal_in) == expected


def test_cb101_every_region_and_view_of_the_real_survey_renders_and_explains_itself(real_dataset: Dataset) -> None:
    model = real_dataset.model
    for region_id, _name, _kind in model.region_options():
        for view in VIEWS:
            state = ViewState(view=view, region=region_id)
            patch, message = callbacks.map_update(real_dataset, state, ids.REGION)
            assert isinstance(message, str) and message, (region_id, view)
            if view == VIEW_TABLE:
                assert patch is no_update
                coverage, totals, _columns = callbacks.table_records(real_dataset, state)
                assert isinstance(coverage, list) and isinstance(totals, list)


def test_cb102_every_service_of_the_real_survey_renders_with_network(real_dataset: Dataset) -> None:
    for service, _label in real_dataset.model.service_options():
        patch, message = callbacks.map_update(real_dataset, ViewState(service=service, network=True), ids.SERVICE)
        # 50 KB of traces plus the municipality names (about 2.5 KB, issue 11).
        assert len(patch_json(patch)) < 53_000, service
        assert message.startswith(real_dataset.model.service_label(service)), message


def test_cb103_real_profile_of_every_surveyed_municipality(real_dataset: Dataset) -> None:
    for number in real_dataset.model.focus:
        children, hidden = callbacks.profile_view(real_dataset, number)
        assert hidden is False and "deltar i" in str(children.to_plotly_json())


def _texts(component) -> list[str]:
    """Every string in a component tree, in document order."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    if not isinstance(children, (list, tuple)):
        children = [children]
    return [text for child in children for text in _texts(child)]


def test_cb030_profile_opens_with_the_chosen_service_then_every_sector(real_dataset: Dataset) -> None:
    flesberg = "3050"
    children, _hidden = callbacks.profile_view(real_dataset, flesberg, "ppt")
    texts = _texts(children)
    first_service = texts.index("PP-tjeneste (PPT) i Flesberg")
    assert first_service < texts.index("Alle ordninger etter sektor")
    ppt_section = texts[first_service : texts.index("Alle ordninger etter sektor")]
    assert "Vertskommune" in ppt_section and "Partnere" in ppt_section
    assert any("PPT" in text or "PP-" in text for text in ppt_section[1:])
    announced = callbacks.profile_announcement(real_dataset, flesberg, "ppt")
    assert announced == "Kommuneprofil for Flesberg er åpnet, med PP-tjeneste (PPT) først."
    # A gap says so in words: Kongsberg has no barnevernvakt arrangement.
    gap_texts = _texts(callbacks.profile_view(real_dataset, "3006", "barnevernvakt")[0])
    assert "Kongsberg har ingen ordning for barnevernvakt i datagrunnlaget." in gap_texts


def test_cb040_map_description_says_what_the_map_shows() -> None:
    from dashboard.web.layout import map_description

    assert map_description("kart").startswith("Kartet viser hvilken ordning") and "«Tabell»" in map_description("kart")
    assert "hvor mange ordninger" in map_description("antall") and "linjer" in map_description("nettverk")
    assert map_description(None) == map_description("kart")


def test_cb017_an_upload_without_sectors_gets_a_named_group_in_the_profile(fixture_dataset: Dataset) -> None:
    from dashboard.data.sheets import read_user_file

    base_model = fixture_dataset.model
    content = "navn,tjeneste,sektor,deltakere\nGlåmdal IKT,IKT,,\"Kongsvinger, Grue\"\n".encode()
    upload = prepare(read_user_file(content, "glamdal.csv", base_model.registry, base_model), fixture_dataset.base)
    grue = next(number for number in upload.model.focus if upload.model.name_of(number) == "Grue")
    children, _hidden = callbacks.profile_view(upload, grue)
    sections = [c for c in children.children if getattr(c, "className", "") == "profile-sector"]
    assert [s.children[0].children for s in sections] == ["Uten sektor (1)"]
