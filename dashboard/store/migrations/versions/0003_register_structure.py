"""Each register declares its municipality structure: "2020" for every register made so far
(their numbers are 2020 numbers), "2024" for new ones (set by the application).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registers") as batch:
        batch.add_column(sa.Column("structure", sa.String(length=4), nullable=False, server_default="2020"))


def downgrade() -> None:
    with op.batch_alter_table("registers") as batch:
        batch.drop_column("structure")
