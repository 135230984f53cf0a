"""The shared base of the four panes: a titled, paged table of one register, newest first.

Each pane says how to fetch a page (a service call, in a worker thread) and
how to turn a record into cells; the base keeps a window of pages, fetches
the next one as the cursor nears the end, and reloads in place on a change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from deskclerk.tui.messages import PaneLoaded, RowsFetched
from deskclerk.tui.panes.table import PaneTable

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.paging import Cursor, Page

PAGE_SIZE = 100
FETCH_AHEAD = 15  # rows before the end of the window at which the next page is fetched

# Attention marks: a symbol (read without colour) and a style (for those with it).
MARKS: dict[str, tuple[str, str]] = {
    "overdue": ("⚠", "bold red"),
    "callback due": ("☎", "bold yellow"),
    "75%": ("!", "bold dark_orange"),
    "50%": ("·", "yellow"),
    "overstayed": ("⚠", "bold red"),
    "on site": ("●", "green"),
    "high": ("!", "bold yellow"),
    "urgent": ("⚠", "bold red"),
}


class SiteTime(Protocol):
    """The site's clock and zone: all a pane needs to show times (a Context is one)."""

    def now(self) -> datetime: ...

    def local(self, at: datetime) -> datetime: ...


class Desk(Protocol):
    """What a pane needs from the app it sits in."""

    ctx: Context | None
    clerk: str

    def perform(
        self,
        kind: str,
        call: Callable[[Context, str], Any],
        done: Callable[[Any], str],
        after: Callable[[], None] | None = None,
    ) -> None: ...

    def open_record(self, title: str, lines: Sequence[tuple[str, str]]) -> None: ...


def colour(style: str) -> str:
    """`style` on a colour terminal; only its boldness under NO_COLOR (grey on grey hides)."""
    if os.environ.get("NO_COLOR"):
        return "bold" if "bold" in style else ""
    return style


def mark(state: str) -> Text:
    """The attention cell: a symbol styled for colour terminals, plain for the rest."""
    symbol, style = MARKS.get(state, ("", ""))
    return Text(symbol, style=colour(style))


def user_text(value: object, style: str = "") -> Text:
    """Text a person typed, shown literally (`[bold]x` stays `[bold]x`)."""
    return Text("" if value is None else str(value), style=style, no_wrap=True, overflow="ellipsis")


def short_time(ctx: SiteTime, at: datetime | None) -> str:
    """`10:32` today, `11-23 10:32` another day, in the site's zone."""
    if at is None:
        return ""
    local = ctx.local(at)
    if local.date() == ctx.local(ctx.now()).date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")


def long_value(ctx: Context, value: object) -> str:
    """A field's value for the record view."""
    if isinstance(value, datetime):
        return ctx.local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}h{minutes % 60:02d}m"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


class RegisterPane(Vertical):
    """A pane listing one register, newest first, a page at a time."""

    TITLE: ClassVar[str] = ""
    KINDS: ClassVar[frozenset[str]] = frozenset()  # history entities that change this list
    COLUMNS: ClassVar[tuple[tuple[str, int | None], ...]] = ()
    WIDE: ClassVar[dict[str, int]] = {}  # label -> width when the terminal has room
    EMPTY: ClassVar[str] = ""
    # the time the list is ordered by (newest first, then id): a saved record can be put
    # at the top at once; None: the pane reloads to show it
    TIME_FIELD: ClassVar[str | None] = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "newest", "Newest", id="pane.newest", show=False),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="pane")
        self.items: dict[str, Any] = {}
        self.next_cursor: Cursor | None = None
        self.start_at: Cursor | None = None
        self.loading_more = False
        self.loaded = False
        self.heading = self.TITLE
        self._state: tuple[bool, str] | None = None

    # --- to be written by each pane (fetch runs in a worker thread) -------------

    def fetch(self, ctx: Context, before: Cursor | None) -> Page[Any]:
        raise NotImplementedError

    def cells(self, ctx: SiteTime, item: Any) -> Sequence[Text | str]:
        raise NotImplementedError

    def record_title(self, item: Any) -> str:
        return f"{self.TITLE} {item.id}"

    # --- layout ------------------------------------------------------------------

    def compose(self) -> Any:
        yield Static(self.TITLE, classes="pane-title")
        table = PaneTable(cursor_type="row", zebra_stripes=True)
        for label, width in self.COLUMNS:
            table.add_column(label, width=width)
        table.display = False  # until rows come: the first frame draws no empty tables
        yield table
        yield Static("opening…", classes="pane-empty")

    def on_resize(self) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give the last (text) column whatever width the pane has left: no sideways scroll.

        On a wide terminal the columns named in WIDE first get their wide width, as
        long as the last column keeps at least its own.
        """
        table = self.table
        columns = table.ordered_columns
        if not columns or not self.size.width:
            return
        pad = 2 * table.cell_padding
        room = self.size.width - 2  # 2: the vertical scrollbar
        *fixed, (_, last) = self.COLUMNS
        base = [c.width if w is None else w for (_, w), c in zip(fixed, columns, strict=False)]
        wide = [self.WIDE.get(label, w) for (label, _), w in zip(fixed, base, strict=True)]
        if room - sum(w + pad for w in wide) - pad < (last or 8):
            wide = base
        widths = [*wide, max(8, room - sum(w + pad for w in wide) - pad)]
        if [c.width for c in columns] != widths:
            for column, width in zip(columns, widths, strict=True):
                column.width = width
            table._clear_caches()  # Textual has no public way to resize a column
            table._require_update_dimensions = True
            table.refresh()

    @property
    def table(self) -> PaneTable:
        return self.query_one(PaneTable)

    @property
    def desk(self) -> Desk:
        return self.app  # type: ignore[return-value]

    def focus_table(self) -> None:
        self.table.focus()

    def current(self) -> Any | None:
        """The record under the cursor, or None."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items.get(key or "")

    # --- loading -----------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        """Fetch the newest page again (or the page at the anchor) and redraw in place."""
        ctx = self.desk.ctx
        if ctx is not None:
            self._load(ctx, self.start_at, append=False, select=select)

    @work(thread=True, exit_on_error=False, exclusive=True, group="pane-load")
    def _load(self, ctx: Context, before: Cursor | None, append: bool, select: int | None) -> None:
        page = self.fetch(ctx, before)
        if not get_current_worker().is_cancelled:
            self.post_message(RowsFetched(page.items, page.next, append, select))

    def on_rows_fetched(self, message: RowsFetched) -> None:
        message.stop()
        ctx = message.site_time or self.desk.ctx
        if ctx is None:
            return
        table = self.table
        keep = self.current() if not message.append else None
        if self.loaded and not message.append and list(self.items.values()) == message.items:
            # already on screen (e.g. a saved record put in place): redraw nothing
            self.next_cursor = message.next_cursor
            self._select(message.select)
            return
        if not message.append:
            table.clear()
            self.items = {}
        for item in message.items:
            key = str(item.id)
            if key not in self.items:
                self.items[key] = item
                table.add_row(*self.cells(ctx, item), key=key)
        self.next_cursor = message.next_cursor
        self.loading_more = False
        if not self.loaded:
            self.loaded = True
            self.post_message(PaneLoaded(str(self.id)))
        self._select(message.select if message.select is not None else (keep.id if keep else None))
        self._show_state()

    def _select(self, record_id: int | None) -> None:
        table = self.table
        if record_id is not None and str(record_id) in self.items:
            row = table.get_row_index(str(record_id))
            if row != table.cursor_row:
                table.move_cursor(row=row, scroll=True)

    def place_saved(self, item: Any) -> bool:
        """Show a record just saved at the top of the list at once; False: reload to show it.

        Only for a new record that belongs above every listed one, in the newest
        records: anything else (an edit, an older time, a list from a found record)
        is left to the reload.  The reload that follows finds the same page and
        redraws nothing.
        """
        ctx = self.desk.ctx
        field = self.TIME_FIELD
        key = str(getattr(item, "id", ""))
        at = getattr(item, field, None) if field else None
        if ctx is None or at is None or self.start_at is not None or not self.loaded:
            return False
        if key in self.items:
            return False
        first = next(iter(self.items.values()), None)
        if first is not None and (at, item.id) < (getattr(first, field or ""), first.id):
            return False
        table = self.table
        table.add_row_first(*self.cells(ctx, item), key=key)
        self.items = {key: item, **self.items}
        if len(self.items) > PAGE_SIZE and self.next_cursor is not None:
            # keep one page, as a reload would: the last row goes, the next page starts there
            table.remove_row(self.items.popitem()[0])
            last = next(reversed(self.items.values()))
            self.next_cursor = (getattr(last, field or ""), last.id)
        table.move_cursor(row=0, scroll=True)
        self._show_state()
        return True

    def _show_state(self) -> None:
        # touch the widgets only on a change: each change costs a layout pass
        has_rows = bool(self.items)
        title = self.heading
        if self.start_at is not None:
            title += " — from a found record (n: newest)"
        state = (has_rows, title)
        if state == self._state:
            return
        self._state = state
        empty = self.query_one(".pane-empty", Static)
        empty.display = not has_rows
        self.table.display = has_rows
        if has_rows and self.id == getattr(self.app, "active", "") and not self.screen.focused:
            self.table.focus()  # the desk focused it while it was still hidden
        if not has_rows:
            empty.update(self.EMPTY)
        self.query_one(".pane-title", Static).update(title)

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        table = self.table
        ctx = self.desk.ctx
        if (
            ctx is not None
            and self.next_cursor is not None
            and not self.loading_more
            and event.cursor_row >= table.row_count - FETCH_AHEAD
        ):
            self.loading_more = True
            self._load_more(ctx, self.next_cursor)

    @work(thread=True, exit_on_error=False, group="pane-more")
    def _load_more(self, ctx: Context, before: Cursor) -> None:
        page = self.fetch(ctx, before)
        self.post_message(RowsFetched(page.items, page.next, True, None))

    def jump_to(self, record_id: int, at: datetime | None) -> None:
        """Show a found record: move to it if listed, else list from it downwards."""
        if str(record_id) in self.items:
            self.table.move_cursor(row=self.table.get_row_index(str(record_id)), scroll=True)
            return
        if at is not None:
            self.start_at = (at, record_id + 1)
            self.reload(select=record_id)

    def action_newest(self) -> None:
        """Back to the newest records."""
        self.start_at = None
        self.reload()
        self.table.move_cursor(row=0)

    # --- opening a record ----------------------------------------------------------

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.items.get(event.row_key.value or "")
        ctx = self.desk.ctx
        if item is None or ctx is None:
            return
        lines = [
            (f.name.replace("_", " "), long_value(ctx, getattr(item, f.name)))
            for f in (fields(item) if is_dataclass(item) else ())
        ]
        self.desk.open_record(self.record_title(item), lines)

    def with_current(self) -> Any | None:
        """The selected record, or a bell and None when the list is empty."""
        item = self.current()
        if item is None:
            self.app.bell()
            self.app.notify("Nothing selected: the list is empty.", severity="warning")
        return item
