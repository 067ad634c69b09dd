"""Registers: import a sheet (with its differences), read a register's model, export it, its history.

One `RegisterStore` per process wraps the engine; it holds no per-register state. The model of
a register is rebuilt from its rows through the same reader as an upload, so a stored register
is validated exactly like a file. Callers cache models by (slug, version).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

import pandas as pd
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from dashboard.data.model import CooperationModel
from dashboard.data.sheets import USER_COLUMNS, model_from_rows, read_user_file
from dashboard.store import SURVEY_SLUG
from dashboard.store import records as rec
from dashboard.store.schema import Arrangement, Change, Import, Register, utcnow

SURVEY_NAME = "NIVI Analyse 2021: Buskerud"
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
MAX_NAME_CHARS = 200
ACTION_ADDED = "lagt til"
ACTION_CHANGED = "endret"
ACTION_ENDED = "avsluttet"
ACTION_REOPENED = "gjenåpnet"


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

    def __str__(self) -> str:
        when = self.at.strftime("%Y-%m-%d %H:%M")
        what = f"{self.action} «{self.arrangement}»"
        if self.field:
            what += f", {self.field}: {self.before or '–'} → {self.after or '–'}"
        origin = f" (fil: {self.filename})" if self.filename else ""
        return f"{when}  {self.actor}{origin}: {what}"


class RegisterStore:
    """Registers in one database; `base` (the built-in model) gives vocabulary, names and boundaries."""

    def __init__(self, engine: Engine, base: CooperationModel) -> None:
        self.engine = engine
        self.base = base
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # ----- reading ----------------------------------------------------------------------

    def _register(self, session: Session, slug: str) -> Register | None:
        return session.scalar(select(Register).where(Register.slug == slug))

    def info(self, slug: str) -> RegisterInfo | None:
        with self._sessions() as session:
            register = self._register(session, slug)
            return None if register is None else self._info(session, register)

    def _info(self, session: Session, register: Register) -> RegisterInfo:
        count = session.scalar(
            select(func.count()).select_from(Arrangement).where(Arrangement.register_id == register.id, Arrangement.ended_on.is_(None))
        )
        return RegisterInfo(
            register.slug, register.name, register.listed, register.builtin, register.version, int(count or 0), register.updated_at
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
            return [self._info(session, register) for register in session.scalars(query)]

    def active_records(self, slug: str) -> list[rec.Record]:
        with self._sessions() as session:
            register = self._register(session, slug)
            if register is None:
                raise RegisterError(f"registeret «{slug}» finnes ikke")
            return self._active(session, register)

    def _active(self, session: Session, register: Register) -> list[rec.Record]:
        rows = session.scalars(
            select(Arrangement)
            .where(Arrangement.register_id == register.id, Arrangement.ended_on.is_(None))
            .order_by(Arrangement.position, Arrangement.id)
        )
        return [rec.from_stored(vars(row)) for row in rows]

    def model(self, slug: str) -> CooperationModel:
        """The register as the views see it: the survey from data/, others rebuilt from their rows."""
        with self._sessions() as session:
            register = self._register(session, slug)
            if register is None:
                raise RegisterError(f"registeret «{slug}» finnes ikke")
            if register.builtin:
                return self.base
            records = self._active(session, register)
            name = register.name
        return self.model_of_records(name, records)

    def model_of_records(self, name: str, records: Sequence[rec.Record]) -> CooperationModel:
        rows = [(1, list(USER_COLUMNS))]
        origins = {}
        for number, record in enumerate(records, start=2):
            rows.append((number, rec.sheet_cells(record, self.base)))
            origins[number] = record.origin
        return model_from_rows(rows, name, self.base.registry, self.base, origins)

    def export_frame(self, slug: str) -> pd.DataFrame:
        """The register's active arrangements as the template's columns (re-imports as no change)."""
        records = self.active_records(slug)
        return pd.DataFrame([rec.sheet_cells(record, self.base) for record in records], columns=list(USER_COLUMNS))

    def history(self, slug: str) -> list[HistoryLine]:
        """Every recorded change, oldest first."""
        with self._sessions() as session:
            register = self._register(session, slug)
            if register is None:
                raise RegisterError(f"registeret «{slug}» finnes ikke")
            query = (
                select(Change, Import.filename)
                .outerjoin(Import, Change.import_id == Import.id)
                .where(Change.register_id == register.id)
                .order_by(Change.at, Change.id)
            )
            return [
                HistoryLine(c.at, c.actor, c.arrangement_name, c.action, c.field, c.before, c.after, filename)
                for c, filename in session.execute(query)
            ]

    def imports(self, slug: str) -> list[Import]:
        with self._sessions() as session:
            register = self._register(session, slug)
            if register is None:
                raise RegisterError(f"registeret «{slug}» finnes ikke")
            return list(session.scalars(select(Import).where(Import.register_id == register.id).order_by(Import.id)))

    # ----- importing --------------------------------------------------------------------

    def plan_import(self, content: bytes, filename: str, name: str | None = None, slug: str | None = None) -> ImportPlan:
        """Read and validate a file and compare it with the register; DataError lists every problem."""
        model = read_user_file(content, filename, self.base.registry, self.base)
        with self._sessions() as session:
            slug = check_slug(slug or slugify(name or ""))
            register = self._register(session, slug)
            if register is not None and register.builtin:
                raise RegisterError(f"«{slug}» er den innebygde kartleggingen og kan ikke overskrives")
            current = self._active(session, register) if register is not None else []
            name = (name or (register.name if register else "")).strip()
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
        )

    def apply_import(self, plan: ImportPlan, actor: str, today: dt.date | None = None) -> Import:
        """Write only the differences of `plan`, record the import and each change, bump the version."""
        today = today or dt.date.today()
        now = utcnow()
        with self._sessions.begin() as session:
            register = session.scalar(select(Register).where(Register.slug == plan.slug).with_for_update())
            if register is None:
                # version 0 until its first rows are written below (then 1)
                register = Register(slug=plan.slug, name=plan.name, listed=True, builtin=False, version=0, created_at=now, updated_at=now)
                session.add(register)
                session.flush()
            elif register.name != plan.name:
                register.name = plan.name
                register.version += 1
            current = {record.key: record for record in self._active(session, register)}
            result = rec.diff(current.values(), plan.records)  # again, inside the transaction
            entry = Import(
                register_id=register.id, at=now, actor=actor, filename=plan.filename, sha256=plan.sha256,
                added=len(result.added), changed=len(result.changed), ended=len(result.missing),
            )
            session.add(entry)
            session.flush()
            stored = {row.key: row for row in session.scalars(select(Arrangement).where(Arrangement.register_id == register.id))}

            def log(record: rec.Record, action: str, change: rec.FieldChange | None = None) -> None:
                session.add(
                    Change(
                        register_id=register.id, import_id=entry.id, at=now, actor=actor,
                        arrangement_key=record.key, arrangement_name=record.name, action=action,
                        field=change.column if change else None,
                        before=rec.display(change.field, change.before, plan.model) if change else None,
                        after=rec.display(change.field, change.after, plan.model) if change else None,
                    )
                )

            positions = {record.key: position for position, record in enumerate(plan.records)}
            for record in result.added:
                row = stored.get(record.key)
                if row is None:
                    session.add(Arrangement(register_id=register.id, position=positions[record.key], **rec.to_stored(record)))
                    log(record, ACTION_ADDED)
                else:  # an ended arrangement is in the file again
                    for name, value in rec.to_stored(record).items():
                        setattr(row, name, value)
                    row.ended_on = None
                    row.position = positions[record.key]
                    log(record, ACTION_REOPENED)
            for change in result.changed:
                row = stored[change.after.key]
                for name, value in rec.to_stored(change.after).items():
                    setattr(row, name, value)
                for item in change.fields:
                    log(change.after, ACTION_CHANGED, item)
            for record in result.missing:
                stored[record.key].ended_on = today
                log(record, ACTION_ENDED)
            for key, row in stored.items():  # keep the file's order for the active ones
                if key in positions:
                    row.position = positions[key]
            if not result.empty:
                register.version += 1
                register.updated_at = now
            return entry

    def ensure_survey(self) -> None:
        """Seed the built-in survey as a register on first start (its rows from data/)."""
        with self._sessions() as session:
            if self._register(session, SURVEY_SLUG) is not None:
                return
        now = utcnow()
        try:
            with self._sessions.begin() as session:
                register = Register(slug=SURVEY_SLUG, name=SURVEY_NAME, listed=True, builtin=True, version=1, created_at=now, updated_at=now)
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
        except Exception:
            # Another worker seeded it at the same moment (unique slug); anything else is real.
            if self.info(SURVEY_SLUG) is None:
                raise

    def set_listed(self, slug: str, listed: bool) -> None:
        with self._sessions.begin() as session:
            changed = session.execute(update(Register).where(Register.slug == slug).values(listed=listed, version=Register.version + 1))
            if changed.rowcount == 0:
                raise RegisterError(f"registeret «{slug}» finnes ikke")
