"""Demo data: a believable property and N days of its desk, written in bulk.

`make_demo` fills a database with units, residents, teams, staff, shifts and
N days of calls, visits, work orders (with their events), callbacks and
handover notes, with the history chain and the search index.  The same seed
(and clock) gives the same data.  It refuses a database that already holds
records unless told otherwise: demo data must never mix into a live desk.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass

import sqlalchemy as sa

from deskclerk.errors import Conflict, DeskError, InvalidInput, StorageError
from deskclerk.services.context import Context
from deskclerk.services.demo_bulk import DatabaseSink, fast_path, history_start
from deskclerk.services.demo_load import load_settings, search_load_settings
from deskclerk.services.demo_make import Plan, collector_paused, generate, in_worker
from deskclerk.services.demo_site import local_midnight, max_ids, number_reader, read_existing

DEFAULT_DAYS = 30
DEFAULT_UNITS = 480
# Per unit and day (measured on the generator): calls 0.13, visits 0.17, orders
# with ~5 events each; used to size the property for --records.
RECORDS_PER_UNIT_DAY = 0.575
RECORDS_PER_UNIT = 3.0  # the unit and its residents
# A desk is live once any of these holds a row (a clerk set up staff, started a shift…).
REGISTER_TABLES = (
    "unit", "resident", "team", "staff", "shift", "call", "visit", "work_order", "handover_note",
)  # fmt: skip
# From about this many records the rows are drawn in a worker process while this one
# writes them (starting it costs ~0.05 s forked, ~0.5 s spawned).
PARALLEL_FROM = 50_000
MAX_DAYS = 20_000
MAX_UNITS = 500_000


@dataclass(frozen=True)
class DemoSummary:
    """What the demo wrote and how long it took."""

    seed: int
    days: int
    units: int
    counts: dict[str, int]  # rows written per table (audit: history entries)
    indexed: int  # records put in the search index
    seconds: float  # drawing and writing the records, their history and search text
    index_seconds: float  # the tables' indexes (elsewhere than SQLite: the search index too)
    commit_seconds: float = 0.0  # the commit, its checkpoint, the connection's settings back

    @property
    def records(self) -> int:
        """Records written (every table but the history)."""
        return sum(n for name, n in self.counts.items() if name != "audit")

    @property
    def total_seconds(self) -> float:
        """From taking the connection to the end of the commit (the rate's time)."""
        return self.seconds + self.index_seconds + self.commit_seconds

    @property
    def rate(self) -> float:
        """Records per second, start to commit: history, indexes and search included."""
        return self.records / self.total_seconds if self.total_seconds else 0.0


def existing_records(conn: sa.Connection) -> dict[str, int]:
    """The registers that already hold rows (name -> 1), cheaply: one probe each."""
    found: dict[str, int] = {}
    for name in REGISTER_TABLES:
        table = sa.table(name, sa.column("id"))
        if conn.execute(sa.select(table.c.id).limit(1)).first() is not None:
            found[name] = 1
    return found


LIVE_DESK = (
    "This database already holds records. The demo would mix made-up calls, visitors "
    "and work orders into a live desk, so nothing was written. Give a new file "
    "(deskclerk --db demo.db demo), or add --yes if this really is a test database."
)


def plan_units(days: int, records: int | None, units: int | None) -> int:
    """How many units the property needs: as given, else sized for `records`, else the default."""
    if units is not None:
        return units
    if records is None:
        return DEFAULT_UNITS
    return max(20, round(records / (days * RECORDS_PER_UNIT_DAY + RECORDS_PER_UNIT)))


def check_sizes(days: int, units: int | None, records: int | None) -> None:
    """Refuse a demo size out of range (before anything is opened or written)."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"Days must be between 1 and {MAX_DAYS:,}.")
    if units is not None and not 1 <= units <= MAX_UNITS:
        raise InvalidInput(f"Units must be between 1 and {MAX_UNITS:,}.")
    if records is not None and records < 1:
        raise InvalidInput("Records must be a positive number.")


def make_demo(
    ctx: Context,
    *,
    days: int = DEFAULT_DAYS,
    seed: int | None = None,
    units: int | None = None,
    records: int | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool | None = None,
) -> DemoSummary:
    """Fill the database with a demo property and `days` days of its desk, up to now.

    `records` sizes the property so that about that many records are written
    (for benchmarks: `records=1_000_000, days=365`).  `progress(day, days)` is
    called as days are written.  `parallel` draws the rows in a worker process
    (None: when the demo is large enough to gain by it).  Raises Conflict if the
    database already holds records and `force` is not set.
    """
    check_sizes(days, units, records)
    seed = random.SystemRandom().randrange(1, 1_000_000) if seed is None else seed
    unit_count = plan_units(days, records, units)
    started = time.perf_counter()
    bind = ctx.engine.execution_options(sqlite_begin="IMMEDIATE")
    try:
        with bind.connect() as conn:
            counts, indexed, written, index_done = _run(
                ctx, conn, days, seed, unit_count, force, progress, parallel
            )
    except sa.exc.OperationalError as exc:
        raise StorageError(f"The demo was not written (nothing was kept): {exc.orig}.") from None
    except sqlite3.Error as exc:  # from the driver's connection directly (load settings)
        raise StorageError(f"The demo was not written (nothing was kept): {exc}.") from None
    done = time.perf_counter()
    _finish_site(ctx)
    return DemoSummary(
        seed, days, unit_count, counts, indexed,
        seconds=written - started, index_seconds=index_done - written,
        commit_seconds=done - index_done,
    )  # fmt: skip


def _run(
    ctx: Context,
    conn: sa.Connection,
    days: int,
    seed: int,
    unit_count: int,
    force: bool,
    progress: Callable[[int, int], None] | None,
    parallel: bool | None,
) -> tuple[dict[str, int], int, float, float]:
    """One transaction: the records with their history and search text, then the indexes."""
    from deskclerk.services.search import rebuild_index

    with ExitStack() as stack:
        stack.enter_context(collector_paused())
        if conn.dialect.name == "sqlite":
            stack.enter_context(load_settings(conn))
        with conn.begin():
            # checked under the write lock: no desk can add a record in between
            if not force and existing_records(conn):
                raise Conflict(LIVE_DESK)
            worker = _use_worker(conn, days, unit_count, force, parallel)
            # On an empty database written from this process alone, build the secondary
            # indexes once at the end: faster than keeping them up to date row by row.
            # With a worker drawing the rows, this process has the time to keep them
            # up to date as it writes (the end would be spent with one core idle).
            # Same transaction either way, so all or nothing.
            indexes = [] if force or worker else _secondary_indexes()
            for index in indexes:
                index.drop(conn)
            with search_load_settings(conn) if fast_path(conn) else nullcontext():
                counts, indexed = _write(ctx, conn, days, seed, unit_count, force, progress, worker)
            written = time.perf_counter()
            for index in indexes:
                index.create(conn)
            if not fast_path(conn):  # the search text was not made with the rows
                indexed = rebuild_index(conn)
            index_done = time.perf_counter()
    return counts, indexed, written, index_done


def _write(
    ctx: Context,
    conn: sa.Connection,
    days: int,
    seed: int,
    unit_count: int,
    force: bool,
    progress: Callable[[int, int], None] | None,
    worker: bool,
) -> tuple[dict[str, int], int]:
    """Draw and write the records and their history (and, on SQLite, their search
    text); returns (rows per table, records indexed)."""
    plan = demo_plan(ctx, conn, days, seed, unit_count)
    sink = DatabaseSink(conn, fast=plan.fast)
    if worker:
        return in_worker(plan, sink, progress)
    # with --yes the database may hold orders: their numbers are read as the days go
    writer = generate(plan, sink, progress, number_reader(conn) if force else None)
    return writer.counts, writer.indexed


def demo_plan(ctx: Context, conn: sa.Connection, days: int, seed: int, unit_count: int) -> Plan:
    """What `generate` needs to draw a demo for the database of `conn`, up to now."""
    now_dt = ctx.now().replace(second=0, microsecond=0)
    return Plan(
        seed=seed,
        days=days,
        unit_count=unit_count,
        tz=ctx.tz,
        now=int(now_dt.timestamp()),
        settings=ctx.settings,
        first=local_midnight(ctx.tz, now_dt, days - 1),
        ids=max_ids(conn),
        history=history_start(conn),
        existing=read_existing(conn),
        fast=fast_path(conn),
    )


def _use_worker(
    conn: sa.Connection, days: int, unit_count: int, force: bool, parallel: bool | None
) -> bool:
    """Whether the rows are drawn in a worker process: on SQLite, into a database with
    no records yet (with --yes, order numbers are read from the database as the days
    go), and when asked, or by default when the demo is large enough to gain by it."""
    if force or not fast_path(conn):
        return False
    if parallel is None:
        return unit_count * (days * RECORDS_PER_UNIT_DAY + RECORDS_PER_UNIT) >= PARALLEL_FROM
    return parallel


def _secondary_indexes() -> list[sa.Index]:
    from sqlmodel import SQLModel

    from deskclerk.services.demo_bulk import COLUMNS

    tables = [SQLModel.metadata.tables[name] for name in COLUMNS]
    return [ix for table in tables for ix in sorted(table.indexes, key=str) if not ix.unique]


DEMO_SITE_NAME = "翠湖花园 Green Lake Gardens"


def _finish_site(ctx: Context) -> None:
    """Name the site (if unnamed) and hand over the last demo shift, signed.

    So the desk opens with a site name on its printouts and the supervisor's
    morning view (`handover report --last`) has a sheet to show.  The sheet is
    built by the handover service from the demo's open records, like any other.
    """
    from deskclerk.models import Shift
    from deskclerk.services import directory, handover

    if not directory.get_setting(ctx, "site_name"):
        directory.set_setting(ctx, "site_name", DEMO_SITE_NAME, clerk="demo")
    with ctx.engine.connect() as conn:
        shift = Shift.__table__.c  # type: ignore[attr-defined]
        last = conn.execute(
            sa.select(shift.id, shift.clerk)
            .where(shift.ended_at.is_not(None))
            .order_by(shift.started_at.desc())
            .limit(1)
        ).first()
    if last is None:
        return
    try:
        sheet = handover.start_handover(ctx, clerk=last.clerk, shift_id=last.id)
        handover.sign(ctx, sheet.id, clerk=last.clerk)
    except DeskError:
        pass  # e.g. the site signs with PINs: the demo leaves the sheet unsigned
