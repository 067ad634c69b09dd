"""Arrangements in canonical form, and the differences between two versions of a register.

Canonical means what a person means, not how it was typed: service ids, kommunenummer, lists
sorted. So a re-import of a register's own export, or of the same sheet with members in
another order, changes nothing. Pure: no database here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Iterable, Mapping, Sequence

from dashboard.data.model import CooperationModel
from dashboard.data.registry import normalize_name
from dashboard.data.sheets import USER_COLUMNS

# Compared fields, in the sheet's column order, with the column name a person sees.
FIELD_COLUMNS: Mapping[str, str] = {
    "name": "navn",
    "services": "tjeneste",
    "sector": "sektor",
    "members": "deltakere",
    "hosts": "vertskommune",
    "legal_form": "organisasjonsform",
    "established": "etablert",
    "source": "kilde",
}
LIST_FIELDS = ("services", "members", "hosts")
STORED_SEPARATOR = ";"


@dataclass(frozen=True)
class Record:
    """One arrangement as a register stores it; `origin` (file and row) is kept but not compared."""

    key: str
    name: str
    services: tuple[str, ...] = ()
    sector: str = ""
    members: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    legal_form: str = ""
    established: str = ""
    source: str = ""
    origin: str = field(default="", compare=False)

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELD_COLUMNS}


def arrangement_key(name: str) -> str:
    """Identity of an arrangement across imports: its name, compared as the sheet compares names."""
    return normalize_name(name)


def records_from_model(model: CooperationModel, builtin: bool = False) -> list[Record]:
    """Canonical records of every arrangement of `model`, in its order.

    A user's sheet keeps its «kilde» column in `note`; the built-in survey's source is its
    table and row ("Tabell 5.2, rad 3").
    """
    members: dict[str, list[str]] = {}
    for aid, knr in zip(model.memberships["arrangement_id"], model.memberships["kommunenummer"]):
        members.setdefault(aid, []).append(knr)
    records = []
    for row in model.arrangements.itertuples(index=False):
        kilde = row.source if builtin else row.note
        origin = row.source if builtin else f"{row.source_table}, rad {row.source_row}"
        records.append(
            Record(
                key=arrangement_key(row.name),
                name=row.name,
                services=tuple(sorted(row.services)),
                sector=row.sector,
                members=tuple(sorted(members.get(row.id, ()))),
                hosts=tuple(sorted(row.hosts)),
                legal_form=row.legal_form,
                established=row.established,
                source=kilde,
                origin=origin,
            )
        )
    return records


def to_stored(record: Record) -> dict[str, str]:
    """Column values for the database (lists joined by ";")."""
    stored = {name: getattr(record, name) for name in ("key", "name", "sector", "legal_form", "established", "source", "origin")}
    stored.update({name: STORED_SEPARATOR.join(getattr(record, name)) for name in LIST_FIELDS})
    return stored


def from_stored(values: Mapping[str, str]) -> Record:
    """The record of a database row (the inverse of to_stored)."""
    lists = {name: tuple(item for item in (values[name] or "").split(STORED_SEPARATOR) if item) for name in LIST_FIELDS}
    plain = {f.name: values[f.name] or "" for f in fields(Record) if f.name not in LIST_FIELDS}
    return Record(**plain, **lists)


def sheet_cells(record: Record, model: CooperationModel) -> list[str]:
    """The record as one row of the template (USER_COLUMNS), in words the reader reads back the same.

    Services are written as ids (labels may hold commas), sectors as their label, or as the
    register's own text.
    """
    registry = model.registry
    sector_labels = dict(zip(model.sectors["id"], model.sectors["label"]))
    cells = {
        "navn": record.name,
        "tjeneste": "; ".join(record.services),
        "sektor": sector_labels.get(record.sector, record.sector),
        "deltakere": ", ".join(registry.names_of(record.members)),
        "vertskommune": ", ".join(registry.names_of(record.hosts)),
        "organisasjonsform": record.legal_form,
        "etablert": record.established,
        "kilde": record.source,
    }
    return [cells[column] for column in USER_COLUMNS]


def display(field_name: str, value: object, model: CooperationModel) -> str:
    """A field's value as a person reads it in a diff or the history (names, not numbers)."""
    if field_name in ("members", "hosts"):
        return ", ".join(model.registry.names_of(tuple(value))) if value else "–"
    if field_name == "services":
        return ", ".join(value) if value else "–"
    if field_name == "sector" and value:
        labels = dict(zip(model.sectors["id"], model.sectors["label"]))
        return labels.get(str(value), str(value))
    return str(value) if value else "–"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object

    @property
    def column(self) -> str:
        return FIELD_COLUMNS[self.field]


@dataclass(frozen=True)
class Changed:
    before: Record
    after: Record
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Diff:
    """What a new version of a register adds, changes (field by field) and no longer has."""

    added: tuple[Record, ...] = ()
    changed: tuple[Changed, ...] = ()
    missing: tuple[Record, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.missing)

    def summary(self) -> str:
        """ "2 nye, 1 endret, 3 avsluttes" (or "ingen endringer")."""
        if self.empty:
            return "ingen endringer"
        return f"{len(self.added)} nye, {len(self.changed)} endret, {len(self.missing)} avsluttes"


def diff(current: Iterable[Record], new: Sequence[Record]) -> Diff:
    """Differences from the register's current (active) records to a new version's."""
    by_key = {record.key: record for record in current}
    new_keys = {record.key for record in new}
    added, changed = [], []
    for record in new:
        old = by_key.get(record.key)
        if old is None:
            added.append(record)
            continue
        fields_changed = tuple(
            FieldChange(name, getattr(old, name), getattr(record, name))
            for name in FIELD_COLUMNS
            if getattr(old, name) != getattr(record, name)
        )
        if fields_changed:
            changed.append(Changed(old, record, fields_changed))
    missing = tuple(record for key, record in by_key.items() if key not in new_keys)
    return Diff(tuple(added), tuple(changed), missing)


def diff_lines(result: Diff, model: CooperationModel) -> list[str]:
    """The differences as lines a person reads before confirming (Norwegian)."""
    lines = [f"+ ny: {record.name}" for record in result.added]
    for change in result.changed:
        for item in change.fields:
            before, after = display(item.field, item.before, model), display(item.field, item.after, model)
            lines.append(f"~ endret: {change.after.name}, {item.column}: {before} → {after}")
    lines += [f"- avsluttes: {record.name} (finnes ikke i filen; beholdes i historikken)" for record in result.missing]
    return lines
