"""Colour choices shared by every view, so one arrangement has one colour everywhere."""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

# Colour-blind-safe categorical palette: Okabe & Ito (2008) without black, then Paul Tol's
# "muted" scheme without its pale grey. Most distinct colours first: greedy assignment uses the
# front of the list for services with few arrangements.
ARRANGEMENT_PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#332288",  # indigo
    "#882255",  # wine
    "#117733",  # green
    "#999933",  # olive
    "#CC6677",  # rose
    "#DDCC77",  # sand
    "#88CCEE",  # cyan
    "#44AA99",  # teal
    "#AA4499",  # purple
)

# Municipalities on the map that are not part of the current selection.
BASE_FILL = "#eceff1"
BASE_LINE = "#ffffff"
# Surveyed municipalities with no arrangement for the chosen service: white with a heavy
# dark outline and a cross, so a gap reads as "missing", not as one more category.
GAP_FILL = "#ffffff"
GAP_LINE = "#1a1a1a"
# Outline that marks a municipality with two arrangements for one service.
DOUBLE_LINE = "#1a1a1a"
# The municipality chosen for the profile.
SELECTION_LINE = "#000000"
# Lines of the network layer and the host marker outline.
NETWORK_LINE = "#263238"
# Share of white blended into an arrangement colour for members outside the surveyed set.
OUTSIDE_TINT = 0.6
# Sequential, colour-blind-safe scale (ColorBrewer "Blues" without its near-white end, so the
# lowest count still reads as coloured against the grey base and the white gaps).
COUNT_SCALE: tuple[tuple[float, str], ...] = (
    (0.0, "#deebf7"),
    (0.25, "#9ecae1"),
    (0.5, "#6baed6"),
    (0.75, "#3182bd"),
    (1.0, "#08306b"),
)


def assign_colors(items: Sequence[str], conflicts: Mapping[str, Iterable[str]], palette: Sequence[str]) -> dict[str, str]:
    """Greedy colouring: each item in order gets the first colour none of its conflicts has.

    Deterministic for a given order, so an arrangement keeps its colour across views and
    sessions. When every colour is taken by a conflict, falls back to cycling by position.

    >>> assign_colors(["a", "b", "c"], {"a": ["b"], "b": ["a"]}, ["red", "blue"])
    {'a': 'red', 'b': 'blue', 'c': 'red'}
    """
    colors: dict[str, str] = {}
    for position, item in enumerate(items):
        taken = {colors[other] for other in conflicts.get(item, ()) if other in colors}
        free = [color for color in palette if color not in taken]
        colors[item] = free[0] if free else palette[position % len(palette)]
    return colors


def arrangement_colors(arrangement_ids: Sequence[str], services: Sequence[Sequence[str]]) -> dict[str, str]:
    """Colour per arrangement id; arrangements that share a service (same map) never share a colour.

    `services[i]` are the service ids of `arrangement_ids[i]`. Ids are visited in sorted
    order, so colours depend on the data, not on row order.
    """
    by_service: dict[str, list[str]] = {}
    for arrangement_id, service_ids in zip(arrangement_ids, services):
        for service_id in service_ids:
            by_service.setdefault(service_id, []).append(arrangement_id)
    conflicts: dict[str, set[str]] = {arrangement_id: set() for arrangement_id in arrangement_ids}
    for members in by_service.values():
        for arrangement_id in members:
            conflicts[arrangement_id].update(other for other in members if other != arrangement_id)
    return assign_colors(sorted(arrangement_ids), conflicts, ARRANGEMENT_PALETTE)


def sector_colors(sector_ids: Sequence[str]) -> dict[str, str]:
    """Colour per sector id in the given (contract) order, for stacked bars."""
    return {sector_id: ARRANGEMENT_PALETTE[i % len(ARRANGEMENT_PALETTE)] for i, sector_id in enumerate(sector_ids)}


def tint(color: str, share_white: float = OUTSIDE_TINT) -> str:
    """`color` ("#rrggbb") blended with white; used for members outside the surveyed set.

    >>> tint("#000000", 0.5)
    '#808080'
    """
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(channel + (255 - channel) * share_white) for channel in (red, green, blue))
    return "#" + "".join(f"{channel:02x}" for channel in mixed)
