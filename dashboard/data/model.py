"""The loaded, validated cooperation data and the questions the app, exports and CLI ask of it."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from types import MappingProxyType
from typing import Iterable, Mapping

import geopandas as gpd
import pandas as pd

from dashboard.data.registry import Registry

# Contract order of the legal forms, with the words a reader of a report expects.
LEGAL_FORM_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "IKS": "Interkommunalt selskap (IKS)",
        "AS": "Aksjeselskap (AS)",
        "vertskommune": "Vertskommunesamarbeid",
        "KO": "Kommunalt oppgavefellesskap (KO)",
        "IPR": "Interkommunalt politisk råd (IPR)",
        "§27": "Samarbeid etter gammel § 27",
        "plansamarbeid": "Interkommunalt plansamarbeid",
        "stiftelse": "Stiftelse",
        "avtale": "Avtale",
        "ukjent": "Ukjent organisering",
    }
)
REGION_KIND_ORDER = ("kommuneregion", "delregion", "regionraad", "region", "fylke")
MAIN_SERVICE_FALLBACK = ("legevakt", "barnevernvakt", "ppt", "nav", "ikt", "krisesenter")
LIST_SEPARATOR = " | "


def established_by(established: object, per: "dt.date") -> bool:
    """True unless `established` ("2015", "2015–2021") names a first year after the day `per`.

    Only the year is known, so an arrangement counts from 1 January of its year; no year: always.

    >>> import datetime as dt
    >>> established_by("2015–2021", dt.date(2015, 1, 1)), established_by("2016", dt.date(2015, 12, 31)), established_by("", dt.date(1900, 1, 1))
    (True, False, True)
    """
    match = re.search(r"\d{4}", str(established or ""))
    return match is None or int(match.group()) <= per.year


def source_text(table: str, row: object) -> str:
    """Where a row comes from, as a reader cites it: "Tabell 5.2, rad 3"."""
    table = str(table).strip()
    row_text = str(row).strip()
    if not table:
        return f"rad {row_text}" if row_text else ""
    label = f"Tabell {table}" if table[:1].isdigit() else table
    return f"{label}, rad {row_text}" if row_text else label


@dataclass(frozen=True)
class _Indexes:
    """Look-ups computed once in CooperationModel.build so every query is a few dict hits."""

    names: Mapping[str, str]
    members: Mapping[str, tuple[str, ...]]
    hosts: Mapping[str, tuple[str, ...]]
    by_municipality: Mapping[str, tuple[str, ...]]
    by_service: Mapping[str, frozenset[str]]
    region_members: Mapping[str, tuple[str, ...]]
    kommuneregion_of: Mapping[str, str]
    service_labels: Mapping[str, str]
    sector_labels: Mapping[str, str]
    arrangement_position: Mapping[str, int]
    # Each arrangement's row as a read-only dict: a row look-up in a hover loop is a dict hit,
    # not a pandas row (0.3 ms each; thousands per national map).
    rows: Mapping[str, Mapping[str, object]]
    focus_set: frozenset[str]


def _freeze(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


def _rows_by_id(arrangements: pd.DataFrame) -> Mapping[str, Mapping[str, object]]:
    """Each arrangement's row as a read-only dict, by id (column lists zipped: 4x faster than to_dict)."""
    columns = list(arrangements.columns)
    rows = (dict(zip(columns, values)) for values in zip(*(arrangements[column].tolist() for column in columns)))
    return _freeze({row["id"]: MappingProxyType(row) for row in rows})


@dataclass(frozen=True, eq=False)
class CooperationModel:
    """Immutable data of one source (the built-in survey or an uploaded file).

    DataFrames are shared, never copied per query, and must be treated as read-only (pandas
    copy-on-write keeps returned slices independent). Build with `CooperationModel.build`.
    """

    municipalities: pd.DataFrame
    focus: tuple[str, ...]
    arrangements: pd.DataFrame
    memberships: pd.DataFrame
    regions: pd.DataFrame
    region_members: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    source_label: str
    services: pd.DataFrame
    sectors: pd.DataFrame
    registry: Registry
    _index: _Indexes = field(repr=False)
    # What the reader noticed but accepted (e.g. a register's own sector), one line each.
    notices: tuple[str, ...] = ()
    # The municipality structure its numbers are in: "2020" (the survey) or "2024".
    structure: str = "2020"

    @classmethod
    def build(
        cls,
        *,
        registry: Registry,
        focus: Iterable[str],
        arrangements: pd.DataFrame,
        memberships: pd.DataFrame,
        regions: pd.DataFrame,
        region_members: pd.DataFrame,
        boundaries: gpd.GeoDataFrame,
        source_label: str,
        services: pd.DataFrame,
        sectors: pd.DataFrame,
        notices: tuple[str, ...] = (),
        structure: str | None = None,
    ) -> "CooperationModel":
        """Assemble already validated frames and precompute the query indexes (structure: the registry's)."""
        arrangements = arrangements.reset_index(drop=True)
        if "source" not in arrangements.columns:
            arrangements = arrangements.assign(
                source=[source_text(t, r) for t, r in zip(arrangements["source_table"], arrangements["source_row"])]
            )
        memberships = memberships.loc[:, ["arrangement_id", "kommunenummer"]].reset_index(drop=True)
        municipalities = registry.municipalities
        focus_tuple = tuple(sorted(set(focus)))

        members: dict[str, list[str]] = {aid: [] for aid in arrangements["id"]}
        by_municipality: dict[str, list[str]] = {}
        for aid, knr in zip(memberships["arrangement_id"], memberships["kommunenummer"]):
            members[aid].append(knr)
        for aid, knrs in members.items():
            for knr in knrs:
                by_municipality.setdefault(knr, []).append(aid)

        by_service: dict[str, set[str]] = {sid: set() for sid in services["id"]}
        for aid, service_ids in zip(arrangements["id"], arrangements["services"]):
            for sid in service_ids:
                by_service.setdefault(sid, set()).add(aid)

        region_lists: dict[str, list[str]] = {rid: [] for rid in regions["id"]}
        for rid, knr in zip(region_members["region_id"], region_members["kommunenummer"]):
            region_lists.setdefault(rid, []).append(knr)
        kinds = dict(zip(regions["id"], regions["kind"]))
        kommuneregion_of: dict[str, str] = {}
        for rid, knrs in region_lists.items():
            if kinds.get(rid) == "kommuneregion":
                for knr in knrs:
                    kommuneregion_of.setdefault(knr, rid)

        index = _Indexes(
            names=_freeze(zip(municipalities["kommunenummer"], municipalities["kommune"])),
            members=_freeze({aid: tuple(knrs) for aid, knrs in members.items()}),
            hosts=_freeze(zip(arrangements["id"], arrangements["hosts"])),
            by_municipality=_freeze({knr: tuple(aids) for knr, aids in by_municipality.items()}),
            by_service=_freeze({sid: frozenset(aids) for sid, aids in by_service.items()}),
            region_members=_freeze({rid: tuple(knrs) for rid, knrs in region_lists.items()}),
            kommuneregion_of=_freeze(kommuneregion_of),
            service_labels=_freeze(zip(services["id"], services["label"])),
            sector_labels=_freeze(zip(sectors["id"], sectors["label"])),
            arrangement_position=_freeze({aid: pos for pos, aid in enumerate(arrangements["id"])}),
            rows=_rows_by_id(arrangements),
            focus_set=frozenset(focus_tuple),
        )
        return cls(
            municipalities=municipalities,
            focus=focus_tuple,
            arrangements=arrangements,
            memberships=memberships,
            regions=regions.reset_index(drop=True),
            region_members=region_members.reset_index(drop=True),
            boundaries=boundaries,
            source_label=source_label,
            services=services.reset_index(drop=True),
            sectors=sectors.reset_index(drop=True),
            registry=registry,
            _index=index,
            notices=notices,
            structure=structure or registry.structure,
        )

    def in_force_on(self, per: dt.date) -> "CooperationModel":
        """The same model with only the arrangements established by `per` (same surveyed municipalities)."""
        keep = [aid for aid, established in zip(self.arrangements["id"], self.arrangements["established"]) if established_by(established, per)]
        if len(keep) == len(self.arrangements):
            return self
        arrangements = self.arrangements[self.arrangements["id"].isin(keep)]
        memberships = self.memberships[self.memberships["arrangement_id"].isin(keep)]
        return CooperationModel.build(
            registry=self.registry, focus=self.focus, arrangements=arrangements, memberships=memberships,
            regions=self.regions, region_members=self.region_members, boundaries=self.boundaries,
            source_label=self.source_label, services=self.services, sectors=self.sectors, notices=self.notices,
            structure=self.structure,
        )

    # ----- labels and options -------------------------------------------------------------

    def name_of(self, kommunenummer: str) -> str:
        """Display name of a municipality; KeyError for a number not in the registry."""
        return self._index.names[kommunenummer]

    def service_label(self, service_id: str) -> str:
        return self._index.service_labels[self._check_service(service_id)]

    def sector_label(self, sector_id: str) -> str:
        return self._index.sector_labels[self._check_sector(sector_id)]

    @staticmethod
    def legal_form_label(legal_form: str) -> str:
        """Readable name of a legal form; unknown forms are shown as written."""
        return LEGAL_FORM_LABELS.get(legal_form, legal_form)

    def service_options(self) -> list[tuple[str, str]]:
        """(id, label) of services used by at least one arrangement; the main six first."""
        used = [sid for sid in self.services["id"] if self._index.by_service.get(sid)]
        main_ids = self._main_service_ids()
        main = [sid for sid in main_ids if sid in used]
        rest = sorted((sid for sid in used if sid not in main_ids), key=lambda sid: self.service_label(sid).casefold())
        return [(sid, self.service_label(sid)) for sid in main + rest]

    def sector_options(self) -> list[tuple[str, str]]:
        """(id, label) of sectors used by at least one arrangement, in sectors.csv order."""
        used = set(self.arrangements["sector"])
        return [(sid, label) for sid, label in self._index.sector_labels.items() if sid in used]

    def legal_form_options(self) -> list[tuple[str, str]]:
        """(form, label) of legal forms present in the data, in the contract's order."""
        present = set(self.arrangements["legal_form"])
        known = [form for form in LEGAL_FORM_LABELS if form in present]
        other = sorted(present - set(LEGAL_FORM_LABELS))
        return [(form, self.legal_form_label(form)) for form in known + other]

    def region_options(self) -> list[tuple[str, str, str]]:
        """(id, name, kind) of every region, grouped by kind (kommuneregion first), then by name."""
        order = {kind: pos for pos, kind in enumerate(REGION_KIND_ORDER)}
        rows = sorted(
            zip(self.regions["id"], self.regions["name"], self.regions["kind"]),
            key=lambda row: (order.get(row[2], len(order)), row[1].casefold()),
        )
        return [(rid, name, kind) for rid, name, kind in rows]

    def municipality_options(self) -> list[tuple[str, str]]:
        """(kommunenummer, name) of the focus municipalities, by name."""
        return sorted(((knr, self.name_of(knr)) for knr in self.focus), key=lambda row: row[1].casefold())

    # ----- arrangements -------------------------------------------------------------------

    def arrangement(self, arrangement_id: str) -> Mapping[str, object]:
        """One arrangement's row (column -> value, read-only); KeyError for an unknown id."""
        return self._index.rows[arrangement_id]

    def members(self, arrangement_id: str) -> tuple[str, ...]:
        """Kommunenummer of the members, in source order."""
        return self._index.members[arrangement_id]

    def hosts(self, arrangement_id: str) -> tuple[str, ...]:
        """Kommunenummer of the host(s); empty when the source names none."""
        return self._index.hosts[arrangement_id]

    def region_municipalities(self, region_id: str | None) -> tuple[str, ...]:
        """Members of a region; None means the focus set. KeyError for an unknown region."""
        if region_id is None:
            return self.focus
        if region_id not in self._index.region_members:
            raise KeyError(f"ukjent region «{region_id}»")
        return self._index.region_members[region_id]

    def filtered_arrangements(
        self,
        service: str | None = None,
        sector: str | None = None,
        legal_form: str | None = None,
        region: str | None = None,
    ) -> pd.DataFrame:
        """Arrangements matching every given filter (any of its services; ≥1 member in region)."""
        ids = self._filtered_ids(service, sector, legal_form, region)
        positions = sorted(self._index.arrangement_position[aid] for aid in ids)
        return self.arrangements.iloc[positions]

    def _filtered_ids(
        self,
        service: str | None = None,
        sector: str | None = None,
        legal_form: str | None = None,
        region: str | None = None,
    ) -> list[str]:
        """Ids in data order; the shared core of every filtered query."""
        frame = self.arrangements
        keep = pd.Series(True, index=frame.index)
        if service is not None:
            keep &= frame["id"].isin(self._index.by_service[self._check_service(service)])
        if sector is not None:
            keep &= frame["sector"] == self._check_sector(sector)
        if legal_form is not None:
            keep &= frame["legal_form"] == legal_form
        if region is not None:
            region_set = set(self.region_municipalities(region))
            keep &= frame["id"].map(lambda aid: not region_set.isdisjoint(self._index.members[aid])).astype(bool)
        return list(frame.loc[keep, "id"])

    # ----- per municipality ---------------------------------------------------------------

    def arrangement_ids_of(self, kommunenummer: str) -> tuple[str, ...]:
        """Arrangements a municipality takes part in (empty for one with none)."""
        return self._index.by_municipality.get(kommunenummer, ())

    def arrangement_ids_for(self, service: str) -> frozenset[str]:
        """Arrangements that have `service` among their services; KeyError for an unknown service."""
        return self._index.by_service.get(self._check_service(service), frozenset())

    def main_service_ids(self) -> tuple[str, ...]:
        """The headline services (services.csv `main`, else the survey's six), in their order."""
        return tuple(self._main_service_ids())

    def coverage(self, service: str) -> pd.DataFrame:
        """One row per focus municipality: its arrangements for `service` (empty where none)."""
        service_ids = self._index.by_service[self._check_service(service)]
        rows = []
        for knr in self.focus:
            ids = tuple(aid for aid in self.arrangement_ids_of(knr) if aid in service_ids)
            names = LIST_SEPARATOR.join(self.arrangement(aid)["name"] for aid in ids)
            rows.append((knr, self.name_of(knr), ids, names))
        return pd.DataFrame(rows, columns=["kommunenummer", "kommune", "arrangement_ids", "arrangementer"])

    def service_membership(
        self,
        service: str | None = None,
        sector: str | None = None,
        legal_form: str | None = None,
        region: str | None = None,
    ) -> pd.DataFrame:
        """One row per (member, arrangement) of the matching arrangements, for the map.

        Includes members outside the focus set (`surveyed` False) so the map shows the whole
        arrangement, and `is_host` so hosts can be marked.
        """
        rows = []
        for aid in self._filtered_ids(service, sector, legal_form, region):
            name = self.arrangement(aid)["name"]
            hosts = self.hosts(aid)
            for knr in self.members(aid):
                rows.append((knr, self.name_of(knr), aid, name, knr in hosts, knr in self._index.focus_set))
        columns = ["kommunenummer", "kommune", "arrangement_id", "arrangement", "is_host", "surveyed"]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.astype({"is_host": bool, "surveyed": bool})

    def totals(
        self,
        sector: str | None = None,
        service: str | None = None,
        legal_form: str | None = None,
        region: str | None = None,
    ) -> pd.DataFrame:
        """Number of arrangements per focus municipality, counting only those matching the filters."""
        filters = (sector, service, legal_form, region)
        everything = all(value is None for value in filters)
        allowed = None if everything else set(self._filtered_ids(service, sector, legal_form, region))
        rows = []
        for knr in self.focus:
            ids = self.arrangement_ids_of(knr)
            count = len(ids) if allowed is None else sum(aid in allowed for aid in ids)
            rows.append((knr, self.name_of(knr), count))
        return pd.DataFrame(rows, columns=["kommunenummer", "kommune", "ordninger"]).astype({"ordninger": int})

    def totals_by_sector(self) -> pd.DataFrame:
        """Wide table: kommunenummer, kommune, then one count column per sector id (sectors.csv order)."""
        sector_of = dict(zip(self.arrangements["id"], self.arrangements["sector"]))
        sector_ids = list(self._index.sector_labels)
        rows = []
        for knr in self.focus:
            counts = Counter(sector_of[aid] for aid in self.arrangement_ids_of(knr))
            rows.append([knr, self.name_of(knr), *(counts.get(sid, 0) for sid in sector_ids)])
        return pd.DataFrame(rows, columns=["kommunenummer", "kommune", *sector_ids])

    def partner_pairs(
        self,
        service: str | None = None,
        sector: str | None = None,
        legal_form: str | None = None,
        region: str | None = None,
        focus_only: bool = False,
    ) -> pd.DataFrame:
        """Pairs a<b of municipalities and how many matching arrangements they share."""
        shared: Counter[tuple[str, str]] = Counter()
        for aid in self._filtered_ids(service, sector, legal_form, region):
            knrs = sorted(set(self.members(aid)))
            if focus_only:
                knrs = [knr for knr in knrs if knr in self._index.focus_set]
            shared.update(combinations(knrs, 2))
        rows = sorted((a, b, count) for (a, b), count in shared.items())
        return pd.DataFrame(rows, columns=["a", "b", "shared"]).astype({"shared": int})

    def profile(self, kommunenummer: str) -> pd.DataFrame:
        """A municipality's arrangements as a reader wants them listed, with their source."""
        self.name_of(kommunenummer)
        rows = []
        for aid in self.arrangement_ids_of(kommunenummer):
            row = self.arrangement(aid)
            partners = [self.name_of(knr) for knr in self.members(aid) if knr != kommunenummer]
            rows.append(
                (
                    aid,
                    row["name"],
                    self._index.sector_labels.get(row["sector"], row["sector"]),
                    ", ".join(self._index.service_labels.get(sid, sid) for sid in row["services"]),
                    ", ".join(partners),
                    ", ".join(self.name_of(knr) for knr in self.hosts(aid)),
                    row["legal_form"],
                    row["source"],
                )
            )
        columns = ["id", "name", "sector", "services", "partners", "hosts", "legal_form", "source"]
        return pd.DataFrame(rows, columns=columns)

    def profile_counts(self, kommunenummer: str) -> dict:
        """Total, count per sector id, and the average total of its kommuneregion's focus members.

        Keys: total (int), by_sector (dict sector id -> int, every sector), region_id and
        region_name (None outside a kommuneregion), regional_average (float or None).
        """
        self.name_of(kommunenummer)
        ids = self.arrangement_ids_of(kommunenummer)
        sector_of = dict(zip(self.arrangements["id"], self.arrangements["sector"]))
        counts = Counter(sector_of[aid] for aid in ids)
        region_id = self._index.kommuneregion_of.get(kommunenummer)
        region_name = None
        average = None
        if region_id is not None:
            region_name = self.regions.loc[self.regions["id"] == region_id, "name"].iloc[0]
            peers = [knr for knr in self._index.region_members[region_id] if knr in self._index.focus_set]
            if peers:
                average = sum(len(self.arrangement_ids_of(knr)) for knr in peers) / len(peers)
        return {
            "total": len(ids),
            "by_sector": {sid: counts.get(sid, 0) for sid in self._index.sector_labels},
            "region_id": region_id,
            "region_name": region_name,
            "regional_average": average,
        }

    # ----- helpers ------------------------------------------------------------------------

    def _main_service_ids(self) -> list[str]:
        if "main" in self.services.columns:
            return [sid for sid, main in zip(self.services["id"], self.services["main"]) if main]
        return [sid for sid in MAIN_SERVICE_FALLBACK if sid in self._index.service_labels]

    def _check_service(self, service_id: str) -> str:
        if service_id not in self._index.service_labels:
            raise KeyError(f"ukjent tjeneste «{service_id}»")
        return service_id

    def _check_sector(self, sector_id: str) -> str:
        if sector_id not in self._index.sector_labels:
            raise KeyError(f"ukjent sektor «{sector_id}»")
        return sector_id
