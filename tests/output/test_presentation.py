"""Presentation mode without a browser: decks from links, stepping, slide figures and the callback bodies."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from dash import Patch, no_update
from dash._utils import to_json
from dash.exceptions import PreventUpdate

from dashboard.output.presentation import (
    DESIGN_WIDTH_PX,
    Deck,
    SlideSizes,
    button_deck,
    counter_text,
    deck_from_query,
    exit_query,
    presentation_query,
    slide_annotations,
    slide_figure,
    slide_heading,
    slide_index,
    slide_patch,
)
from dashboard.views.datasets import Dataset
from dashboard.views.view_state import (
    DECK_KEY,
    QUERY_KEYS,
    VIEW_NETWORK,
    VIEW_PRESENTATION,
    VIEW_SERVICE_MAP,
    VIEW_TABLE,
    AllowedValues,
    ViewState,
    parse_query,
)
from dashboard.web import ids
from dashboard.web.callbacks import map_spec_and_message
from dashboard.web.presentation_callbacks import (
    enter_link,
    leave_link,
    open_deck,
    step_deck,
)

ASSETS = Path(__file__).resolve().parents[2] / "assets"
MAIN_SIX = ("legevakt", "barnevernvakt", "ppt", "nav", "ikt", "krisesenter")
ALLOWED = AllowedValues(
    services=frozenset({*MAIN_SIX, "brann-110"}),
    regions=frozenset({"hallingdal", "drammensregionen"}),
    sectors=frozenset({"helse"}),
    legal_forms=frozenset({"IKS"}),
    municipalities=frozenset({"3044"}),
)


# ----- links ------------------------------------------------------------------------------


def test_pr001_link_gives_services_in_order_and_shared_filters() -> None:
    deck = deck_from_query("?visning=presentasjon&tjenester=legevakt,ppt,nav&region=hallingdal&sektor=helse", ALLOWED, MAIN_SIX)
    assert deck.services == ("legevakt", "ppt", "nav")
    assert (deck.base.region, deck.base.sector, deck.base.view) == ("hallingdal", "helse", VIEW_SERVICE_MAP)
    assert deck.start == 0 and deck.notice == ""
    assert [deck.slide(index).service for index in range(3)] == ["legevakt", "ppt", "nav"]
    assert deck.slide(1).region == "hallingdal"


def test_pr002_without_a_list_the_deck_is_the_six_headline_services() -> None:
    deck = deck_from_query("?visning=presentasjon", ALLOWED, MAIN_SIX)
    assert deck.services == MAIN_SIX and deck.base.region is None


def test_pr003_list_is_forgiving_about_case_spaces_and_repeats() -> None:
    deck = deck_from_query("?visning=presentasjon&tjenester= PPT , nav,ppt,,Legevakt", ALLOWED, MAIN_SIX)
    assert deck.services == ("ppt", "nav", "legevakt")


def test_pr004_unknown_services_are_named_with_the_closest_valid_id() -> None:
    deck = deck_from_query("?visning=presentasjon&tjenester=legevakt,ppx,zzzz", ALLOWED, MAIN_SIX)
    assert deck.services == ("legevakt",)
    assert "Ukjent tjeneste «ppx» i lenken er hoppet over. Mente du «ppt»?" in deck.notice
    assert "«zzzz»" in deck.notice


def test_pr005_only_unknown_services_fall_back_to_the_default_deck() -> None:
    deck = deck_from_query("?visning=presentasjon&tjenester=ppx", ALLOWED, MAIN_SIX)
    assert deck.services == MAIN_SIX and "ppx" in deck.notice


def test_pr006_tjeneste_chooses_the_first_slide_and_bad_region_falls_back() -> None:
    deck = deck_from_query("?visning=presentasjon&tjenester=legevakt,ppt,nav&tjeneste=nav&region=mars", ALLOWED, MAIN_SIX)
    assert deck.start == 2 and deck.base.region is None


def test_pr008_link_round_trip_keeps_services_start_and_filters() -> None:
    state = ViewState(view=VIEW_NETWORK, service="ppt", region="hallingdal", legal_form="IKS", network=True)
    link = presentation_query(state, MAIN_SIX, "legevakt")
    values = parse_qs(link.lstrip("?"))
    assert values[QUERY_KEYS["view"]] == [VIEW_PRESENTATION]
    assert values[DECK_KEY] == [",".join(MAIN_SIX)] and "%2C" not in link
    deck = deck_from_query(link, ALLOWED, ())
    assert deck.services == MAIN_SIX and deck.slide(deck.start).service == "ppt"
    assert (deck.base.region, deck.base.legal_form, deck.base.network) == ("hallingdal", "IKS", True)


def test_pr009_example_link_from_the_issue() -> None:
    link = "/?visning=presentasjon&tjenester=legevakt,ppt,nav&region=hallingdal".split("/", 1)[1]
    deck = deck_from_query(link, ALLOWED, MAIN_SIX)
    assert deck.services == ("legevakt", "ppt", "nav") and deck.base.region == "hallingdal"


def test_pr010_button_deck_puts_an_other_service_first() -> None:
    assert button_deck("nav", MAIN_SIX) == MAIN_SIX
    assert button_deck("brann-110", MAIN_SIX) == ("brann-110", *MAIN_SIX)


def test_pr011_leaving_gives_the_normal_view_of_the_slide_on_screen() -> None:
    deck = deck_from_query("?visning=presentasjon&tjenester=legevakt,ppt,nav&region=hallingdal", ALLOWED, MAIN_SIX)
    assert exit_query(deck, 1, "legevakt") == "?tjeneste=ppt&region=hallingdal"
    assert parse_query(exit_query(deck, 0, "legevakt"), ALLOWED) == ViewState(region="hallingdal")


# ----- stepping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "forward", "back", "expected"),
    [(0, 0, 0, 0), (0, 1, 0, 1), (0, 5, 0, 5), (0, 6, 0, 0), (0, 0, 1, 5), (0, 3, 5, 4), (2, 1, 0, 3), (5, 1, 0, 0), (0, None, None, 0)],
)
def test_pr020_next_and_previous_wrap_around(start, forward, back, expected) -> None:
    assert slide_index(6, start, forward, back) == expected


def test_pr021_counter_reads_like_a_slide_number() -> None:
    assert counter_text(1, 6) == "2 / 6" and counter_text(0, 1) == "1 / 1"


def test_pr022_deck_survives_the_browser_store_and_drops_stale_services() -> None:
    deck = replace(deck_from_query("?visning=presentasjon&tjenester=ppt,nav&region=hallingdal", ALLOWED, MAIN_SIX), screen_width=1280)
    stored = json.loads(json.dumps(deck.to_store()))
    assert Deck.from_store(stored, ALLOWED) == deck
    narrower = replace(ALLOWED, services=frozenset({"nav"}))
    assert Deck.from_store(stored, narrower).services == ("nav",)
    with pytest.raises(ValueError):
        Deck.from_store({**stored, "services": ["gone"]}, ALLOWED)
    tampered = {**stored, "base": {**stored["base"], "region": "mars", "sector": "<b>x</b>"}}
    assert (Deck.from_store(tampered, ALLOWED).base.region, Deck.from_store(tampered, ALLOWED).base.sector) == (None, None)


def test_pr023_type_grows_with_the_screen_within_bounds() -> None:
    design = SlideSizes.for_width(DESIGN_WIDTH_PX)
    assert design == SlideSizes()
    assert SlideSizes.for_width(3840).legend == 2 * design.legend
    assert SlideSizes.for_width(10_000).legend == SlideSizes.for_width(3840).legend
    assert SlideSizes.for_width(640).legend == pytest.approx(0.8 * design.legend)


# ----- slide figures ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def legevakt_spec(fixture_dataset: Dataset) -> dict:
    spec, _message = map_spec_and_message(fixture_dataset, ViewState(service="legevakt", region="hallingdal"))
    return spec


def test_pr030_slide_moves_title_and_credit_out_and_enlarges_the_legend(legevakt_spec) -> None:
    before = json.dumps(legevakt_spec, sort_keys=True)
    slide = slide_figure(legevakt_spec, "legevakt")
    assert json.dumps(legevakt_spec, sort_keys=True) == before, "the app's spec is not changed"
    layout = slide["layout"]
    assert layout["title"]["text"] == "" and "height" not in layout and layout["autosize"] is True
    texts = [annotation["text"] for annotation in layout["annotations"]]
    assert not [text for text in texts if "Kilde:" in text or "Kartgrunnlag" in text or text.startswith("Klikk")]
    assert layout["legend"]["font"]["size"] >= 24 and layout["legend"]["font"]["color"] == "#000000"
    assert layout["legend"]["title"]["text"] == legevakt_spec["layout"]["legend"]["title"]["text"]
    assert layout["geo"]["lonaxis"] == legevakt_spec["layout"]["geo"]["lonaxis"], "same zoom as the app's view"
    assert layout["geo"]["domain"]["x"][1] < layout["legend"]["x"], "legend beside the map, not over it"
    assert layout["uirevision"] == "slide:legevakt"


def test_pr031_each_legend_entry_gets_a_large_swatch_in_its_group(legevakt_spec) -> None:
    slide = slide_figure(legevakt_spec, "legevakt")
    shown = [trace for trace in slide["data"] if trace.get("showlegend", True) is not False]
    entries = [trace for trace in legevakt_spec["data"] if trace.get("type") == "choropleth" and trace.get("showlegend") is True]
    swatches = [trace for trace in shown if trace.get("marker", {}).get("symbol") == "square"]
    assert entries and len(swatches) == len(entries)
    assert [swatch["legendgroup"] for swatch in swatches] == [entry["legendgroup"] for entry in entries]
    assert [swatch["marker"]["color"] for swatch in swatches] == [entry["colorscale"][-1][1] for entry in entries]
    assert not [trace for trace in slide["data"] if trace.get("type") == "choropleth" and trace.get("showlegend") is True]


def test_pr035_the_shared_small_arrangements_entry_stays_last_on_a_slide(fixture_dataset: Dataset, monkeypatch) -> None:
    from dashboard.views import figures

    split = figures.legend_split
    monkeypatch.setattr(figures, "legend_split", lambda data, limit=3: split(data, limit))
    spec = figures.service_map_spec(fixture_dataset.model, "legevakt", base=fixture_dataset.base, colors=fixture_dataset.colors)
    swatches = [t for t in slide_figure(spec, "legevakt")["data"] if t["type"] == "scattergeo" and t.get("legendgroup") == figures.OTHER_ARRANGEMENTS_GROUP]
    assert len(swatches) == 1 and swatches[0]["legendrank"] > 1000 and "mindre ordninger" in swatches[0]["name"]


def test_pr032_markers_grow_and_notes_stack_below_the_map() -> None:
    spec = {
        "data": [{"type": "scattergeo", "marker": {"size": [10, 20]}}, {"type": "scattergeo", "marker": {"size": 14}}],
        "layout": {
            "annotations": [
                {"text": "Kilde: X · Kartgrunnlag: © Kartverket", "xref": "paper", "yref": "paper", "y": -0.01},
                {"text": "Lysere farge: …", "xref": "paper", "yref": "paper", "y": -0.04, "font": {"size": 11}},
                {"text": "Klikk på en ordning …", "xref": "paper", "yref": "paper", "y": -0.07},
                {"text": "Ingen ordninger passer filtrene", "xref": "paper", "yref": "paper", "y": 0.5, "font": {"size": 18}},
            ],
            "legend": {"title": {"text": "Ordning"}},
        },
    }
    sizes = SlideSizes()
    slide = slide_figure(spec, "x", sizes)
    assert slide["data"][0]["marker"]["size"] == [10 * sizes.marker_scale, 20 * sizes.marker_scale]
    assert slide["data"][1]["marker"]["size"] == 14 * sizes.marker_scale
    notes, below = slide_annotations(spec["layout"]["annotations"], sizes)
    assert [note["text"] for note in notes] == ["Lysere farge: …", "Ingen ordninger passer filtrene"]
    assert below == 1 and notes[0]["font"]["size"] == sizes.note and notes[1]["font"]["size"] == sizes.center_message
    assert slide["layout"]["margin"]["b"] >= sizes.note_line


def test_pr033_heading_names_service_and_region(fixture_model) -> None:
    assert slide_heading(fixture_model, ViewState(service="legevakt", region="hallingdal")) == "Legevakt – Hallingdal"
    assert slide_heading(fixture_model, ViewState(service="ikt")) == "IKT – alle kartlagte kommuner"


def test_pr034_step_patch_sends_traces_and_notes_never_polygons(legevakt_spec) -> None:
    slide = slide_figure(legevakt_spec, "legevakt")
    patch = slide_patch(slide)
    body = to_json(patch.to_plotly_json())
    assert isinstance(patch, Patch) and "coordinates" not in body
    locations = {tuple(operation["location"]) for operation in patch.to_plotly_json()["operations"]}
    assert ("data",) in locations and ("layout", "annotations") in locations
    assert not [location for location in locations if "geo" in location], "the zoom stays (one region per deck)"


# ----- callback bodies --------------------------------------------------------------------


def test_pr040_opening_a_link_fills_the_slide_and_resets_the_clicks(fixture_dataset: Dataset) -> None:
    request = {"search": "?visning=presentasjon&tjenester=legevakt,ikt,ppx&region=hallingdal", "width": 1920}
    figure, heading, summary, notice, counter, source, deck, forward, back = open_deck(fixture_dataset, request)
    assert heading == "Legevakt – Hallingdal" and summary.startswith("Legevakt:") and counter == "1 / 2"
    assert "«ppx»" in notice and source == "Kilde: NIVI Analyse 2021 · Kartgrunnlag: © Kartverket"
    assert isinstance(figure, dict) and figure["data"] and (forward, back) == (0, 0)
    assert deck["services"] == ["legevakt", "ikt"] and deck["screen_width"] == 1920


def test_pr041_a_fixture_without_some_headline_services_gets_those_it_has(fixture_dataset: Dataset) -> None:
    *_, deck, _forward, _back = open_deck(fixture_dataset, {"search": "?visning=presentasjon", "width": 1280})
    assert deck["services"] == ["legevakt", "barnevernvakt", "ikt"]


def test_pr042_stepping_patches_and_updates_heading_and_counter(fixture_dataset: Dataset) -> None:
    *_, deck, _f, _b = open_deck(fixture_dataset, {"search": "?visning=presentasjon&tjenester=legevakt,ikt", "width": 1920})
    patch, heading, summary, notice, counter, source, stored, forward, back = step_deck(fixture_dataset, deck, 1, 0)
    assert isinstance(patch, Patch) and heading == "IKT – alle kartlagte kommuner" and counter == "2 / 2"
    assert summary.startswith("IKT")
    assert all(value is no_update for value in (notice, source, stored, forward, back))
    assert step_deck(fixture_dataset, deck, 1, 1)[4] == "1 / 2"
    assert step_deck(fixture_dataset, deck, 0, 1)[4] == "2 / 2", "back from the first slide wraps to the last"


def test_pr043_no_deck_or_a_broken_store_changes_nothing(fixture_dataset: Dataset) -> None:
    with pytest.raises(PreventUpdate):
        step_deck(fixture_dataset, None, 1, 0)
    with pytest.raises(PreventUpdate):
        step_deck(fixture_dataset, {"services": ["gone"], "base": {}}, 1, 0)
    with pytest.raises(PreventUpdate):
        open_deck(fixture_dataset, None)


def test_pr044_enter_and_leave_links(fixture_dataset: Dataset) -> None:
    link = enter_link(fixture_dataset, ViewState(view=VIEW_TABLE, service="ikt", region="hallingdal"))
    assert link == "?visning=presentasjon&tjenester=legevakt,barnevernvakt,ikt&tjeneste=ikt&region=hallingdal"
    *_, deck, _f, _b = open_deck(fixture_dataset, {"search": link, "width": 1920})
    assert leave_link(fixture_dataset, deck, 0, 0) == "?tjeneste=ikt&region=hallingdal"
    assert leave_link(fixture_dataset, deck, 1, 0) == "?region=hallingdal", "legevakt is the default service"


def test_pr045_keyboard_script_uses_the_ids_and_keys_of_the_app() -> None:
    script = (ASSETS / "presentation.js").read_text(encoding="utf-8")
    for name in (ids.PRESENTATION, ids.PRESENTATION_NEXT, ids.PRESENTATION_PREVIOUS, ids.PRESENTATION_EXIT):
        assert f'"{name}"' in script
    assert f'"{QUERY_KEYS["view"]}"' in script and f'"{VIEW_PRESENTATION}"' in script
    for key in ("ArrowRight", "PageDown", "ArrowLeft", "PageUp", "Escape"):
        assert key in script
    assert "http" not in script, "no remote resource"
