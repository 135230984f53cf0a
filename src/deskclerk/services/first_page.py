"""The desk's first page of calls, read without SQLAlchemy (a guarded SQLite fast path).

Importing SQLAlchemy, SQLModel and the models costs about 300 ms, and a desk
that does it while painting its first rows paints them late.  For a SQLite
file already at the current schema this reads the same page as
`calls.list_calls(ctx, limit=...)`, with the stdlib driver, in one read
transaction that also takes the newest history id (the desk's change mark, so
nothing saved after the read is missed).  Anything else (another database, an
older schema, a missing file, any error) gives None: the caller then uses the
services, which are the portable path.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from deskclerk.services.call_public import CallPublic, call_from_row

BUSY_SECONDS = 30.0
VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"

# calls.list_calls: not voided, newest first by (received_at, id), one row more than the page
_NEWEST_CALLS = """
SELECT c.id, c.received_at, c.recorded_at, c.caller, c.phone, u.code, c.category,
       c.matter, c.taken_by, c.passed_to, c.callback_due, c.answer, c.state,
       c.order_id, w.number, c.shift_id, c.voided_at, c.void_reason, c.closed_at
FROM "call" AS c
LEFT OUTER JOIN unit AS u ON u.id = c.unit_id
LEFT OUTER JOIN work_order AS w ON w.id = c.order_id
WHERE c.voided_at IS NULL
ORDER BY c.received_at DESC, c.id DESC
LIMIT ?
"""


@dataclass(frozen=True)
class FirstCalls:
    """The newest calls, the cursor of the page after them, and the history mark read with them."""

    items: list[CallPublic]
    next: tuple[datetime, int] | None
    mark: int


def sqlite_file(url: str) -> Path | None:
    """The existing file behind a plain `sqlite:///path` URL, else None (no file is created)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = Path(url[len(prefix) :])
    return path if path.is_absolute() and path.is_file() else None


def schema_head() -> str:
    """The newest migration shipped (db.SCHEMA_HEAD, found without importing SQLAlchemy).

    Revisions are numbered files, 0001_initial.py, 0002_…; a test keeps this equal
    to db.SCHEMA_HEAD.
    """
    return max(
        (n[:4] for n in os.listdir(VERSIONS) if n[:4].isdigit() and n.endswith(".py")),
        default="",
    )


def newest_calls(path: Path, now: datetime, limit: int = 100) -> FirstCalls | None:
    """The first page of the Calls list from the SQLite file `path`, or None to use the services."""
    try:
        conn = sqlite3.connect(
            f"file:{quote(str(path))}?mode=rw", uri=True, timeout=BUSY_SECONDS, isolation_level=None
        )
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for the schema, the mark and the rows
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        if version != [(schema_head(),)]:
            return None  # to be migrated first (or newer than this code): the services decide
        mark = conn.execute("SELECT max(id) FROM audit").fetchone()[0] or 0
        rows = conn.execute(_NEWEST_CALLS, (limit + 1,)).fetchall()
        conn.execute("COMMIT")
        items = [_public(r, now) for r in rows[:limit]]
    except (sqlite3.Error, OSError, ValueError, TypeError):
        return None  # the services will say what is wrong, in words
    finally:
        conn.close()
    nxt = (items[-1].received_at, items[-1].id) if len(rows) > limit and items else None
    return FirstCalls(items, nxt, int(mark))


def _instant(value: str | None) -> datetime | None:
    """A stored timestamp (naive UTC text, as models.UTCDateTime writes it) as aware UTC."""
    if value is None:
        return None
    at = datetime.fromisoformat(value)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


_TIMES = (1, 2, 10, 18)  # received, recorded, callback due, closed: stored as naive UTC text


def _public(row: Any, now: datetime) -> CallPublic:
    # the times parsed as models.UTCDateTime does, then the services' own mapping
    cells = list(row)
    for i in _TIMES:
        cells[i] = _instant(cells[i])
    return call_from_row(cells, now)
