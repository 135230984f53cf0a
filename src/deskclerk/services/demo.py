"""Demo data: a believable property and N days of its desk, written in bulk.

`make_demo` fills a database with units, residents, teams, staff, shifts and
N days of calls, visits, work orders (with their events), callbacks and
handover notes, with the history chain and the search index.  The same seed
(and clock) gives the same data.  It refuses a database that already holds
records unless told otherwise: demo data must never mix into a live desk.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from deskclerk.errors import Conflict, DeskError, InvalidInput, StorageError
from deskclerk.services.context import Context
from deskclerk.services.demo_bulk import BulkWriter
from deskclerk.services.demo_day import Rates, fill_day, write_shifts
from deskclerk.services.demo_names import DemoRandom
from deskclerk.services.demo_site import DAY, Site, build_directory, local_midnight, max_ids

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
# SQLite settings of the demo's own connection while it loads, and what they go
# back to (db.py's durable defaults) before the connection returns to the pool.
# (64 MB: a 512 MB cache that held a million records' pages saved nothing measurable,
# 24.7 against 25.0 s for 1M records, for 500 MB more memory; see benchmarks/README.md.)
LOAD_PRAGMAS = ("cache_size = -65536", "temp_store = MEMORY")
RESTORE_PRAGMAS = ("cache_size = -2000", "temp_store = DEFAULT")
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
    seconds: float  # making and writing the records and their history
    index_seconds: float  # filling the search index
    commit_seconds: float = 0.0  # the one commit (and SQLite's checkpoint after it)

    @property
    def records(self) -> int:
        """Records written (every table but the history)."""
        return sum(n for name, n in self.counts.items() if name != "audit")

    @property
    def rate(self) -> float:
        """Records per second, history included in the time."""
        return self.records / self.seconds if self.seconds else 0.0


def existing_records(ctx: Context) -> dict[str, int]:
    """The registers that already hold rows (name -> 1), cheaply: one probe each."""
    found: dict[str, int] = {}
    with ctx.engine.connect() as conn:
        for name in REGISTER_TABLES:
            table = sa.table(name, sa.column("id"))
            if conn.execute(sa.select(table.c.id).limit(1)).first() is not None:
                found[name] = 1
    return found


def plan_units(days: int, records: int | None, units: int | None) -> int:
    """How many units the property needs: as given, else sized for `records`, else the default."""
    if units is not None:
        return units
    if records is None:
        return DEFAULT_UNITS
    return max(20, round(records / (days * RECORDS_PER_UNIT_DAY + RECORDS_PER_UNIT)))


def rates_for(units: int) -> Rates:
    """Records per day for a property of `units` units."""
    return Rates(
        calls=0.13 * units, visits=0.17 * units, orders=0.008 * units, notes=3 + 0.008 * units
    )


def make_demo(
    ctx: Context,
    *,
    days: int = DEFAULT_DAYS,
    seed: int | None = None,
    units: int | None = None,
    records: int | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill the database with a demo property and `days` days of its desk, up to now.

    `records` sizes the property so that about that many records are written
    (for benchmarks: `records=1_000_000, days=365`).  `progress(day, days)` is
    called as days are written.  Raises Conflict if the database already holds
    records and `force` is not set.
    """
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"Days must be between 1 and {MAX_DAYS:,}.")
    if units is not None and not 1 <= units <= MAX_UNITS:
        raise InvalidInput(f"Units must be between 1 and {MAX_UNITS:,}.")
    if records is not None and records < 1:
        raise InvalidInput("Records must be a positive number.")
    if not force and existing_records(ctx):
        raise Conflict(
            "This database already holds records. The demo would mix made-up calls, visitors "
            "and work orders into a live desk, so nothing was written. Give a new file "
            "(deskclerk --db demo.db demo), or add --yes if this really is a test database."
        )
    seed = random.SystemRandom().randrange(1, 1_000_000) if seed is None else seed
    unit_count = plan_units(days, records, units)
    started = time.perf_counter()
    bind = ctx.engine.execution_options(sqlite_begin="IMMEDIATE")
    try:
        with bind.connect() as conn:
            counts, indexed, written, index_done = _run(
                ctx, conn, days, seed, unit_count, force, progress
            )
    except sa.exc.OperationalError as exc:
        raise StorageError(f"The demo was not written (nothing was kept): {exc.orig}.") from None
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
) -> tuple[dict[str, int], int, float, float]:
    """One transaction: the records, their history, then the search index."""
    from deskclerk.services.search import rebuild_index

    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        # Only this connection, only for the load: a page cache that holds the new
        # pages until the commit, and index sorts in memory instead of temp files.
        _pragmas(conn, LOAD_PRAGMAS)
    try:
        with conn.begin():
            # On an empty database, build the secondary indexes once at the end: faster
            # than keeping them up to date row by row.  Same transaction, so all or nothing.
            indexes = [] if force else _secondary_indexes()
            for index in indexes:
                index.drop(conn)
            counts = _write(ctx, conn, days, seed, unit_count, force, progress)
            for index in indexes:
                index.create(conn)
            written = time.perf_counter()
            indexed = rebuild_index(conn)
            index_done = time.perf_counter()
    finally:
        if sqlite:
            conn.rollback()
            _pragmas(conn, RESTORE_PRAGMAS)
    return counts, indexed, written, index_done


def _pragmas(conn: sa.Connection, pragmas: tuple[str, ...]) -> None:
    # on the driver's connection, outside any transaction (temp_store refuses one)
    raw = conn.connection.driver_connection
    assert raw is not None
    for pragma in pragmas:
        raw.execute(f"PRAGMA {pragma}")


def _write(
    ctx: Context,
    conn: sa.Connection,
    days: int,
    seed: int,
    unit_count: int,
    force: bool,
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:
    now_dt = ctx.now().replace(second=0, microsecond=0)
    first = local_midnight(ctx.tz, now_dt, days - 1)
    offset = _offset(first)
    writer = BulkWriter(conn)
    ids = max_ids(conn)
    site = Site(
        rng=DemoRandom(seed),
        w=writer,
        tz=ctx.tz,
        now=int(now_dt.timestamp()),
        settings=ctx.settings,
        first_day=first,
        ids=ids,
        offset=offset,
        first_epoch_local=int(first.timestamp()) + offset,
        check_numbers=force,
    )
    site.set_windows(
        [
            (
                w.name,
                w.start.hour * 3600 + w.start.minute * 60,
                w.end.hour * 3600 + w.end.minute * 60,
            )
            for w in ctx.settings.shifts
        ]
        or [("A", 9 * 3600, 17 * 3600)]
    )
    site.ids["shift_base"] = ids["shift"]
    site.ids["shift"] += days * len(site.windows)
    build_directory(site, unit_count, int(first.timestamp()) - 30 * DAY)
    for day in range(days):
        site.offset = _offset(first, day)
        write_shifts(site, day)
    rates = rates_for(unit_count)
    step = max(1, days // 20)
    for day in range(days):
        site.offset = _offset(first, day)
        fill_day(site, day, rates)
        writer.release(until=site.first_epoch_local + (day + 1) * DAY - site.offset)
        if progress is not None and (day % step == step - 1 or day == days - 1):
            progress(day + 1, days)
    writer.release()
    writer.flush()
    return writer.counts


def _secondary_indexes() -> list[sa.Index]:
    from sqlmodel import SQLModel

    from deskclerk.services.demo_bulk import COLUMNS

    tables = [SQLModel.metadata.tables[name] for name in COLUMNS]
    return [ix for table in tables for ix in sorted(table.indexes, key=str) if not ix.unique]


def _offset(first: datetime, day: int = 0) -> int:
    """The site's UTC offset (seconds) on the given demo day (zones with summer time move)."""
    delta = (first + timedelta(days=day)).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


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
