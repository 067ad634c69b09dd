"""Change sets: every write to a register (an import, an edit in the page, a revert) goes through one.

A change set writes rows and records each change with who, when, what (before → after, as a
person reads it and as stored values) and why. Stored values make every change undoable and
every earlier state rebuildable. Used inside a transaction the caller owns.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.data.model import CooperationModel
from dashboard.store import records as rec
from dashboard.store.schema import Arrangement, Change, Import, Register, utcnow

ACTION_ADDED = "lagt til"
ACTION_CHANGED = "endret"
ACTION_ENDED = "avsluttet"
ACTION_REOPENED = "gjenåpnet"
ACTION_REVERTED = "tilbakestilt"
KIND_FILE = "fil"
KIND_EDIT = "redigering"
KIND_REVERT = "tilbakestilling"
MAX_REASON_CHARS = 500
STORED_COLUMNS = ("key", "name", "services", "sector", "members", "hosts", "legal_form", "established", "source", "origin")


def snapshot(row: Arrangement | None) -> str | None:
    """A row's stored values as JSON (None: the row did not exist)."""
    if row is None:
        return None
    values: dict[str, Any] = {name: getattr(row, name) for name in STORED_COLUMNS}
    values["ended_on"] = row.ended_on.isoformat() if row.ended_on else None
    values["position"] = row.position
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def record_of(values: dict[str, Any]) -> rec.Record:
    return rec.from_stored({name: values.get(name) or "" for name in STORED_COLUMNS})


class ChangeSet:
    """One recorded set of changes to one register; `finish()` bumps the version if anything changed."""

    def __init__(
        self,
        session: Session,
        register: Register,
        actor: str,
        kind: str,
        names: CooperationModel,
        *,
        filename: str = "",
        sha256: str = "",
        reason: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        self.session = session
        self.register = register
        self.actor = actor
        self.names = names
        self.reason = " ".join(str(reason or "").split())[:MAX_REASON_CHARS] or None  # one line, bounded
        self.now = now or utcnow()
        self.entry = Import(
            register_id=register.id, at=self.now, actor=actor, filename=filename, sha256=sha256,
            added=0, changed=0, ended=0, kind=kind, reason=self.reason,
        )
        session.add(self.entry)
        session.flush()
        self.rows = {row.key: row for row in session.scalars(select(Arrangement).where(Arrangement.register_id == register.id))}
        self.touched = False

    # ----- the log ------------------------------------------------------------------------

    def _log(
        self,
        record: rec.Record,
        action: str,
        before: str | None,
        after: str | None,
        change: rec.FieldChange | None = None,
        note: str | None = None,
    ) -> None:
        self.touched = True
        self.session.add(
            Change(
                register_id=self.register.id, import_id=self.entry.id, at=self.now, actor=self.actor,
                arrangement_key=record.key, arrangement_name=record.name, action=action,
                field=change.column if change else None,
                before=rec.display(change.field, change.before, self.names) if change else None,
                after=rec.display(change.field, change.after, self.names) if change else note,
                reason=self.reason, before_value=before, after_value=after,
            )
        )

    # ----- writes -------------------------------------------------------------------------

    def active(self) -> list[rec.Record]:
        rows = sorted((row for row in self.rows.values() if row.ended_on is None), key=lambda row: (row.position, row.id or 0))
        return [rec.from_stored(vars(row)) for row in rows]

    def add(self, record: rec.Record, position: int | None = None) -> None:
        """A new arrangement, or an ended one again (reopened)."""
        position = len(self.rows) if position is None else position
        row = self.rows.get(record.key)
        if row is None:
            row = Arrangement(register_id=self.register.id, position=position, **rec.to_stored(record))
            self.session.add(row)
            self.session.flush()
            self.rows[record.key] = row
            self._log(record, ACTION_ADDED, None, snapshot(row))
            self.entry.added += 1
            return
        before = snapshot(row)
        for name, value in rec.to_stored(record).items():
            setattr(row, name, value)
        row.ended_on = None
        row.position = position
        self._log(record, ACTION_REOPENED, before, snapshot(row))
        self.entry.added += 1

    def change(self, record: rec.Record, key: str | None = None) -> tuple[rec.FieldChange, ...]:
        """New values for the arrangement `key` (default: the record's own key; a rename changes it)."""
        row = self.rows[key or record.key]
        old = rec.from_stored(vars(row))
        fields = tuple(
            rec.FieldChange(name, getattr(old, name), getattr(record, name))
            for name in rec.FIELD_COLUMNS
            if getattr(old, name) != getattr(record, name)
        )
        if not fields:
            return ()
        before = snapshot(row)
        for name, value in rec.to_stored(record).items():
            setattr(row, name, value)
        if row.key != old.key:
            self.rows.pop(old.key, None)
            self.rows[row.key] = row
        after = snapshot(row)
        for item in fields:
            self._log(record, ACTION_CHANGED, before, after, item)
        self.entry.changed += 1
        return fields

    def end(self, key: str, on: dt.date) -> None:
        row = self.rows[key]
        before = snapshot(row)
        row.ended_on = on
        self._log(rec.from_stored(vars(row)), ACTION_ENDED, before, snapshot(row), note=f"sluttdato {on.strftime('%d.%m.%Y')}")
        self.entry.ended += 1

    def restore(self, key: str, name: str, value: str | None) -> None:
        """Put an arrangement back to a stored snapshot (None: it did not exist, so remove it)."""
        row = self.rows.get(key)
        before = snapshot(row)
        if before == value:
            return
        if value is None:
            if row is not None:
                self.session.delete(row)
                self.rows.pop(key)
            self._log(rec.Record(key=key, name=name), ACTION_REVERTED, before, None)
            return
        values = json.loads(value)
        if row is None:
            row = Arrangement(register_id=self.register.id, position=values.get("position", 0), **rec.to_stored(record_of(values)))
            self.session.add(row)
            self.rows[key] = row
        for column in STORED_COLUMNS:
            setattr(row, column, values.get(column) or "")
        row.position = values.get("position", row.position)
        row.ended_on = dt.date.fromisoformat(values["ended_on"]) if values.get("ended_on") else None
        self.session.flush()
        self._log(record_of(values), ACTION_REVERTED, before, snapshot(row))

    def finish(self) -> Import:
        if self.touched:
            self.register.version += 1
            self.register.updated_at = self.now
        return self.entry
