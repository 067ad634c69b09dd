"""Alembic environment: run by dashboard.store.database.migrate (connection given) or by `alembic` itself."""

from __future__ import annotations

from alembic import context

from dashboard.store.database import create_database_engine, database_url
from dashboard.store.schema import Base

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_database_engine(database_url())
    with engine.begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
