"""Pure figure builders: (model, options) -> figure. No IO, no globals; usable server-side.

Each map comes in two forms: `*_spec` returns the plain dict (what callbacks patch into the
browser, cheap to build) and `*_figure` wraps it in a validated `go.Figure` (export, tests).
Trace order is fixed so callbacks can patch parts: data[0] is the grey base of every
municipality, data[1] the marker of the chosen municipality, the view's traces follow.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.views import colors as palette
from dashboard.views import labels as names
from dashboard.views.map_base import MapBase
from dashboard.views.view_data import (
    NO_ARRANGEMENT,
    ServiceMapData,
    focus_in,
    municipality_counts,
    norwegian_key,
    outside_member_hover,
    partner_edges,
    plain,
    service_map_data,
    service_network_segments,
)

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

BASE_TRACE = 0
SELECTION_TRACE = 1
MAP_ATTRIBUTION = "Kartgrunnlag: © Kartverket"
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
LEGEND_NAME_CHARS = 46
MAP_HEIGHT = 660
# Attribution and notes under the map, in pixels from the plot's bottom edge (not a share of the
# plot height, which would spread them into the export's footer on a tall image).
NOTE_FIRST_PX = 5
NOTE_LINE_PX = 19
# Offset (degrees longitude) between the coloured dots of a municipality with two arrangements.
DOUBLE_DOT_OFFSET = 0.075
EMPTY_MESSAGE = "Ingen ordninger passer filtrene"
# National scale (issue 11): beyond this many municipalities in the frame, gaps and doubles get
# plain outlines instead of crosses and dots; beyond this many arrangements the small ones
# share one legend entry.
CROWDED_FRAME = 40
CROWDED_NOTE = "Mange kommuner i kartet: velg en region for å se kryss (ingen ordning) og prikker (flere ordninger)."
LEGEND_MAX_ENTRIES = 12
# The network on a crowded frame (a county, the country): at most this many pairs, thinner lines.
CROWDED_EDGE_LIMIT = 300
CROWDED_LINE_SCALE = 0.6
OTHER_ARRANGEMENTS_GROUP = "andre-ordninger"
# plotly orders legend entries by rank (default 1000): the shared entry comes after the named ones.
GROUPED_LEGEND_RANK = 1001
# Network line classes: (lowest shared count, highest, line width, colour, legend label). Weak
# ties are thin and pale, strong ones thick and dark, so the strongest partnerships stand out
# even when large companies tie every municipality to every other.
EDGE_CLASSES: tuple[tuple[int, float, float, str, str], ...] = (
    (1, 1, 0.6, "#c6dbef", "1 felles ordning"),
    (2, 3, 1.0, "#9ecae1", "2–3 felles ordninger"),
    (4, 7, 1.8, "#6baed6", "4–7 felles ordninger"),
    (8, 15, 2.8, "#3182bd", "8–15 felles ordninger"),
    (16, 29, 4.2, "#08519c", "16–29 felles ordninger"),
    (30, float("inf"), 6.0, "#08306b", "30 eller flere"),
)


def source_line(source_label: str) -> str:
    """The attribution every map carries (also in exports, being part of the figure)."""
    return f"Kilde: {source_label}   ·   {MAP_ATTRIBUTION}"


def short_name(name: str, limit: int = LEGEND_NAME_CHARS) -> str:
    """Legend label: long arrangement names cut with an ellipsis (the hover has the full name).

    >>> short_name("abcdef", 4)
    'abc…'
    """
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


# Members listed under a legend entry (slides, exports): at most this many names, this many
# characters a line; a longer list ends with «og N andre».
LEGEND_MEMBERS_MAX = 12
LEGEND_MEMBERS_LINE = 52


def member_legend_name(name: str, members: Sequence[str]) -> str:
    """A legend entry naming the arrangement and, in smaller type under it, its members.

    >>> member_legend_name("NAV Hallingdal", ["Ål", "Gol", "Flå"])
    "<b>NAV Hallingdal</b><br><span style='font-size:0.85em'>Flå, Gol, Ål</span>"
    """
    ordered = sorted({plain(member) for member in members}, key=norwegian_key)
    shown = ordered if len(ordered) <= LEGEND_MEMBERS_MAX else ordered[: LEGEND_MEMBERS_MAX - 1]
    text = ", ".join(shown) + (f" og {len(ordered) - len(shown)} andre" if len(shown) < len(ordered) else "")
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= LEGEND_MEMBERS_LINE:
            lines[-1] += " " + word
        else:
            lines.append(word)
    members_text = "<br>".join(f"<span style='font-size:0.85em'>{line}</span>" for line in lines)
    return f"<b>{plain(short_name(name))}</b><br>{members_text}"


def solid_scale(color: str) -> list[list[Any]]:
    """A one-colour colorscale, so a choropleth trace paints every location the same."""
    return [[0, color], [1, color]]


# ----- shared pieces ----------------------------------------------------------------------


def base_trace(model: "CooperationModel", base: MapBase) -> dict[str, Any]:
    """Every municipality in light grey: the backdrop the other traces colour in."""
    numbers = list(base.anchors)
    return {
        "type": "choropleth",
        "name": "Kommuner",
        "geojson": base.geojson_for(numbers),
        "locations": numbers,
        "z": [0] * len(numbers),
        "colorscale": solid_scale(palette.BASE_FILL),
        "showscale": False,
        "showlegend": False,
        "marker": {"line": {"color": palette.BASE_LINE, "width": 0.5}},
        # The name comes from the boundary file's properties: no per-municipality text to send.
        "hovertemplate": "%{properties.kommune}<extra></extra>",
    }


# The chosen municipality's ring (outer diameter, its white line) and the name above it.
SELECTION_RING_PX = 30
SELECTION_RING_LINE = 6
SELECTION_FONT = 14


def selection_trace(model: "CooperationModel", base: MapBase, municipality: str | None) -> dict[str, Any]:
    """A ring and label on the municipality whose profile is open (empty when none).

    Two rings at one point, a wide white one under a black one, and a shadowed label, so the
    marker reads on light and dark fills alike.
    """
    trace: dict[str, Any] = {
        "type": "scattergeo",
        "name": "Valgt kommune",
        "mode": "markers+text",
        "lon": [],
        "lat": [],
        "text": [],
        "textposition": "top center",
        "textfont": {"size": SELECTION_FONT, "color": palette.SELECTION_LINE, "shadow": "auto", "weight": 600},
        "marker": {
            "symbol": "circle-open",
            "size": [SELECTION_RING_PX, SELECTION_RING_PX - 4],
            "color": ["#ffffff", palette.SELECTION_LINE],
            "line": {"width": [SELECTION_RING_LINE, 3]},
        },
        "showlegend": False,
        "hoverinfo": "skip",
    }
    if municipality and municipality in base.anchors:
        lon, lat = base.anchors[municipality]
        trace.update(lon=[lon, lon], lat=[lat, lat], text=["", plain(_name(model, municipality))])
    return trace


# A white halo drawn as text shadows all round: names read on every fill, and stay text in SVG.
LABEL_HALO = "1px 1px 1px #fff, -1px -1px 1px #fff, 1px -1px 1px #fff, -1px 1px 1px #fff, 0 0 3px #fff"
LABEL_INK = "#1a1a1a"
LABEL_INK_OUTSIDE = "#455a64"
LABEL_TRACE_NAME = "Kommunenavn"
# How far (in font sizes) a name moves down to clear a marker on its point.
MARK_CLEARANCE = 1.3


def label_trace(
    model: "CooperationModel",
    base: MapBase,
    frame: Iterable[str],
    size: names.LabelSize = names.SCREEN,
    municipality: str | None = None,
    main: Iterable[str] = (),
    marked: Iterable[str] = (),
    marks: Mapping[str, names.Mark] | None = None,
) -> dict[str, Any]:
    """Municipality names that fit the map framed to `frame` at `size`, with a white halo.

    Names are text in the figure (and so in an SVG export). `main` (the municipalities the map
    is about) are named before the rest and in darker ink; the chosen municipality always, by
    its ring (selection_trace), which the others keep clear of.
    Names of `marked` municipalities (a gap cross, double dots on the point) go under the mark.
    `marks` (a number, a «≠») are kept free: no name covers one, and the name of its
    municipality goes just under it where there is room.
    """
    trace: dict[str, Any] = {
        "type": "scattergeo",
        "name": LABEL_TRACE_NAME,
        "mode": "text",
        "lon": [],
        "lat": [],
        "text": [],
        "textposition": "middle center",
        "textfont": {"size": size.font, "color": [], "shadow": LABEL_HALO, "family": FONT_FAMILY},
        "showlegend": False,
        "hoverinfo": "skip",
    }
    main_set = set(main)
    marks = dict(marks or {})
    shown_names = map_names(model, base)
    if municipality in base.anchors:
        # The chosen municipality's ring and the name above it (selection_trace): no other name
        # covers them, and its own name is not placed again.
        radius = SELECTION_RING_PX / 2 + SELECTION_RING_LINE / 2
        marks[municipality] = names.ring_mark(radius, _name(model, municipality), SELECTION_FONT)
        shown_names.pop(municipality, None)
    below = {number: size.font * MARK_CLEARANCE for number in marked}
    below |= {number: names.under_mark(mark, size.font) for number, mark in marks.items()}
    placed = names.frame_labels(base, shown_names, frame, size, municipality, main_set, below, marks)
    trace["lon"] = [round(label.lon, 3) for label in placed]
    trace["lat"] = [round(label.lat, 3) for label in placed]
    trace["text"] = [plain(label.text) for label in placed]
    trace["textfont"]["color"] = [
        LABEL_INK if label.kommunenummer in main_set or label.kommunenummer == municipality else LABEL_INK_OUTSIDE
        for label in placed
    ]
    return trace


def map_names(model: "CooperationModel", base: MapBase) -> dict[str, str]:
    """Every municipality of the map as its label reads (see label_name)."""
    return {number: names.label_name(_name(model, number)) for number in base.anchors}


def map_layout(
    base: MapBase,
    frame: Iterable[str],
    source_label: str,
    title: str,
    legend_title: str = "",
    notes: Sequence[str] = (),
    empty_message: str | None = None,
) -> dict[str, Any]:
    """Layout shared by the maps: hidden base map, zoom to `frame`, attribution and notes."""
    ranges = base.view_ranges(frame) or base.view_ranges(base.anchors)
    geo: dict[str, Any] = {
        "scope": "europe",
        "visible": False,
        "projection": {"type": "mercator"},
        "bgcolor": "rgba(0,0,0,0)",
        "fitbounds": False,
    }
    if ranges:
        geo["lonaxis"] = {"range": ranges[0]}
        geo["lataxis"] = {"range": ranges[1]}
    # Attribution first, notes under it, all below the map area (bottom margin), so no note
    # covers a municipality and every export carries them.
    annotations = [_paper_note(source_line(plain(source_label)), y=0, size=12, yanchor="top", yshift=-NOTE_FIRST_PX)]
    for offset, note in enumerate(notes, start=1):
        shift = -NOTE_FIRST_PX - NOTE_LINE_PX * offset
        annotations.append(_paper_note(note, y=0, size=11, color="#455a64", yanchor="top", yshift=shift))
    if empty_message:
        annotations.append(
            {
                "text": plain(empty_message),
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 18, "color": "#1a1a1a"},
                "bgcolor": "rgba(255,255,255,0.9)",
                "bordercolor": "#1a1a1a",
                "borderpad": 10,
            }
        )
    return {
        "title": {"text": plain(title), "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        "geo": geo,
        "height": MAP_HEIGHT,
        "margin": {"l": 4, "r": 4, "t": 48, "b": 28 + 22 * len(notes)},
        "paper_bgcolor": "#ffffff",
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#1a1a1a"},
        "legend": {
            "title": {"text": plain(legend_title)},
            "itemclick": "toggleothers",
            "itemdoubleclick": "toggle",
            "bgcolor": "rgba(255,255,255,0.92)",
            "bordercolor": "#b0bec5",
            "borderwidth": 1,
            "x": 1.0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "top",
            "font": {"size": 12},
        },
        "hoverlabel": {"align": "left", "bgcolor": "#ffffff", "font": {"size": 13, "color": "#1a1a1a"}},
        "annotations": annotations,
        "dragmode": "pan",
        "uirevision": "map",
    }


# ----- service map ------------------------------------------------------------------------


def service_map_spec(
    model: "CooperationModel",
    service: str,
    region: str | None = None,
    sector: str | None = None,
    legal_form: str | None = None,
    *,
    base: MapBase | None = None,
    colors: Mapping[str, str] | None = None,
    show_network: bool = False,
    municipality: str | None = None,
    data: ServiceMapData | None = None,
    labels: names.LabelSize | None = names.SCREEN,
    members_in_legend: bool = False,
) -> dict[str, Any]:
    """Choropleth of which arrangement each municipality uses for `service` (dict form).

    `members_in_legend` (slides, exports) lists each arrangement's members under its legend
    entry: «NAV Hallingdal: Flå, Gol, Hemsedal, Hol, Nesbyen, Ål».

    One trace per arrangement (legend entry; clicking it isolates that arrangement), members
    outside the surveyed set in a lighter tint, gaps white with a heavy outline and a cross,
    municipalities with two arrangements outlined with one dot per arrangement. Beyond
    LEGEND_MAX_ENTRIES arrangements the small ones share a legend entry and a few traces
    (_grouped_traces), so a national register's map stays small.
    """
    base = base or MapBase.from_boundaries(model.boundaries)
    colors = colors or model_colors(model)
    data = data or service_map_data(model, service, region=region, sector=sector, legal_form=legal_form)
    traces = [base_trace(model, base), selection_trace(model, base, municipality)]
    memberships = data.memberships
    listed, grouped = legend_split(data)
    members = _members_by_arrangement(memberships)
    own_entry = set(listed)
    for arrangement_id, name in data.arrangements:
        if arrangement_id not in own_entry:
            continue
        inside, outside = members.inside[arrangement_id], members.outside[arrangement_id]
        color = colors.get(arrangement_id, palette.ARRANGEMENT_PALETTE[0])
        legend_name = plain(short_name(name))
        # Members beside the legend while it is short enough to read them (not at national scale).
        if members_in_legend and not grouped:
            legend_name = member_legend_name(name, [_name(model, number) for number in members.all[arrangement_id]])
        legend_shown = False
        for numbers, fill, surveyed in ((inside, color, True), (outside, palette.tint(color), False)):
            if not numbers:
                continue
            trace = _choropleth(base, numbers, fill, data.hover, name=name, group=arrangement_id)
            # Set after _choropleth's escaping: member_legend_name escapes the names and adds markup.
            trace["name"] = legend_name
            if not surveyed:
                _outside_hover(trace, model, arrangement_id)
            traces.append(trace | {"showlegend": not legend_shown})
            legend_shown = True
    if grouped:
        below, above = _grouped_traces(model, data, base, colors, members, listed, grouped)
        # The small arrangements under the named ones, and on top where one of them is on top.
        traces[2:2] = below
        traces.extend(above)
    if show_network:
        traces.extend(_service_network_traces(model, data, base, colors))
    frame = model.region_municipalities(region)
    # Gaps and doubles are marked where the map looks: the region, or the surveyed set.
    in_frame = set(frame)
    # A map of many municipalities (a county, the country) would be crosses and dots all over:
    # it gets plain outlines, and the marks come with a region.
    crowded = len(in_frame) > CROWDED_FRAME
    traces.extend(_double_traces(data, base, colors, in_frame, crowded))
    traces.extend(_gap_traces(data, base, in_frame, crowded))
    if labels:
        traces.append(service_label_trace(model, base, data, region, labels, municipality))
    notes = []
    if any(not surveyed for surveyed in memberships["surveyed"]):
        notes.append("Lysere farge: medlem utenfor de kartlagte kommunene (kartleggingen dekker bare disse).")
    if crowded and (data.gaps or data.doubles):
        notes.append(CROWDED_NOTE)
    notes.append("Klikk på en ordning i tegnforklaringen for å vise bare den; klikk igjen for å vise alle.")
    empty = None if data.arrangements else EMPTY_MESSAGE
    title = f"{data.service_label}: ordninger per kommune"
    layout = map_layout(base, frame, model.source_label, title, f"Ordning ({data.service_label.lower()})", notes, empty)
    return {"data": traces, "layout": layout}


def service_label_trace(
    model: "CooperationModel",
    base: MapBase,
    data: ServiceMapData,
    region: str | None,
    size: names.LabelSize,
    municipality: str | None = None,
    marks: Mapping[str, names.Mark] | None = None,
) -> dict[str, Any]:
    """The names of a service map (its last trace): members and gaps first, under their marks.

    `marks` are what a caller draws on top of the map (the compare maps' «≠»).
    """
    frame = model.region_municipalities(region)
    in_frame = set(frame)
    main = set(data.memberships["kommunenummer"]) | (set(data.gaps) & in_frame)
    crowded = len(in_frame) > CROWDED_FRAME
    marked = set() if crowded else {number for number in (*data.gaps, *data.doubles) if number in in_frame}
    return label_trace(model, base, frame, size, municipality, main, marked, marks)


def service_map_figure(
    model: "CooperationModel",
    service: str,
    region: str | None = None,
    sector: str | None = None,
    legal_form: str | None = None,
    **options: Any,
) -> go.Figure:
    """The service map as a validated figure (for export and presentation mode)."""
    return go.Figure(service_map_spec(model, service, region, sector, legal_form, **options))


def _choropleth(
    base: MapBase,
    numbers: list[str],
    fill: str,
    hover: Mapping[str, str],
    name: str,
    group: str,
    line_color: str = palette.BASE_LINE,
    line_width: float = 0.6,
) -> dict[str, Any]:
    return {
        "type": "choropleth",
        "name": plain(name),
        "legendgroup": group,
        "geojson": base.geojson_for(numbers),
        "locations": numbers,
        "z": [1] * len(numbers),
        "colorscale": solid_scale(fill),
        "showscale": False,
        "marker": {"line": {"color": line_color, "width": line_width}},
        "hovertext": [hover.get(number, "") for number in numbers],
        "hoverinfo": "text",
    }


@dataclass(frozen=True)
class _Members:
    """Members per arrangement of a service map, split once (not one pandas filter per arrangement)."""

    all: Mapping[str, list[str]]
    inside: Mapping[str, list[str]]
    outside: Mapping[str, list[str]]


def _members_by_arrangement(memberships: pd.DataFrame) -> _Members:
    """Each arrangement's members in row order: all, surveyed, outside the survey."""
    every: dict[str, list[str]] = defaultdict(list)
    inside: dict[str, list[str]] = defaultdict(list)
    outside: dict[str, list[str]] = defaultdict(list)
    columns = (memberships[column] for column in ("arrangement_id", "kommunenummer", "surveyed"))
    for arrangement_id, number, surveyed in zip(*columns):
        every[arrangement_id].append(number)
        (inside if surveyed else outside)[arrangement_id].append(number)
    return _Members(every, inside, outside)


def _outside_hover(trace: dict[str, Any], model: "CooperationModel", arrangement_id: str) -> None:
    """One text for all of an arrangement's members outside the survey; the name comes from the boundaries."""
    del trace["hovertext"], trace["hoverinfo"]
    header = "<b>%{properties.kommune}</b><br>"
    trace["hovertemplate"] = header + outside_member_hover(model, arrangement_id) + "<extra></extra>"


def _grouped_traces(
    model: "CooperationModel",
    data: ServiceMapData,
    base: MapBase,
    colors: Mapping[str, str],
    members: _Members,
    listed: Sequence[str],
    grouped: Sequence[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(below the named arrangements, above them): the arrangements sharing «N mindre ordninger».

    One arrangement per trace would send a municipality's hover once per arrangement it is in
    (a national register: 536 traces, 1.7 MB of repeated hover for legevakt). Here each
    municipality is drawn once per layer, in the colour of its topmost small arrangement (the
    one drawn last, as one trace per arrangement in legend order would have it), in one trace
    per colour. The layer below holds every member of a small arrangement (what the shared
    legend entry isolates); the layer above holds those whose topmost arrangement of all is a
    small one but who are also in a named one, so every municipality shows the same colour as
    before. The legend entry is a trace of the first small arrangement's colour that draws nothing.
    """
    order = [arrangement_id for arrangement_id, _name in data.arrangements]
    grouped_set, listed_set = set(grouped), set(listed)
    top_small: dict[str, str] = {}
    top_any: dict[str, str] = {}
    for arrangement_id in order:
        for number in members.all[arrangement_id]:
            top_any[number] = arrangement_id
            if arrangement_id in grouped_set:
                top_small[number] = arrangement_id
    in_listed = {number for arrangement_id in listed_set for number in members.all[arrangement_id]}
    surveyed = set(model.focus)
    label = f"{len(grouped)} mindre ordninger (alle i «Tabell»)"
    first = grouped[0]
    first_color = colors.get(first, palette.ARRANGEMENT_PALETTE[0])
    key_fill = first_color if members.inside[first] else palette.tint(first_color)
    key = _choropleth(base, [], key_fill, {}, name=label, group=OTHER_ARRANGEMENTS_GROUP)
    # plotly leaves a trace without locations out of the legend: one location that is no polygon.
    below = [key | {"locations": [None], "z": [1], "hovertext": [""], "showlegend": True}]
    above: list[dict[str, Any]] = []
    layers = (
        (below, list(top_small)),
        (above, [number for number in top_small if top_any[number] == top_small[number] and number in in_listed]),
    )
    for layer, numbers in layers:
        # Inside the survey: one trace per colour (the hover is the municipality's own); outside:
        # one per arrangement (the hover is the arrangement's, sent once).
        buckets: dict[tuple[bool, str], list[str]] = {}
        for number in numbers:
            arrangement_id = top_small[number]
            color = colors.get(arrangement_id, palette.ARRANGEMENT_PALETTE[0])
            bucket = (True, color) if number in surveyed else (False, arrangement_id)
            buckets.setdefault(bucket, []).append(number)
        for (inside, value), bucket_numbers in buckets.items():
            fill = value if inside else palette.tint(colors.get(value, palette.ARRANGEMENT_PALETTE[0]))
            trace = _choropleth(base, bucket_numbers, fill, data.hover, name=label, group=OTHER_ARRANGEMENTS_GROUP)
            if not inside:
                _outside_hover(trace, model, value)
            layer.append(trace | {"showlegend": False})
    for trace in below + above:
        trace["legendrank"] = GROUPED_LEGEND_RANK
    return below, above


def legend_split(data: ServiceMapData, limit: int = LEGEND_MAX_ENTRIES) -> tuple[list[str], list[str]]:
    """(arrangements with their own legend entry, arrangements sharing one), largest first.

    Up to `limit` arrangements each get an entry; beyond that the largest `limit - 1` do and the
    rest share one («29 mindre ordninger»), so a national register's legend does not scroll.
    """
    ids = [arrangement_id for arrangement_id, _name in data.arrangements]
    if len(ids) <= limit:
        return ids, []
    sizes = data.memberships.groupby("arrangement_id").size()
    position = {arrangement_id: index for index, arrangement_id in enumerate(ids)}
    by_size = sorted(ids, key=lambda arrangement_id: (-int(sizes.get(arrangement_id, 0)), position[arrangement_id]))
    own = set(by_size[: limit - 1])
    return [i for i in ids if i in own], [i for i in ids if i not in own]


def _gap_traces(data, base: MapBase, in_frame: set[str], crowded: bool = False) -> list[dict[str, Any]]:
    """White fill, heavy outline and a cross: the surveyed municipalities with no arrangement
    (on a crowded map white with a plain dark outline, no cross)."""
    gaps = [number for number in data.gaps if number in base.anchors and number in in_frame]
    if not gaps:
        return []
    if crowded:
        outline = _choropleth(base, gaps, palette.GAP_FILL, data.hover, name=NO_ARRANGEMENT, group="gap",
                              line_color=palette.GAP_LINE, line_width=1)
        return [outline | {"showlegend": True, "name": f"{NO_ARRANGEMENT} (hvit)"}]
    outline = _choropleth(
        base,
        gaps,
        palette.GAP_FILL,
        data.hover,
        name=NO_ARRANGEMENT,
        group="gap",
        line_color=palette.GAP_LINE,
        line_width=3,
    )
    crosses = {
        "type": "scattergeo",
        "name": NO_ARRANGEMENT,
        "legendgroup": "gap",
        "showlegend": False,
        "mode": "markers",
        "lon": [base.anchors[number][0] for number in gaps],
        "lat": [base.anchors[number][1] for number in gaps],
        "customdata": gaps,
        "marker": {"symbol": "x", "size": 14, "color": palette.GAP_LINE, "line": {"width": 1, "color": "#ffffff"}},
        # Hover comes from the polygon underneath; markers repeat no text.
        "hoverinfo": "skip",
    }
    key = _legend_keys((("square-x-open", f"{NO_ARRANGEMENT} (hvit med kryss)"),), group="gap")[0]
    key["marker"] |= {"size": 14, "color": palette.GAP_LINE, "line": {"width": 2.2, "color": palette.GAP_LINE}}
    return [outline | {"showlegend": False}, crosses, key]


def _double_traces(
    data, base: MapBase, colors: Mapping[str, str], in_frame: set[str], crowded: bool = False
) -> list[dict[str, Any]]:
    """Heavy outline plus one dot per arrangement for municipalities in two arrangements
    (on a crowded map none: the hover lists both, and a region shows the marks).

    Each dot sits on a white halo so a dot keeps its colour on a polygon of the same colour.
    """
    doubles = [number for number in data.doubles if number in base.anchors and number in in_frame]
    if not doubles:
        return []
    if crowded:
        # Outlines over half a country read as one dark mass: the hover tells, and a region shows the marks.
        return []
    outline = _choropleth(
        base,
        doubles,
        "rgba(0,0,0,0)",
        data.hover,
        name="To ordninger",
        group="double",
        line_color=palette.DOUBLE_LINE,
        line_width=2.6,
    )
    lons, lats, dot_colors, custom = [], [], [], []
    for number in doubles:
        arrangement_ids = data.doubles[number]
        lon, lat = base.anchors[number]
        middle = (len(arrangement_ids) - 1) / 2
        for position, arrangement_id in enumerate(arrangement_ids):
            lons.append(round(lon + (position - middle) * DOUBLE_DOT_OFFSET, 4))
            lats.append(lat)
            dot_colors.append(colors.get(arrangement_id, palette.ARRANGEMENT_PALETTE[0]))
            custom.append(number)
    # Hover comes from the polygons underneath (their text lists every arrangement), so the
    # outline and the dots repeat no text.
    points = {
        "type": "scattergeo",
        "legendgroup": "double",
        "showlegend": False,
        "mode": "markers",
        "lon": lons,
        "lat": lats,
        "customdata": custom,
        "hoverinfo": "skip",
    }
    halo = points | {"name": "To ordninger", "marker": {"size": 18, "color": "#ffffff"}}
    dots = points | {
        "name": "To ordninger",
        "marker": {"size": 11, "color": dot_colors, "line": {"width": 1.5, "color": palette.DOUBLE_LINE}},
    }
    key = _legend_keys((("square-open", "To ordninger (tykk kant, én prikk per ordning)"),), group="double")[0]
    key["marker"] |= {"size": 14, "color": palette.DOUBLE_LINE, "line": {"width": 2.6, "color": palette.DOUBLE_LINE}}
    outline = {key_: value for key_, value in outline.items() if key_ != "hovertext"} | {"hoverinfo": "skip"}
    return [outline | {"showlegend": False}, halo, dots, key]


def _service_network_traces(model, data, base: MapBase, colors: Mapping[str, str]) -> list[dict[str, Any]]:
    """Lines from each arrangement's host (star) or centre (ring) to its members."""
    traces = []
    for segment in service_network_segments(model, data, base.anchors):
        hub_lon, hub_lat = segment["hub"]
        lons: list[float | None] = []
        lats: list[float | None] = []
        for lon, lat in segment["spokes"]:
            lons += [hub_lon, lon, None]
            lats += [hub_lat, lat, None]
        group = segment["arrangement_id"]
        traces.append(
            {
                "type": "scattergeo",
                "name": "Samarbeidslinjer",
                "legendgroup": group,
                "showlegend": False,
                "mode": "lines",
                "lon": lons,
                "lat": lats,
                "line": {"color": palette.NETWORK_LINE, "width": 1.6},
                "opacity": 0.85,
                "hoverinfo": "skip",
            }
        )
        if segment["hub_is_host"]:
            text = f"<b>{plain(segment['name'])}</b><br>Vertskommune: {plain(segment['hub_name'])}"
            symbol, size = "star", 17
        else:
            text = f"<b>{plain(segment['name'])}</b><br>Midtpunkt: vertskommune er ikke oppgitt i kilden"
            symbol, size = "circle", 10
        traces.append(
            {
                "type": "scattergeo",
                "name": "Vertskommune",
                "legendgroup": group,
                "showlegend": False,
                "mode": "markers",
                "lon": [hub_lon],
                "lat": [hub_lat],
                "marker": {
                    "symbol": symbol,
                    "size": size,
                    "color": colors.get(group, palette.ARRANGEMENT_PALETTE[0]),
                    "line": {"width": 1.5, "color": palette.NETWORK_LINE},
                },
                "hovertext": [text],
                "hoverinfo": "text",
            }
        )
    if traces:
        traces.extend(_legend_keys((("star", "Vertskommune (stjerne)"), ("circle", "Midtpunkt, vertskommune ukjent"))))
    return traces


def _legend_keys(entries: Sequence[tuple[str, str]], group: str = "network-key") -> list[dict[str, Any]]:
    """Legend-only entries that explain marker symbols (no points on the map)."""
    return [
        {
            "type": "scattergeo",
            "name": label,
            "legendgroup": group,
            "mode": "markers",
            "lon": [None],
            "lat": [None],
            "marker": {"symbol": symbol, "size": 12, "color": "#ffffff", "line": {"width": 1.5, "color": palette.NETWORK_LINE}},
            "hoverinfo": "skip",
        }
        for symbol, label in entries
    ]


# ----- network view -----------------------------------------------------------------------


def network_spec(
    model: "CooperationModel",
    sector: str | None = None,
    legal_form: str | None = None,
    region: str | None = None,
    *,
    base: MapBase | None = None,
    municipality: str | None = None,
    edges: pd.DataFrame | None = None,
    labels: names.LabelSize | None = names.SCREEN,
) -> dict[str, Any]:
    """Lines between surveyed municipalities; width = number of arrangements the two share."""
    base = base or MapBase.from_boundaries(model.boundaries)
    edges = partner_edges(model, sector=sector, legal_form=legal_form, region=region) if edges is None else edges
    counts = municipality_counts(model, sector=sector, legal_form=legal_form)
    count_of = dict(zip(counts["kommunenummer"], counts["ordninger"]))
    traces = [base_trace(model, base), selection_trace(model, base, municipality)]
    focus = [number for number in model.focus if number in base.anchors]
    hover = {number: f"<b>{plain(_name(model, number))}</b><br>{count_of.get(number, 0)} ordninger" for number in focus}
    focus_layer = _choropleth(base, focus, "#dfe7ee", hover, name="Kartlagte kommuner", group="focus")
    traces.append(focus_layer | {"showlegend": False, "marker": {"line": {"color": "#90a4ae", "width": 0.8}}})
    frame = set(model.region_municipalities(region) or focus) & set(focus)
    crowded = len(frame) > CROWDED_FRAME
    drawn = strongest_edges(edges) if crowded else edges
    for low, high, width, color, label in EDGE_CLASSES:
        chosen = drawn[(drawn["shared"] >= low) & (drawn["shared"] <= high)]
        if chosen.empty:
            continue
        lons: list[float | None] = []
        lats: list[float | None] = []
        mid_lon, mid_lat, mid_text = [], [], []
        for a, b, shared, a_name, b_name in chosen[["a", "b", "shared", "a_name", "b_name"]].itertuples(index=False):
            (a_lon, a_lat), (b_lon, b_lat) = base.anchors[a], base.anchors[b]
            lons += [a_lon, b_lon, None]
            lats += [a_lat, b_lat, None]
            mid_lon.append(round((a_lon + b_lon) / 2, 4))
            mid_lat.append(round((a_lat + b_lat) / 2, 4))
            mid_text.append(f"{plain(a_name)} – {plain(b_name)}: {shared} felles ordning{'er' if shared != 1 else ''}")
        traces.append(
            {
                "type": "scattergeo",
                "name": label,
                "legendgroup": label,
                "mode": "lines",
                "lon": lons,
                "lat": lats,
                "line": {"color": color, "width": width * (CROWDED_LINE_SCALE if crowded else 1)},
                "opacity": 0.9,
                "hoverinfo": "skip",
            }
        )
        traces.append(
            {
                "type": "scattergeo",
                "name": label,
                "legendgroup": label,
                "showlegend": False,
                "mode": "markers",
                "lon": mid_lon,
                "lat": mid_lat,
                "marker": {"size": 8, "color": palette.NETWORK_LINE, "opacity": 0},
                "hovertext": mid_text,
                "hoverinfo": "text",
            }
        )
    traces.append(
        {
            "type": "scattergeo",
            "name": "Kommune (størrelse = antall ordninger)",
            "mode": "markers",
            "lon": [base.anchors[number][0] for number in focus],
            "lat": [base.anchors[number][1] for number in focus],
            "customdata": focus,
            "marker": {
                "size": [network_marker_size(count_of.get(number, 0), crowded) for number in focus],
                "color": palette.ARRANGEMENT_PALETTE[1],
                "line": {"width": 0.5 if crowded else 1, "color": "#1a1a1a"},
            },
            "hovertext": [hover[number] for number in focus],
            "hoverinfo": "text",
        }
    )
    if labels:
        traces.append(label_trace(model, base, model.region_municipalities(region), labels, municipality, focus))
    scope = _filter_words(model, sector=sector, legal_form=legal_form)
    title = f"Samarbeidsnettverk{scope}"
    notes = ["Linjene viser samarbeid mellom de kartlagte kommunene; tykkere linje = flere felles ordninger."]
    if len(drawn) < len(edges):
        notes.append(
            f"Mange kommuner i kartet: viser de {len(drawn)} parene med flest felles ordninger av {len(edges)}. "
            "Velg en region for å se alle."
        )
    empty = None if not edges.empty else "Ingen felles ordninger passer filtrene"
    layout = map_layout(
        base, model.region_municipalities(region), model.source_label, title, "Felles ordninger", notes, empty
    )
    return {"data": traces, "layout": layout}


def strongest_edges(edges: pd.DataFrame, limit: int = CROWDED_EDGE_LIMIT) -> pd.DataFrame:
    """The `limit` pairs sharing the most arrangements: a country of lines is a solid mass, not a map.

    Ties at the cut are all dropped rather than picked arbitrarily, so the rule is easy to state.
    """
    if len(edges) <= limit:
        return edges
    ranked = edges.sort_values("shared", ascending=False, kind="stable")
    threshold = ranked["shared"].iloc[limit]
    kept = ranked[ranked["shared"] > threshold]
    return kept if not kept.empty else ranked.head(limit)


def network_marker_size(count: int, crowded: bool) -> float:
    """Circle size by number of arrangements; smaller on a crowded frame so circles don't pave it."""
    return 3 + min(count, 80) / 10 if crowded else 6 + min(count, 80) / 4


def network_figure(model: "CooperationModel", sector=None, legal_form=None, region=None, **options: Any) -> go.Figure:
    """The network map as a validated figure."""
    return go.Figure(network_spec(model, sector, legal_form, region, **options))


# ----- intensity view ---------------------------------------------------------------------


def intensity_spec(
    model: "CooperationModel",
    sector: str | None = None,
    legal_form: str | None = None,
    region: str | None = None,
    *,
    base: MapBase | None = None,
    municipality: str | None = None,
    counts: pd.DataFrame | None = None,
    labels: names.LabelSize | None = names.SCREEN,
) -> dict[str, Any]:
    """Choropleth of the number of arrangements per surveyed municipality, sector breakdown on hover."""
    base = base or MapBase.from_boundaries(model.boundaries)
    counts = municipality_counts(model, sector=sector, legal_form=legal_form) if counts is None else counts
    counts = counts[counts["kommunenummer"].isin(base.anchors)]
    sector_labels = dict(model.sector_options())
    hover = []
    for _, row in counts.iterrows():
        parts = [f"<b>{plain(row['kommune'])}</b>", f"{row['ordninger']} ordninger"]
        breakdown = sorted(((row[sid], label) for sid, label in sector_labels.items() if row[sid]), reverse=True)
        parts += [f"  {plain(label)}: {count}" for count, label in breakdown]
        hover.append("<br>".join(parts))
    traces = [base_trace(model, base), selection_trace(model, base, municipality)]
    numbers = list(counts["kommunenummer"])
    traces.append(
        {
            "type": "choropleth",
            "name": "Antall ordninger",
            "geojson": base.geojson_for(numbers),
            "locations": numbers,
            "z": [int(value) for value in counts["ordninger"]],
            # Zero-based scale: colour differences stay proportional to the counts.
            "zmin": 0,
            "zmax": max(1, int(counts["ordninger"].max())) if len(counts) else 1,
            "colorscale": [list(stop) for stop in palette.COUNT_SCALE],
            "colorbar": {"title": {"text": "Antall<br>ordninger"}, "thickness": 14, "len": 0.6, "x": 0.99, "xanchor": "right"},
            "marker": {"line": {"color": "#ffffff", "width": 0.8}},
            "showlegend": False,
            "hovertext": hover,
            "hoverinfo": "text",
        }
    )
    if labels:
        traces.append(label_trace(model, base, model.region_municipalities(region), labels, municipality, numbers))
    scope = _filter_words(model, sector=sector, legal_form=legal_form)
    title = f"Antall interkommunale ordninger per kommune{scope}"
    empty = None if counts["ordninger"].sum() else EMPTY_MESSAGE
    layout = map_layout(base, model.region_municipalities(region), model.source_label, title, "", (), empty)
    return {"data": traces, "layout": layout}


def intensity_figure(model: "CooperationModel", sector=None, legal_form=None, region=None, **options: Any) -> go.Figure:
    """The count map as a validated figure."""
    return go.Figure(intensity_spec(model, sector, legal_form, region, **options))


def sector_bars_spec(
    model: "CooperationModel",
    sector: str | None = None,
    legal_form: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
) -> dict[str, Any]:
    """Stacked bars: arrangements per surveyed municipality, split by sector (largest on top)."""
    counts = municipality_counts(model, sector=sector, legal_form=legal_form)
    counts = counts[counts["kommunenummer"].isin(focus_in(model, region))]
    counts = counts.sort_values("ordninger", kind="stable")
    names = [plain(name) for name in counts["kommune"]]
    labels = [f"<b>{name}</b>" if number == municipality else name for name, number in zip(names, counts["kommunenummer"])]
    sector_ids = [sid for sid, _label in model.sector_options()]
    sector_fill = palette.sector_colors(sector_ids)
    traces = []
    for sector_id, label in model.sector_options():
        values = [int(value) for value in counts[sector_id]]
        if not any(values):
            continue
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": plain(label),
                "y": labels,
                "x": values,
                "marker": {"color": sector_fill[sector_id]},
                "hovertemplate": f"%{{y}}<br>{plain(label)}: %{{x}}<extra></extra>",
            }
        )
    height = max(340, 28 * len(counts) + 130)
    layout = {
        "barmode": "stack",
        "height": height,
        "title": {"text": "Ordninger per kommune fordelt på sektor", "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        "xaxis": {"title": {"text": "Antall ordninger"}, "gridcolor": "#eceff1"},
        "yaxis": {"automargin": True},
        "margin": {"l": 8, "r": 8, "t": 48, "b": 50},
        "legend": {"title": {"text": "Sektor"}, "font": {"size": 12}, "traceorder": "normal"},
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#1a1a1a"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "annotations": [_paper_note(f"Kilde: {plain(model.source_label)}", y=1.0, size=11, yanchor="bottom", x=1.0, xanchor="right")],
    }
    if not traces:
        layout["annotations"].append(
            {"text": EMPTY_MESSAGE, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "showarrow": False, "font": {"size": 16}}
        )
    return {"data": traces, "layout": layout}


def sector_bars_figure(model: "CooperationModel", **options: Any) -> go.Figure:
    """The sector breakdown as a validated figure."""
    return go.Figure(sector_bars_spec(model, **options))


# ----- helpers ----------------------------------------------------------------------------


def model_colors(model: "CooperationModel") -> dict[str, str]:
    """Arrangement colours of a model (same function the app caches per dataset)."""
    return palette.arrangement_colors(list(model.arrangements["id"]), list(model.arrangements["services"]))


def _filter_words(model: "CooperationModel", sector: str | None, legal_form: str | None) -> str:
    """' – Helsetjenester, IKS' style suffix for titles."""
    words = []
    if sector:
        words.append(model.sector_label(sector))
    if legal_form:
        words.append(model.legal_form_label(legal_form))
    return (" – " + ", ".join(words)) if words else ""


def _name(model: "CooperationModel", number: str) -> str:
    try:
        return model.name_of(number)
    except KeyError:
        return number


def _paper_note(
    text: str,
    y: float,
    size: int,
    color: str = "#1a1a1a",
    yanchor: str = "bottom",
    x: float = 0.005,
    xanchor: str = "left",
    yshift: float = 0,
) -> dict[str, Any]:
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": x,
        "y": y,
        "yshift": yshift,
        "xanchor": xanchor,
        "yanchor": yanchor,
        "showarrow": False,
        "align": "left",
        "font": {"size": size, "color": color},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


# ----- changes since a day ------------------------------------------------------------------

CHANGE_KINDS = (("ny", "Ny ordning", "#009e73"), ("endret", "Endret ordning", "#e69f00"), ("avsluttet", "Avsluttet ordning", "#d55e00"))


def changes_spec(
    model: "CooperationModel", base: MapBase, changes: Sequence[tuple[str, str, Sequence[str]]], title: str
) -> dict[str, Any]:
    """Municipalities touched by new, changed and ended arrangements, one colour each (colour-blind safe).

    `changes` is (arrangement name, kind, member kommunenummer). A municipality with several
    kinds is coloured by the first of CHANGE_KINDS it has; its hover lists every change.
    """
    hover: dict[str, list[str]] = {}
    kind_of: dict[str, str] = {}
    order = [kind for kind, _label, _color in CHANGE_KINDS]
    for name, kind, members in changes:
        for number in members:
            if number not in base.anchors:
                continue
            hover.setdefault(number, []).append(f"{plain(name)} ({kind})")
            if number not in kind_of or order.index(kind) < order.index(kind_of[number]):
                kind_of[number] = kind
    texts = {number: f"<b>{plain(_name(model, number))}</b><br>" + "<br>".join(items) for number, items in hover.items()}
    traces = [base_trace(model, base)]
    for kind, label, color in CHANGE_KINDS:
        numbers = sorted(number for number, found in kind_of.items() if found == kind)
        if numbers:
            traces.append({**_choropleth(base, numbers, color, texts, label, kind, line_color="#1a1a1a", line_width=0.8), "showlegend": True})
    layout = map_layout(
        base, kind_of or model.focus, model.source_label, title, legend_title="Endring",
        empty_message=None if kind_of else "Ingen endringer i perioden",
    )
    return {"data": traces, "layout": layout}
