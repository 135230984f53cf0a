"""search index: one full-text table per register, keyed by the record's id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

On SQLite each register gets an FTS5 table whose rowid is the record's id, so
a search reads the newest matches first without a scan.  Chinese text is
indexed with a space around each character (deskclerk.cleaning.cjk_spaced) so
a two-character name is found as a phrase.  Other databases get a plain table
of the same shape, searched with LIKE by the services.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REGISTERS = ("call", "visit", "order", "note", "resident")


def upgrade() -> None:
    bind = op.get_bind()
    for name in REGISTERS:
        if bind.dialect.name == "sqlite":
            op.execute(
                f"CREATE VIRTUAL TABLE search_{name} USING fts5("
                "body, tokenize = 'unicode61 remove_diacritics 2')"
            )
        else:
            op.create_table(
                f"search_{name}",
                sa.Column("rowid", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("body", sa.Text, nullable=False),
            )
    # The index is filled by the services as records are saved; fill it for
    # records saved before this revision existed.
    from deskclerk.services.search import rebuild_index

    rebuild_index(bind)


def downgrade() -> None:
    for name in REGISTERS:
        op.drop_table(f"search_{name}")
