"""A CSV export on SQLite in parts, written by up to two processes at once, kept all or nothing.

The rows of the export (every register asked for, in order) are cut into as many
shares of about equal work (rows x cells, a time cell counted three) as there are
processes.  A cut inside a register is a time of the column it is ordered by, so
its parts, each the same select with `since`/`until`, appended in order are byte
for byte the one-process file (tests/services/test_csv_sql.py); appending is a
copy (~0.02 s for 50 MB).  This process writes the first share, a worker process
the other: SQLite builds the lines outside Python's lock, but the registered
functions and the row fetch hold it, so threads gained nothing.

Below `PARALLEL_FROM` rows a worker costs more than it saves (its start is
~0.05 s forked, ~0.4 s of CPU spawned) and one process writes every part.  The
worker is forked when this process runs no other thread (the CLI), else spawned.
Every part goes to a 0600 temporary file beside its target; the files are joined,
fsynced and renamed into place only after every part succeeded, else all removed.
The parts are read in their own transactions, as the registers always were.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import shutil
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

import sqlalchemy as sa

from deskclerk.errors import DeskError
from deskclerk.reports.csv_sql import parse_stamp, write_lines
from deskclerk.reports.files import explain, temp_beside
from deskclerk.services.exports import TIME, export_times, register
from deskclerk.services.local_times import LocalTimes
from deskclerk.workers import start_method as _start_method  # a test patches it here

# Fewer rows than this are written by one process (a worker's start outweighs its help).
PARALLEL_FROM = 100_000
PROCESSES = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class Part:
    """A stretch of one register's rows, [since, until) by its time, going to `temp`."""

    name: str
    since: datetime | None
    until: datetime | None
    head: bool  # the register's first part: it starts with the BOM and the header
    temp: str  # its temporary file
    target: str  # the file it ends up in (named in messages)


def _count(conn: sa.Connection, name: str, since: datetime | None, until: datetime | None) -> int:
    times = export_times(name, since, until).order_by(None).subquery()
    return int(conn.execute(sa.select(sa.func.count()).select_from(times)).scalar_one())


def _time_at(
    conn: sa.Connection, name: str, since: datetime | None, until: datetime | None, row: int
) -> datetime | None:
    """The time of the register's `row`-th row in export order (None: not a time we can cut at)."""
    times = export_times(name, since, until).limit(1).offset(row)
    return parse_stamp(conn.execute(times).scalar())


def plan(
    conn: sa.Connection,
    names: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    processes: int,
) -> list[list[tuple[str, datetime | None, datetime | None, bool]]]:
    """Each process's share: (register, since, until, head) stretches of about equal work."""
    rows = [_count(conn, n, since, until) for n in names]
    if sum(rows) < PARALLEL_FROM:
        processes = 1
    # the work of a row: its cells, a time cell three times another (measured)
    weights = [sum(3 if c.kind == TIME else 1 for c in register(n).columns) for n in names]
    total = sum(r * w for r, w in zip(rows, weights, strict=True)) or 1
    shares: list[list[tuple[str, datetime | None, datetime | None, bool]]] = [
        [] for _ in range(processes)
    ]
    done = 0  # work before this register
    for name, count, weight in zip(names, rows, weights, strict=True):
        share = min(processes - 1, done * processes // total)
        lo, head = since, True
        for boundary in range(share + 1, processes):
            cut_row = (total * boundary // processes - done) // weight
            if not 0 < cut_row < count:
                continue
            cut = _time_at(conn, name, since, until, cut_row)
            if cut is None or (lo is not None and cut <= lo):
                continue
            shares[share].append((name, lo, cut, head))
            lo, head, share = cut, False, boundary
        shares[share].append((name, lo, until, head))
        done += count * weight
    return [s for s in shares if s]


def write_parts(
    url: str | None, tz: tzinfo, parts: Sequence[Part], engine: sa.Engine | None = None
) -> list[int]:
    """Write each part to its temporary file (which exists); return the rows of each.

    In a worker `engine` is None and one is made from `url` (a forked worker never
    uses the connections it inherited).
    """
    from deskclerk.db import make_engine
    from deskclerk.reports.export import header

    own = engine is None
    if engine is None:
        assert url is not None
        engine = make_engine(url)
    times = LocalTimes(tz)
    counts = []
    try:
        for part in parts:
            try:
                # no O_CREAT: a part removed after a failure elsewhere is not made again
                fd = os.open(part.temp, os.O_WRONLY | os.O_TRUNC)
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    if part.head:
                        handle.write("\ufeff")
                        csv.writer(handle).writerow(header(register(part.name), times))
                    counts.append(
                        write_lines(
                            engine, part.name, times, handle, since=part.since, until=part.until
                        )
                    )
            except OSError as exc:
                raise explain(Path(part.target), exc) from None
    finally:
        if own:
            engine.dispose()
    return counts


def write_registers(
    engine: sa.Engine,
    tz: tzinfo,
    names: Sequence[str],
    paths: Sequence[Path],
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[int]:
    """Write each register of `names` to its path as CSV; return the rows of each.

    All or nothing: nothing is renamed into place before every part is written.
    """
    with engine.connect() as conn:
        shares = plan(conn, names, since, until, PROCESSES)
    target = dict(zip(names, paths, strict=True))
    made: list[list[Part]] = []
    try:
        for stretches in shares:
            made.append([])
            for name, lo, hi, head in stretches:
                temp = str(temp_beside(target[name]))
                made[-1].append(Part(name, lo, hi, head, temp, str(target[name])))
        url = engine.url.render_as_string(hide_password=False)
        with ExitStack() as stack:
            futures: list[Future[list[int]]] = []
            if len(made) > 1:
                pool = stack.enter_context(
                    ProcessPoolExecutor(
                        max_workers=len(made) - 1,
                        mp_context=multiprocessing.get_context(_start_method()),
                    )
                )
                futures = [pool.submit(write_parts, url, tz, share) for share in made[1:]]
            counts = write_parts(None, tz, made[0], engine)
            for future in futures:
                try:
                    counts += future.result()
                except BrokenProcessPool:
                    raise DeskError(
                        "the export's second process stopped before it was done: nothing was "
                        "written (try again)"
                    ) from None
        # leaving the pool's block waited for the worker: no part is being written now
        rows = dict.fromkeys(names, 0)
        for part, count in zip([p for share in made for p in share], counts, strict=True):
            rows[part.name] += count
        _join_and_rename([p for share in made for p in share])
    except BaseException:
        for share in made:
            for part in share:
                Path(part.temp).unlink(missing_ok=True)
        raise
    return [rows[n] for n in names]


def _join_and_rename(parts: Sequence[Part]) -> None:
    """Append each register's later parts to its first, fsync, then rename every file into place."""
    heads = [p for p in parts if p.head]
    for head in heads:
        try:
            with open(head.temp, "ab") as out:
                for part in parts:
                    if part.name == head.name and not part.head:
                        with open(part.temp, "rb") as src:
                            shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise explain(Path(head.target), exc) from None
    for head in heads:
        try:
            os.replace(head.temp, head.target)
        except OSError as exc:
            raise explain(Path(head.target), exc) from None
    for part in parts:
        if not part.head:
            Path(part.temp).unlink(missing_ok=True)
