"""Printing what a command found: rich tables for people, CSV and JSON streams for programs.

What a user typed is always shown as data (rich.text.Text), never as markup, so
a visitor called `[/]` prints as `[/]`.  Times are shown in the site's zone.
Rich is imported only when a table is printed, to keep `--help` fast.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

Format = Literal["table", "csv", "json"]
T = TypeVar("T")
# (heading, how to get the cell's text from an item)
Column = tuple[str, Callable[[Any], object]]
PAGE_SIZE = 500
# Columns of free text keep some width when the terminal is narrow; the others fold.
LONG_TEXT = {"matter", "note", "problem", "purpose", "detail", "what", "residents", "answer"}
PIPE_WIDTH = 160  # a table sent to a file or a pipe: wide lines, one per record where it fits


class _Page(Protocol[T]):  # services.paging.Page, without importing SQLAlchemy
    items: list[T]
    next: Any


def local_time(at: datetime | None, tz: tzinfo, *, seconds: bool = False) -> str:
    """`at` as the site's wall-clock time, "" for none."""
    if at is None:
        return ""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def short_time(at: datetime | None, tz: tzinfo) -> str:
    """`at` for a table cell: month-day and time, with the year only if not this year."""
    if at is None:
        return ""
    local = at.astimezone(tz)
    this_year = datetime.now(tz).year
    return local.strftime("%m-%d %H:%M" if local.year == this_year else "%Y-%m-%d %H:%M")


def plain(value: object, tz: tzinfo) -> Any:
    """A service value as JSON data: times as ISO 8601 in the site's zone, spans in seconds."""
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return record_dict(value, tz)
    if isinstance(value, (tuple, list)):
        return [plain(v, tz) for v in value]
    return value


def record_dict(item: Any, tz: tzinfo) -> dict[str, Any]:
    """Every field of a service's Public dataclass, as JSON data."""
    return {f.name: plain(getattr(item, f.name), tz) for f in dataclasses.fields(item)}


def field_names(cls: type) -> list[str]:
    """The fields of a Public dataclass, in order: the CSV header."""
    return [f.name for f in dataclasses.fields(cls)]


def _csv_cell(value: object, tz: tzinfo) -> object:
    if isinstance(value, datetime):
        return local_time(value, tz, seconds=True)
    if isinstance(value, (tuple, list)):
        return "; ".join(str(_csv_cell(v, tz)) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json.dumps(record_dict(value, tz), ensure_ascii=False, default=str)
    return plain(value, tz)


def write_csv(items: Iterable[Any], fields: Sequence[str], tz: tzinfo) -> int:
    """Stream `items` as CSV to stdout, a header first; return the number of rows."""
    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    count = 0
    for item in items:
        writer.writerow([_csv_cell(getattr(item, name), tz) for name in fields])
        count += 1
        if count % PAGE_SIZE == 0:
            out.flush()
    out.flush()
    return count


def write_json(items: Iterable[Any], tz: tzinfo) -> int:
    """Stream `items` to stdout as one JSON array, one record per line; return the count."""
    out = sys.stdout
    count = 0
    out.write("[")
    for item in items:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record_dict(item, tz), ensure_ascii=False, default=str))
        count += 1
        if count % PAGE_SIZE == 0:
            out.flush()
    out.write("\n]\n" if count else "]\n")
    out.flush()
    return count


def print_table(
    columns: Sequence[Column], items: Iterable[Any], *, title: str | None = None
) -> int:
    """Print `items` as a table on stdout; every cell is plain text, never markup."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(title, style="bold") if title else None,
        box=box.SIMPLE_HEAD,
        header_style="bold",
        title_justify="left",
        pad_edge=False,
        collapse_padding=True,
    )
    for heading, _ in columns:
        long = heading in LONG_TEXT
        table.add_column(Text(heading), overflow="fold", min_width=10 if long else None)
    count = 0
    for item in items:
        table.add_row(*(Text(_cell_text(get(item))) for _, get in columns))
        count += 1
    console = _console()
    if count:
        console.print(table)
    else:
        console.print(Text(f"{title}: none" if title else "nothing found"))
    return count


def _console() -> Console:
    """A console on stdout that treats nothing as markup, emoji codes or highlights."""
    import os

    from rich.console import Console

    console = Console(highlight=False, emoji=False, markup=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = PIPE_WIDTH
    return console


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def print_lines(pairs: Sequence[tuple[str, object]]) -> None:
    """Print a record in full, one "label  value" line per field; values are plain text."""
    from rich.text import Text

    console = _console()
    width = max((len(label) for label, _ in pairs), default=0)
    for label, value in pairs:
        line = Text(f"{label:<{width}}  ", style="bold")
        line.append(_cell_text(value))
        console.print(line)


def pages(
    fetch: Callable[..., _Page[T]],
    *,
    limit: int,
    everything: bool = False,
    keep: Callable[[T], bool] | None = None,
) -> Iterator[T]:
    """The items of a newest-first list, page by page: the newest `limit`, or all of them.

    `fetch(before=cursor, limit=n)` returns a services.paging.Page.  Only one page
    is held at a time, so `--all` on a million rows streams.  `keep` filters what
    the service cannot (the newest `limit` items kept are given).
    """
    left = None if everything else max(0, limit)
    before = None
    while left is None or left > 0:
        size = PAGE_SIZE if left is None or keep else min(left, PAGE_SIZE)
        page = fetch(before=before, limit=size)
        for item in page.items:
            if keep is not None and not keep(item):
                continue
            yield item
            if left is not None:
                left -= 1
                if left == 0:
                    return
        if page.next is None or not page.items:
            return
        before = page.next


def emit(
    fmt: Format,
    items: Iterable[Any],
    *,
    cls: type,
    columns: Sequence[Column],
    tz: tzinfo,
    title: str | None = None,
) -> int:
    """Print `items` in the chosen format; return how many were printed."""
    if fmt == "csv":
        return write_csv(items, field_names(cls), tz)
    if fmt == "json":
        return write_json(items, tz)
    return print_table(columns, items, title=title)
