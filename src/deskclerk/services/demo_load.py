"""SQLite settings of the demo's own connection while it loads, and back.

Only that connection, only for the load, and back to db.py's durable defaults
before the connection returns to the pool (if they cannot be put back, the
connection is thrown away instead of pooled):

- a 64 MB page cache, and index sorts in memory instead of temp files (a
  512 MB cache saved nothing measurable for 500 MB more memory; see
  benchmarks/README.md);
- foreign keys not checked row by row: the demo makes its own ids, parents
  before children (tests run `PRAGMA foreign_key_check` on what it makes), and
  the checks cost a lookup per reference, 0.7 s of a million records.

The file stays in WAL mode throughout, so other desks can open and read it
while a demo loads, and a reader never makes the load's commit wait.  (A
rollback journal for the load wrote the pages once instead of twice, commit
1.3 -> 0.4 s for a million records, but it shut every other process out of the
file for the whole load and let any open reader fail the commit: not kept.)

And, in the load's transaction, the search tables gather 8 MB of new terms
before writing them out (FTS5's `hashsize`; 1 MB when not set): fewer, larger
pieces of index to merge as they come, 0.3 s of a million records.  1 MB is
written back before the commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

SEARCH_LOAD_HASH = 8 * 1024 * 1024
SEARCH_HASH = 1024 * 1024  # FTS5's own when none is set
LOAD_PRAGMAS = ("cache_size = -65536", "temp_store = MEMORY", "foreign_keys = OFF")
RESTORE_PRAGMAS = ("cache_size = -2000", "temp_store = DEFAULT", "foreign_keys = ON")


@contextmanager
def load_settings(conn: sa.Connection) -> Iterator[None]:
    """The load settings on `conn` (SQLite) for the block, db.py's after."""
    raw = conn.connection.driver_connection
    assert raw is not None
    try:
        for pragma in LOAD_PRAGMAS:
            raw.execute(f"PRAGMA {pragma}")
        yield
    finally:
        _restore(conn, raw)


def _restore(conn: sa.Connection, raw: sqlite3.Connection) -> None:
    """db.py's settings back on the driver's connection (pragmas need it outside any
    transaction: even a failed COMMIT can leave SQLite's open); else discard it."""
    try:
        conn.rollback()
        if raw.in_transaction:
            raw.rollback()
        for pragma in RESTORE_PRAGMAS:
            raw.execute(f"PRAGMA {pragma}")
        restored = raw.execute("PRAGMA foreign_keys").fetchone() == (1,)
    except (sqlite3.Error, sa.exc.DBAPIError):  # the load's own error is the one to report
        restored = False
    if not restored:
        conn.invalidate()  # never back into the pool without its foreign keys


@contextmanager
def search_load_settings(conn: sa.Connection) -> Iterator[None]:
    """The search tables' load setting for the block, in the caller's transaction."""
    from deskclerk.services.search import REGISTERS

    def hash_size(size: int) -> None:
        for kind in REGISTERS:
            table = f"search_{kind}"
            conn.exec_driver_sql(f"INSERT INTO {table}({table}, rank) VALUES('hashsize', {size})")

    hash_size(SEARCH_LOAD_HASH)
    yield
    hash_size(SEARCH_HASH)  # (on an error the transaction's rollback undoes both)
