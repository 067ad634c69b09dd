"""Presentation mode: a deck of service maps for a projector, opened from a link. Pure helpers.

A deck is an ordered list of services plus the filters every slide shares, read from a link
such as `/?visning=presentasjon&tjenester=legevakt,ppt,nav&region=hallingdal` (the other keys
are the app's usual ones, see views.view_state). A slide is the app's own service map for one service,
restyled for a projector: no title inside the plot (the page shows it large), a large legend
and notes, bigger markers, no on-screen hints. Moving between slides sends a Patch of the
traces and notes only; the polygons stay in the browser (traces refer to the boundary file).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Mapping, Sequence
from urllib.parse import parse_qsl, urlencode

from dash import Patch

from dashboard.data.registry import closest_names, normalize_name, quote_list
from dashboard.output.export import ALL_SURVEYED, ATTRIBUTION, INTERACTIVE_HINT_PREFIXES
from dashboard.views.labels import SLIDE as SLIDE_LABELS
from dashboard.views.labels import LabelSize
from dashboard.views.view_state import (
    CHANGES_KEY,
    DECK_KEY,
    QUERY_KEYS,
    VIEW_ALIGNMENT,
    VIEW_PRESENTATION,
    VIEW_SERVICE_MAP,
    AllowedValues,
    ViewState,
    parse_query,
    to_query,
    valid_date,
)

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

# Slides are designed on a 1920-px-wide screen and scale with the screen they are shown on,
# like the page's own text (vw units in assets/presentation.css), within these bounds.
DESIGN_WIDTH_PX = 1920
MIN_SCALE, MAX_SCALE = 0.8, 2.0
# plotly.js draws legend markers at most 16 px; a choropleth's own legend square is far smaller.
SWATCH_PX = 16
# The map takes the left part of the slide, the legend the rest.
MAP_SHARE = 0.6
LEGEND_X = 0.62
SLIDE_INK = "#000000"
EMPTY_SLIDE: dict[str, Any] = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


_STATE_FIELDS = frozenset(state_field.name for state_field in fields(ViewState))
# ?visning=presentasjon&samsvar=1: the deck opens with the «Samsvar» map (services from ?utvalg=).
ALIGNMENT_DECK_KEY = "samsvar"


@dataclass(frozen=True)
class SlideSizes:
    """Type and marker sizes (CSS px) chosen to read from the back of a meeting room at 1920×1080."""

    font: float = 22
    legend: float = 26
    legend_title: float = 28
    note: float = 22
    note_line: float = 32
    center_message: float = 34
    hover: float = 20
    marker_scale: float = 1.6

    def labels(self) -> LabelSize:
        """Municipality names at this slide's scale (the map part of the slide)."""
        scale = self.font / SlideSizes.font
        return LabelSize(width=SLIDE_LABELS.width * scale, height=SLIDE_LABELS.height * scale, font=SLIDE_LABELS.font * scale)

    @classmethod
    def for_width(cls, screen_width: float | None) -> "SlideSizes":
        """The sizes for a screen `screen_width` CSS px wide (the design sizes when unknown).

        >>> SlideSizes.for_width(3840).legend, SlideSizes.for_width(None).legend, SlideSizes.for_width(800).legend
        (52.0, 26.0, 20.8)
        """
        scale = min(max((screen_width or DESIGN_WIDTH_PX) / DESIGN_WIDTH_PX, MIN_SCALE), MAX_SCALE)
        design = cls()
        return cls(**{size.name: round(getattr(design, size.name) * scale, 1) for size in fields(cls)})


@dataclass(frozen=True)
class Deck:
    """The services to step through, in order, and the view every slide shares.

    `base` carries region, sector, legal form, chosen municipality and the network layer;
    its service is replaced per slide. `notice` says which names in the link were not used;
    `screen_width` is the width of the browser window showing the deck (sets the type size).
    """

    services: tuple[str, ...]
    base: ViewState
    start: int = 0
    notice: str = ""
    screen_width: int = DESIGN_WIDTH_PX
    # «Endringer siden» (?endringer=YYYY-MM-DD): one more slide, last, with what changed since that day.
    changes_since: str | None = None
    # «Samsvar» (?samsvar=1): one more slide, first, with the konstellasjoner map of base.services.
    alignment: bool = False

    def __post_init__(self) -> None:
        if not self.services:
            raise ValueError("a deck needs at least one service")

    def __len__(self) -> int:
        return len(self.services) + (1 if self.changes_since else 0) + (1 if self.alignment else 0)

    def is_changes(self, index: int) -> bool:
        """True for the «Endringer siden» slide."""
        return bool(self.changes_since) and index % len(self) == len(self) - 1

    def slide(self, index: int) -> ViewState:
        """The view of slide `index` (0-based, wraps around); the changes slide leaves to the first service."""
        position = index % len(self)
        if self.alignment:
            if position == 0:
                return replace(self.base, view=VIEW_ALIGNMENT)
            position -= 1
        service = self.services[position] if position < len(self.services) else self.services[0]
        return replace(self.base, view=VIEW_SERVICE_MAP, service=service)

    def to_store(self) -> dict[str, Any]:
        """JSON for the browser's dcc.Store."""
        data = asdict(self)
        data["base"] = {**data["base"], "services": list(self.base.services), "compare": list(self.base.compare)}
        return {**data, "services": list(self.services)}

    @classmethod
    def from_store(cls, data: Mapping[str, Any], allowed: AllowedValues) -> "Deck":
        """The deck back from the browser's store, checked like a link: invalid values are dropped.

        Raises ValueError when no valid service is left (TypeError for a store of another shape).
        """
        services = tuple(service for service in data.get("services", ()) if service in allowed.services)
        stored_values = {key: value for key, value in dict(data.get("base") or {}).items() if key in _STATE_FIELDS}
        for key in ("services", "compare"):
            stored_values[key] = tuple(str(value) for value in stored_values.get(key) or ())
        base = parse_query(to_query(ViewState(**stored_values)), allowed)
        alignment = data.get("alignment") is True
        extra = (1 if valid_date(data.get("changes_since")) else 0) + (1 if alignment else 0)
        return cls(
            services=services,
            base=base,
            start=int(data.get("start", 0)) % max(len(services) + extra, 1),
            notice=str(data.get("notice", "")),
            screen_width=int(data.get("screen_width") or DESIGN_WIDTH_PX),
            changes_since=valid_date(data.get("changes_since")),
            alignment=alignment,
        )


def deck_from_query(search: str | None, allowed: AllowedValues, default_services: Sequence[str]) -> Deck:
    """The deck a link asks for.

    `tjenester` lists the services in slide order (ids, any case; unknown ones are left out and
    named in `notice` with the closest valid id); without it the deck is `default_services`.
    `tjeneste` picks the first slide shown; region and filters follow the app's usual keys and
    fall back to "no filter" when invalid, as everywhere in the app.

    >>> allowed = AllowedValues({"legevakt", "ppt", "nav"}, {"hallingdal"}, set(), set(), set())
    >>> deck = deck_from_query("?visning=presentasjon&tjenester=PPT,nav,ppx&region=hallingdal", allowed, ["legevakt"])
    >>> deck.services, deck.base.region, deck.notice
    (('ppt', 'nav'), 'hallingdal', 'Ukjent tjeneste «ppx» i lenken er hoppet over. Mente du «ppt»?')
    """
    values = dict(parse_qsl((search or "").lstrip("?")))
    state = parse_query(search, allowed)
    by_key = {normalize_name(service): service for service in allowed.services}
    services: list[str] = []
    unknown: list[str] = []
    for name in (part.strip() for part in values.get(DECK_KEY, "").split(",")):
        if not name:
            continue
        found = by_key.get(normalize_name(name))
        if found is None:
            unknown.append(name)
        elif found not in services:
            services.append(found)
    if not services:
        services = [service for service in default_services if service in allowed.services] or [state.service]
    asked_start = values.get(QUERY_KEYS["service"])
    alignment = values.get(ALIGNMENT_DECK_KEY) == "1"
    start = services.index(state.service) + (1 if alignment else 0) if asked_start and state.service in services else 0
    changes_since = valid_date(values.get(CHANGES_KEY))
    return Deck(
        tuple(services), replace(state, view=VIEW_SERVICE_MAP), start, unknown_services_notice(unknown, by_key),
        changes_since=changes_since, alignment=alignment,
    )


def unknown_services_notice(unknown: Sequence[str], by_key: Mapping[str, str]) -> str:
    """One Norwegian sentence per unknown service name, with the closest valid id ("" when none)."""
    sentences = []
    for name in unknown:
        closest = closest_names(name, by_key)
        hint = f" Mente du {quote_list(closest)}?" if closest else ""
        sentences.append(f"Ukjent tjeneste «{name}» i lenken er hoppet over.{hint}")
    return " ".join(sentences)


def button_deck(current: str, main_services: Sequence[str]) -> tuple[str, ...]:
    """The deck the «Presentasjon» button opens: the headline services, with the one on screen first if it is not among them.

    >>> button_deck("ppt", ["legevakt", "ppt"]), button_deck("brann", ["legevakt", "ppt"])
    (('legevakt', 'ppt'), ('brann', 'legevakt', 'ppt'))
    """
    services = tuple(main_services)
    return services if current in services else (current, *services)


def presentation_query(state: ViewState, services: Sequence[str], default_service: str) -> str:
    """The bookmarkable link of a deck starting at `state.service`, keeping its region and filters.

    >>> presentation_query(ViewState(service="ppt", region="hallingdal"), ["legevakt", "ppt"], "legevakt")
    '?visning=presentasjon&tjenester=legevakt,ppt&tjeneste=ppt&region=hallingdal'
    """
    pairs = [(QUERY_KEYS["view"], VIEW_PRESENTATION), (DECK_KEY, ",".join(services))]
    if state.view == VIEW_ALIGNMENT:
        pairs.append((ALIGNMENT_DECK_KEY, "1"))
    elif services and state.service != services[0]:
        pairs.append((QUERY_KEYS["service"], state.service))
    rest = to_query(replace(state, view=VIEW_SERVICE_MAP, service=default_service, compare=()), default_service)
    return "?" + urlencode(pairs, safe=",") + ("&" + rest.lstrip("?") if rest else "")


def exit_query(deck: Deck, index: int, default_service: str) -> str:
    """The normal view's link for the slide on screen: same service, region and filters."""
    return to_query(deck.slide(index), default_service)


def slide_index(count: int, start: int, forward: int | None, back: int | None) -> int:
    """The slide shown after `forward` steps on and `back` steps back from `start`, wrapping both ways.

    Derived from the two click counts rather than from the previous index, so fast key
    presses whose requests overlap still land on the right slide.

    >>> slide_index(6, 0, 1, 0), slide_index(6, 0, 6, 0), slide_index(6, 0, 0, 1)
    (1, 0, 5)
    """
    return (start + (forward or 0) - (back or 0)) % count


def counter_text(index: int, count: int) -> str:
    """'2 / 6'."""
    return f"{index + 1} / {count}"


def slide_heading(model: "CooperationModel", state: ViewState) -> str:
    """'Legevakt – Hallingdal', or '… – alle kartlagte kommuner' without a region."""
    regions = dict(zip(model.regions["id"], model.regions["name"]))
    where = regions.get(state.region, state.region) if state.region else ALL_SURVEYED
    subject = "Samsvar: ulike partnersett per kommune" if state.view == VIEW_ALIGNMENT else model.service_label(state.service)
    return f"{subject} – {where}"


def slide_source(source_label: str) -> str:
    """The credit line on every slide."""
    return f"Kilde: {source_label} · {ATTRIBUTION}"


# ----- the slide figure -------------------------------------------------------------------


def slide_figure(spec: Mapping[str, Any], service: str, sizes: SlideSizes = SlideSizes()) -> dict[str, Any]:
    """The app's map figure dict restyled for a projector (a new dict; `spec` is not changed).

    The title and the credit line move out of the plot into the slide's own large text; the
    legend sits beside the map in large type; notes under the map grow and keep clear of
    each other; markers (gap crosses, dots of municipalities in two arrangements) grow.
    """
    layout = dict(spec["layout"])
    layout.pop("height", None)
    annotations, notes = slide_annotations(layout.get("annotations", ()), sizes)
    legend = dict(layout.get("legend", {}))
    legend.update(
        x=LEGEND_X,
        xanchor="left",
        y=1.0,
        yanchor="top",
        font={"size": sizes.legend, "color": SLIDE_INK},
        title={**legend.get("title", {}), "font": {"size": sizes.legend_title, "color": SLIDE_INK}},
        bgcolor="#ffffff",
        bordercolor=SLIDE_INK,
        borderwidth=2,
        itemwidth=40,
        tracegroupgap=6,
    )
    layout.update(
        autosize=True,
        # plotly.js hides a legend with a single entry unless told; a slide always names its arrangements.
        showlegend=True,
        title={"text": ""},
        font={**layout.get("font", {}), "size": sizes.font, "color": SLIDE_INK},
        legend=legend,
        annotations=annotations,
        margin={"l": 8, "r": 8, "t": 8, "b": 16 + sizes.note_line * notes},
        geo={**layout.get("geo", {}), "domain": {"x": [0.0, MAP_SHARE], "y": [0.0, 1.0]}},
        hoverlabel={**layout.get("hoverlabel", {}), "font": {"size": sizes.hover, "color": SLIDE_INK}},
        dragmode=False,
        # A new slide starts from its own figure: legend clicks and zoom of the last slide reset.
        uirevision=f"slide:{service}",
    )
    return {"data": slide_traces(spec["data"], sizes.marker_scale), "layout": layout}


def slide_traces(traces: Sequence[Mapping[str, Any]], marker_scale: float) -> list[dict[str, Any]]:
    """Traces with markers scaled up and a large colour swatch in the legend for each choropleth entry.

    The swatch is a legend-only marker in the choropleth's legend group, placed right after it,
    so legend order and a click on the entry (show only this arrangement) work as on screen.
    """
    result: list[dict[str, Any]] = []
    for trace in traces:
        if trace.get("type") == "choropleth" and trace.get("showlegend") is True:
            result.append({**trace, "showlegend": False})
            result.append(_swatch(trace))
        else:
            result.append(_larger_markers(trace, marker_scale))
    return result


def _swatch(choropleth: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "scattergeo",
        "name": choropleth.get("name", ""),
        "legendgroup": choropleth.get("legendgroup"),
        "mode": "markers",
        "lon": [None],
        "lat": [None],
        "marker": {"symbol": "square", "size": SWATCH_PX, "color": choropleth["colorscale"][-1][1], "line": {"width": 1, "color": SLIDE_INK}},
        "hoverinfo": "skip",
        # «N mindre ordninger» stays last in the legend, as on screen.
        **({"legendrank": choropleth["legendrank"]} if "legendrank" in choropleth else {}),
    }


def slide_annotations(
    annotations: Sequence[Mapping[str, Any]], sizes: SlideSizes = SlideSizes()
) -> tuple[list[dict[str, Any]], int]:
    """(annotations for a slide, number of note lines under the map).

    Drops the credit line (the slide shows it in its footer) and hints that mean nothing on
    a projector; stacks the remaining notes under the map at fixed pixel steps.
    """
    kept: list[dict[str, Any]] = []
    below = 0
    for annotation in annotations:
        text = str(annotation.get("text", ""))
        if "Kilde:" in text or "Kartgrunnlag:" in text or text.startswith(INTERACTIVE_HINT_PREFIXES):
            continue
        note = dict(annotation)
        if note.get("yref") == "paper" and float(note.get("y", 0)) < 0:
            note.update(y=0, yanchor="top", yshift=-(6 + sizes.note_line * below), font={"size": sizes.note, "color": SLIDE_INK})
            below += 1
        else:
            note["font"] = {**note.get("font", {}), "size": sizes.center_message}
        kept.append(note)
    return kept, below


def _larger_markers(trace: Mapping[str, Any], scale: float) -> dict[str, Any]:
    """Scatter markers scaled by `scale` (choropleths unchanged)."""
    marker = trace.get("marker")
    if trace.get("type") != "scattergeo" or not isinstance(marker, Mapping) or "size" not in marker:
        return dict(trace)
    size = marker["size"]
    scaled = [value * scale for value in size] if isinstance(size, (list, tuple)) else size * scale
    return {**trace, "marker": {**marker, "size": scaled}}


def slide_patch(figure: Mapping[str, Any]) -> Patch:
    """What changes between two slides of one deck: traces, notes, legend title, bottom margin.

    The zoom (one region per deck) and every style setting stay as the first slide set them.
    """
    layout = figure["layout"]
    patch = Patch()
    patch["data"] = figure["data"]
    patch["layout"]["annotations"] = layout["annotations"]
    patch["layout"]["legend"]["title"]["text"] = layout["legend"]["title"].get("text", "")
    patch["layout"]["margin"]["b"] = layout["margin"]["b"]
    patch["layout"]["uirevision"] = layout["uirevision"]
    return patch
