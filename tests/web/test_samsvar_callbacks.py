"""«Samsvar» callback bodies as plain functions: state in, components and figures out."""

from __future__ import annotations

from dataclasses import replace

from dash import Patch, no_update

from dashboard.data.sheets import read_user_file
from dashboard.views.datasets import prepare
from dashboard.views.view_state import ViewState, parse_query, to_query
from dashboard.web import callbacks, ids
from dashboard.web import samsvar_callbacks as sc

SAMSVAR = ViewState(view="samsvar")


def text_of(component) -> str:
    """Every text in a component tree, joined (what a screen reader would read)."""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(child) for child in component)
    children = getattr(component, "children", None)
    return "" if children is None else text_of(children)


def test_ssc001_outside_the_view_nothing_is_computed(fixture_dataset) -> None:
    assert sc.samsvar_content(fixture_dataset, ViewState(), ids.SERVICE) == (no_update,) * len(sc.CONTENT_OUTPUTS)
    assert sc.panel_hidden("samsvar") == (False, False) and sc.panel_hidden("kart") == (True, True)


def test_ssc002_survey_content_and_a_municipality_change_redraws_only_the_grid(real_dataset) -> None:
    grid, matrix, table, summary, first, second = sc.samsvar_content(real_dataset, SAMSVAR, ids.VIEW)
    assert "Velg en kommune" in text_of(grid)
    assert "89 %" in text_of(matrix) and "Sigdal" in text_of(table)
    assert summary.startswith("Legevakt og barnevernvakt:")
    assert first["layout"]["title"]["text"].startswith("Legevakt") and second["layout"]["title"]["text"].startswith("Barnevernvakt")
    out = sc.samsvar_content(real_dataset, ViewState(view="samsvar", municipality="3044"), ids.MUNICIPALITY)
    assert "Hol deltar i 6 av 6 tjenester med 3 ulike partnersett" in text_of(out[0])
    assert out[1:4] == (no_update,) * 3 and all(isinstance(patch, Patch) for patch in out[4:])
    # Each map: the ring, and its names (the last trace) placed again, as the whole map with Hol
    # chosen has them (Hol's own name is drawn by the ring).
    hol = ViewState(view="samsvar", municipality="3044")
    _summary, *with_hol = sc.compare_specs(real_dataset, hol)
    for patch, spec, whole in zip(out[4:], (first, second), with_hol):
        operations = patch.to_plotly_json()["operations"]
        assert [operation["location"] for operation in operations] == [["data", 1], ["data", -1]]
        ring, names = operations[0]["params"]["value"], operations[1]["params"]["value"]
        assert ring == whole["data"][1] and names == whole["data"][-1]
        assert names["name"] == "Kommunenavn" and "Hol" not in names["text"] and "Hol" in spec["data"][-1]["text"]


def test_ssc003_chosen_and_compared_services_from_the_link(real_dataset) -> None:
    allowed = real_dataset.allowed
    state = parse_query("?visning=samsvar&utvalg=ppt,nav,finnesikke&sammenlign=nav,ppt&kommune=3045", allowed)
    assert (state.services, state.compare) == (("ppt", "nav"), ("nav", "ppt"))
    _grid, matrix, _table, summary, _first, _second = sc.samsvar_content(real_dataset, state, ids.URL)
    assert "Legevakt" not in text_of(matrix) and summary.startswith("Felles NAV-kontor og PP-tjeneste (PPT):")
    assert to_query(state, allowed.default_service, allowed.default_services) == "?visning=samsvar&kommune=3045&utvalg=ppt,nav&sammenlign=nav,ppt"
    # The defaults are left out of the link, also when the controls show them.
    values = callbacks.control_values(SAMSVAR, allowed.default_services)
    shown = callbacks.state_from_controls(*values, default_service=allowed.default_service)
    assert to_query(shown, allowed.default_service, allowed.default_services) == "?visning=samsvar"


def test_ssc004_an_upload_gets_the_view_too(fixture_dataset) -> None:
    base_model = fixture_dataset.model
    content = (
        "navn,tjeneste,sektor,deltakere,vertskommune,organisasjonsform,etablert,kilde\n"
        'LV Sør,legevakt,helse,"Kongsvinger, Eidskog, Grue",Kongsvinger,vertskommune,2010,a\n'
        'PPT Vinger,ppt,helse,"Kongsvinger, Eidskog",,vertskommune,,b\n'
    ).encode("utf-8")
    upload = prepare(read_user_file(content, "glamdal.csv", base_model.registry, base_model), fixture_dataset.base)
    assert upload.allowed.default_services == ("legevakt", "ppt")
    grid, matrix, table, summary, first, _second = sc.samsvar_content(upload, ViewState(view="samsvar", municipality="3401"), None)
    assert "Kongsvinger deltar i 2 av 2 tjenester med 2 ulike partnersett" in text_of(grid)
    # Legevakt and PPT: only Kongsvinger and Eidskog take part in both, and they are partners in both.
    assert "Eidskog" in text_of(table) and "100 %" in text_of(matrix) and "1 par" in text_of(matrix)
    spec, message = callbacks.map_spec_and_message(upload, ViewState(view="samsvar"))
    assert message.startswith("Samsvar for legevakt og PPT: 3 kommuner deltar. Flest ulike partnersett (2): Eidskog og Kongsvinger.")


def test_ssc005_zoom_follows_once_and_the_echo_stops(fixture_dataset) -> None:
    moved = {"geo.center.lon": 9.1, "geo.center.lat": 60.2, "geo.projection.scale": 2.5, "dragmode": "pan"}
    first, second, last = sc.synced_view(ids.SAMSVAR_COMPARE_MAP_FIRST, moved, None, None)
    assert first is no_update and isinstance(second, Patch)
    assert last == {"geo.center.lon": 9.1, "geo.center.lat": 60.2, "geo.projection.scale": 2.5}
    assert sc.synced_view(ids.SAMSVAR_COMPARE_MAP_SECOND, moved, moved, last) == (no_update, no_update, no_update)
    assert sc.synced_view(ids.SAMSVAR_COMPARE_MAP_SECOND, None, {"autosize": True}, last) == (no_update, no_update, no_update)


def test_ssc006_a_click_on_a_compare_map_selects_the_municipality(fixture_dataset) -> None:
    click = {"points": [{"location": "3044"}]}
    assert sc.picked_municipality(fixture_dataset, click, None) == "3044"
    assert sc.picked_municipality(fixture_dataset, click, "3044") is no_update
    assert sc.picked_municipality(fixture_dataset, {"points": [{"location": "9999"}]}, None) is no_update


def test_ssc007_downloads(real_dataset) -> None:
    table = sc.table_download(real_dataset, SAMSVAR)
    assert table["filename"] == "samsvar-konstellasjoner.csv" and "Sigdal,3045,6,5" in table["content"]
    matrix = sc.matrix_download(real_dataset, ViewState(view="samsvar", region="hallingdal"))
    assert matrix["filename"] == "samsvar-matrise-hallingdal.csv" and matrix["content"].startswith("\ufeffTjeneste,Legevakt")
    assert sc.grid_download(real_dataset, SAMSVAR) is no_update
    grid = sc.grid_download(real_dataset, ViewState(view="samsvar", municipality="3005"))
    assert "Legevakt,x,x" in grid["content"]


def test_ssc008_presentation_opens_with_the_konstellasjoner_slide(real_dataset) -> None:
    from dashboard.output.presentation import Deck, deck_from_query, presentation_query
    from dashboard.views.view_state import ViewState
    from dashboard.web.presentation_callbacks import enter_link, slide_view

    allowed = real_dataset.allowed
    link = enter_link(real_dataset, ViewState(view="samsvar", services=allowed.default_services, region="hallingdal"))
    assert link == "?visning=presentasjon&tjenester=legevakt,barnevernvakt,ppt,nav,ikt,krisesenter&samsvar=1&region=hallingdal"
    deck = deck_from_query(link + "&utvalg=legevakt,ppt", allowed, ["legevakt"])
    assert len(deck) == 7 and deck.slide(0).view == "samsvar" and deck.slide(1).service == "legevakt"
    assert deck.slide(0).services == ("legevakt", "ppt")
    again = Deck.from_store(deck.to_store(), allowed)
    assert again == deck
    figure, heading, summary, counter = slide_view(real_dataset, deck, 0)
    assert heading == "Samsvar: ulike partnersett per kommune – Hallingdal" and counter == "1 / 7"
    assert summary.startswith("Samsvar i Hallingdal for legevakt og PP-tjeneste (PPT): 6 kommuner deltar.")
    assert any(trace.get("mode") == "text" for trace in figure["data"])
    assert presentation_query(ViewState(view="samsvar"), ["legevakt"], "legevakt") == "?visning=presentasjon&tjenester=legevakt&samsvar=1"


def test_ssc009_table_view_has_the_samsvar_tables(real_dataset) -> None:
    assert sc.table_view_children(real_dataset, SAMSVAR) is no_update
    children = sc.table_view_children(real_dataset, ViewState(view="tabell", region="hallingdal"))
    assert "Hemsedal" in text_of(children[0]) and "Sigdal" not in text_of(children[0])
    assert "15 par" in text_of(children[1])  # the six Hallingdal municipalities make 15 pairs


def test_ssc010_more_than_twelve_services_are_cut_and_the_page_says_so(real_dataset) -> None:
    services = tuple(service for service, _label in real_dataset.model.service_options())[:14]
    _spec, message = callbacks.map_spec_and_message(real_dataset, ViewState(view="samsvar", services=services))
    assert message.startswith("Bare de 12 første tjenestene er med. Samsvar for ")


def test_ssc011_only_what_a_change_touches_is_rebuilt(real_dataset) -> None:
    state = ViewState(view="samsvar", compare=("ppt", "nav"))
    assert sc.samsvar_content(real_dataset, state, ids.SECTOR) == (no_update,) * 6
    out = sc.samsvar_content(real_dataset, state, ids.SAMSVAR_COMPARE_FIRST)
    assert out[:3] == (no_update,) * 3 and out[3].startswith("PP-tjeneste (PPT) og felles NAV-kontor:")
    out = sc.samsvar_content(real_dataset, replace(state, services=("ppt", "nav", "ikt")), ids.SAMSVAR_SERVICES)
    assert out[1] is not no_update and out[3:] == (no_update,) * 3


def test_ssc012_forged_control_values_fall_back_to_the_defaults(real_dataset) -> None:
    state = callbacks.state_from_controls(
        "samsvar", None, None, None, None, None, None, None, ["ppt", 7, ["x"], "ppt", "finnesikke"], ["a"], {"b": 1},
        default_service="legevakt",
    )
    assert state.services == ("ppt", "finnesikke") and state.compare == ()
    out = sc.samsvar_content(real_dataset, state, None)
    assert "PP-tjeneste (PPT)" in text_of(out[1]) and out[3].startswith("Velg to ulike tjenester")
