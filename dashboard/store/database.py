"""Which database, and bringing its schema up to date: SQLite by default, PostgreSQL by DATABASE_URL.

`open_database()` is called once per process (app start-up or a command); it migrates under a
lock, so several workers starting at once on one database don't race each other.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Iterator, Mapping

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
# Ignored by git (.gitignore): `make run` needs no set-up.
DEFAULT_DATABASE_PATH = REPO / "instance" / "samarbeidskartet.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: the PostgreSQL advisory lock that serialises migrations across processes.
MIGRATION_LOCK_ID = 7_202_101


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """DATABASE_URL if set, else the SQLite file in instance/."""
    return environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def create_database_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout (several workers, one file)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextlib.contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock next to the SQLite file while migrating (a no-op for in-memory databases)."""
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration, one process at a time."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            command.upgrade(alembic_config(connection), "head")
        return
    with _sqlite_file_lock(engine), engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def open_database(url: str | None = None) -> Engine:
    """The engine for `url` (default: database_url()), with its schema migrated."""
    engine = create_database_engine(url or database_url())
    migrate(engine)
    return engine
