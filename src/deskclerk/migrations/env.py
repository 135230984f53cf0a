"""Alembic environment: runs on the connection deskclerk hands it."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import deskclerk.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        import sqlalchemy as sa

        url = config.get_main_option("sqlalchemy.url")
        assert url, "no connection and no sqlalchemy.url"
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things in place
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
