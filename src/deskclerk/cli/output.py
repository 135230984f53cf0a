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
# Columns of free text are cut with an ellipsis to the room left.
LONG_TEXT = {"matter", "note", "problem", "purpose", "detail", "what", "residents", "answer"}
# Names that may be cut with "…" (or wrapped between words); every other column is a key
# column (number, unit, time, state, figure) and is never wrapped or cut.
NAME_TEXT = {
    "team", "name", "caller", "visitor", "host", "technician", "resident", "category",
    "categories", "areas", "who", "by", "taken by", "passed to", "done by", "clerk",
    "comment", "reason", "title", "building", "area", "verdict", "role", "did", "step",
    "field", "was", "now", "plate",
}  # fmt: skip
NAME_FLOOR = 6  # narrowest a name column gets before the table turns into blocks
LONG_FLOOR = 10
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
    """Stream `items` as CSV to stdout, a header first; return the number of rows.

    Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
    apostrophe, as in `deskclerk export`: this output is often saved as a .csv.
    """
    from deskclerk.reports.export import csv_phone, csv_safe

    def cell(name: str, value: object) -> object:
        if not isinstance(value, str):
            return value
        return csv_phone(value) if name.endswith("phone") else csv_safe(value)

    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    count = 0
    for item in items:
        writer.writerow([cell(name, _csv_cell(getattr(item, name), tz)) for name in fields])
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
    """Print `items` as a table on stdout; every cell is plain text, never markup.

    Key columns (numbers, units, times, states, figures) are never wrapped; free
    text is cut with "…" to the room left; a heading wraps only between words.
    When even that does not fit the terminal, each record is printed as a block.
    """
    from rich.text import Text

    rows = [[_cell_text(get(item)) for _, get in columns] for item in items]
    console = _console()
    if not rows:
        console.print(Text(f"{title}: none" if title else "nothing found"))
        return 0
    headings = [heading for heading, _ in columns]
    widths = _fit(headings, rows, console.width)
    if widths is None:
        _print_blocks(console, headings, rows, title)
    else:
        console.print(_table(headings, rows, widths, title))
    return len(rows)


def _kind(heading: str) -> str:
    """ "long" (free text), "name" (names, teams: may be cut) or "key" (never cut)."""
    if heading in LONG_TEXT:
        return "long"
    return "name" if heading in NAME_TEXT else "key"


def _longest_word(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(w) for w in text.split()), default=0)


def _fit(headings: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """The width of each column (0: left out), or None when the table cannot fit `width`.

    Key columns get their widest cell (and their longest heading word).  The others
    share what is left: names first (a word of a name is not cut if it can be
    helped), then free text; a column empty in every row is left out when narrow.
    """
    from rich.cells import cell_len

    wants: list[int] = []
    words: list[int] = []
    for n, heading in enumerate(headings):
        cells = [r[n] for r in rows]
        wants.append(
            max(max((_widest_line(c) for c in cells), default=0), _longest_word(heading), 1)
        )
        words.append(max((_longest_word(c) for c in cells), default=0))
    kinds = [_kind(h) for h in headings]
    fixed = [n for n, k in enumerate(kinds) if k == "key"]
    flexible = [n for n, k in enumerate(kinds) if k != "key"]
    widths = list(wants)
    room = width - 2 * len(headings)  # a space each side, between and at the edges
    if sum(wants) > room:
        for n in [n for n in flexible if words[n] == 0]:
            flexible.remove(n)
            widths[n] = 0
            room += 2
    left = room - sum(widths[n] for n in fixed)
    floors = {
        n: min(wants[n], LONG_FLOOR if kinds[n] == "long" else max(NAME_FLOOR, min(words[n], 12)))
        for n in flexible
    }
    if left < sum(floors.values()):
        return None
    names = [n for n in flexible if kinds[n] == "name"]
    texts = [n for n in flexible if kinds[n] == "long"]
    for n in flexible:
        widths[n] = floors[n]
    for group in (names, texts):
        _water_fill(widths, wants, group, left - sum(widths[n] for n in flexible))
    spare = room - sum(widths)
    for n in fixed:  # room to spare: a heading on fewer lines
        more = min(spare, max(0, cell_len(headings[n]) - widths[n]))
        widths[n] += more
        spare -= more
    return widths


def _water_fill(widths: list[int], wants: Sequence[int], group: Sequence[int], extra: int) -> None:
    """Share `extra` among `group`: the narrow ones get all they want, the wide ones alike."""
    while extra > 0:
        hungry = [n for n in group if widths[n] < wants[n]]
        if not hungry:
            return
        for n in sorted(hungry, key=lambda n: widths[n]):
            if extra == 0:
                return
            widths[n] += 1
            extra -= 1


def _widest_line(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.splitlines()), default=0)


def _table(
    headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int], title: str | None
) -> Any:
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
    shown = [n for n, width in enumerate(widths) if width]
    for heading, width in ((headings[n], widths[n]) for n in shown):
        table.add_column(
            Text(heading, overflow="ellipsis"),  # wraps between words, never inside one
            width=width,
            overflow="ellipsis",
        )
    one_line = {n: _kind(headings[n]) != "name" for n in shown}
    for row in rows:
        table.add_row(*(Text(row[n], overflow="ellipsis", no_wrap=one_line[n]) for n in shown))
    return table


def _print_blocks(
    console: Console, headings: Sequence[str], rows: Sequence[Sequence[str]], title: str | None
) -> None:
    """A table too wide for the terminal: each record's first cell, then "label value" pairs."""
    from rich.cells import cell_len
    from rich.padding import Padding
    from rich.text import Text

    if title:
        console.print(Text(title, style="bold"))
    room = max(20, console.width - 2)
    for row in rows:
        console.print(Text(row[0], style="bold"), overflow="fold")
        lines: list[Text] = []
        used = room
        for heading, cell in zip(headings[1:], row[1:], strict=True):
            if not cell:
                continue
            size = cell_len(heading) + 1 + cell_len(cell)
            if used + 2 + size > room:
                lines.append(Text())
                used = -2
            if used > 0:
                lines[-1].append("  ")
            lines[-1].append(heading, style="dim")
            lines[-1].append(" " + " ".join(cell.split()))
            used += 2 + size
        for line in lines:
            console.print(Padding(line, (0, 0, 0, 2)), overflow="fold")


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
