"""Export writers: CSV, XLSX and JSON, streamed row by row, written whole or not at all.

Choices, for the people who open the files:
- Times are the site's local time.  CSV: 'YYYY-MM-DD HH:MM:SS' (the zone is
  named in the header); XLSX: real date/time cells; JSON: ISO 8601 with the
  offset ('2026-11-24T10:00:00+08:00').
- Formula safety.  XLSX: every text is an inline-string cell (the sheet has
  no formula cells at all), so `=HYPERLINK(...)` stays text.  CSV: a text cell that
  starts with = + - @ TAB or CR gets a leading apostrophe (OWASP's CSV-injection
  advice) -- except a value in a phone column that is only a phone number
  (digits, spaces, dashes, brackets, a leading +): it is written as typed, so
  '+86 138 0000 1234' stays readable; such a value cannot name a function or
  reach outside the sheet.  Unit codes and phone numbers are XLSX text cells,
  so leading zeros stay; in CSV they stay in the file, but a spreadsheet may
  drop them when it guesses types: use XLSX for Excel.
- CSV is UTF-8 with a byte-order mark (so Excel reads Chinese), quoted and
  line-ended as the csv module does.  On SQLite the lines are built in SQL
  (reports/csv_sql.py), byte for byte what `write_csv` writes, which stays the
  portable path; a long export is written in parts by two processes
  (reports/csv_parts.py).  JSON is one array of objects, one object a
  line: valid JSON for any parser, and still streamable line by line.
- `all`: XLSX gives one workbook with a sheet per register; CSV and JSON give a
  folder with one file per register (calls.csv, visitors.csv, ...).
- Every file is written to a temporary file beside the target, created 0600,
  fsynced and renamed into place: a failed export leaves no half file (a CSV
  export on SQLite renames its files only once every one is written).
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from deskclerk.errors import DeskError, InvalidInput
from deskclerk.reports.files import FileSet, atomic_file
from deskclerk.services.exports import (
    BOOL,
    INT,
    NUMBER,
    PHONE,
    REGISTER_NAMES,
    TIME,
    Register,
    register,
    stream_rows,
)
from deskclerk.services.local_times import LocalTimes

if TYPE_CHECKING:
    from deskclerk.services.context import Context

FORMATS = ("csv", "xlsx", "json")
# SQLite builds the CSV lines itself (reports/csv_sql.py); a test turns it off to compare.
CSV_IN_SQL = True
CSV_TRIGGERS = frozenset("=+-@\t\r")
_PHONE_ONLY = re.compile(r"\+?[0-9][0-9 \-()]*\Z")  # \Z: "$" would pass "+1\n"

Rows = Iterable[Sequence[Any]]
Opener = Callable[..., AbstractContextManager[IO[str]]]


@dataclass(frozen=True)
class Written:
    """One file an export wrote, with how many rows of which register."""

    path: Path
    register: str
    rows: int


def csv_safe(value: str | None) -> str:
    """A text cell a spreadsheet will not run as a formula (leading apostrophe if needed)."""
    if not value:
        return ""
    if value[0] in CSV_TRIGGERS:
        return "'" + value
    return value


def csv_phone(value: str | None) -> str:
    """A phone cell: a plain phone number as typed (+86 ... stays readable), else csv_safe."""
    if value and _PHONE_ONLY.match(value):
        return value
    return csv_safe(value)


def zone_name(times: LocalTimes) -> str:
    """The zone's name for a header: 'Asia/Shanghai', else its UTC offset."""
    key = getattr(times.tz, "key", None)
    if key:
        return str(key)
    offset = datetime.now(times.tz).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else str(times.tz)


def header(reg: Register, times: LocalTimes) -> list[str]:
    """The header row: labels, with the time zone named on time columns."""
    zone = zone_name(times)
    return [f"{c.label} ({zone})" if c.kind == TIME else c.label for c in reg.columns]


# --- CSV ------------------------------------------------------------------


def _compile_row(exprs: Sequence[str], env: dict[str, Any]) -> Callable[..., list[Any]]:
    """A function turning a row into a list, one expression per cell (`{v}` is the value).

    Generated once per export, like namedtuple does, because a per-cell call
    costs more than the rest of a CSV row: this keeps a million rows in seconds.
    The expressions are this module's constants; no user text goes into them.
    """
    names = [f"v{i}" for i in range(len(exprs))]
    cells = ", ".join(expr.format(v=name) for expr, name in zip(exprs, names, strict=True))
    # `_` takes the count map() pulls alongside each row (see write_csv).
    source = f"def convert(row, _=None):\n    ({', '.join(names)},) = row\n    return [{cells}]\n"
    scope = dict(env)
    exec(compile(source, "<deskclerk export row>", "exec"), scope)
    return scope["convert"]  # type: ignore[no-any-return]


_CSV_EXPR = {
    # The common case inline: a stored UTC string whose hour converts by renaming.
    TIME: "('' if {v} is None else hour + {v}[13:19] "
    "if {v}.__class__ is str and len({v}) == 26 and (hour := local_hour.get({v}[:13])) "
    "else time_text({v}))",
    INT: "('' if {v} is None else {v})",
    NUMBER: "('' if {v} is None else {v})",
    BOOL: "('yes' if {v} else 'no')",
    PHONE: "((phone({v}) if {v}[0] in triggers else {v}) if {v} else '')",
}
_CSV_TEXT = "((\"'\" + {v} if {v}[0] in triggers else {v}) if {v} else '')"


def csv_row_function(reg: Register, times: LocalTimes) -> Callable[..., list[Any]]:
    """The converter of one row of `reg` to its CSV cells (see the module's notes)."""
    exprs = [_CSV_EXPR.get(c.kind, _CSV_TEXT) for c in reg.columns]
    return _compile_row(
        exprs,
        {
            "time_text": times.text,
            "local_hour": times.local_hour,
            "phone": csv_phone,
            "triggers": CSV_TRIGGERS,
        },
    )


def write_csv(
    path: Path, reg: Register, rows: Rows, times: LocalTimes, *, opener: Opener = atomic_file
) -> int:
    """Write `rows` of `reg` as CSV (UTF-8 with BOM); return the number of rows."""
    convert = csv_row_function(reg, times)
    # Rows counted by map() itself: it draws one number per row it converts.
    counter = itertools.count()
    # The BOM by hand: the utf-8-sig codec is Python code called on every write.
    with opener(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle)
        writer.writerow(header(reg, times))
        writer.writerows(map(convert, rows, counter))
    return next(counter)


# --- JSON -----------------------------------------------------------------


def _json_converters(reg: Register, times: LocalTimes) -> list[Callable[[Any], Any] | None]:
    iso = times.iso

    def when(v: Any) -> str | None:
        return iso(v) if v is not None else None

    return [when if c.kind == TIME else bool if c.kind == BOOL else None for c in reg.columns]


def write_json(
    path: Path, reg: Register, rows: Rows, times: LocalTimes, *, opener: Opener = atomic_file
) -> int:
    """Write `rows` of `reg` as a JSON array of objects, one a line; return the row count."""
    keys = [c.key for c in reg.columns]
    convert = _json_converters(reg, times)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    with opener(path, "w", encoding="utf-8", newline="\n") as handle:
        write = handle.write
        write("[")
        for row in rows:
            record = {
                k: (v if f is None else f(v)) for k, f, v in zip(keys, convert, row, strict=True)
            }
            write(",\n" if count else "\n")
            write(dumps(record))
            count += 1
        write("\n]\n" if count else "]\n")
    return count


# --- XLSX -----------------------------------------------------------------


def write_xlsx(
    path: Path,
    sheets: Sequence[tuple[Register, Callable[[], Generator[Sequence[Any], None, None]]]],
    times: LocalTimes,
) -> list[int]:
    """Write one workbook with a sheet per (register, rows) pair; return rows per sheet.

    Streamed by reports/xlsx_stream.py (a row's XML at a time, ~4x faster than
    xlsxwriter for a million rows).  Text is always an inline string, so
    nothing becomes a formula, a number or a link; times are date cells.
    """
    from deskclerk.reports.xlsx_stream import SheetSpec, write_workbook

    opened: list[Generator[Sequence[Any], None, None]] = []

    def specs() -> Iterator[SheetSpec]:
        for reg, make_rows in sheets:
            rows = make_rows()
            opened.append(rows)
            yield SheetSpec(
                name=reg.name,
                headers=header(reg, times),
                widths=[c.width for c in reg.columns],
                kinds=[c.kind for c in reg.columns],
                rows=rows,
            )

    try:
        with atomic_file(path, "wb") as handle:
            return write_workbook(handle, specs(), times)
    finally:
        for rows in opened:
            rows.close()


# --- the export -----------------------------------------------------------


def _check_format(fmt: str) -> str:
    fmt = fmt.lower().strip()
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown format {fmt!r}: choose csv, xlsx or json.")
    return fmt


def _folder_for_all(target: Path, fmt: str) -> Path:
    """The folder an `export all` to CSV/JSON writes into (created if missing)."""
    if target.exists() and not target.is_dir():
        raise DeskError(
            f"export all --format {fmt} writes one file per register: give a folder with -o "
            f"(not the file {target}), or export one register, or use --format xlsx."
        )
    if not target.exists():
        if target.suffix.lower() in (".csv", ".json", ".xlsx", ".txt"):
            raise DeskError(
                f"export all --format {fmt} writes one file per register: give a folder with -o "
                f"(e.g. -o {target.with_suffix('')}), or export one register, "
                "or use --format xlsx for one workbook."
            )
        if not target.parent.is_dir():
            raise DeskError(f"cannot write {target}: the folder {target.parent} does not exist")
        try:
            target.mkdir(mode=0o700)
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise DeskError(f"cannot write {target}: {reason}") from None
    return target


def export(
    ctx: Context,
    what: str,
    fmt: str,
    target: Path | str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Written]:
    """Export register `what` (or `all`) in `fmt` to `target`; return what was written.

    `since`/`until` select by when a record happened (received, signed in,
    logged, written), in [since, until).
    """
    fmt = _check_format(fmt)
    what = what.lower().strip()
    names = list(REGISTER_NAMES) if what == "all" else [register(what).name]
    target = Path(target).expanduser()
    times = LocalTimes(ctx.tz)

    def rows_of(name: str) -> Callable[[], Generator[Sequence[Any], None, None]]:
        return lambda: stream_rows(ctx.engine, name, since=since, until=until)

    if fmt == "xlsx":
        sheets = [(register(n), rows_of(n)) for n in names]
        counts = write_xlsx(target, sheets, times)
        return [Written(target, n, c) for n, c in zip(names, counts, strict=True)]

    writer = write_csv if fmt == "csv" else write_json
    if what == "all":
        folder = _folder_for_all(target, fmt)
        paths = [folder / f"{n}.{fmt}" for n in names]
    else:
        paths = [target]
    if fmt == "csv" and CSV_IN_SQL and ctx.engine.dialect.name == "sqlite":
        # lines built by SQLite, long exports by two processes (reports/csv_parts.py)
        from deskclerk.reports.csv_parts import write_registers

        counts = write_registers(ctx.engine, ctx.tz, names, paths, since, until)
        return [Written(p, n, c) for p, n, c in zip(paths, names, counts, strict=True)]
    written = []
    files = FileSet()  # every register's file written before any is moved into place
    try:
        for name, path in zip(names, paths, strict=True):
            with closing(rows_of(name)()) as rows:
                count = writer(path, register(name), rows, times, opener=files.open)
            written.append(Written(path, name, count))
        files.commit()
    finally:
        files.discard()
    return written
