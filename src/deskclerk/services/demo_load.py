"""SQLite settings of the demo's own connection while it loads, and back.

Only that connection, only for the load, and back to db.py's durable defaults
before the connection returns to the pool:

- a 64 MB page cache, and index sorts in memory instead of temp files (a
  512 MB cache saved nothing measurable for 500 MB more memory; see
  benchmarks/README.md);
- foreign keys not checked row by row: the demo makes its own ids, parents
  before children (tests run `PRAGMA foreign_key_check` on what it makes), and
  the checks cost a lookup per reference, 0.7 s of a million records;
- on a database with no records yet, a rollback journal instead of the WAL.
  The new pages then go to the file once, where the WAL writes them twice (to
  the log, then into the file at the checkpoint after the commit: 1.3 against
  0.4 s for a million records).  Pages added past the file's old end need no
  journal, and a crash midway leaves a journal that rolls the file back on the
  next open, so all or nothing still holds.  The switch needs the file to
  itself: if another connection has it open, the load stays in WAL mode
  rather than wait.  Every connection db.py opens asks for WAL again.

And, in the load's transaction, the search tables gather 8 MB of new terms
before writing them out (FTS5's `hashsize`, 1 MB by default): fewer, larger
pieces of index to merge as they come, 0.3 s of a million records; the
default is written back before the commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from deskclerk.db import BUSY_TIMEOUT_MS

SEARCH_LOAD_HASH = 8 * 1024 * 1024
SEARCH_HASH = 1024 * 1024  # FTS5's default
LOAD_PRAGMAS = ("cache_size = -65536", "temp_store = MEMORY", "foreign_keys = OFF")
RESTORE_PRAGMAS = ("cache_size = -2000", "temp_store = DEFAULT", "foreign_keys = ON")


@contextmanager
def load_settings(conn: sa.Connection, *, empty: bool) -> Iterator[bool]:
    """The load settings on `conn` (SQLite) for the block; yields whether the load
    runs with a rollback journal (only tried when the database is `empty`)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    _pragmas(raw, LOAD_PRAGMAS)
    journal = empty and _journal(raw, "delete", wait_ms=0)
    try:
        yield journal
    finally:
        conn.rollback()  # (a no-op after the commit) pragmas need no open transaction
        _pragmas(raw, RESTORE_PRAGMAS)
        if journal:
            # Back to WAL, waiting for readers as any write would.  Should even that
            # fail, the records are saved all the same, and the next connection
            # db.py opens switches the file back to WAL.
            _journal(raw, "wal", wait_ms=BUSY_TIMEOUT_MS)


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


def _pragmas(raw: sqlite3.Connection, pragmas: tuple[str, ...]) -> None:
    for pragma in pragmas:
        raw.execute(f"PRAGMA {pragma}")


def _journal(raw: sqlite3.Connection, mode: str, *, wait_ms: int) -> bool:
    """Switch the journal mode; False if the file is busy (or the mode not taken)."""
    raw.execute(f"PRAGMA busy_timeout = {wait_ms}")
    try:
        row = raw.execute(f"PRAGMA journal_mode = {mode}").fetchone()
    except sqlite3.OperationalError:
        return False
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return row is not None and str(row[0]).lower() == mode
