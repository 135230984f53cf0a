"""team stats index: work orders' figure columns led by the team, for the figures by team

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

The figures by team counted a period's orders from `ix_order_stats` (led by
logged_at) and sorted them to group them by team.  `ix_order_team_stats`
holds the same columns led by team_id, so each team's orders of a period are
one range of it, read in team order with no sort (services/stats.py).  It is
a plain index, the same on every database.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = [
    "team_id",
    "logged_at",
    "voided_at",
    "state",
    "on_site_due",
    "on_site_at",
    "done_due",
    "done_at",
    "paused_seconds",
    "paused_since",
    "verdict",
    "callback_due",
    "to_site_us",
    "to_done_us",
]


def upgrade() -> None:
    op.create_index("ix_order_team_stats", "work_order", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_order_team_stats", table_name="work_order")
