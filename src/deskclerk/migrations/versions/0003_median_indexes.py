"""median indexes: work orders' durations in order, for the figures' medians

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

The median time to on site / to done of a period is read by walking an index
of the stored durations (`to_site_us`, `to_done_us`) in order to the middle,
instead of fetching and sorting every duration of the period; one pair leads
with the team, for the figures per team.  On SQLite the indexes are partial:
only orders the team reached have durations that count (services/
stats_medians.py).  Other databases get full indexes (same columns; the walk's
own condition leaves the rest out): a `postgresql_where` in models.py would
load SQLAlchemy's PostgreSQL dialect, 20 ms, in every command.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

REACHED = "on_site_at IS NOT NULL"

INDEXES = {
    "ix_order_to_site": ["to_site_us", "logged_at", "voided_at"],
    "ix_order_to_done": ["to_done_us", "logged_at", "voided_at"],
    "ix_order_team_to_site": ["team_id", "to_site_us", "logged_at", "voided_at"],
    "ix_order_team_to_done": ["team_id", "to_done_us", "logged_at", "voided_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(
            name,
            "work_order",
            columns,
            unique=False,
            sqlite_where=sa.text(REACHED),
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="work_order")
