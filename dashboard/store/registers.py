"""Registers: import a sheet (with its differences), read a register's model, export it, its history.

One `RegisterStore` per process wraps the engine; it holds no per-register state. The model of
a register is rebuilt from its rows through the same reader as an upload, so a stored register
is validated exactly like a file. Callers cache models by (slug, version).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping, Sequence

import pandas as pd
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dashboard.data.model import CooperationModel, established_by
from dashboard.data.sheets import (
    USER_COLUMNS,
    model_from_rows,
    read_in_either_structure,
    read_user_file,
)
from dashboard.data.structures import DEFAULT_STRUCTURE, STRUCTURES
from dashboard.store import SURVEY_SLUG
from dashboard.store import records as rec
from dashboard.store.changes import (
    KIND_EDIT,
    KIND_FILE,
    KIND_REVERT,
    ChangeSet,
    record_of,
    snapshot,
)
from dashboard.store.schema import (
    Arrangement,
    Change,
    Import,
    Register,
    local_time,
    utcnow,
)

SURVEY_NAME = "NIVI Analyse 2021: Buskerud"
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
MAX_NAME_CHARS = 200


class RegisterError(ValueError):
    """A register request that can't be carried out, with a Norwegian message for the user."""


def slugify(name: str) -> str:
    """The link name of a register: "Kongsvingerregionen" -> "kongsvingerregionen", æøå spelled out.

    >>> slugify("Region Nord-Østerdal & Tynset")
    'region-nord-osterdal-tynset'
    """
    text = name.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")


def check_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug or ""):
        raise RegisterError(f"ugyldig lenkenavn «{slug}»: bruk små bokstaver a–z, tall og bindestrek")
    return slug


def cli_actor() -> str:
    """Who an import from the command line is recorded as."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in a container: still record where it came from
        user = "ukjent"
    return f"kommandolinje ({user})"


@dataclass(frozen=True)
class RegisterInfo:
    slug: str
    name: str
    listed: bool
    builtin: bool
    version: int
    arrangements: int
    updated_at: dt.datetime
    structure: str = "2020"


@dataclass(frozen=True)
class ImportPlan:
    """A read, valid file and what it would change in a register (nothing is written yet)."""

    slug: str
    name: str
    filename: str
    sha256: str
    model: CooperationModel
    records: tuple[rec.Record, ...]
    diff: rec.Diff
    exists: bool
    structure: str = "2020"

    def lines(self) -> list[str]:
        return rec.diff_lines(self.diff, self.model)


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    actor: str
    arrangement: str
    action: str
    field: str | None
    before: str | None
    after: str | None
    filename: str | None
    change_set: int | None = None
    reason: str | None = None
    key: str | None = None

    def describe(self) -> str:
        """What changed, as a person reads it: «endret «X», deltakere: A → A, B»."""
        what = f"{self.action} «{self.arrangement}»"
        if self.field:
            what += f", {self.field}: {self.before or '–'} → {self.after or '–'}"
        elif self.after:
            what += f" ({self.after})"
        return what

    def __str__(self) -> str:
        when = local_time(self.at).strftime("%Y-%m-%d %H:%M")
        origin = f" (fil: {self.filename})" if self.filename else ""
        why = f" – {self.reason}" if self.reason else ""
        return f"{when}  {self.actor}{origin}: {self.describe()}{why}"


@dataclass(frozen=True)
class ArrangementChange:
    """One arrangement's net change in a window: «ny», «endret» or «avsluttet», and who it touches."""

    name: str
    kind: str
    members: tuple[str, ...]
    lines: tuple[str, ...]


class RegisterStore:
    """Registers in one database; `base` (the built-in model) gives vocabulary, names and boundaries.

    Each register declares its municipality structure ("2020" or "2024"); `bases` holds the survey
    in each structure this installation has (registry, boundaries, counties), so a register is
    read with the names of its own structure. New registers get DEFAULT_STRUCTURE when it is there.
    """

    def __init__(self, engine: Engine, base: CooperationModel, bases: Mapping[str, CooperationModel] | None = None) -> None:
        self.engine = engine
        self.base = base
        self.bases = dict(bases or {base.structure: base})
        self.default_structure = DEFAULT_STRUCTURE if DEFAULT_STRUCTURE in self.bases else base.structure
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def bases_in_order(self) -> list[CooperationModel]:
        """The survey per structure, the default structure first (how a new file is tried)."""
        return sorted(self.bases.values(), key=lambda base: base.structure != self.default_structure)

    def base_of(self, structure: str | None) -> CooperationModel:
        """The survey in `structure` (the default one for None): vocabulary, registry and boundaries of a register."""
        structure = structure or self.default_structure
        if structure not in self.bases:
            known = " eller ".join(sorted(self.bases))
            raise RegisterError(f"kommunestrukturen «{structure}» finnes ikke her; velg {known}")
        return self.bases[structure]

    # ----- reading ----------------------------------------------------------------------

    def _register(self, session: Session, slug: str) -> Register | None:
        return session.scalar(select(Register).where(Register.slug == slug))

    def _existing(self, session: Session, slug: str) -> Register:
        """The register `slug`, or RegisterError «finnes ikke»."""
        register = self._register(session, slug)
        if register is None:
            raise RegisterError(f"registeret «{slug}» finnes ikke")
        return register

    def info(self, slug: str) -> RegisterInfo | None:
        with self._sessions() as session:
            register = self._register(session, slug)
            return None if register is None else self._info(session, register)

    def _active_counts(self, session: Session, register_id: int | None = None) -> dict[int, int]:
        """Active arrangements per register (one query for all, or for one)."""
        query = select(Arrangement.register_id, func.count()).where(Arrangement.ended_on.is_(None)).group_by(Arrangement.register_id)
        if register_id is not None:
            query = query.where(Arrangement.register_id == register_id)
        return dict(session.execute(query).all())

    def _info(self, session: Session, register: Register, count: int | None = None) -> RegisterInfo:
        if count is None:
            count = self._active_counts(session, register.id).get(register.id, 0)
        return RegisterInfo(
            register.slug, register.name, register.listed, register.builtin, register.version, count, register.updated_at, register.structure
        )

    def version(self, slug: str) -> int | None:
        """The register's version (one small query; what web caches are keyed by), None if unknown."""
        with self.engine.connect() as connection:
            return connection.scalar(select(Register.version).where(Register.slug == slug))

    def registers(self, include_unlisted: bool = False) -> list[RegisterInfo]:
        with self._sessions() as session:
            query = select(Register).order_by(Register.builtin.desc(), Register.name)
            if not include_unlisted:
                query = query.where(Register.listed.is_(True))
            counts = self._active_counts(session)
            return [self._info(session, register, counts.get(register.id, 0)) for register in session.scalars(query)]

    def active_records(self, slug: str) -> list[rec.Record]:
        with self._sessions() as session:
            register = self._existing(session, slug)
            return self._active(session, register)

    def _active(self, session: Session, register: Register) -> list[rec.Record]:
        rows = session.scalars(
            select(Arrangement)
            .where(Arrangement.register_id == register.id, Arrangement.ended_on.is_(None))
            .order_by(Arrangement.position, Arrangement.id)
        )
        return [rec.from_stored(vars(row)) for row in rows]

    def model(self, slug: str, per: dt.date | None = None) -> CooperationModel:
        """The register as the views see it (on the day `per`, or now): the survey from data/, others from their rows."""
        with self._sessions() as session:
            register = self._existing(session, slug)
            if register.builtin:
                return self.base if per is None else self.base.in_force_on(per)
            name = register.name
            structure = register.structure
            records = self._active(session, register) if per is None else self._in_force(session, register, per)
            changed = self._last_changed(session, register)
        return self.model_of_records(name, records, changed, structure)

    def model_of_records(
        self,
        name: str,
        records: Sequence[rec.Record],
        changed: dict[str, dt.datetime] | None = None,
        structure: str | None = None,
    ) -> CooperationModel:
        """A model of `records` (numbers of `structure`); each source names its file and row (or edit), and when it last changed."""
        base = self.base_of(structure)
        rows = [(1, list(USER_COLUMNS))]
        origins = {}
        for number, record in enumerate(records, start=2):
            rows.append((number, rec.sheet_cells(record, base)))
            when = (changed or {}).get(record.key)
            origins[number] = record.origin + (f"; sist endret {local_time(when).strftime('%d.%m.%Y')}" if when else "")
        return model_from_rows(rows, name, base.registry, base, origins)

    def structure_of(self, slug: str) -> str:
        """The municipality structure a register's numbers are in."""
        with self.engine.connect() as connection:
            structure = connection.scalar(select(Register.structure).where(Register.slug == slug))
        if structure is None:
            raise RegisterError(f"registeret «{slug}» finnes ikke")
        return structure

    def _last_changed(self, session: Session, register: Register) -> dict[str, dt.datetime]:
        """When each arrangement of the register last changed (the audit trail, per arrangement)."""
        query = select(Change.arrangement_key, func.max(Change.at)).where(Change.register_id == register.id).group_by(Change.arrangement_key)
        return dict(session.execute(query).all())

    def export_frame(self, slug: str, at: dt.datetime | None = None) -> pd.DataFrame:
        """The register's active arrangements (now, or as they stood at `at`) as the template's
        columns; its own export re-imports as no change."""
        records = self.active_records(slug) if at is None else self.records_at(slug, at)
        base = self.base_of(self.structure_of(slug))
        return pd.DataFrame([rec.sheet_cells(record, base) for record in records], columns=list(USER_COLUMNS))

    def history(self, slug: str) -> list[HistoryLine]:
        """Every recorded change, oldest first."""
        with self._sessions() as session:
            register = self._existing(session, slug)
            query = (
                select(Change, Import.filename)
                .outerjoin(Import, Change.import_id == Import.id)
                .where(Change.register_id == register.id)
                .order_by(Change.at, Change.id)
            )
            return [
                HistoryLine(
                    c.at, c.actor, c.arrangement_name, c.action, c.field, c.before, c.after, filename or None, c.import_id, c.reason, c.arrangement_key
                )
                for c, filename in session.execute(query)
            ]

    # ----- importing --------------------------------------------------------------------

    def plan_import(
        self, content: bytes, filename: str, name: str | None = None, slug: str | None = None, structure: str | None = None
    ) -> ImportPlan:
        """Read and validate a file and compare it with the register; DataError lists every problem.

        A new register gets `structure` (default: DEFAULT_STRUCTURE); an existing one keeps its own,
        and asking for another is a RegisterError.
        """
        if structure is not None and structure not in STRUCTURES:
            raise RegisterError(f"ukjent kommunestruktur «{structure}»: velg {' eller '.join(STRUCTURES)}")
        with self._sessions() as session:
            slug = check_slug(slug or slugify(name or ""))
            register = self._register(session, slug)
            if register is not None and register.builtin:
                raise RegisterError(f"«{slug}» er den innebygde kartleggingen og kan ikke overskrives")
            if register is not None and structure is not None and structure != register.structure:
                raise RegisterError(f"registeret «{slug}» bruker kommunestrukturen {register.structure}, ikke {structure}")
            chosen = register.structure if register is not None else structure
            current = self._active(session, register) if register is not None else []
            name = (name or (register.name if register else "")).strip()
        if chosen is None:  # a new register: the default structure, or the other where only it reads the file
            model = read_in_either_structure(content, filename, self.bases_in_order())
        else:
            base = self.base_of(chosen)
            model = read_user_file(content, filename, base.registry, base)
        structure = model.structure
        if not name:
            raise RegisterError("registeret trenger et navn (--name)")
        if len(name) > MAX_NAME_CHARS:
            raise RegisterError(f"navnet er for langt (høyst {MAX_NAME_CHARS} tegn)")
        records = tuple(rec.records_from_model(model))
        return ImportPlan(
            slug=slug,
            name=name,
            filename=model.source_label,
            sha256=hashlib.sha256(content).hexdigest(),
            model=model,
            records=records,
            diff=rec.diff(current, records),
            exists=register is not None,
            structure=structure,
        )

    def apply_import(self, plan: ImportPlan, actor: str, today: dt.date | None = None) -> Import:
        """Write only the differences of `plan`, record the import and each change, bump the version."""
        today = today or dt.date.today()
        now = utcnow()
        with self._sessions.begin() as session:
            register = session.scalar(select(Register).where(Register.slug == plan.slug).with_for_update())
            if register is None:
                # version 0 until its first rows are written below (then 1)
                register = Register(
                    slug=plan.slug, name=plan.name, listed=True, builtin=False, version=0, created_at=now, updated_at=now,
                    structure=plan.structure,
                )
                session.add(register)
                session.flush()
            elif register.name != plan.name:
                register.name = plan.name
                register.version += 1
            changes = ChangeSet(session, register, actor, KIND_FILE, self.base_of(register.structure), filename=plan.filename, sha256=plan.sha256, now=now)
            result = rec.diff(changes.active(), plan.records)  # again, inside the transaction
            positions = {record.key: position for position, record in enumerate(plan.records)}
            for record in result.added:
                changes.add(record, positions[record.key])
            for change in result.changed:
                changes.change(change.after)
            for record in result.missing:
                changes.end(record.key, today)
            for key, row in changes.rows.items():  # keep the file's order for the active ones
                if key in positions:
                    row.position = positions[key]
            return changes.finish()

    # ----- editing in the page ------------------------------------------------------------

    def _editing(self, session: Session, slug: str) -> Register:
        register = session.scalar(select(Register).where(Register.slug == slug).with_for_update())
        if register is None:
            raise RegisterError(f"registeret «{slug}» finnes ikke")
        if register.builtin:
            raise RegisterError("den innebygde kartleggingen kan ikke redigeres")
        return register

    def save_arrangement(self, slug: str, record: rec.Record, actor: str, key: str | None = None, reason: str | None = None) -> Import:
        """Add `record` (key None) or change the arrangement `key` to it; one change set."""
        with self._sessions.begin() as session:
            register = self._editing(session, slug)
            changes = ChangeSet(session, register, actor, KIND_EDIT, self.base_of(register.structure), reason=reason)
            active = {r.key for r in changes.active()}
            if key is None:
                if record.key in active:
                    raise RegisterError(f"det finnes allerede en ordning som heter «{record.name}»")
                changes.add(record)
            else:
                if key not in active:
                    raise RegisterError("ordningen finnes ikke (lenger) i registeret")
                if record.key != key and record.key in changes.rows:
                    raise RegisterError(f"det finnes allerede en ordning som heter «{record.name}»")
                changes.change(record, key)
            return changes.finish()

    def end_arrangement(self, slug: str, key: str, on: dt.date, actor: str, reason: str | None = None) -> Import:
        """End an arrangement on `on`: it stays in the register and its history, off the map after that day."""
        with self._sessions.begin() as session:
            register = self._editing(session, slug)
            changes = ChangeSet(session, register, actor, KIND_EDIT, self.base_of(register.structure), reason=reason)
            if key not in {r.key for r in changes.active()}:
                raise RegisterError("ordningen finnes ikke (lenger) i registeret")
            changes.end(key, on)
            return changes.finish()

    def revert(self, slug: str, change_set_id: int, actor: str, reason: str | None = None) -> Import:
        """Undo one change set (an edit, an import or a revert) as a change set of its own."""
        with self._sessions.begin() as session:
            register = self._editing(session, slug)
            undone = session.get(Import, change_set_id)
            if undone is None or undone.register_id != register.id:
                raise RegisterError("endringen finnes ikke i dette registeret")
            first_before: dict[str, tuple[str, str | None]] = {}
            for change in session.scalars(select(Change).where(Change.import_id == undone.id).order_by(Change.id)):
                first_before.setdefault(change.arrangement_key, (change.arrangement_name, change.before_value))
            when = local_time(undone.at).strftime("%d.%m.%Y %H:%M")
            changes = ChangeSet(session, register, actor, KIND_REVERT, self.base_of(register.structure), reason=reason or f"tilbakestiller endringen fra {when}")
            for key, (name, before) in first_before.items():
                changes.restore(key, name, before)
            return changes.finish()

    # ----- time ---------------------------------------------------------------------------

    def records_on(self, slug: str, per: dt.date) -> list[rec.Record]:
        """The arrangements in force on `per`: established by then (its first year) and not yet ended."""
        with self._sessions() as session:
            return self._in_force(session, self._existing(session, slug), per)

    def _in_force(self, session: Session, register: Register, per: dt.date) -> list[rec.Record]:
        rows = session.scalars(select(Arrangement).where(Arrangement.register_id == register.id).order_by(Arrangement.position, Arrangement.id))
        return [
            rec.from_stored(vars(row))
            for row in rows
            if (row.ended_on is None or row.ended_on > per) and established_by(row.established, per)
        ]

    def records_at(self, slug: str, at: dt.datetime) -> list[rec.Record]:
        """The register's active arrangements as they stood at `at` (audit time): later change sets undone."""
        with self._sessions() as session:
            register = self._existing(session, slug)
            rows = {row.key: snapshot(row) for row in session.scalars(select(Arrangement).where(Arrangement.register_id == register.id))}
            later = session.scalars(
                select(Change).where(Change.register_id == register.id, Change.at > at, Change.import_id.is_not(None)).order_by(Change.id.desc())
            )
            for change in later:  # newest first: each change's "before" is the state it replaced
                rows[change.arrangement_key] = change.before_value
        active = [json.loads(value) for value in rows.values() if value is not None]
        active = [values for values in active if not values.get("ended_on")]
        return [record_of(values) for values in sorted(active, key=lambda values: values.get("position", 0))]

    def change_sets(self, slug: str) -> list[Import]:
        """Every change set of the register, newest first (what the page offers to revert)."""
        with self._sessions() as session:
            register = self._existing(session, slug)
            return list(session.scalars(select(Import).where(Import.register_id == register.id).order_by(Import.id.desc())))

    def changes_between(self, slug: str, start: dt.datetime, end: dt.datetime) -> list["ArrangementChange"]:
        """What was added, changed and ended between two moments, one entry per arrangement (net of reverts).

        An arrangement counts by its state before the first and after the last change in the
        window: new (it did not exist or was ended), ended (it is ended now), or changed.
        """
        with self._sessions() as session:
            register = self._existing(session, slug)
            query = (
                select(Change)
                .where(Change.register_id == register.id, Change.import_id.is_not(None), Change.at >= start, Change.at <= end)
                .order_by(Change.id)
            )
            first: dict[str, str | None] = {}
            last: dict[str, str | None] = {}
            lines: dict[str, list[str]] = {}
            names: dict[str, str] = {}
            for change in session.scalars(query):
                key = change.arrangement_key
                first.setdefault(key, change.before_value)
                last[key] = change.after_value
                names[key] = change.arrangement_name
                line = HistoryLine(change.at, change.actor, change.arrangement_name, change.action, change.field, change.before, change.after, None)
                lines.setdefault(key, []).append(line.describe())
        result = []
        for key, before_json in first.items():
            before = json.loads(before_json) if before_json else None
            after = json.loads(last[key]) if last[key] else None
            was_active = before is not None and not before.get("ended_on")
            is_active = after is not None and not after.get("ended_on")
            if before == after or (not was_active and not is_active):
                continue
            kind = "ny" if not was_active else ("avsluttet" if not is_active else "endret")
            shown = after if after is not None else before
            members = tuple(sorted(set(record_of(before).members if before else ()) | set(record_of(shown).members)))
            result.append(ArrangementChange(names[key], kind, members, tuple(lines[key])))
        return result

    def ensure_survey(self) -> None:
        """Seed the built-in survey as a register on first start (its rows from data/)."""
        with self._sessions() as session:
            if self._register(session, SURVEY_SLUG) is not None:
                return
        now = utcnow()
        try:
            with self._sessions.begin() as session:
                register = Register(
                    slug=SURVEY_SLUG, name=SURVEY_NAME, listed=True, builtin=True, version=1, created_at=now, updated_at=now,
                    structure=self.base.structure,
                )
                session.add(register)
                session.flush()
                for position, record in enumerate(rec.records_from_model(self.base, builtin=True)):
                    session.add(Arrangement(register_id=register.id, position=position, **rec.to_stored(record)))
                session.add(
                    Change(
                        register_id=register.id, at=now, actor="oppstart", arrangement_key="", action="lagt inn",
                        arrangement_name=f"{len(self.base.arrangements)} ordninger fra data/ ({self.base.source_label})",
                    )
                )
        except IntegrityError:
            # Another worker seeded it at the same moment (unique slug); anything else is real.
            if self.info(SURVEY_SLUG) is None:
                raise

    def set_listed(self, slug: str, listed: bool) -> None:
        """Listed registers show on /registre; an unlisted one only at its link."""
        with self._sessions.begin() as session:
            changed = session.execute(update(Register).where(Register.slug == slug).values(listed=listed))
            if changed.rowcount == 0:
                raise RegisterError(f"registeret «{slug}» finnes ikke")
