"""Figure builders and figure-prep on the synthetic model (and a few facts of the real survey)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from shapely.geometry import box

from dashboard.data.model import CooperationModel
from dashboard.views import colors, figures
from dashboard.views.datasets import Dataset, prepare
from dashboard.views.map_base import MapBase
from dashboard.views.view_data import (
    coverage_rows,
    municipality_counts,
    outside_member_hover,
    partner_edges,
    plain,
    service_map_data,
    totals_rows,
    wrap_list,
)

DRAMMEN, LIER, HOLMESTRAND, HOL, AAL, GOL, TONSBERG = "3005", "3049", "3802", "3044", "3043", "3041", "3803"
MAPS = ("Kilde: NIVI Analyse 2021", "Kartgrunnlag: © Kartverket")


def service_spec(dataset: Dataset, service: str = "legevakt", **options) -> dict:
    return figures.service_map_spec(
        dataset.model, service, base=dataset.base, colors=dataset.colors, **options
    )


def traces_named(spec: dict, prefix: str) -> list[dict]:
    return [trace for trace in spec["data"] if str(trace.get("name", "")).startswith(prefix)]


def annotation_text(spec: dict) -> str:
    return " ".join(annotation["text"] for annotation in spec["layout"]["annotations"])


def test_fig001_service_map_has_one_legend_entry_per_arrangement_in_its_colour(fixture_dataset: Dataset) -> None:
    spec = service_spec(fixture_dataset)
    legend = [t for t in spec["data"] if t["type"] == "choropleth" and t.get("showlegend") and t.get("legendgroup", "").startswith("nivi")]
    expected = {"nivi-5.2-01", "nivi-5.2-02", "nivi-5.2-05", "nivi-5.2-06", "nivi-5.2-07"}
    assert {t["legendgroup"] for t in legend} == expected
    for trace in legend:
        assert trace["colorscale"][0][1] == fixture_dataset.colors[trace["legendgroup"]]
    assert len({t["colorscale"][0][1] for t in legend}) == len(legend), "arrangements of one service share a colour"


def test_fig002_base_and_selection_traces_come_first_and_geometry_is_referenced_by_url(fixture_dataset: Dataset) -> None:
    spec = service_spec(fixture_dataset, municipality=HOL)
    base, selection = spec["data"][figures.BASE_TRACE], spec["data"][figures.SELECTION_TRACE]
    assert base["type"] == "choropleth" and len(base["locations"]) == 356
    assert selection["type"] == "scattergeo" and selection["lon"] == [fixture_dataset.base.anchors[HOL][0]] * 2
    assert all(t["geojson"] == "/_geo/test.json" for t in spec["data"] if t["type"] == "choropleth")
    assert "coordinates" not in json.dumps(spec), "polygons must not travel in the figure"


def test_fig003_gaps_are_white_with_heavy_outline_cross_and_legend_entry(fixture_dataset: Dataset) -> None:
    spec = service_spec(fixture_dataset, "barnevernvakt")
    outline = [t for t in traces_named(spec, "Ingen ordning") if t["type"] == "choropleth"]
    assert outline and outline[0]["legendgroup"] == "gap"
    key = [t for t in traces_named(spec, "Ingen ordning (hvit med kryss)") if t["lon"] == [None]]
    assert key and key[0]["marker"]["symbol"] == "square-x-open" and key[0].get("showlegend", True)
    assert set(outline[0]["locations"]) == {HOL, AAL, GOL}
    assert outline[0]["colorscale"][0][1] == colors.GAP_FILL
    assert outline[0]["marker"]["line"]["width"] >= 2.5
    crosses = [t for t in spec["data"] if t.get("legendgroup") == "gap" and t["type"] == "scattergeo" and t["lon"] != [None]]
    assert crosses and crosses[0]["marker"]["symbol"] == "x" and set(crosses[0]["customdata"]) == {HOL, AAL, GOL}
    assert "Ingen ordning" in outline[0]["hovertext"][0]


def test_fig004_municipalities_in_two_arrangements_get_outline_and_one_dot_per_arrangement(fixture_dataset: Dataset) -> None:
    spec = service_spec(fixture_dataset)
    outline = [t for t in traces_named(spec, "To ordninger") if t["type"] == "choropleth"]
    assert set(outline[0]["locations"]) == {DRAMMEN, HOL, AAL, HOLMESTRAND}
    assert outline[0]["marker"]["line"]["width"] >= 2.5
    assert traces_named(spec, "To ordninger (tykk kant")[0]["marker"]["symbol"] == "square-open"
    dots = [t for t in spec["data"] if t.get("legendgroup") == "double" and isinstance(t.get("marker", {}).get("color"), list)][0]
    assert dots["customdata"].count(DRAMMEN) == 2
    drammen_colors = {c for c, k in zip(dots["marker"]["color"], dots["customdata"]) if k == DRAMMEN}
    assert drammen_colors == {fixture_dataset.colors["nivi-5.2-01"], fixture_dataset.colors["nivi-5.2-02"]}


def test_fig005_hover_lists_every_arrangement_with_partners_host_and_source(fixture_dataset: Dataset) -> None:
    data = service_map_data(fixture_dataset.model, "legevakt")
    text = data.hover[DRAMMEN]
    assert "<b>Drammen</b>" in text and "2 ordninger for legevakt" in text
    assert "Legevakta i Drammen-Holmestrand" in text and "Legevakta i Drammen-Lier" in text
    assert "Partnere: Holmestrand" in text and "Vertskommune: Drammen" in text and "Kilde: Tabell 5.2, rad 1" in text
    assert "Vertskommune: ikke oppgitt i kilden" in data.hover[HOL]


def test_fig006_members_outside_the_survey_are_lighter_and_noted(fixture_dataset: Dataset) -> None:
    spec = service_spec(fixture_dataset)
    tonsberg = [t for t in spec["data"] if t["type"] == "choropleth" and TONSBERG in t.get("locations", []) and t.get("legendgroup") == "nivi-5.2-07"]
    assert len(tonsberg) == 1
    assert tonsberg[0]["colorscale"][0][1] == colors.tint(fixture_dataset.colors["nivi-5.2-07"])
    template = tonsberg[0]["hovertemplate"]
    assert template.startswith("<b>%{properties.kommune}</b><br><b>Tønsbergregionen legevakt</b>")
    assert "Partnere: 2 kommuner" in template and "Vertskommune: Tønsberg" in template
    assert "Ikke blant de kartlagte kommunene" in template and "hovertext" not in tonsberg[0]
    assert "Lysere farge" in annotation_text(spec)


def test_fig007_every_map_carries_source_and_map_attribution(fixture_dataset: Dataset) -> None:
    model, base = fixture_dataset.model, fixture_dataset.base
    specs = [
        service_spec(fixture_dataset),
        figures.network_spec(model, base=base),
        figures.intensity_spec(model, base=base),
    ]
    for spec in specs:
        text = annotation_text(spec)
        assert all(part in text for part in MAPS)
    assert "Kilde: NIVI Analyse 2021" in annotation_text(figures.sector_bars_spec(model))


def test_fig008_empty_selection_says_so_on_the_map(fixture_dataset: Dataset) -> None:
    spec = service_spec(fixture_dataset, legal_form="IKS")
    assert figures.EMPTY_MESSAGE in annotation_text(spec)
    assert not [t for t in spec["data"] if str(t.get("legendgroup", "")).startswith("nivi")]


def test_fig009_service_network_runs_from_host_or_from_centre(fixture_dataset: Dataset) -> None:
    spec = service_spec(fixture_dataset, show_network=True)
    anchors = fixture_dataset.base.anchors
    hubs = {t["legendgroup"]: t for t in spec["data"] if t.get("name") == "Vertskommune"}
    assert hubs["nivi-5.2-01"]["marker"]["symbol"] == "star"
    assert (hubs["nivi-5.2-01"]["lon"][0], hubs["nivi-5.2-01"]["lat"][0]) == anchors[DRAMMEN]
    assert hubs["nivi-5.2-06"]["marker"]["symbol"] == "circle", "no host known: centre marker"
    centre = ((anchors[HOL][0] + anchors[AAL][0]) / 2, (anchors[HOL][1] + anchors[AAL][1]) / 2)
    assert hubs["nivi-5.2-06"]["lon"][0] == pytest.approx(centre[0], abs=1e-3)
    lines = [t for t in spec["data"] if t.get("name") == "Samarbeidslinjer" and t["legendgroup"] == "nivi-5.2-05"][0]
    assert lines["lon"].count(None) == 4, "host Hol to its four partners"


def test_fig010_network_line_width_grows_with_shared_arrangements(fixture_dataset: Dataset) -> None:
    model = fixture_dataset.model
    edges = partner_edges(model)
    assert int(edges[(edges["a"] == DRAMMEN) & (edges["b"] == LIER)]["shared"].iloc[0]) == 4
    spec = figures.network_spec(model, base=fixture_dataset.base)
    widths = {t["name"]: t["line"]["width"] for t in spec["data"] if t.get("mode") == "lines"}
    assert widths["4–7 felles ordninger"] > widths["2–3 felles ordninger"] > widths["1 felles ordning"]
    hover = [text for t in spec["data"] if t.get("mode") == "markers" and t.get("showlegend") is False for text in t.get("hovertext", [])]
    assert "Drammen – Lier: 4 felles ordninger" in hover


def test_fig011_network_filtered_to_nothing_explains_itself(fixture_dataset: Dataset) -> None:
    spec = figures.network_spec(fixture_dataset.model, legal_form="AS", base=fixture_dataset.base)
    assert "Ingen felles ordninger" in annotation_text(spec)


def test_fig012_intensity_map_counts_equal_model_totals(fixture_dataset: Dataset) -> None:
    model = fixture_dataset.model
    spec = figures.intensity_spec(model, base=fixture_dataset.base)
    trace = spec["data"][2]
    totals = dict(zip(model.totals()["kommunenummer"], model.totals()["ordninger"]))
    assert dict(zip(trace["locations"], trace["z"])) == totals
    drammen = trace["hovertext"][trace["locations"].index(DRAMMEN)]
    assert "5 ordninger" in drammen and "Kommunehelsetjenester: 2" in drammen


def test_fig013_counts_filter_by_sector_and_legal_form(fixture_dataset: Dataset) -> None:
    model = fixture_dataset.model
    by_sector = municipality_counts(model, sector="teknisk")
    assert dict(zip(by_sector["kommunenummer"], by_sector["ordninger"])) == dict(
        zip(model.totals("teknisk")["kommunenummer"], model.totals("teknisk")["ordninger"])
    )
    iks = municipality_counts(model, legal_form="IKS")
    assert dict(zip(iks["kommunenummer"], iks["ordninger"]))[DRAMMEN] == 1


def test_fig014_sector_bars_stack_to_the_totals(fixture_dataset: Dataset) -> None:
    model = fixture_dataset.model
    spec = figures.sector_bars_spec(model, municipality=DRAMMEN)
    sums: dict[str, int] = {}
    for trace in spec["data"]:
        for label, value in zip(trace["y"], trace["x"]):
            sums[label] = sums.get(label, 0) + value
    assert sums["<b>Drammen</b>"] == 5 and sums["Gol"] == 2
    assert spec["layout"]["barmode"] == "stack"


def test_fig015_region_zooms_the_map(fixture_dataset: Dataset) -> None:
    whole = service_spec(fixture_dataset)["layout"]["geo"]
    hallingdal = service_spec(fixture_dataset, region="hallingdal")["layout"]["geo"]
    assert hallingdal["lonaxis"]["range"] != whole["lonaxis"]["range"]
    west, east = hallingdal["lonaxis"]["range"]
    for number in (HOL, AAL, GOL):
        lon, _lat = fixture_dataset.base.anchors[number]
        assert west < lon < east


def test_fig016_validated_figures_for_every_service_and_view(fixture_dataset: Dataset) -> None:
    model = fixture_dataset.model
    for service, _label in model.service_options():
        assert isinstance(figures.service_map_figure(model, service, base=fixture_dataset.base, show_network=True), go.Figure)
    figures.network_figure(model, base=fixture_dataset.base, region="hallingdal")
    figures.intensity_figure(model, base=fixture_dataset.base, sector="helse")
    figures.sector_bars_figure(model, region="drammensregionen")


def test_fig017_without_a_url_each_trace_carries_only_its_own_polygons(fixture_model: CooperationModel) -> None:
    figure = figures.service_map_figure(fixture_model, "legevakt")
    trace = [t for t in figure.data if t.legendgroup == "nivi-5.2-06"][0]
    assert {feature["id"] for feature in trace.geojson["features"]} == {HOL, AAL}
    assert len(figure.data[0].geojson["features"]) == 356


def test_fig018_text_from_data_is_escaped_not_markup() -> None:
    assert plain("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert wrap_list(["<b>A</b>", "B"]) == "&lt;b&gt;A&lt;/b&gt;, B"
    assert wrap_list([f"K{i}" for i in range(20)], limit=3) == "K0, K1, K2 og 17 til"


def test_fig019_arrangement_colours_are_stable_and_distinct_within_a_service() -> None:
    ids_ = ["b", "a", "c", "d"]
    services = [("x",), ("x",), ("x", "y"), ("y",)]
    first = colors.arrangement_colors(ids_, services)
    assert first == colors.arrangement_colors(list(reversed(ids_)), list(reversed(services)))
    assert len({first["a"], first["b"], first["c"]}) == 3 and first["d"] != first["c"]
    assert colors.tint("#0072B2") != "#0072B2"


def test_fig020_map_base_frames_and_inline_geometry() -> None:
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {"kommunenummer": ["0301", "3005"], "kommune": ["Oslo", "Drammen"]},
        geometry=[box(10.6, 59.8, 10.9, 60.1), box(10.0, 59.7, 10.3, 59.8)],
        crs=4326,
    )
    base = MapBase.from_boundaries(frame)
    assert base.inline and base.geojson["features"][0]["id"] == "0301"
    lon, lat = base.view_ranges(["0301"])
    assert lon[0] < 10.6 and lon[1] > 10.9 and lat[1] - lat[0] >= 0.5
    assert base.view_ranges(["9999"]) is None
    assert base.geojson_for(["3005"])["features"][0]["properties"]["kommune"] == "Drammen"


def test_fig021_coverage_table_matches_the_map(fixture_dataset: Dataset) -> None:
    model = fixture_dataset.model
    rows = coverage_rows(model, "barnevernvakt")
    gaps = rows[rows["Ordning"] == "Ingen ordning"]
    assert set(gaps["Kommune"]) == {"Hol", "Ål", "Gol"}
    drammen = rows[rows["Kommune"] == "Drammen"].iloc[0]
    assert drammen["Partnere"] == "Lier, Holmestrand" and drammen["Vertskommune"] == "Drammen"
    assert drammen["Kilde"] == "Tabell 5.3, rad 1" and drammen["Kartlagt"] == "ja"
    hallingdal = coverage_rows(model, "legevakt", region="hallingdal")
    assert set(hallingdal["Kommunenummer"]) == {HOL, AAL, GOL, "3042", "3040"}
    assert set(hallingdal.loc[hallingdal["Kartlagt"] == "nei", "Kommune"]) == {"Hemsedal", "Nesbyen"}
    totals = totals_rows(model)
    assert list(totals.columns[:3]) == ["Kommune", "Kommunenummer", "Ordninger"] and totals["Ordninger"].iloc[0] == 5


# ----- the real survey: facts the issue names -----------------------------------------------


def real_number(model: CooperationModel, name: str) -> str:
    return model.registry.resolve(name)


def test_fig101_real_gaps_for_legevakt_and_barnevernvakt(real_dataset: Dataset) -> None:
    model = real_dataset.model
    legevakt = service_map_data(model, "legevakt")
    assert {real_number(model, "Tinn"), real_number(model, "Nore og Uvdal")} <= set(legevakt.gaps)
    assert real_number(model, "Kongsberg") in service_map_data(model, "barnevernvakt").gaps


def test_fig102_real_doubles_for_legevakt(real_dataset: Dataset) -> None:
    model = real_dataset.model
    doubles = service_map_data(model, "legevakt").doubles
    for name in ("Gran", "Lunner", "Hol", "Ål"):
        assert len(doubles[real_number(model, name)]) == 2, name


def test_fig103_real_colours_never_repeat_within_a_service(real_dataset: Dataset) -> None:
    model = real_dataset.model
    for service, _label in model.service_options():
        arrangement_ids = model.filtered_arrangements(service=service)["id"]
        used = [real_dataset.colors[aid] for aid in arrangement_ids]
        assert len(used) == len(set(used)), service


def test_fig022_gaps_and_doubles_are_marked_only_inside_the_chosen_region(fixture_dataset: Dataset) -> None:
    drammen_region = service_spec(fixture_dataset, "barnevernvakt", region="drammensregionen")
    assert not [t for t in drammen_region["data"] if t.get("legendgroup") == "gap"]
    hallingdal = service_spec(fixture_dataset, "legevakt", region="hallingdal")
    outline = [t for t in hallingdal["data"] if t.get("legendgroup") == "double" and t["type"] == "choropleth"][0]
    assert set(outline["locations"]) == {HOL, AAL}


# ----- national scale: the small arrangements share traces, the map looks the same ---------


def drawn(spec: dict, groups: set[str] | None = None) -> dict[str, tuple[str, str]]:
    """What each municipality shows (fill, hover) with only `groups` visible (all: None): the
    topmost arrangement polygon wins, as in the browser."""
    shown: dict[str, tuple[str, str]] = {}
    for trace in spec["data"][figures.SELECTION_TRACE + 1 :]:
        group = trace.get("legendgroup", "")
        if trace["type"] != "choropleth" or group in ("gap", "double") or (groups is not None and group not in groups):
            continue
        texts = trace["hovertext"] if "hovertext" in trace else [trace["hovertemplate"]] * len(trace["locations"])
        for number, text in zip(trace["locations"], texts):
            if number is not None:  # (the shared legend entry's trace draws nothing)
                shown[number] = (trace["colorscale"][0][1], text)
    return shown


def one_trace_per_arrangement(dataset: Dataset, data, grouped: list[str], groups: set[str] | None = None) -> dict[str, tuple[str, str]]:
    """What the map showed with one trace per arrangement in legend order (before issue 13's speed-up)."""
    model, shown = dataset.model, {}
    for arrangement_id, _name in data.arrangements:
        group = figures.OTHER_ARRANGEMENTS_GROUP if arrangement_id in grouped else arrangement_id
        if groups is not None and group not in groups:
            continue
        color = dataset.colors[arrangement_id]
        for number in model.members(arrangement_id):
            if number in model.focus:
                shown[number] = (color, data.hover[number])
            else:
                template = "<b>%{properties.kommune}</b><br>" + outside_member_hover(model, arrangement_id) + "<extra></extra>"
                shown[number] = (colors.tint(color), template)
    return shown


def assert_looks_like_one_trace_per_arrangement(dataset: Dataset, service: str, limit: int = figures.LEGEND_MAX_ENTRIES) -> dict:
    data = service_map_data(dataset.model, service)
    spec = service_spec(dataset, service, data=data)
    listed, grouped = figures.legend_split(data, limit)
    groups = [*listed, figures.OTHER_ARRANGEMENTS_GROUP] if grouped else listed
    assert drawn(spec) == one_trace_per_arrangement(dataset, data, grouped), service
    for group in groups:
        assert drawn(spec, {group}) == one_trace_per_arrangement(dataset, data, grouped, {group}), (service, group)
    # The legend's order: plotly sorts by legendrank, then by trace order.
    entries = [t for t in spec["data"] if t["type"] == "choropleth" and t.get("showlegend") and t["legendgroup"] != "gap"]
    entries.sort(key=lambda trace: trace.get("legendrank", 1000))
    assert [t["legendgroup"] for t in entries] == groups, "one legend entry per named arrangement, one for the rest"
    if grouped:
        shared = entries[-1]
        assert shared["name"] == f"{len(grouped)} mindre ordninger (alle i «Tabell»)" and shared["legendrank"] > 1000
        first = dataset.colors[grouped[0]]
        assert shared["colorscale"][0][1] in (first, colors.tint(first)), "the entry keeps the first small arrangement's colour"
    return spec


def test_fig023_small_arrangements_sharing_traces_show_what_one_trace_each_showed(fixture_dataset: Dataset, monkeypatch) -> None:
    # Few arrangements share an entry from three on: members outside the survey (Tønsberg) and
    # municipalities in two arrangements (Drammen) are among the shared ones.
    limit = 3
    split = figures.legend_split
    monkeypatch.setattr(figures, "legend_split", lambda data, limit=limit: split(data, limit))
    for service, _label in fixture_dataset.model.service_options():
        assert_looks_like_one_trace_per_arrangement(fixture_dataset, service, limit)


def test_fig104_real_survey_with_shared_entries_looks_the_same(real_dataset: Dataset, monkeypatch) -> None:
    split = figures.legend_split
    monkeypatch.setattr(figures, "legend_split", lambda data, limit=4: split(data, limit))
    for service in ("legevakt", "barnevernvakt", "energi", "veterinaervakt"):
        assert_looks_like_one_trace_per_arrangement(real_dataset, service, 4)


@pytest.fixture(scope="module")
def national_dataset(real_model: CooperationModel) -> Dataset:
    """The benchmark's register: 3,000 arrangements over all 356 municipalities."""
    from fixtures import national_register_csv

    from dashboard.data.sheets import read_user_file

    model = read_user_file(national_register_csv(), "nasjonal.csv", real_model.registry, real_model)
    return prepare(model, MapBase.from_boundaries(model.boundaries, geojson_url="/_geo/test.json"))


def test_fig105_national_map_is_small_and_looks_like_one_trace_per_arrangement(national_dataset: Dataset) -> None:
    spec = assert_looks_like_one_trace_per_arrangement(national_dataset, "legevakt")
    # One trace per arrangement sent 539 traces and 1.96 MB (each hover once per arrangement).
    assert len(spec["data"]) < 60
    assert len(json.dumps(spec)) < 600_000


def test_fig110_strongest_edges_keep_the_most_shared_pairs_and_drop_ties_at_the_cut() -> None:
    import pandas as pd

    edges = pd.DataFrame({"a": list("abcdef"), "b": list("ghijkl"), "shared": [9, 7, 5, 5, 5, 1]})
    assert figures.strongest_edges(edges, limit=10).equals(edges)
    assert list(figures.strongest_edges(edges, limit=3)["shared"]) == [9, 7]  # the three 5s tie at the cut
    assert list(figures.strongest_edges(edges, limit=5)["shared"]) == [9, 7, 5, 5, 5]


def test_fig111_a_national_network_draws_only_the_strongest_pairs_and_says_so(real_model: CooperationModel) -> None:
    from dashboard.data.sheets import read_user_file
    from fixtures import national_register_csv

    national = read_user_file(national_register_csv(), "nasjonal.csv", real_model.registry, real_model)
    spec = figures.network_spec(national, labels=None)
    lines = [trace for trace in spec["data"] if trace.get("mode") == "lines"]
    pairs = sum(trace["lon"].count(None) for trace in lines)
    assert 0 < pairs <= figures.CROWDED_EDGE_LIMIT
    assert f"viser de {pairs} parene med flest felles ordninger av" in annotation_text(spec)
    circles = next(trace for trace in spec["data"] if trace.get("name", "").startswith("Kommune (størrelse"))
    assert max(circles["marker"]["size"]) <= 11, "small circles, so the country is not paved with them"
    # The survey keeps every pair and its full-size circles.
    survey = figures.network_spec(real_model, labels=None)
    assert "parene med flest" not in annotation_text(survey)
    assert sum(t["lon"].count(None) for t in survey["data"] if t.get("mode") == "lines") == 278


def test_fig112_notes_sit_in_pixels_under_the_plot_in_order(fixture_dataset: Dataset) -> None:
    spec = figures.network_spec(fixture_dataset.model, base=fixture_dataset.base)
    shifts = [annotation["yshift"] for annotation in spec["layout"]["annotations"] if annotation.get("yref") == "paper" and annotation["y"] == 0]
    assert len(shifts) >= 2 and shifts == sorted(shifts, reverse=True) and shifts[0] == -figures.NOTE_FIRST_PX
