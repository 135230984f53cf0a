"""CSV lines built by SQLite: the fast path of a CSV export (SQLite only).

Each row comes off the cursor as one line, its cells joined by commas in SQL
(one printf), times already in the site's zone, and a text cell starting with
= + - @ TAB or CR passed through the same formula guard as the portable path
(`export.csv_safe` / `csv_phone`, registered as SQL functions).  That line is
what the csv module would write unless a cell needs quotes, which Python checks
a batch at a time with a few fast string scans; a batch that fails is checked
line by line, and the lines that need quotes are made again from their rows by
the portable path (`export.csv_row_function` and the csv module).  So the file
is byte for byte what `export.write_csv` writes (tests/services/test_csv_sql.py).

Times: the zone's offsets over the span of the data are worked out here
(transitions included, so summer time is right) and applied with SQLite's
datetime(); a time outside that span, or not in the stored form, goes to
`LocalTimes.text` through a registered function, as do ID numbers (masked) and
money figures (Python's float text).  Other databases take the portable path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta, tzinfo
from typing import IO, Any

import sqlalchemy as sa

from deskclerk.services.exports import (
    BOOL,
    INT,
    NUMBER,
    PHONE,
    TIME,
    export_select,
    export_times,
    register,
    rows_by_id,
)
from deskclerk.services.local_times import LocalTimes
from deskclerk.services.visits import mask_id

_STAMP = "%Y-%m-%d %H:%M:%S"
# The zone's offsets are worked out from this long before the data's first
# record to this long after its last (due times lie ahead of when a record happened).
_BEFORE = timedelta(days=2)
_AFTER = timedelta(days=800)
# Python functions the SQL calls for the few cells it leaves to Python.
_FUNCTIONS = (
    "deskclerk_time", "deskclerk_mask", "deskclerk_number", "deskclerk_safe", "deskclerk_phone",
)  # fmt: skip
_LENGTHS: tuple[Any, ...] = (sa.literal_column("19"), sa.literal_column("26"))  # ± microseconds


def _lit(text: str) -> Any:
    """A SQL string literal (constants of this module only, never user text)."""
    return sa.literal_column("'" + text.replace("'", "''") + "'")


def zone_spans(tz: tzinfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(UTC start, offset in seconds) of each stretch of constant offset in [start, end)."""

    def offset(at: datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    spans = [(start, offset(start))]
    day = start
    while day < end:
        step = min(day + timedelta(days=1), end)
        if offset(step) != spans[-1][1]:
            lo, hi = day, step  # the change lies in (lo, hi]: find its first second
            while hi - lo > timedelta(seconds=1):
                mid = (lo + (hi - lo) / 2).replace(microsecond=0)
                if offset(mid) == spans[-1][1]:
                    lo = mid
                else:
                    hi = mid
            spans.append((hi, offset(hi)))
        day = step
    return spans


def _time_cell(value: Any, spans: list[tuple[datetime, int]], end: datetime) -> Any:
    """A time cell in the site's zone: SQLite's datetime() with the offset of its span."""
    python = sa.func.deskclerk_time(value)
    late = value >= _lit(end.strftime(_STAMP))
    whens: list[tuple[Any, Any]] = [
        (value.is_(None), sa.null()),
        (sa.or_(sa.func.length(value).not_in(_LENGTHS), late), python),
    ]
    for start, seconds in reversed(spans):  # newest first: most records are recent
        local = sa.func.datetime(sa.func.substr(value, 1, 19), _lit(f"{seconds:+d} seconds"))
        whens.append((value >= _lit(start.strftime(_STAMP)), sa.func.ifnull(local, python)))
    return sa.case(*whens, else_=python)


def _span_of(
    conn: sa.Connection, name: str, since: datetime | None, until: datetime | None
) -> tuple[datetime, datetime]:
    """UTC [start, end) the zone's offsets are worked out for: the data's, widened."""
    times = export_times(name, since, until).order_by(None).subquery()
    when = times.c[0]
    # two one-row reads off the time index (min and max together would read every row)
    first = conn.execute(sa.select(sa.func.min(when))).scalar()
    last = conn.execute(sa.select(sa.func.max(when))).scalar()
    now = datetime.now(UTC).replace(microsecond=0)
    start = (parse_stamp(first) or now) - _BEFORE
    end = (parse_stamp(last) or now) + _AFTER
    return start.replace(minute=0, second=0), end.replace(minute=0, second=0)


def parse_stamp(value: Any) -> datetime | None:
    """A stored time as an aware UTC datetime (None if it is none or not a time)."""
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


# A text cell starting with one of these goes to Python for the formula guard.
_TRIGGERED = _lit("[-=+@\t\r]*")


def _guarded(value: Any, phone: bool) -> Any:
    """A text cell with the formula guard (`export.csv_safe` / `csv_phone`, in Python)."""
    guard = sa.func.deskclerk_phone(value) if phone else sa.func.deskclerk_safe(value)
    return sa.case((value.op("GLOB")(_TRIGGERED), guard), else_=value)


def line_select(
    conn: sa.Connection, name: str, since: datetime | None, until: datetime | None, tz: tzinfo
) -> sa.Select[Any]:
    """The export's select as (id, line): each row's cells as stored, comma-joined, CRLF."""
    reg = register(name)
    stmt = export_select(name, since, until)
    start, end = _span_of(conn, name, since, until)
    spans = zone_spans(tz, start, end)
    cells: list[Any] = []
    for column, expr in zip(reg.columns, stmt.selected_columns, strict=True):
        value = expr.element if isinstance(expr, sa.Label) else expr
        if column.key == "id_number":
            value = sa.case((value != _lit(""), sa.func.deskclerk_mask(value)), else_=value)
        if column.kind == TIME:
            value = _time_cell(value, spans, end)
        elif column.kind == NUMBER:
            value = sa.func.deskclerk_number(value)
        elif column.kind == BOOL:
            value = sa.case((value != 0, _lit("yes")), else_=_lit("no"))
        elif column.kind != INT:
            value = _guarded(value, column.kind == PHONE)
        cells.append(value)  # printf's %s gives '' for NULL
    # one printf per row: cheaper than a || per cell
    line = sa.func.printf(_lit(",".join(["%s"] * len(cells)) + "\r\n"), *cells)
    lines: sa.Select[Any] = stmt.with_only_columns(
        stmt.selected_columns["id"], line.label("line"), maintain_column_froms=True
    )
    return lines


class LineCheck:
    """Whether lines built by SQL are quoted as the csv module would quote them.

    True when no cell holds a comma, a quote or a line break (then nothing needs
    quotes).  Counting a whole batch is a few fast string scans; a batch that
    fails is checked line by line.
    """

    def __init__(self, columns: int) -> None:
        self.commas = columns - 1

    def batch(self, text: str, lines: int) -> bool:
        """True if none of the `lines` lines of `text` needs a quote."""
        return (
            '"' not in text
            and text.count("\n") == lines
            and text.count("\r") == lines
            and text.count(",") == lines * self.commas
        )

    def line(self, text: str) -> bool:
        """The same check for one line."""
        return self.batch(text, 1)


def stream_lines(
    engine: sa.Engine,
    name: str,
    times: LocalTimes,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = 1000,
) -> Generator[tuple[str, int], None, None]:
    """The CSV lines of register `name`, oldest first: (text of up to `batch` lines, count)."""
    from deskclerk.reports.export import csv_phone, csv_row_function, csv_safe

    reg = register(name)
    check = LineCheck(len(reg.columns))
    convert = csv_row_function(reg, times)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.create_function("deskclerk_time", 1, times.text, deterministic=True)
        raw.create_function("deskclerk_mask", 1, _mask, deterministic=True)
        raw.create_function("deskclerk_number", 1, _number, deterministic=True)
        raw.create_function("deskclerk_safe", 1, csv_safe, deterministic=True)
        raw.create_function("deskclerk_phone", 1, csv_phone, deterministic=True)
        try:
            result = conn.execute(line_select(conn, name, since, until, times.tz))
            cursor = result.cursor
            try:
                while rows := cursor.fetchmany(batch):
                    text = "".join([row[1] for row in rows])
                    if not check.batch(text, len(rows)):
                        text = _remake(conn, name, rows, check, convert)
                    yield text, len(rows)
            finally:
                result.close()
        finally:
            for function in _FUNCTIONS:
                raw.create_function(function, 1, None)
            conn.rollback()


def _remake(
    conn: sa.Connection,
    name: str,
    rows: Sequence[Any],
    check: LineCheck,
    convert: Callable[..., list[Any]],
) -> str:
    """The batch's text with the lines that fail the check made the portable way."""
    redo = [record_id for record_id, line in rows if not check.line(line)]
    key = [c.key for c in register(name).columns].index("id")
    made: dict[int, str] = {}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows_by_id(conn, name, redo):
        writer.writerow(convert(row))
        made[row[key]] = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    return "".join([made.get(record_id, line) for record_id, line in rows])


def write_lines(
    engine: sa.Engine,
    name: str,
    times: LocalTimes,
    handle: IO[str],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """Write the CSV lines of register `name` to `handle`; return how many."""
    count = 0
    with closing(stream_lines(engine, name, times, since=since, until=until)) as lines:
        for text, n in lines:
            handle.write(text)
            count += n
    return count


def _mask(value: str | None) -> str | None:
    return mask_id(value) if value else value


def _number(value: Any) -> str:
    return "" if value is None else str(value)
