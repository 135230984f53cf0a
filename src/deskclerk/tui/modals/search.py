"""F6: one box across calls, visitors, orders and notes; results as you type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from deskclerk.tui.modals.form import FormInput
from deskclerk.tui.panes.base import short_time, user_text

if TYPE_CHECKING:
    from deskclerk.services.context import Context

RESULTS = 30  # two screens of results; more typing narrows them

KIND_LABEL = {
    "call": "call",
    "visit": "visitor",
    "order": "order",
    "note": "note",
    "resident": "resident",
}


class SearchResults(Message):
    def __init__(self, text: str, hits: list[Any], error: str = "") -> None:
        super().__init__()
        self.text = text
        self.hits = hits
        self.error = error


class SearchScreen(ModalScreen[Any]):
    """Type a unit, a name, a phone (or its last 4 digits) or words; Enter opens the record."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="search.close"),
        Binding("down", "to_results", "Results", id="search.results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="search-screen")
        self.hits: list[Any] = []
        self.more = False  # more records match than are shown
        self.shown_for = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="search-box"):
            yield Static("Search everything", classes="form-title")
            yield FormInput(
                placeholder="unit, name, phone, last 4 digits, words…", id="search-text"
            )
            yield Static("", id="search-state")
            table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_column("What", width=8)
            table.add_column("When", width=11)
            table.add_column("Unit", width=8)
            table.add_column("Found", width=44)
            yield table
            yield Static("Enter: open · ↓: results · Esc: close", classes="form-help")

    @on(Input.Changed, "#search-text")
    def _typed(self, event: Input.Changed) -> None:
        ctx = getattr(self.app, "ctx", None)
        text = event.value.strip()
        if ctx is None:
            return
        if not text:
            self.post_message(SearchResults("", []))
            return
        self._search(ctx, text)

    @work(thread=True, exit_on_error=False, exclusive=True, group="search")
    def _search(self, ctx: Context, text: str) -> None:
        from deskclerk.errors import DeskError
        from deskclerk.services.search import search

        try:
            hits = search(ctx, text, limit=RESULTS + 1)  # one more: are there more?
        except DeskError as exc:
            self.post_message(SearchResults(text, [], exc.message))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(SearchResults(text, hits))

    def on_search_results(self, message: SearchResults) -> None:
        ctx = getattr(self.app, "ctx", None)
        table = self.query_one(DataTable)
        self.more = len(message.hits) > RESULTS
        message.hits = message.hits[:RESULTS]
        same = [(h.kind, h.id) for h in message.hits] == [(h.kind, h.id) for h in self.hits]
        self.hits = message.hits
        self.shown_for = message.text
        if same and table.row_count == len(message.hits):
            self._say(message)  # the same records: leave the table as it is
            return
        table.clear()
        for i, hit in enumerate(message.hits):
            found = user_text(hit.title)
            if hit.detail:
                found.append(" · ")
                found.append(str(hit.detail))
            table.add_row(
                KIND_LABEL.get(hit.kind, hit.kind),
                short_time(ctx, hit.at) if ctx is not None else "",
                user_text(hit.unit),
                found,
                key=str(i),
            )
        self._say(message)

    def _say(self, message: SearchResults) -> None:
        state = self.query_one("#search-state", Static)
        if message.error:
            state.update(user_text(message.error))
        elif message.text:
            if self.more:
                state.update(f"The first {RESULTS} found; type more to narrow them down.")
            else:
                state.update(f"{len(message.hits)} found" if message.hits else "Nothing found.")
        else:
            state.update("")

    @on(Input.Submitted, "#search-text")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        if self.hits:
            self.dismiss(self.hits[self.query_one(DataTable).cursor_row])

    @on(DataTable.RowSelected)
    def _pick(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(self.hits[int(event.row_key.value or 0)])

    def action_to_results(self) -> None:
        if self.hits:
            self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
