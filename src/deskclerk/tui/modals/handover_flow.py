"""Shift handover in the desk: end the shift and sign the sheet; take over and acknowledge it.

The outgoing clerk reviews the sheet the service assembled, adds remarks and
signs (name, PIN if the site uses PINs).  The incoming clerk acknowledges every
item at once or the marked ones, with a query on any item.  Both run their
service calls in workers; a refusal stays on the screen with what was typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from deskclerk.errors import DeskError, InvalidInput
from deskclerk.tui.modals.form import Field, RecordForm
from deskclerk.tui.modals.handover_received import (
    ATTENTION,
    ReceivedSheet,
    not_taken,
    pending_marker,
    received_sheet,
    write_sheet,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import ComposeResult

    from deskclerk.services.context import Context
    from deskclerk.services.handover_view import SheetItem, SheetPublic


STACK_BELOW = 110  # screen columns
SHORT_SECTION = {"callbacks": "cb", "orders": "WO", "visitors": "visit", "carried": "carry"}


def item_row(item: SheetItem, mark: Text, section: int = 9) -> tuple[Text | str, ...]:
    """The cells of one sheet item: mark, number, section, attention, query, text.

    `section` is the width of the section column (0: no section column).
    """
    symbol, style = ATTENTION.get(item.attention, ("", ""))
    text = Text(item.text, no_wrap=True, overflow="ellipsis")
    if item.carried:
        text = Text(f"(carried ×{item.carried}) ") + text
    query = Text(item.query, no_wrap=True, overflow="ellipsis")
    cells: list[Text | str] = [mark, str(item.no)]
    if section:
        name = item.section if section >= 9 else SHORT_SECTION.get(item.section, item.section)
        cells.append(name[:section])
    return (*cells, Text(symbol, style=style), query, text)


def sheet_columns(width: int) -> list[tuple[str, int]]:
    """The columns for a table `width` cells wide: the item text takes what is left;
    the section column is shortened, then dropped, on a narrow screen."""
    if width >= 90:
        section, query = 9, 12
    elif width >= 60:
        section, query = 5, 8
    else:
        section, query = 0, 6
    cols = [("", 1), ("No", 3)]
    if section:
        cols.append(("Sect" if section < 9 else "Section", section))
    cols += [("", 1), ("Query", query)]
    used = sum(w for _, w in cols) + 2 * (len(cols) + 1) + 2  # cell padding, scrollbar
    cols.append(("Item", max(12, width - used)))
    return cols


class SheetTable(DataTable[Any]):
    """The items of a sheet, one a row; the item text takes the width left."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[SheetPublic, Callable[[SheetItem], Text]] | None = None
        self._section = 9
        self._width = -1

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._fill()

    def show(self, sheet: SheetPublic, mark: Callable[[SheetItem], Text] = not_taken) -> None:
        """Fill the table with the sheet's items (keeps the cursor row)."""
        self._shown = (sheet, mark)
        self._fill()

    def _fill(self) -> None:
        row = self.cursor_row
        width = self.size.width
        if width != self._width:
            self._width = width
            self.clear(columns=True)
            cols = sheet_columns(width or 80)
            self._section = next((w for label, w in cols if label.startswith("Sect")), 0)
            for label, w in cols:
                self.add_column(label, width=w)
        else:
            self.clear()
        if self._shown is None:
            return
        sheet, mark = self._shown
        for item in sheet.items:
            self.add_row(*item_row(item, mark(item), self._section), key=str(item.id))
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))


def credentials(form: RecordForm, pins: bool) -> list[Field]:
    """The name (filled in with the clerk on duty) and, if the site uses PINs, the PIN."""
    out = [Field("name", "Your name", value=getattr(form.app, "clerk", ""))]
    if pins:
        out.append(Field("pin", "Your PIN"))
    return out


class HandoverForm(RecordForm):
    """The shared shape: a sheet table beside the fields; PINs hidden as typed."""

    KIND = "handover"

    def __init__(self) -> None:
        super().__init__()
        self.sheet: SheetPublic | None = None

    @property
    def pins(self) -> bool:
        ctx = getattr(self.app, "ctx", None)
        return bool(ctx is not None and ctx.settings.pins)

    HINT: ClassVar[str] = ""

    def side(self) -> ComposeResult:
        with Vertical(id="sheet-box"):
            yield SheetTable(id="sheet", cursor_type="row", zebra_stripes=True)
            yield Static(self.HINT, classes="form-help", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        if self.pins:
            self.field("pin").password = True

    def on_resize(self) -> None:
        # below 110 columns the sheet goes under the fields, the full width of the form
        self.query_one(".form-body").set_class(self.size.width < STACK_BELOW, "-stacked")

    def pin(self, values: dict[str, str]) -> str | None:
        return values.get("pin") or None

    def show_sheet(self, sheet: SheetPublic) -> None:
        """Show `sheet` in the table and the title (if the form is still open)."""
        if not self.is_attached:
            return
        self.sheet = sheet
        self.query_one(SheetTable).show(sheet, self.mark)
        self.query_one(".form-title", Static).update(Text(self.heading(sheet)))

    def mark(self, item: SheetItem) -> Text:
        return not_taken(item)

    def heading(self, sheet: SheetPublic) -> str:
        return self.TITLE


class SignForm(HandoverForm):
    """End the shift: the sheet builds itself; add remarks; sign with name (and PIN)."""

    TITLE = "End of shift: review and sign the handover"
    HINT = "Ctrl+R: add the remark now · Ctrl+S: sign (the remark typed is added first)"
    BINDINGS: ClassVar[list[BindingType]] = [
        *RecordForm.BINDINGS,
        Binding("ctrl+r", "remark", "Add the remark", id="handover.add_remark"),
    ]

    def fields(self) -> list[Field]:
        remark = Field("remark", "Remark for the next shift", "keys, faults… (Ctrl+R adds it)")
        return [remark, *credentials(self, self.pins)]

    def on_mount(self) -> None:
        super().on_mount()
        ctx = getattr(self.app, "ctx", None)
        if ctx is not None:
            self.query_one("#form-error", Static).update("building the sheet…")
            self._build(ctx, getattr(self.app, "clerk", ""))

    @work(thread=True, exit_on_error=False, group="handover-build")
    def _build(self, ctx: Context, clerk: str) -> None:
        from deskclerk.services.handover import start_handover

        try:
            sheet = start_handover(ctx, clerk=clerk)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, exc.message)
        else:
            self.app.call_from_thread(self._built, sheet)

    def _refused(self, message: str) -> None:
        if self.is_attached:
            self.show_error(message)

    def _built(self, sheet: SheetPublic) -> None:
        if self.is_attached:
            self.show_sheet(sheet)
            self.show_error("")

    def heading(self, sheet: SheetPublic) -> str:
        return f"Handover {sheet.id} · {sheet.shift_label} · {len(sheet.items)} items · sign with Ctrl+S"

    def action_remark(self) -> None:
        """Add the typed remark to the draft without signing."""
        ctx = getattr(self.app, "ctx", None)
        text = self.field("remark").value
        if ctx is None or self.sheet is None or self.saving:
            return
        self._add_remark(ctx, self.sheet.id, text, getattr(self.app, "clerk", ""))

    @work(thread=True, exit_on_error=False, group="handover-remark")
    def _add_remark(self, ctx: Context, handover_id: int, text: str, clerk: str) -> None:
        from deskclerk.services.handover import add_remark

        try:
            sheet = add_remark(ctx, handover_id, text, clerk=clerk)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, exc.message)
        else:
            self.app.call_from_thread(self._remarked, sheet)

    def _remarked(self, sheet: SheetPublic) -> None:
        if not self.is_attached:
            return
        self.show_sheet(sheet)
        self.field("remark").value = ""
        self.show_error("")

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services.handover import add_remark, sign

        if self.sheet is None:
            raise InvalidInput("The sheet is still being built; sign in a moment.")
        if values["remark"].strip():
            add_remark(ctx, self.sheet.id, values["remark"], clerk=clerk)
        return sign(ctx, self.sheet.id, clerk=values["name"], pin=self.pin(values))

    def saved_text(self, result: Any) -> str:
        return (
            f"Handover {result.id} signed by {result.outgoing}. The incoming clerk: "
            "your name, then k on the Handover pane."
        )


class AcknowledgeForm(HandoverForm):
    """Take over: acknowledge every item, or the marked ones; a query on any item."""

    TITLE = "Take over the handover"
    HINT = "In the list Enter/space marks · Ctrl+S: the marked, or all"
    BINDINGS: ClassVar[list[BindingType]] = [
        *RecordForm.BINDINGS,
        Binding("space", "mark_item", "Mark item", id="handover.mark_item", show=False),
    ]

    def __init__(self, handover_id: int) -> None:
        super().__init__()
        self.handover_id = handover_id
        self.marked: set[int] = set()
        self.queries: dict[int, str] = {}

    def fields(self) -> list[Field]:
        query = Field("query", "Query on the highlighted item (Enter attaches it)", "optional")
        return [query, *credentials(self, self.pins)]

    def on_mount(self) -> None:
        super().on_mount()
        ctx = getattr(self.app, "ctx", None)
        if ctx is not None:
            self._load(ctx)

    @work(thread=True, exit_on_error=False, group="handover-load")
    def _load(self, ctx: Context) -> None:
        from deskclerk.services.handover import sheet

        found = sheet(ctx, self.handover_id)
        self.app.call_from_thread(self.show_sheet, found)

    def heading(self, sheet: SheetPublic) -> str:
        return (
            f"Take over handover {sheet.id} from {sheet.outgoing} ({sheet.shift_label}) · "
            f"{sheet.unacknowledged} of {len(sheet.items)} to acknowledge"
        )

    def mark(self, item: SheetItem) -> Text:
        if item.acknowledged_at is not None:
            return Text("✓", style="green")
        if item.id in self.marked or item.id in self.queries:
            return Text("■", style="bold green")
        return Text("□", style="bold yellow")

    def _highlighted(self) -> SheetItem | None:
        table = self.query_one(SheetTable)
        if self.sheet is None or not table.row_count:
            return None
        return self.sheet.items[table.cursor_row]

    def action_mark_item(self) -> None:
        """Mark or unmark the highlighted item."""
        item = self._highlighted()
        if item is None or item.acknowledged_at is not None or self.sheet is None:
            return
        self.marked ^= {item.id}
        self.show_sheet(self.sheet)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_mark_item()

    @on(Input.Submitted, "#f-query")
    def _attach_query(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # Enter here attaches the query; it does not save
        item = self._highlighted()
        text = event.value.strip()
        if item is None or self.sheet is None or not text:
            self.focus_next()
            return
        self.queries[item.id] = text
        self.sheet = _with_query(self.sheet, item.id, text)
        self.show_sheet(self.sheet)
        event.input.value = ""
        self.show_error("")

    def typed(self) -> bool:
        return bool(self.marked or self.queries) or super().typed()

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services.handover import acknowledge

        if self.sheet is None:
            raise InvalidInput("The sheet is still loading.")
        items = self.marked or {i.id for i in self.sheet.items if i.acknowledged_at is None}
        return acknowledge(
            ctx,
            self.handover_id,
            clerk=values["name"],
            pin=self.pin(values),
            items=sorted(items | set(self.queries)),
            queries=self.queries,
        )

    def saved_text(self, result: Any) -> str:
        if result.state == "acknowledged":
            return f"Handover {result.id} acknowledged by {result.incoming}."
        return f"Handover {result.id}: {result.unacknowledged} items still to acknowledge."


def _with_query(sheet: SheetPublic, item_id: int, text: str) -> SheetPublic:
    from dataclasses import replace

    items = tuple(replace(i, query=text) if i.id == item_id else i for i in sheet.items)
    return replace(sheet, items=items)


__all__ = [
    "AcknowledgeForm",
    "ReceivedSheet",
    "SignForm",
    "pending_marker",
    "received_sheet",
    "write_sheet",
]
