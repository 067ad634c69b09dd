"""«Samsvar»: do a municipality's partners change from service to service? Pure functions of a model.

The definitions are the issue's, word for word, and `DEFINITIONS` states them in Norwegian
for the page, the CLI help and the exports:

- For a municipality M and a service S in which M takes part, the *partner set* is every member
  of every arrangement for S that M belongs to, minus M itself. An arrangement belongs to S if S
  is among its services.
- For a chosen set of services, *tjenester* is how many of them M takes part in.
  *Konstellasjoner* is the number of distinct partner sets among them.
- Two services' *district agreement* is computed over pairs of surveyed municipalities that both
  take part in both services: the share of those pairs that are partners in both or in neither.

Partner sets are computed over every member (also those outside the survey); rows and pairs are
surveyed municipalities only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from dashboard.data.model import MAIN_SERVICE_FALLBACK

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel

# A page, a link or a command line may choose at most this many services: the agreement matrix
# grows with the square of the count, and a table wider than this is unreadable anyway.
MAX_SERVICES = 12
# How many services a register without the headline ones starts with.
DEFAULT_COUNT = 6

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Partnersett",
        "For en kommune og en tjeneste den deltar i: alle medlemmer i alle ordninger for tjenesten "
        "som kommunen er med i, unntatt kommunen selv. En ordning hører til tjenesten når tjenesten "
        "er blant ordningens tjenester.",
    ),
    ("Tjenester", "Hvor mange av de valgte tjenestene kommunen deltar i."),
    (
        "Konstellasjoner",
        "Antall ulike partnersett blant disse tjenestene. 1 betyr helt i takt; samme tall som "
        "«tjenester» betyr at hver tjeneste har sine egne partnere.",
    ),
    (
        "Distriktssamsvar",
        "For to tjenester: blant parene av kartlagte kommuner som begge deltar i begge tjenestene, "
        "andelen par som er partnere i begge tjenestene eller i ingen av dem.",
    ),
)


def default_services(model: "CooperationModel") -> tuple[str, ...]:
    """The headline services the model has arrangements for, legevakt first (the issue's order).

    A register with none of them (an upload about other tasks) gets its first six services.
    """
    used = [service_id for service_id, _label in model.service_options()]
    main = [service_id for service_id in model.main_service_ids() if service_id in used]
    order = {service_id: position for position, service_id in enumerate(MAIN_SERVICE_FALLBACK)}
    return tuple(sorted(main, key=lambda service_id: order.get(service_id, len(order)))) or tuple(used[:DEFAULT_COUNT])


def partner_set(model: "CooperationModel", kommunenummer: str, service: str) -> frozenset[str] | None:
    """The partner set of a municipality for a service; None when it takes part in no arrangement for it."""
    service_ids = _service_arrangements(model, service)
    mine = [aid for aid in model.arrangement_ids_of(kommunenummer) if aid in service_ids]
    if not mine:
        return None
    members: set[str] = set()
    for aid in mine:
        members.update(model.members(aid))
    members.discard(kommunenummer)
    return frozenset(members)


def _service_arrangements(model: "CooperationModel", service: str) -> frozenset[str]:
    """Ids of the arrangements that have `service` among their services (KeyError if unknown)."""
    return model.arrangement_ids_for(service)


def partner_sets(
    model: "CooperationModel", services: Sequence[str], municipalities: Iterable[str] | None = None
) -> dict[str, dict[str, frozenset[str]]]:
    """municipality -> service -> partner set, for the services each municipality takes part in.

    Municipalities default to every member of a chosen service's arrangements (surveyed or not).
    """
    by_service = {service: _service_arrangements(model, service) for service in services}
    wanted = None if municipalities is None else set(municipalities)
    result: dict[str, dict[str, set[str]]] = {}
    for service, arrangement_ids in by_service.items():
        for aid in arrangement_ids:
            members = model.members(aid)
            for number in members:
                if wanted is not None and number not in wanted:
                    continue
                result.setdefault(number, {}).setdefault(service, set()).update(members)
    frozen: dict[str, dict[str, frozenset[str]]] = {}
    for number, per_service in result.items():
        frozen[number] = {service: frozenset(members - {number}) for service, members in per_service.items()}
    return frozen


@dataclass(frozen=True)
class Constellation:
    """One municipality's count: tjenester and konstellasjoner over the chosen services."""

    kommunenummer: str
    kommune: str
    services: int
    constellations: int


def constellations(
    model: "CooperationModel", services: Sequence[str], region: str | None = None
) -> list[Constellation]:
    """One row per surveyed municipality (in the region, if given) that takes part in at least one service.

    Sorted by kommunenummer, as the other CSV commands are.
    """
    focus = _surveyed_in(model, region)
    sets = partner_sets(model, services, focus)
    rows = []
    for number in sorted(focus):
        per_service = sets.get(number, {})
        if not per_service:
            continue
        rows.append(Constellation(number, model.name_of(number), len(per_service), len(set(per_service.values()))))
    return rows


def agreement(
    model: "CooperationModel", first: str, second: str, region: str | None = None,
    sets: Mapping[str, Mapping[str, frozenset[str]]] | None = None,
) -> tuple[float | None, int]:
    """(district agreement, number of pairs) of two services; (None, 0) when no pair takes part in both.

    Counted without listing pairs: agreeing pairs = pairs − partners in one only, where the
    partner pairs are summed per municipality over the eligible set (each pair counted twice).
    """
    focus = _surveyed_in(model, region)
    sets = sets if sets is not None else partner_sets(model, (first, second), focus)
    eligible = {number for number in focus if first in sets.get(number, {}) and second in sets.get(number, {})}
    count = len(eligible)
    pairs = count * (count - 1) // 2
    if pairs == 0:
        return None, 0
    in_first = in_second = in_both = 0
    for number in eligible:
        a = sets[number][first] & eligible
        b = sets[number][second] & eligible
        in_first += len(a)
        in_second += len(b)
        in_both += len(a & b)
    in_first, in_second, in_both = in_first // 2, in_second // 2, in_both // 2
    agreeing = pairs - (in_first - in_both) - (in_second - in_both)
    return agreeing / pairs, pairs


def agreement_matrix(
    model: "CooperationModel", services: Sequence[str], region: str | None = None
) -> dict[tuple[str, str], tuple[float | None, int]]:
    """(service, service) -> (agreement, pairs) for every ordered pair of the chosen services."""
    sets = partner_sets(model, services, _surveyed_in(model, region))
    matrix: dict[tuple[str, str], tuple[float | None, int]] = {}
    for i, first in enumerate(services):
        for second in services[i:]:
            value = agreement(model, first, second, region, sets)
            matrix[(first, second)] = matrix[(second, first)] = value
    return matrix


@dataclass(frozen=True)
class PartnerGrid:
    """Services as rows, partners as columns: `cells[(service, partner)]` names the shared arrangements.

    partners are ordered by how many of the services they share (recurring partners first), then
    by name; `not_taking_part` are chosen services the municipality takes part in no arrangement for.
    """

    kommunenummer: str
    services: tuple[str, ...]
    partners: tuple[str, ...]
    cells: Mapping[tuple[str, str], tuple[str, ...]]
    not_taking_part: tuple[str, ...]

    def shared_count(self, partner: str) -> int:
        """In how many of the services `partner` is a partner."""
        return sum((service, partner) in self.cells for service in self.services)


def partner_grid(
    model: "CooperationModel", kommunenummer: str, services: Sequence[str], sort_key=None
) -> PartnerGrid:
    """The partner grid of one municipality over the chosen services."""
    model.name_of(kommunenummer)
    cells: dict[tuple[str, str], list[str]] = {}
    taking_part = []
    for service in services:
        arrangement_ids = _service_arrangements(model, service)
        mine = [aid for aid in model.arrangement_ids_of(kommunenummer) if aid in arrangement_ids]
        if mine:
            taking_part.append(service)
        for aid in mine:
            for member in model.members(aid):
                if member != kommunenummer:
                    cells.setdefault((service, member), []).append(aid)
    partners = {partner for _service, partner in cells}
    key = sort_key or (lambda text: text.casefold())
    counts = {partner: sum((service, partner) in cells for service in services) for partner in partners}
    ordered = sorted(partners, key=lambda partner: (-counts[partner], key(model.name_of(partner)), partner))
    return PartnerGrid(
        kommunenummer=kommunenummer,
        services=tuple(services),
        partners=tuple(ordered),
        cells={key_: tuple(ids) for key_, ids in cells.items()},
        not_taking_part=tuple(service for service in services if service not in taking_part),
    )


@dataclass(frozen=True)
class Comparison:
    """Two services side by side: who has the same partners in both, who differs, who takes part in one only."""

    first: str
    second: str
    same: tuple[str, ...]
    different: tuple[str, ...]
    only_first: tuple[str, ...]
    only_second: tuple[str, ...]


def compare(model: "CooperationModel", first: str, second: str, region: str | None = None) -> Comparison:
    """Surveyed municipalities (in the region) sorted into same, different, and in one service only."""
    focus = _surveyed_in(model, region)
    sets = partner_sets(model, (first, second), focus)
    same, different, only_first, only_second = [], [], [], []
    for number in sorted(focus):
        per_service = sets.get(number, {})
        if first in per_service and second in per_service:
            (same if per_service[first] == per_service[second] else different).append(number)
        elif first in per_service:
            only_first.append(number)
        elif second in per_service:
            only_second.append(number)
    return Comparison(first, second, tuple(same), tuple(different), tuple(only_first), tuple(only_second))


def check_services(model: "CooperationModel", services: Sequence[str]) -> tuple[str, ...]:
    """The services, without duplicates and in order; KeyError for an unknown one, ValueError past MAX_SERVICES."""
    unique = tuple(dict.fromkeys(services))
    for service in unique:
        model.service_label(service)
    if len(unique) > MAX_SERVICES:
        raise ValueError(f"høyst {MAX_SERVICES} tjenester om gangen, ikke {len(unique)}")
    return unique


def _surveyed_in(model: "CooperationModel", region: str | None) -> tuple[str, ...]:
    if region is None:
        return model.focus
    inside = set(model.region_municipalities(region))
    return tuple(number for number in model.focus if number in inside)
