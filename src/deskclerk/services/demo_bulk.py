"""Bulk writing for the demo: rows as tuples in large batches, and the history chain.

On SQLite the rows go straight to the driver's executemany with times already
in SQLAlchemy's storage text (checked against SQLAlchemy at start), each record's
search text made beside it; elsewhere through `insert(Table)` with aware
datetimes, and the search index rebuilt at the end.  Never ORM objects one by one.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlmodel import SQLModel

from deskclerk.models import Audit
from deskclerk.services.history import GENESIS, entry_hash
from deskclerk.services.search import text_maker

# Tables in the order they are written (foreign keys point backwards), with the
# columns the demo fills, in the order its row tuples give them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("id", "code", "building", "area", "note", "created_at", "active"),
    "resident": (
        "id", "unit_id", "name", "phone", "phone_last4", "is_owner", "created_at", "active",
    ),
    "team": ("id", "name", "categories", "areas", "active"),
    "staff": ("id", "name", "role", "team_id", "phone", "pin_hash", "active"),
    "shift": ("id", "clerk", "name", "started_at", "ended_at"),
    "work_order": (
        "id", "number", "call_id", "unit_id", "category", "priority", "description",
        "team_id", "technician", "state", "logged_by", "logged_at", "recorded_at",
        "dispatched_at", "on_site_at", "done_at", "closed_at", "cancelled_at",
        "cancel_reason", "on_site_due", "done_due", "callback_due", "paused_since",
        "pause_reason", "paused_seconds", "callback_at", "callback_attempts", "verdict",
        "callback_comment", "reopened_count", "charge", "shift_id", "voided_at", "void_reason",
        "to_site_us", "to_done_us",
    ),
    "order_event": ("id", "order_id", "kind", "at", "recorded_at", "clerk", "detail"),
    "call": (
        "id", "received_at", "recorded_at", "caller", "phone", "unit_id", "category",
        "matter", "taken_by", "passed_to", "callback_due", "answer", "state", "closed_at",
        "order_id", "shift_id", "voided_at", "void_reason",
    ),
    "visit": (
        "id", "visitor", "phone", "unit_id", "host", "purpose", "time_in", "time_out",
        "badge", "plate", "id_number", "id_purged_at", "clerk", "clerk_out", "recorded_at",
        "shift_id", "voided_at", "void_reason",
    ),
    "handover_note": (
        "id", "text", "priority", "unit_id", "clerk", "shift_id", "written_at",
        "recorded_at", "resolved_at", "resolved_by", "voided_at", "void_reason",
    ),
    "audit": (
        "id", "at", "actor", "action", "entity", "entity_id", "field_name", "old", "new",
        "reason", "prev_hash", "hash",
    ),
}  # fmt: skip
_TIME_OF_DAY: list[str] = []  # second of the day -> " HH:MM:SS.000000" (SQLite's stored text)
_HMS = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def check_columns() -> None:
    """Fail loudly if the models grew a required column the demo does not fill."""
    for name, cols in COLUMNS.items():
        table = SQLModel.metadata.tables[name]
        for col in table.columns:
            if col.name not in cols and not col.nullable and col.server_default is None:
                raise RuntimeError(f"demo: column {name}.{col.name} must be filled (new in models)")


class _Dates(dict[int, str]):
    """Day number since 1970 -> "YYYY-MM-DD", made on first use."""

    def __missing__(self, day: int) -> str:
        text = self[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d")
        return text


# The registers whose search tables (search_<kind>) the demo fills as it writes, on
# SQLite; the text is `search.text_maker`'s, from the columns of `search._SOURCES`.
SEARCH_TABLES = ("resident", "call", "order", "visit", "note")

Batch = dict[str, list[tuple[Any, ...]]]  # table -> rows, in COLUMNS order then search_*
Sink = Callable[[Batch], None]


def history_start(conn: sa.Connection) -> tuple[int, str]:
    """(the next history id, the hash the next entry chains to) of a database."""
    audit = SQLModel.metadata.tables["audit"]
    next_id = 1 + (conn.execute(sa.select(sa.func.max(audit.c.id))).scalar() or 0)
    last = conn.execute(sa.select(audit.c.hash).order_by(audit.c.id.desc()).limit(1)).scalar()
    return next_id, last or GENESIS


def fast_path(conn: sa.Connection) -> bool:
    """Whether rows go straight to the driver with times as SQLite text (and the search
    text is made as the rows are)."""
    return BulkWriter.FAST_PATH and conn.dialect.name == "sqlite"


class BulkWriter:
    """Buffers row tuples per table and hands them to `sink` in batches.

    The sink writes them in the caller's transaction (`DatabaseSink`), or, when
    the demo is made in a worker process, sends them to the process that does.
    """

    FAST_PATH = True  # SQLite: straight to the driver (a test turns it off to compare)

    def __init__(
        self, sink: Sink, *, fast: bool, history: tuple[int, str], batch: int = 20_000
    ) -> None:
        check_columns()
        self.sink = sink
        self.batch = batch
        self.fast = fast
        names = [*COLUMNS, *(f"search_{kind}" for kind in SEARCH_TABLES)] if fast else COLUMNS
        self.buffers: Batch = {name: [] for name in names}
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.indexed = 0
        self._pending = 0
        self._days = _Dates()
        # (at, order queued, (actor, action, entity, field, new), entity id)
        self._audit: list[tuple[int, int, tuple[str, str, str, str, str], int]] = []
        self._audit_seq = 0
        self._parts: dict[tuple[str, str, str, str, str], tuple[str, ...]] = {}
        self.next_audit_id, self.prev_hash = history
        self._checked = False
        self._text = text_maker()
        if self.fast and not _TIME_OF_DAY:
            _TIME_OF_DAY.extend(f" {hms}.000000" for hms in _HMS)
        self.ts = self._make_ts()
        if self.fast:
            self._check_time_format()

    # --- times: epoch seconds (UTC) in, database values out --------------------

    def _make_ts(self) -> Callable[[int | None], Any]:
        """The function turning epoch seconds into stored values (called a million times)."""
        if not self.fast:
            return lambda epoch: None if epoch is None else datetime.fromtimestamp(epoch, UTC)
        days, tod = self._days, _TIME_OF_DAY

        def ts(epoch: int | None) -> str | None:
            if epoch is None:
                return None
            day, rest = divmod(epoch, 86400)
            return days[day] + tod[rest]

        return ts

    def _check_time_format(self) -> None:
        proc = sqlite.DATETIME().bind_processor(sqlite.dialect())
        sample = 1_795_000_000 + 3 * 3600 + 7 * 60 + 9
        assert proc is not None
        if proc(datetime.fromtimestamp(sample, UTC).replace(tzinfo=None)) != self.ts(sample):
            raise RuntimeError("demo: SQLAlchemy stores SQLite times differently; update demo_bulk")

    # --- rows ----------------------------------------------------------------------

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        """Queue one row (values in COLUMNS[table] order)."""
        self.buffers[table].append(row)
        self._pending += 1
        if self._pending >= self.batch:
            self.flush()

    def index(self, kind: str, record_id: int, parts: tuple[str | None, ...], phone: str) -> None:
        """Queue a record's search text, made from the columns of `search._SOURCES[kind]`
        (the last is `phone`).  SQLite only: elsewhere the index is rebuilt at the end."""
        if self.fast:
            self.buffers[f"search_{kind}"].append((record_id, self._text(parts, phone)))
            self._pending += 1

    def audit(
        self,
        epoch: int,
        actor: str,
        action: str,
        entity: str,
        entity_id: int,
        field: str = "",
        new: str = "",
    ) -> None:
        """Queue one history entry; entries are chained in time order by `release`.

        `field` and `new` are plain identifiers (state names), so they need no escaping.
        """
        self._audit_seq += 1
        key = (actor, action, entity, field, new)
        self._audit.append((epoch, self._audit_seq, key, entity_id))

    def release(self, until: int | None = None) -> None:
        """Chain and queue the history entries that happened before `until` (all if None)."""
        pending = self._audit
        pending.sort()
        cut = len(pending) if until is None else bisect_left(pending, (until,))
        ready, self._audit = pending[:cut], pending[cut:]
        out = self.buffers["audit"]
        first = len(out)
        parts, days, tod, hms = self._parts, self._days, _TIME_OF_DAY, _HMS
        prev, next_id = self.prev_hash, self.next_audit_id
        sha256, fast, ts = hashlib.sha256, self.fast, self.ts
        for epoch, _seq, key, eid in ready:
            p = parts.get(key) or self._part(key)
            day, rest = divmod(epoch, 86400)
            date = days[day]
            digest = sha256(f'["{prev}","{date}T{hms[rest]}{p[0]}{eid}{p[1]}'.encode()).hexdigest()
            stamp = date + tod[rest] if fast else ts(epoch)
            out.append((next_id, stamp, p[2], p[3], p[4], eid, p[5], "", p[6], "", prev, digest))
            next_id += 1
            prev = digest
        if ready and not self._checked:
            self._check_hash(ready[0], out[first])
        self.prev_hash, self.next_audit_id = prev, next_id
        self._pending += len(ready)
        if self._pending >= self.batch:
            self.flush()

    def _part(self, key: tuple[str, str, str, str, str]) -> tuple[str, ...]:
        """What history.entry_hash puts around an entry's time and id (its JSON), then
        the entry's actor, action, entity, field and new value."""
        actor, action, entity, field, new = key
        actor_json = json.dumps(actor, ensure_ascii=False)
        made = self._parts[key] = (
            f'+00:00",{actor_json},"{action}","{entity}",',
            f',"{field}","","{new}",""]',
            *key,
        )
        return made

    def _check_hash(
        self, entry: tuple[int, int, tuple[str, str, str, str, str], int], row: tuple[Any, ...]
    ) -> None:
        """Fail loudly if the row chained here differs from what history.entry_hash makes."""
        epoch, _seq, (actor, action, entity, field, new), eid = entry
        *_, prev, digest = row
        made = SimpleNamespace(
            at=datetime.fromtimestamp(epoch, UTC), actor=actor, action=action, entity=entity,
            entity_id=eid, field_name=field, old="", new=new, reason="",
        )  # fmt: skip
        if entry_hash(prev, cast(Audit, made)) != digest:
            raise RuntimeError(
                "demo: history hash differs from history.entry_hash; update demo_bulk"
            )
        self._checked = True

    def flush(self) -> None:
        """Hand every queued row to the sink, parents before children."""
        batch: Batch = {}
        for name, rows in self.buffers.items():
            if rows:
                batch[name] = rows
                if name in self.counts:
                    self.counts[name] += len(rows)
                else:
                    self.indexed += len(rows)
                self.buffers[name] = []
        self._pending = 0
        if batch:
            self.sink(batch)


class DatabaseSink:
    """Writes batches in the connection's open transaction."""

    def __init__(self, conn: sa.Connection, *, fast: bool) -> None:
        self.conn = conn
        self.fast = fast
        self._sql: dict[str, str] = {}

    def __call__(self, batch: Batch) -> None:
        for name, rows in batch.items():
            if self.fast:
                sql = self._sql.get(name) or self._sql.setdefault(name, self._insert(name))
                self.conn.exec_driver_sql(sql, rows)  # type: ignore[arg-type]
            else:
                table = SQLModel.metadata.tables[name]
                cols = COLUMNS[name]
                self.conn.execute(sa.insert(table), [dict(zip(cols, r, strict=True)) for r in rows])

    def _insert(self, name: str) -> str:
        quote = self.conn.dialect.identifier_preparer.quote
        cols = ("rowid", "body") if name.startswith("search_") else COLUMNS[name]
        return (
            f"INSERT INTO {quote(name)} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})"
        )
