"""The handover the clerk on duty received (Handover pane, status bar) and printing a sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from pathlib import Path

    from deskclerk.services.context import Context
    from deskclerk.services.handover_view import SheetItem, SheetPublic

# an item's mark, readable without colour
ATTENTION = {
    "overdue": ("⚠", "bold red"),
    "near deadline": ("!", "bold dark_orange"),
    "high": ("!", "bold yellow"),
}


def not_taken(item: SheetItem) -> Text:
    """□ not yet acknowledged, ✓ acknowledged."""
    return Text("□", style="bold yellow") if item.acknowledged_at is None else Text("✓", "green")


def received_sheet(ctx: Context, clerk: str) -> SheetPublic | None:
    """The handover the clerk on duty received: pending for them, else the last they took."""
    from deskclerk.services.handover import last_sheet, pending, sheet

    waiting = [h for h in pending(ctx) if h.outgoing != clerk]
    if waiting:
        return sheet(ctx, waiting[-1].id)
    last = last_sheet(ctx)
    if last is not None and last.signed_at is not None and last.incoming == clerk:
        return last
    return None


def pending_marker(ctx: Context, previous: str) -> tuple[str, int | None]:
    """The status bar's handover word: pending (signed, not taken over) or just acknowledged."""
    from deskclerk.services.handover import pending

    waiting = pending(ctx)
    if waiting:
        h = waiting[-1]
        return f"⇄ handover {h.id} pending ({h.acknowledged_items}/{h.items})", h.id
    if previous.startswith("⇄ handover"):
        number = previous.split()[2]
        return f"✓ handover {number} acknowledged", None
    return previous, None


def write_sheet(ctx: Context, handover_id: int | None = None) -> list[Path]:
    """Print a sheet (the last one if no id) to PDF and 80-column text; 0600 files."""
    from deskclerk.errors import NotFound
    from deskclerk.reports.files import atomic_write_bytes
    from deskclerk.reports.handover import render
    from deskclerk.services.handover import last_sheet, sheet
    from deskclerk.tui.modals.order_actions import print_dir

    found = sheet(ctx, handover_id) if handover_id is not None else last_sheet(ctx)
    if found is None:
        raise NotFound("There is no handover sheet to print yet: end a shift first (e).")
    folder = print_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = f"handover-{found.id}-{found.local(found.started_at):%Y%m%d-%H%M}"
    return [
        atomic_write_bytes(folder / f"{stem}.pdf", render([found], "pdf")),
        atomic_write_bytes(folder / f"{stem}.txt", render([found], "txt")),
    ]


REMARKS_FIRST = 2  # remarks shown ahead of the records, so five cannot hide them all


class ReceivedSheet(Static):
    """At the top of the Handover pane: the sheet the clerk on duty received, items marked."""

    MAX_ITEMS = 5  # two heading lines + five + "… more": the 8 lines of #received

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.display = False

    def show(self, sheet: SheetPublic | None) -> None:
        """Redraw for `sheet` (None: nothing received this shift)."""
        self.display = sheet is not None  # nothing received: the notes get the room
        if sheet is None:
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"Received: handover {sheet.id} from ", style="bold")
        text.append(sheet.outgoing, style="bold")
        text.append(f" · {sheet.shift_label}\n")
        left = sheet.unacknowledged
        if sheet.state == "pending":
            text.append(
                f"PENDING: {left} of {len(sheet.items)} not acknowledged · k: take over",
                "bold yellow",
            )
        else:
            text.append(f"✓ acknowledged by {sheet.incoming}", style="green")
        # not yet taken first; of those up to two of the outgoing clerk's own remarks
        # (keys, faults) lead: on the sheet they come last, after every open record
        lead = [i for i in sheet.items if i.acknowledged_at is None and i.section == "remarks"]
        lead = lead[:REMARKS_FIRST]
        order = sorted(sheet.items, key=lambda i: (i.acknowledged_at is not None, i not in lead))
        shown = order[: self.MAX_ITEMS]
        for item in shown:
            text.append("\n")
            text.append_text(not_taken(item))
            text.append(f" {item.no:>2} ")
            symbol, style = ATTENTION.get(item.attention, ("", ""))
            if symbol:
                text.append(f"{symbol} ", style=style)
            text.append(item.text.split("\n", 1)[0])  # one line each: the box has 8
            if item.query:
                text.append(f"  ? {item.query}", style="italic")
        if len(sheet.items) > len(shown):
            text.append(f"\n   … {len(sheet.items) - len(shown)} more (k to see them all)")
        self.update(text)
