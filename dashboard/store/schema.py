"""The tables of the register database. Changes go through an Alembic migration (migrations/versions/)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names fixed here so that migrations on SQLite and PostgreSQL agree.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


NORWAY = ZoneInfo("Europe/Oslo")


class Base(DeclarativeBase):
    pass


Base.metadata.naming_convention = NAMING


def utcnow() -> dt.datetime:
    """Times are stored as UTC without a zone (the same on SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def local_time(stored: dt.datetime) -> dt.datetime:
    """A stored UTC time as people in Norway read it."""
    return stored.replace(tzinfo=dt.timezone.utc).astimezone(NORWAY)


def stored_time(norwegian: dt.datetime) -> dt.datetime:
    """A time as people in Norway say it («15.01.2026 kl. 00:00») as stored (UTC, no zone): the inverse of local_time."""
    return norwegian.replace(tzinfo=NORWAY).astimezone(dt.timezone.utc).replace(tzinfo=None)


class Register(Base):
    """A named, persistent dataset of arrangements, published at /r/<slug>."""

    __tablename__ = "registers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    # The built-in survey: its model is read from data/ (with source tables and rows), the rows
    # here are what the list, export and history show of it. It is not imported into.
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    # The municipality structure its numbers are in: "2020" (the survey, registers made before
    # 0003) or "2024" (new registers). Fixed at creation: numbers are not renumbered in place.
    structure: Mapped[str] = mapped_column(String(4), default="2024", server_default="2020")
    # Bumped by every change; caches in the web processes are keyed by (slug, version).
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Arrangement(Base):
    """One arrangement of a register in canonical form (ids and kommunenummer, lists sorted)."""

    __tablename__ = "arrangements"
    __table_args__ = (UniqueConstraint("register_id", "key", name="uq_arrangements_register_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("registers.id", ondelete="CASCADE"), index=True)
    # Identity across imports: the name as the sheet reader compares names.
    key: Mapped[str] = mapped_column(String(400))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    services: Mapped[str] = mapped_column(Text, default="")
    sector: Mapped[str] = mapped_column(Text, default="")
    members: Mapped[str] = mapped_column(Text, default="")
    hosts: Mapped[str] = mapped_column(Text, default="")
    legal_form: Mapped[str] = mapped_column(String(40), default="")
    established: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    # Where the current values came from: "fil.xlsx, rad 7" (traceability of every number).
    origin: Mapped[str] = mapped_column(Text, default="")
    ended_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Import(Base):
    """One import of a file into a register: when, by whom, which file, how much changed."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("registers.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    ended: Mapped[int] = mapped_column(Integer, default=0)
    # "fil" (an imported file), "redigering" (an edit in the page) or "tilbakestilling" (a revert):
    # one change set, reverted as one.
    kind: Mapped[str] = mapped_column(String(20), default="fil")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Change(Base):
    """One recorded change of one field of one arrangement (the audit trail)."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("registers.id", ondelete="CASCADE"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    arrangement_key: Mapped[str] = mapped_column(String(400))
    arrangement_name: Mapped[str] = mapped_column(Text)
    # "lagt til", "endret", "avsluttet"
    action: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(40), nullable=True)
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The same change in stored form (JSON of the record's columns), so it can be undone and an
    # earlier state rebuilt; the text columns above are what a person reads.
    before_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    after_value: Mapped[str | None] = mapped_column(Text, nullable=True)


class User(Base):
    """An editor of one register (accounts are per register)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("register_id", "email", name="uq_users_register_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("registers.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LoginAttempt(Base):
    """A failed login, kept a while: the rate limit counts them in the database, so it holds across workers."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Setting(Base):
    """Values every worker and host must share, e.g. the session signing key."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Draft(Base):
    """A try-upload kept server-side for a day; the browser holds only its random id."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    filename: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
