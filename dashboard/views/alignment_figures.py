"""«Samsvar» figures and tables: pure functions from a model and the chosen services to what is drawn.

The konstellasjoner map and the two compare maps are plotly dicts (choropleth + scattergeo, as
the other maps). The agreement matrix and the partner grid are plain table models that the page
renders as HTML tables (readable by screen readers and by keyboard) and the fact sheet and exports
draw with scatter traces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from dashboard.data import alignment
from dashboard.views.figures import (
    _choropleth,
    base_trace,
    label_trace,
    map_layout,
    selection_trace,
    service_label_trace,
    service_map_spec,
)
from dashboard.views.labels import COMPARE as COMPARE_LABELS
from dashboard.views.labels import SCREEN, LabelSize, disc_mark, text_mark
from dashboard.views.map_base import MapBase
from dashboard.views.view_data import (
    join_names,
    norwegian_key,
    plain,
    ServiceMapData,
    region_phrase,
    service_map_data,
)

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

# Sequential, colour-blind-safe (ColorBrewer "Purples" without its near-white end): more
# konstellasjoner (more sets of partners to govern) is darker.
CONSTELLATION_COLORS: tuple[str, ...] = (
    "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d",
)
# Agreement, light → dark (ColorBrewer "Greens"): high agreement is "in step". Its #238b45 is left
# out: neither dark nor white text reaches 4.5:1 on it. Every fill here and above does with one.
AGREEMENT_COLORS: tuple[str, ...] = ("#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#006d2c", "#00441b")
DARK_TEXT = "#1a1a1a"
LIGHT_TEXT = "#ffffff"
DIFFERENT_MARK = "≠"
DIFFERENT_COLOR = "#d55e00"
DIFFERENT_MARKER_PX = 17
# The «≠» disc with its white ring, as a mark names keep clear of.
DIFFERENT_MARK_SIZE = disc_mark(DIFFERENT_MARKER_PX / 2 + 1.5)
# The numbers on the konstellasjoner map.
NUMBER_FONT = 15


def constellation_color(value: int, highest: int) -> str:
    """Fill for `value` konstellasjoner on a scale of 1..highest (the number of chosen services).

    >>> constellation_color(1, 6), constellation_color(6, 6)
    ('#dadaeb', '#3f007d')
    """
    if highest <= 1:
        return CONSTELLATION_COLORS[0]
    position = (min(max(value, 1), highest) - 1) / (highest - 1)
    return CONSTELLATION_COLORS[round(position * (len(CONSTELLATION_COLORS) - 1))]


def text_color(fill: str) -> str:
    """Dark or white text, whichever contrasts more with `fill` (WCAG relative luminance).

    >>> text_color("#ffffff"), text_color("#3f007d")
    ('#1a1a1a', '#ffffff')
    """
    channels = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return DARK_TEXT if luminance > 0.179 else LIGHT_TEXT


AGREEMENT_SCALE_FROM = 0.5
DIAGONAL_FILL = "#eceff1"


def agreement_color(value: float | None) -> str:
    """Fill for an agreement share: lightest at 50 % or less, darkest at 100 % (the survey's values
    lie between 69 and 100 %, so a scale from 0 would paint them all dark); white where no pair
    takes part in both.

    >>> agreement_color(0.3) == agreement_color(0.5), agreement_color(1.0)
    (True, '#00441b')
    """
    if value is None:
        return "#ffffff"
    share = (min(max(value, AGREEMENT_SCALE_FROM), 1.0) - AGREEMENT_SCALE_FROM) / (1.0 - AGREEMENT_SCALE_FROM)
    return AGREEMENT_COLORS[round(share * (len(AGREEMENT_COLORS) - 1))]


def percent(value: float | None) -> str:
    """'87 %' (Norwegian spacing); '–' where there is nothing to compare.

    >>> percent(0.8666), percent(None)
    ('87 %', '–')
    """
    return "–" if value is None else f"{round(value * 100)} %"


def in_sentence(label: str) -> str:
    """A label inside a sentence: first letter lower-cased unless the word is an acronym.

    >>> in_sentence("Felles NAV-kontor"), in_sentence("PP-tjeneste (PPT)"), in_sentence("IKT")
    ('felles NAV-kontor', 'PP-tjeneste (PPT)', 'IKT')
    """
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def service_names(model: "CooperationModel", services: Sequence[str]) -> str:
    return join_names([in_sentence(model.service_label(service)) for service in services])


# ----- the konstellasjoner map -------------------------------------------------------------


def constellation_map_spec(
    model: "CooperationModel",
    base: MapBase,
    services: Sequence[str],
    region: str | None = None,
    municipality: str | None = None,
    labels: LabelSize | None = SCREEN,
) -> dict[str, Any]:
    """Surveyed municipalities coloured by konstellasjoner, the number written on each.

    Traces: base, selection (as every map), one choropleth per value (its legend entry names the
    value), one scattergeo of the numbers at each municipality's anchor point, and last the
    names (`labels`: their size, None for none): each surveyed municipality's under its number
    where there is room (never over a number), the others' on their point.
    """
    rows = alignment.constellations(model, services, region)
    rows = [row for row in rows if row.kommunenummer in base.anchors]
    highest = max(len(services), 1)
    traces = [base_trace(model, base), selection_trace(model, base, municipality)]
    hover = {
        row.kommunenummer: (
            f"<b>{plain(row.kommune)}</b><br>Tjenester: {row.services} av {len(services)}"
            f"<br>Konstellasjoner: {row.constellations}"
            + ("<br>Samme partnere i alle" if row.constellations == 1 and row.services > 1 else "")
            + ("<br>Egne partnere i hver tjeneste" if row.constellations == row.services > 1 else "")
        )
        for row in rows
    }
    for value in sorted({row.constellations for row in rows}):
        numbers = [row.kommunenummer for row in rows if row.constellations == value]
        name = f"{value} {'konstellasjon' if value == 1 else 'konstellasjoner'}"
        trace = _choropleth(base, numbers, constellation_color(value, highest), hover, name=name, group=f"k{value}", line_color="#ffffff", line_width=0.8)
        traces.append(trace | {"showlegend": True, "customdata": numbers})
    fills = [constellation_color(row.constellations, highest) for row in rows]
    traces.append(
        {
            "type": "scattergeo",
            "name": "Antall konstellasjoner",
            "mode": "text",
            "lon": [base.anchors[row.kommunenummer][0] for row in rows],
            "lat": [base.anchors[row.kommunenummer][1] for row in rows],
            "text": [str(row.constellations) for row in rows],
            "customdata": [row.kommunenummer for row in rows],
            "textfont": {"size": NUMBER_FONT, "color": [text_color(fill) for fill in fills], "weight": 700},
            "showlegend": False,
            "hoverinfo": "skip",
        }
    )
    if labels:
        numbers = {row.kommunenummer: text_mark(str(row.constellations), NUMBER_FONT) for row in rows}
        frame = model.region_municipalities(region)
        traces.append(label_trace(model, base, frame, labels, municipality, main=numbers, marks=numbers))
    title = f"Samsvar: antall ulike partnersett per kommune ({len(services)} {'tjeneste' if len(services) == 1 else 'tjenester'})"
    notes = [
        "Tallet i kommunen: antall ulike partnersett (konstellasjoner) blant tjenestene den deltar i. 1 = samme partnere i alle.",
    ]
    empty = None if rows else "Ingen kartlagte kommuner deltar i de valgte tjenestene"
    layout = map_layout(base, model.region_municipalities(region), model.source_label, title, "Konstellasjoner", notes, empty)
    layout["legend"]["itemclick"] = False
    layout["legend"]["itemdoubleclick"] = False
    return {"data": traces, "layout": layout}


def constellation_summary(model: "CooperationModel", services: Sequence[str], region: str | None) -> str:
    """The sentence above the map: how many are fully in step, and who has the most sets."""
    rows = alignment.constellations(model, services, region)
    where = region_phrase(model, region)
    if not rows:
        return f"Ingen av de kartlagte kommunene{where} deltar i {service_names(model, services)}."
    highest = max(row.constellations for row in rows)
    most = sorted((row.kommune for row in rows if row.constellations == highest), key=norwegian_key)
    in_step = sum(1 for row in rows if row.constellations == 1)
    return (
        f"Samsvar{where} for {service_names(model, services)}: {len(rows)} kommuner deltar. "
        f"Flest ulike partnersett ({highest}): {join_names(most)}. "
        f"Helt i takt (ett partnersett): {in_step}."
    )


def constellation_rows(model: "CooperationModel", services: Sequence[str], region: str | None) -> list[dict[str, Any]]:
    """The map as a table (Norwegian headers), by name: the page's table and its CSV download."""
    rows = alignment.constellations(model, services, region)
    ordered = sorted(rows, key=lambda row: norwegian_key(row.kommune))
    return [
        {"Kommune": row.kommune, "Kommunenummer": row.kommunenummer, "Tjenester": row.services, "Konstellasjoner": row.constellations}
        for row in ordered
    ]


# ----- the agreement matrix ----------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    value: float | None
    pairs: int
    text: str
    fill: str
    color: str


@dataclass(frozen=True)
class AgreementTable:
    """Service × service agreement, ready to draw: `labels[i]` heads row i and column i."""

    services: tuple[str, ...]
    labels: tuple[str, ...]
    cells: tuple[tuple[MatrixCell, ...], ...]


def agreement_table(model: "CooperationModel", services: Sequence[str], region: str | None = None) -> AgreementTable:
    matrix = alignment.agreement_matrix(model, services, region)
    cells = []
    for first in services:
        row = []
        for second in services:
            value, pairs = matrix[(first, second)]
            # The diagonal agrees with itself by definition: grey, the pair count only.
            fill = DIAGONAL_FILL if first == second else agreement_color(value)
            text = "–" if first == second else percent(value)
            row.append(MatrixCell(value, pairs, text, fill, text_color(fill)))
        cells.append(tuple(row))
    return AgreementTable(tuple(services), tuple(model.service_label(service) for service in services), tuple(cells))


def agreement_rows(table: AgreementTable) -> list[dict[str, Any]]:
    """The matrix as CSV rows: the share with three decimals, empty where no pair takes part in both."""
    return [
        {"Tjeneste": label, **{other: ("" if cell.value is None else round(cell.value, 3)) for other, cell in zip(table.labels, row)}}
        for label, row in zip(table.labels, table.cells)
    ]


# ----- the partner grid --------------------------------------------------------------------


@dataclass(frozen=True)
class GridColumn:
    kommunenummer: str
    name: str
    shared: int


@dataclass(frozen=True)
class GridRow:
    service: str
    label: str
    taking_part: bool
    # One entry per column: the names of the shared arrangements (empty: not partners in this service).
    cells: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PartnerGridTable:
    kommunenummer: str
    name: str
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]
    summary: str


def partner_grid_table(model: "CooperationModel", number: str, services: Sequence[str]) -> PartnerGridTable:
    """Services as rows, partners as columns (recurring partners first), arrangement names in each mark."""
    grid = alignment.partner_grid(model, number, services, sort_key=norwegian_key)
    columns = tuple(GridColumn(partner, model.name_of(partner), grid.shared_count(partner)) for partner in grid.partners)
    rows = []
    for service in services:
        cells = tuple(tuple(model.arrangement(aid)["name"] for aid in grid.cells.get((service, column.kommunenummer), ())) for column in columns)
        rows.append(GridRow(service, model.service_label(service), service not in grid.not_taking_part, cells))
    name = model.name_of(number)
    taking = [row for row in rows if row.taking_part]
    distinct = len({frozenset(c.kommunenummer for c, cell in zip(columns, row.cells) if cell) for row in taking})
    everywhere = [column.name for column in columns if column.shared == len(taking) and taking]
    once = [column.name for column in columns if column.shared == 1]
    parts = [f"{name} deltar i {len(taking)} av {len(services)} tjenester med {distinct} ulike partnersett."]
    if everywhere and len(taking) > 1:
        parts.append(f"Partner i alle: {join_names(everywhere)}.")
    if once and len(taking) > 1:
        parts.append(f"Partner i bare én tjeneste: {join_names(once)}.")
    return PartnerGridTable(number, name, columns, tuple(rows), " ".join(parts))


def partner_grid_rows(table: PartnerGridTable) -> list[dict[str, Any]]:
    """The grid as CSV rows: one per service, «x» where the partner shares an arrangement."""
    return [
        {"Tjeneste": row.label, **{column.name: ("x" if cell else "") for column, cell in zip(table.columns, row.cells)}}
        for row in table.rows
    ]


# ----- two services side by side -----------------------------------------------------------


def compare_map_spec(
    model: "CooperationModel",
    base: MapBase,
    service: str,
    other: str,
    region: str | None = None,
    municipality: str | None = None,
    colors=None,
    labels: LabelSize | None = COMPARE_LABELS,
) -> dict[str, Any]:
    """The service map of `service`, with «≠» on each surveyed municipality whose partners differ in `other`.

    Names (at the size of a half-width map) come last, as on every map, so «Vis kommunenavn»
    hides them, and go under the «≠» marks.
    """
    data = service_map_data(model, service, region=region)
    spec = service_map_spec(model, service, region, base=base, colors=colors, municipality=municipality, data=data, labels=None)
    different = _different(model, base, service, other, region)
    if different:
        spec["data"].append(
            {
                "type": "scattergeo",
                "name": f"{DIFFERENT_MARK} Andre partnere i {in_sentence(model.service_label(other))}",
                "mode": "markers+text",
                "lon": [base.anchors[number][0] for number in different],
                "lat": [base.anchors[number][1] for number in different],
                "text": [DIFFERENT_MARK] * len(different),
                "customdata": different,
                "textfont": {"size": 13, "color": "#ffffff", "weight": 700},
                "marker": {"symbol": "circle", "size": DIFFERENT_MARKER_PX, "color": DIFFERENT_COLOR, "line": {"width": 1.5, "color": "#ffffff"}},
                "hovertext": [
                    f"<b>{plain(model.name_of(number))}</b><br>Andre partnere i {plain(in_sentence(model.service_label(other)))}"
                    for number in different
                ],
                "hoverinfo": "text",
            }
        )
    if labels:
        spec["data"].append(compare_names(model, base, service, other, region, municipality, labels, data))
    # Side by side the maps are narrow: no legend (hover names each arrangement; the sentence
    # above the maps names who differs), only the attribution under the map.
    title = f"{model.service_label(service)} ({DIFFERENT_MARK}: andre partnere i {in_sentence(model.service_label(other))})"
    layout = map_layout(base, model.region_municipalities(region), model.source_label, title)
    layout |= {"showlegend": False, "height": 540, "margin": {"l": 4, "r": 4, "t": 40, "b": 28}}
    layout["title"]["font"] = {"size": 15}
    spec["layout"] = layout
    return spec


def _different(model: "CooperationModel", base: MapBase, service: str, other: str, region: str | None) -> list[str]:
    return [number for number in alignment.compare(model, service, other, region).different if number in base.anchors]


def compare_names(
    model: "CooperationModel",
    base: MapBase,
    service: str,
    other: str,
    region: str | None = None,
    municipality: str | None = None,
    labels: LabelSize = COMPARE_LABELS,
    data: ServiceMapData | None = None,
) -> dict[str, Any]:
    """The names of a compare map (its last trace), under the «≠» marks; on its own for a new
    municipality, which moves only the ring and the names."""
    data = data or service_map_data(model, service, region=region, hover=False)
    marks = {number: DIFFERENT_MARK_SIZE for number in _different(model, base, service, other, region)}
    return service_label_trace(model, base, data, region, labels, municipality, marks)


def compare_summary(model: "CooperationModel", first: str, second: str, region: str | None) -> str:
    """Who has the same partners in both services, who differs, who takes part in one only."""
    result = alignment.compare(model, first, second, region)
    name = lambda numbers: join_names(sorted((model.name_of(n) for n in numbers), key=norwegian_key))  # noqa: E731
    a, b = in_sentence(model.service_label(first)), in_sentence(model.service_label(second))
    parts = [f"{model.service_label(first)} og {b}:"]
    parts.append(f"samme partnere i begge: {name(result.same) or 'ingen'}.")
    parts.append(f"Andre partnere ({DIFFERENT_MARK}): {name(result.different) or 'ingen'}.")
    if result.only_first:
        parts.append(f"Bare {a}: {name(result.only_first)}.")
    if result.only_second:
        parts.append(f"Bare {b}: {name(result.only_second)}.")
    return " ".join(parts)
