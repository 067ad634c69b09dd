"""Editor accounts, failed logins (rate limit), shared settings; change sets and undoable changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["register_id"], ["registers.id"], name="fk_users_register_id_registers", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("register_id", "email", name="uq_users_register_email"),
    )
    op.create_index("ix_users_register_id", "users", ["register_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_key", "login_attempts", ["key"])
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])
    op.create_table(
        "settings",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_settings"),
    )
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="fil"))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("before_value", sa.Text(), nullable=True))
        batch.add_column(sa.Column("after_value", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("after_value")
        batch.drop_column("before_value")
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("reason")
        batch.drop_column("kind")
    op.drop_table("settings")
    op.drop_table("login_attempts")
    op.drop_table("users")
