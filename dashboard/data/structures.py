"""The two municipality structures: the survey's of 2020 (356 municipalities, 11 counties) and
today's of 2024 (357, 15), and a model moved from the one to the other.

The survey stays in 2020 numbers, as published; registers declare their structure (new ones
2024). A 2020 model is shown "in today's terms" by renumbering it with the hand-kept table
geodata/kommunenummer-2020-2024.csv and swapping the counties: one function, no copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterable, Mapping

import pandas as pd

from dashboard.data.registry import Registry

if TYPE_CHECKING:
    import geopandas as gpd

    from dashboard.data.model import CooperationModel

STRUCTURE_2020 = "2020"
STRUCTURE_2024 = "2024"
STRUCTURES = (STRUCTURE_2020, STRUCTURE_2024)
# New registers and uploads: people today write 2024 names and numbers (Haram, Drammen 3301).
DEFAULT_STRUCTURE = STRUCTURE_2024
STRUCTURE_LABELS = MappingProxyType(
    {STRUCTURE_2020: "2020 (356 kommuner, 11 fylker)", STRUCTURE_2024: "2024 (357 kommuner, 15 fylker)"}
)
FYLKE_KIND = "fylke"


def check_structure(value: object) -> str:
    """A structure name, or ValueError naming the valid ones (Norwegian: shown on the command line)."""
    text = str(value or "").strip()
    if text not in STRUCTURES:
        raise ValueError(f"ukjent kommunestruktur «{text}»: velg {' eller '.join(STRUCTURES)}")
    return text


@dataclass(frozen=True)
class NumberChanges:
    """The 2024 reform as numbers: one-to-one 2020 -> 2024, and the splits (2024 -> 2020)."""

    to_2024: Mapping[str, str]
    splits: Mapping[str, str]

    @classmethod
    def read(cls, path: Path) -> "NumberChanges":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        one_to_one = frame[frame["change"] != "split"]
        split = frame[frame["change"] == "split"]
        return cls(
            MappingProxyType(dict(zip(one_to_one["kommunenummer_2020"], one_to_one["kommunenummer_2024"]))),
            MappingProxyType(dict(zip(split["kommunenummer_2024"], split["kommunenummer_2020"]))),
        )


def link_registries(registry_2020: Registry, registry_2024: Registry, changes: NumberChanges) -> tuple[Registry, Registry]:
    """Both registries, each also accepting the other's names and numbers where they map one to one."""
    to_2020 = {new: old for old, new in changes.to_2024.items()}
    return (
        registry_2020.linked(registry_2024, to_2020, changes.to_2024, changes.splits),
        registry_2024.linked(registry_2020, changes.to_2024, {}, changes.splits),
    )


def fylke_regions(registry: Registry, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(regions, members) of the registry's counties: ids fylke-NN, as the survey's regions.csv has them."""
    municipalities = registry.municipalities
    fylker = municipalities.drop_duplicates("fylkesnummer").sort_values("fylkesnummer")
    regions = pd.DataFrame(
        {"id": [f"fylke-{n}" for n in fylker["fylkesnummer"]], "name": list(fylker["fylke"]), "kind": FYLKE_KIND, "source": source}
    )
    members = pd.DataFrame(
        {"region_id": [f"fylke-{n}" for n in municipalities["fylkesnummer"]], "kommunenummer": list(municipalities["kommunenummer"])}
    )
    return regions, members


def renumber_2024(registry: Registry, kommunenummer: str) -> tuple[str, str]:
    """(2024 number, notice) of the 2020 municipality `kommunenummer`; `registry` is the 2024 one,
    linked to 2020 (`link_registries`). The notice is "" unless the municipality was split.

    Renumbered municipalities map one to one (Drammen 3005 -> 3301). Ålesund 1507 was split;
    what names it is shown on the part that kept the name (Ålesund 1508), and the notice says so.
    ValueError for a number 2020 did not have.
    """
    found = registry.from_other(kommunenummer)
    if found:
        return found, ""
    parts = registry.split_parts(kommunenummer)
    if not parts:
        raise ValueError(f"kommunenummer {kommunenummer} har ikke noe nummer i 2024")
    old_name = registry.other.name_of(kommunenummer) if registry.other is not None else kommunenummer
    same_name = [new for new in parts if registry.name_of(new) == old_name]
    found = (same_name or parts)[0]
    others = ", ".join(f"{registry.name_of(p)} ({p})" for p in parts if p != found)
    return found, f"{old_name} ({kommunenummer}) ble delt i 2024; ordningene vises på {registry.name_of(found)} ({found}), ikke på {others}"


def numbers_shown(model: "CooperationModel", numbers: Iterable[str], structure: str) -> list[str]:
    """`numbers` of a register in `structure`, as `model` (shown in its own structure) numbers them.

    Things kept outside the model (a register's history of changes) name municipalities in the
    register's structure; a survey shown in 2024 terms draws them under their 2024 numbers.
    A number the other structure lacks is kept as it is (the map then leaves it out).
    """
    if structure == model.structure:
        return list(numbers)
    if (structure, model.structure) != (STRUCTURE_2020, STRUCTURE_2024):
        raise ValueError(f"kan ikke vise kommunestrukturen {structure} som {model.structure}")
    shown = []
    for number in numbers:
        try:
            shown.append(renumber_2024(model.registry, number)[0])
        except ValueError:
            shown.append(number)
    return shown


def to_2024(model: "CooperationModel", registry: Registry, boundaries: "gpd.GeoDataFrame") -> "CooperationModel":
    """A 2020 model in today's terms: 2024 numbers, names, boundaries and counties.

    Renumbered municipalities map one to one (Drammen 3005 -> 3301). Ålesund 1507 was split;
    arrangements naming it are shown on the part that kept the name (Ålesund 1508), with a notice.
    The counties of 2020 (Viken, ...) give way to those of 2024; the other regions keep their ids.
    """
    from dashboard.data.model import (
        CooperationModel,  # the model module imports nothing from here
    )

    if model.structure == STRUCTURE_2024:
        return model
    notices = list(model.notices)
    mapping: dict[str, str] = {}

    def new_number(knr: str) -> str:
        if knr not in mapping:
            mapping[knr], notice = renumber_2024(registry, knr)
            if notice:
                notices.append(notice)
        return mapping[knr]

    memberships = model.memberships.assign(kommunenummer=[new_number(k) for k in model.memberships["kommunenummer"]])
    arrangements = model.arrangements.assign(hosts=[tuple(new_number(k) for k in hosts) for hosts in model.arrangements["hosts"]])
    kinds = dict(zip(model.regions["id"], model.regions["kind"]))
    kept = model.regions[model.regions["kind"] != FYLKE_KIND]
    kept_members = model.region_members[[kinds.get(rid) != FYLKE_KIND for rid in model.region_members["region_id"]]]
    kept_members = kept_members.assign(kommunenummer=[new_number(k) for k in kept_members["kommunenummer"]])
    fylker, fylke_members = fylke_regions(registry, "Fylkesinndelingen 2024")
    regions = pd.concat([kept.loc[:, ["id", "name", "kind"]], fylker.loc[:, ["id", "name", "kind"]]], ignore_index=True)
    region_members = pd.concat([kept_members.loc[:, ["region_id", "kommunenummer"]], fylke_members], ignore_index=True)
    focus = [new_number(k) for k in model.focus]
    return CooperationModel.build(
        registry=registry,
        focus=focus,
        arrangements=arrangements,
        memberships=memberships,
        regions=regions,
        region_members=region_members,
        boundaries=boundaries.assign(surveyed=boundaries["kommunenummer"].isin(set(focus))),
        source_label=model.source_label,
        services=model.services,
        sectors=model.sectors,
        notices=tuple(notices),
        structure=STRUCTURE_2024,
    )


def in_structure(model: "CooperationModel", structure: str, bases: Mapping[str, "CooperationModel"]) -> "CooperationModel":
    """`model` shown in `structure`; `bases` are the survey in each structure (registry, boundaries).

    Only 2020 -> 2024 is a mapping (2024 -> 2020 would merge Haram back into Ålesund); anything
    else is ValueError.
    """
    if model.structure == structure:
        return model
    if (model.structure, structure) != (STRUCTURE_2020, STRUCTURE_2024) or STRUCTURE_2024 not in bases:
        raise ValueError(f"kan ikke vise kommunestrukturen {model.structure} som {structure}")
    target = bases[STRUCTURE_2024]
    return to_2024(model, target.registry, target.boundaries.drop(columns=["surveyed"], errors="ignore"))
