"""Figure-prep: turns model queries into exactly what a map, table or profile shows. Pure, no IO."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Mapping, Sequence

import pandas as pd

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

# Hover boxes stay readable: long partner lists are cut, and lines wrap at about this width.
HOVER_MAX_PARTNERS = 8
HOVER_LINE_CHARS = 70
# From this many arrangements of one service, a municipality's hover lists them one line each.
COMPACT_HOVER_FROM = 2
UNKNOWN_HOST = "ikke oppgitt i kilden"

COVERAGE_COLUMNS = (
    "Kommune",
    "Kommunenummer",
    "Kartlagt",
    "Ordning",
    "Partnere",
    "Vertskommune",
    "Organisasjonsform",
    "Kilde",
)
NO_ARRANGEMENT = "Ingen ordning"


def plain(text: object) -> str:
    """Text from data made safe for plotly hover/legend labels, which read a few HTML tags.

    >>> plain("<a href='x'>A&B</a>")
    '&lt;a href=&#x27;x&#x27;&gt;A&amp;B&lt;/a&gt;'
    """
    return escape(str(text), quote=True)


def wrap_list(names: Sequence[str], limit: int = HOVER_MAX_PARTNERS, width: int = HOVER_LINE_CHARS) -> str:
    """Names joined with commas, cut after `limit` with a count, wrapped with <br> for hover boxes.

    >>> wrap_list(["A", "B", "C"], limit=2)
    'A, B og 1 til'
    """
    shown = list(names[:limit])
    text_items = [plain(name) for name in shown]
    lines: list[str] = []
    line = ""
    for item in text_items:
        candidate = f"{line}, {item}" if line else item
        if line and len(candidate) > width:
            lines.append(line + ",")
            line = item
        else:
            line = candidate
    if line:
        lines.append(line)
    text = "<br>  ".join(lines)
    rest = len(names) - len(shown)
    return f"{text} og {rest} til" if rest > 0 else text


def host_names(model: "CooperationModel", arrangement_id: str) -> str:
    """Host municipality names, or a plain statement that the source names none."""
    hosts = model.hosts(arrangement_id)
    return ", ".join(model.name_of(number) for number in hosts) if hosts else UNKNOWN_HOST


def focus_in(model: "CooperationModel", region: str | None) -> tuple[str, ...]:
    """Surveyed municipalities inside a region (all of them without a region)."""
    if region is None:
        return model.focus
    inside = set(model.region_municipalities(region))
    return tuple(number for number in model.focus if number in inside)


@dataclass(frozen=True)
class ServiceMapData:
    """Everything the service map draws, decided once so figure and table agree.

    memberships: one row per (kommunenummer, arrangement_id) shown (model.service_membership).
    arrangements: (id, name) in legend order.
    gaps: surveyed municipalities with no arrangement at all for the service.
    doubles: surveyed municipality -> its arrangement ids when it has two or more.
    hover: kommunenummer -> hover text for every municipality the map colours.
    """

    service: str
    service_label: str
    memberships: pd.DataFrame
    arrangements: tuple[tuple[str, str], ...]
    gaps: tuple[str, ...]
    doubles: Mapping[str, tuple[str, ...]]
    hover: Mapping[str, str]


def service_map_data(
    model: "CooperationModel",
    service: str,
    region: str | None = None,
    sector: str | None = None,
    legal_form: str | None = None,
    hover: bool = True,
) -> ServiceMapData:
    """Who is in which arrangement for `service` under the filters, plus gaps and doubles.

    Gaps and doubles come from the unfiltered coverage of the service: a municipality with no
    legevakt is a gap whatever legal form is chosen, and a filter never hides that a
    municipality belongs to two arrangements. `hover=False` leaves the hover texts out (the
    costly part) for what needs only who is where, such as a map's names.
    """
    label = model.service_label(service)
    memberships = model.service_membership(service, sector=sector, legal_form=legal_form, region=region)
    coverage = model.coverage(service)
    gaps = tuple(number for number, found in zip(coverage["kommunenummer"], coverage["arrangement_ids"]) if not found)
    doubles = {
        number: tuple(found)
        for number, found in zip(coverage["kommunenummer"], coverage["arrangement_ids"])
        if len(found) >= 2
    }
    names = dict(zip(memberships["arrangement_id"], memberships["arrangement"]))
    order = tuple(sorted(names.items(), key=lambda item: (item[1].casefold(), item[0])))
    texts = _hover_texts(model, memberships, gaps, doubles, label) if hover else {}
    return ServiceMapData(
        service=service,
        service_label=label,
        memberships=memberships,
        arrangements=order,
        gaps=gaps,
        doubles=doubles,
        hover=texts,
    )


def _hover_texts(
    model: "CooperationModel",
    memberships: pd.DataFrame,
    gaps: Sequence[str],
    doubles: Mapping[str, tuple[str, ...]],
    label: str,
) -> dict[str, str]:
    """kommunenummer -> hover text, once per municipality the service map colours."""
    focus = set(model.focus)
    hover: dict[str, str] = {}
    shown_ids: dict[str, tuple[str, ...]] = {}
    for number, arrangement_id in zip(memberships["kommunenummer"], memberships["arrangement_id"]):
        shown_ids[number] = shown_ids.get(number, ()) + (arrangement_id,)
    for number, arrangement_ids in shown_ids.items():
        all_ids = doubles.get(number, arrangement_ids)
        hover[number] = municipality_hover(model, number, all_ids, label, surveyed=number in focus)
    for number, arrangement_ids in doubles.items():
        hover.setdefault(number, municipality_hover(model, number, arrangement_ids, label, surveyed=True))
    for number in gaps:
        hover[number] = f"<b>{plain(model.name_of(number))}</b><br>{NO_ARRANGEMENT} for {plain(label.lower())}"
    return hover


def municipality_hover(
    model: "CooperationModel", number: str, arrangement_ids: Sequence[str], service_label: str, surveyed: bool
) -> str:
    """Hover text: municipality, then per arrangement its partners, host and source."""
    lines = [f"<b>{plain(model.name_of(number))}</b>"]
    if len(arrangement_ids) >= 2:
        lines.append(f"{len(arrangement_ids)} ordninger for {plain(service_label.lower())}:")
    if len(arrangement_ids) > COMPACT_HOVER_FROM:
        # Many arrangements: one line each (the hover repeats in every trace the municipality
        # is in, so full partner lists would grow with the square of the count).
        for arrangement_id in arrangement_ids:
            row = model.arrangement(arrangement_id)
            lines.append(
                f"• {plain(row['name'])} (vert: {plain(host_names(model, arrangement_id))}; {plain(row['source'])})"
            )
        lines.append("<i>Partnere: se profilen eller tabellen</i>")
        if not surveyed:
            lines.append("<i>Ikke blant de kartlagte kommunene</i>")
        return "<br>".join(lines)
    for arrangement_id in arrangement_ids:
        row = model.arrangement(arrangement_id)
        partners = [model.name_of(member) for member in model.members(arrangement_id) if member != number]
        lines.append(f"<b>{plain(row['name'])}</b>")
        if not partners:
            lines.append("  Partnere: ingen oppgitt")
        elif surveyed:
            lines.append(f"  Partnere: {wrap_list(partners)}")
        else:
            # Members outside the survey get the count only: the names are on the surveyed
            # members' hover, and large companies would repeat 50 names on every member.
            lines.append(f"  Partnere: {len(partners)} kommuner")
        lines.append(f"  Vertskommune: {plain(host_names(model, arrangement_id))}")
        lines.append(f"  Kilde: {plain(row['source'])}")
    if not surveyed:
        lines.append("<i>Ikke blant de kartlagte kommunene</i>")
    return "<br>".join(lines)


def outside_member_hover(model: "CooperationModel", arrangement_id: str) -> str:
    """Hover of every member outside the survey, after its name line: the same for all of them.

    Meant for a trace-level hovertemplate (the name comes from the boundary file), so a company
    with 60 owners sends this text once, not 60 times. Braces are escaped: `%{` would otherwise
    start a template variable.
    """
    row = model.arrangement(arrangement_id)
    partners = len(model.members(arrangement_id)) - 1
    lines = [
        f"<b>{plain(row['name'])}</b>",
        f"  Partnere: {partners} kommuner" if partners > 0 else "  Partnere: ingen oppgitt",
        f"  Vertskommune: {plain(host_names(model, arrangement_id))}",
        f"  Kilde: {plain(row['source'])}",
        "<i>Ikke blant de kartlagte kommunene</i>",
    ]
    return "<br>".join(lines).replace("{", "&#123;").replace("}", "&#125;")


def service_network_segments(
    model: "CooperationModel", data: ServiceMapData, anchors: Mapping[str, tuple[float, float]]
) -> list[dict]:
    """Per arrangement: lines from the host (or the members' centre if no host is known) to each member.

    Returns dicts with arrangement_id, name, hub (lon, lat), hub_is_host, hub_name, and
    spokes: list of (lon, lat) member anchors.
    """
    segments = []
    for arrangement_id, name in data.arrangements:
        members = [number for number in model.members(arrangement_id) if number in anchors]
        if len(members) < 2:
            continue
        hosts = [number for number in model.hosts(arrangement_id) if number in anchors]
        if hosts:
            hub = anchors[hosts[0]]
            hub_name = model.name_of(hosts[0])
        else:
            hub = (
                round(sum(anchors[number][0] for number in members) / len(members), 4),
                round(sum(anchors[number][1] for number in members) / len(members), 4),
            )
            hub_name = ""
        spokes = [anchors[number] for number in members if not hosts or number != hosts[0]]
        segments.append(
            {
                "arrangement_id": arrangement_id,
                "name": name,
                "hub": hub,
                "hub_is_host": bool(hosts),
                "hub_name": hub_name,
                "spokes": spokes,
            }
        )
    return segments


def partner_edges(
    model: "CooperationModel",
    sector: str | None = None,
    legal_form: str | None = None,
    region: str | None = None,
    service: str | None = None,
) -> pd.DataFrame:
    """Pairs of surveyed municipalities and how many matching arrangements they share.

    With a region, keeps pairs with at least one end inside it. Columns: a, b, shared,
    a_name, b_name.
    """
    pairs = model.partner_pairs(service=service, sector=sector, legal_form=legal_form, region=region, focus_only=True)
    if region is not None and not pairs.empty:
        inside = set(model.region_municipalities(region))
        pairs = pairs[pairs["a"].isin(inside) | pairs["b"].isin(inside)]
    pairs = pairs.reset_index(drop=True)
    return pairs.assign(
        a_name=[model.name_of(number) for number in pairs["a"]],
        b_name=[model.name_of(number) for number in pairs["b"]],
    )


def municipality_counts(
    model: "CooperationModel",
    sector: str | None = None,
    legal_form: str | None = None,
    service: str | None = None,
) -> pd.DataFrame:
    """Arrangements per surveyed municipality under the filters, with a count per sector.

    Columns: kommunenummer, kommune, ordninger, then one column per sector id. Without
    filters `ordninger` equals model.totals() (Table 3.2). Computed here because the model's
    totals() filters by sector only.
    """
    matching = model.filtered_arrangements(service=service, sector=sector, legal_form=legal_form)
    sector_of = dict(zip(matching["id"], matching["sector"]))
    sector_ids = [sector_id for sector_id, _label in model.sector_options()]
    rows = []
    for number in model.focus:
        counts = Counter(sector_of[aid] for aid in model.arrangement_ids_of(number) if aid in sector_of)
        rows.append([number, model.name_of(number), sum(counts.values()), *(counts.get(s, 0) for s in sector_ids)])
    return pd.DataFrame(rows, columns=["kommunenummer", "kommune", "ordninger", *sector_ids])


def coverage_rows(
    model: "CooperationModel",
    service: str,
    region: str | None = None,
    sector: str | None = None,
    legal_form: str | None = None,
    data: ServiceMapData | None = None,
) -> pd.DataFrame:
    """The service map as a table: one row per (municipality, arrangement), plus one per gap.

    Rows cover the municipalities the map colours; with a region, only those inside it.
    """
    data = data or service_map_data(model, service, region=region, sector=sector, legal_form=legal_form)
    focus = set(model.focus)
    inside = set(model.region_municipalities(region)) if region is not None else None
    rows = []
    for number, arrangement_id in zip(data.memberships["kommunenummer"], data.memberships["arrangement_id"]):
        if inside is not None and number not in inside:
            continue
        row = model.arrangement(arrangement_id)
        partners = [model.name_of(member) for member in model.members(arrangement_id) if member != number]
        rows.append(
            (
                model.name_of(number),
                number,
                "ja" if number in focus else "nei",
                row["name"],
                ", ".join(partners),
                host_names(model, arrangement_id),
                model.legal_form_label(row["legal_form"]),
                row["source"],
            )
        )
    for number in data.gaps:
        if inside is not None and number not in inside:
            continue
        rows.append((model.name_of(number), number, "ja", NO_ARRANGEMENT, "", "", "", ""))
    frame = pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS))
    # Surveyed municipalities first (what the survey is about), partners outside after them.
    frame = frame.assign(_order=frame["Kartlagt"].map({"ja": "0", "nei": "1"}) + frame["Kommune"].map(norwegian_key))
    return frame.sort_values(["_order", "Ordning"], key=lambda column: column.map(norwegian_key)).drop(columns="_order").reset_index(drop=True)


def totals_rows(
    model: "CooperationModel",
    region: str | None = None,
    sector: str | None = None,
    legal_form: str | None = None,
) -> pd.DataFrame:
    """The count map as a table: surveyed municipalities, total and one column per sector label."""
    counts = municipality_counts(model, sector=sector, legal_form=legal_form)
    keep = set(focus_in(model, region))
    counts = counts[counts["kommunenummer"].isin(keep)]
    labels = dict(model.sector_options())
    renamed = counts.rename(columns={"kommune": "Kommune", "kommunenummer": "Kommunenummer", "ordninger": "Ordninger"})
    renamed = renamed.rename(columns=labels)
    ordered = ["Kommune", "Kommunenummer", "Ordninger", *labels.values()]
    return renamed.loc[:, ordered].sort_values("Ordninger", ascending=False, kind="stable").reset_index(drop=True)


NUMBER_2024_COLUMN = "Kommunenummer 2024"


def with_number_2024(frame: pd.DataFrame, model: "CooperationModel", after: str = "Kommunenummer") -> pd.DataFrame:
    """`frame` with the 2024 number beside the number shown, so a download joins with today's
    statistics (SSB, KOSTRA) whichever structure the data is in ("" only for Ålesund 1507, split)."""
    return with_number_in(frame, model, "2024", NUMBER_2024_COLUMN, after)


def with_number_in(frame: pd.DataFrame, model: "CooperationModel", structure: str, column: str, after: str) -> pd.DataFrame:
    """`frame` with a column `column` of each row's number in `structure`, right after column `after`."""
    numbers = [model.registry.number_in(str(number), structure) for number in frame[after]]
    position = list(frame.columns).index(after) + 1
    return frame.copy().assign(**{column: numbers}).loc[:, [*frame.columns[:position], column, *frame.columns[position:]]]


def profile_rows(model: "CooperationModel", number: str) -> pd.DataFrame:
    """A municipality's arrangements for the profile list and its CSV download (Norwegian headers)."""
    profile = model.profile(number)
    return pd.DataFrame(
        {
            "Kommune": model.name_of(number),
            "Sektor": profile["sector"],
            "Ordning": profile["name"],
            "Tjenester": profile["services"],
            "Partnere": profile["partners"],
            "Vertskommune": [hosts or UNKNOWN_HOST for hosts in profile["hosts"]],
            "Organisasjonsform": [model.legal_form_label(form) for form in profile["legal_form"]],
            "Kilde": profile["source"],
        }
    )


# ----- one-line summaries shown above the map (and read out by screen readers) -------------


def region_phrase(model: "CooperationModel", region: str | None) -> str:
    """' i Hallingdal' for a region, '' for the whole surveyed set."""
    if region is None:
        return ""
    names = dict(zip(model.regions["id"], model.regions["name"]))
    return f" i {names.get(region, region)}"


def filter_phrase(model: "CooperationModel", sector: str | None, legal_form: str | None) -> str:
    """' innen Helsetjenester, organisert som IKS' for the active filters, '' without."""
    parts = []
    if sector:
        parts.append(f"innen {model.sector_label(sector).lower()}")
    if legal_form:
        parts.append(f"organisert som {model.legal_form_label(legal_form)}")
    return (" " + ", ".join(parts)) if parts else ""


NORWEGIAN_LETTERS = str.maketrans({"æ": "{", "ø": "|", "å": "}"})


def norwegian_key(name: str) -> str:
    """Sort key putting æ, ø, å after z, in that order.

    >>> sorted(["Ål", "Øvre Eiker", "Ærø", "Gol"], key=norwegian_key)
    ['Gol', 'Ærø', 'Øvre Eiker', 'Ål']
    """
    return name.casefold().translate(NORWEGIAN_LETTERS)


def join_names(names: Sequence[str]) -> str:
    """Norwegian list: 'A', 'A og B', 'A, B og C'.

    >>> join_names(["Hol", "Ål", "Gol"])
    'Hol, Ål og Gol'
    """
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


# A summary names at most this many municipalities per list; longer lists are counted, and the
# table view («Tabell») has every name. Keeps the sentence short at national scale.
SUMMARY_MAX_NAMES = 4


ALL_IN_TABLE = " (alle i «Tabell»)"


def few_names(names: Sequence[str], limit: int = SUMMARY_MAX_NAMES, rest: str = ALL_IN_TABLE) -> str:
    """All names when few, else the count and the first ones: a sentence that stays short.

    >>> few_names(["Hol", "Ål"])
    'Hol og Ål'
    >>> few_names(["A", "B", "C", "D", "E", "F"])
    '6 kommuner, blant dem A, B og C (alle i «Tabell»)'
    """
    names = list(names)
    if len(names) <= limit:
        return join_names(names)
    shown = limit - 1
    return f"{len(names)} kommuner, blant dem {join_names(names[:shown])}{rest}"


def service_summary(
    model: "CooperationModel",
    data: ServiceMapData,
    region: str | None,
    sector: str | None,
    legal_form: str | None,
    rest: str = ALL_IN_TABLE,
) -> str:
    """What the service map shows, in words; says plainly when nothing matches.

    Long lists are counted and name only a few; `rest` says where the others are (on paper: nowhere).
    """
    where = region_phrase(model, region)
    filters = filter_phrase(model, sector, legal_form)
    label = data.service_label
    if not data.arrangements:
        return (
            f"Ingen ordninger for {label.lower()}{filters}{where}. "
            "Fjern et filter eller velg en annen region for å se flere."
        )
    count = len(data.arrangements)
    text = f"{label}: {count} {'ordning' if count == 1 else 'ordninger'}{filters}{where}."
    inside = set(focus_in(model, region))
    gaps = sorted((model.name_of(number) for number in data.gaps if number in inside), key=norwegian_key)
    doubles = sorted((model.name_of(number) for number in data.doubles if number in inside), key=norwegian_key)
    if gaps:
        text += f" Uten ordning: {few_names(gaps, rest=rest)}."
    if doubles:
        text += f" I to ordninger: {few_names(doubles, rest=rest)}."
    return text


def network_summary(
    model: "CooperationModel", edges: pd.DataFrame, region: str | None, sector: str | None, legal_form: str | None
) -> str:
    """What the network map shows, in words."""
    where = region_phrase(model, region)
    filters = filter_phrase(model, sector, legal_form)
    if edges.empty:
        return f"Ingen felles ordninger mellom de kartlagte kommunene{filters}{where}."
    strongest = edges.sort_values(["shared", "a_name"], ascending=[False, True]).iloc[0]
    return (
        f"{len(edges)} kommunepar samarbeider{filters}{where}. Flest felles ordninger: "
        f"{strongest['a_name']} og {strongest['b_name']} ({strongest['shared']})."
    )


def intensity_summary(
    model: "CooperationModel", counts: pd.DataFrame, region: str | None, sector: str | None, legal_form: str | None
) -> str:
    """Highest and lowest count among the surveyed municipalities in view."""
    where = region_phrase(model, region)
    filters = filter_phrase(model, sector, legal_form)
    inside = counts[counts["kommunenummer"].isin(focus_in(model, region))]
    if inside.empty:
        return f"Ingen av de kartlagte kommunene ligger{where}. Velg en annen region."
    if not inside["ordninger"].sum():
        return f"Ingen ordninger{filters}{where}. Fjern et filter for å se flere."
    ordered = inside.sort_values(["ordninger", "kommune"], ascending=[False, True])
    top, bottom = ordered.iloc[0], ordered.iloc[-1]
    return (
        f"Antall ordninger{filters}{where}: flest har {top['kommune']} ({top['ordninger']}), "
        f"færrest {bottom['kommune']} ({bottom['ordninger']})."
    )
