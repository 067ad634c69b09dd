"""The component tree: ids, options, offline config, no raw HTML."""

from __future__ import annotations

import doctest
from collections import Counter
from typing import Any, Iterator

import pytest
from dash import dcc, html

import dashboard.views.colors
import dashboard.views.figures
import dashboard.views.map_base
import dashboard.views.view_data
import dashboard.views.view_state
import dashboard.web.callbacks
from dashboard.views.datasets import Dataset
from dashboard.views.view_state import ViewState
from dashboard.web import ids, layout
from dashboard.web.callbacks import initial_map


def walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


@pytest.fixture(scope="module")
def tree(fixture_dataset: Dataset):
    figure, message = initial_map(fixture_dataset, ViewState())
    return layout.build_layout(fixture_dataset.model, ViewState(), figure, "/assets/topojson/", message)


def test_lay001_every_id_is_used_once(tree) -> None:
    used = Counter(c.id for c in walk(tree) if getattr(c, "id", None))
    declared = {value for name, value in vars(ids).items() if name.isupper() and isinstance(value, str) and not name.startswith("VIEW_")}
    assert all(count == 1 for count in used.values()), [k for k, v in used.items() if v > 1]
    assert declared - set(used) == set(ids.ON_DEMAND), "ids declared but missing from the layout (other than those sent on demand)"


def test_lay002_main_services_first_then_a_disabled_divider(fixture_dataset: Dataset) -> None:
    options = layout.service_options(fixture_dataset.model)
    values = [o["value"] for o in options]
    assert values[:5] == ["legevakt", "barnevernvakt", "ppt", "nav", "ikt"][: values.index("__divider__")] or values[0] == "legevakt"
    divider = options[values.index("__divider__")]
    assert divider["disabled"] is True and values.index("__divider__") > 0


def test_lay003_map_uses_local_topojson_and_starts_with_a_message(tree) -> None:
    graph = [c for c in walk(tree) if getattr(c, "id", None) == ids.MAP][0]
    assert graph.config["topojsonURL"] == "/assets/topojson/"
    assert graph.config["showSendToCloud"] is False and "sendChartToCloud" in graph.config["modeBarButtonsToRemove"]
    assert graph.config["locale"] == "nb" and graph.config["locales"]["nb"]["format"]["decimal"] == ","
    message = [c for c in walk(tree) if getattr(c, "id", None) == ids.MAP_MESSAGE][0]
    assert message.children.startswith("Legevakt:") and message.role == "status"


def test_lay004_region_labels_name_their_kind_and_municipalities_mark_non_surveyed(fixture_dataset: Dataset) -> None:
    regions = {o["value"]: o["label"] for o in layout.region_options(fixture_dataset.model)}
    assert regions["hallingdal"] == "Hallingdal (kommuneregion)"
    assert regions["regionradet-hallingdal"] == "Regionrådet for Hallingdal (regionråd)"
    municipalities = layout.municipality_options(fixture_dataset.model)
    labels = [o["label"] for o in municipalities]
    assert labels[:6] == ["Drammen", "Gol", "Hol", "Holmestrand", "Lier", "Ål"]
    assert "Tønsberg (ikke kartlagt)" in labels


def test_lay005_no_raw_html_anywhere(tree) -> None:
    for component in walk(tree):
        assert not isinstance(component, (html.Iframe, html.Script)), component
        assert "dangerously_allow_html" not in component.to_plotly_json()["props"]
        assert not isinstance(component, dcc.Markdown)


def test_lay006_state_shapes_the_initial_layout(fixture_dataset: Dataset) -> None:
    state = ViewState(view="tabell", region="hallingdal", municipality="3044", network=True)
    figure, _ = initial_map(fixture_dataset, state)
    tree = layout.build_layout(fixture_dataset.model, state, figure, "/a/", "")
    by_id = {c.id: c for c in walk(tree) if getattr(c, "id", None)}
    assert by_id[ids.TABLE_PANEL].hidden is False and by_id[ids.MAP_PANEL].hidden is True
    assert by_id[ids.NETWORK].value == [layout.NETWORK_ON] and by_id[ids.REGION].value == "hallingdal"
    assert by_id[ids.PROFILE_DOWNLOAD_BUTTON].hidden is False


@pytest.mark.parametrize(
    "module",
    [dashboard.views.view_data, dashboard.views.colors, dashboard.views.view_state, dashboard.views.map_base, dashboard.views.figures, dashboard.views.labels, dashboard.web.callbacks],
)
def test_lay007_docstring_examples_hold(module) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
