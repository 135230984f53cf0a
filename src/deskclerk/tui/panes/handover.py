"""The Handover pane: notes for the next shift, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType

from deskclerk.tui.panes.base import RegisterPane, SiteTime, mark, short_time, user_text

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.notes import NotePublic
    from deskclerk.services.paging import Cursor, Page


class HandoverPane(RegisterPane):
    """Handover notes; open high-priority ones are marked."""

    TITLE = "Handover"
    KINDS = frozenset({"note", "handover"})
    COLUMNS = (("", 1), ("Written", 11), ("By", 8), ("Unit", 8), ("Note", 44))
    EMPTY = "No handover notes yet. Press F5 to write one for the next shift."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resolve", "Resolved", id="handover.resolve"),
        Binding("e", "end_shift", "End shift & sign", id="handover.end_shift"),
        Binding("k", "take_over", "Take over handover", id="handover.take_over"),
        Binding("p", "print_sheet", "Print sheet", id="handover.print"),
    ]

    # --- the received sheet and the handover flow (modals/handover_flow.py) ------------

    def compose(self) -> Any:
        from deskclerk.tui.modals.handover_received import ReceivedSheet

        title, *rest = super().compose()
        yield title
        yield ReceivedSheet(id="received")
        yield from rest

    def reload(self, select: int | None = None) -> None:
        """Reload the notes and the sheet the clerk on duty received."""
        super().reload(select)
        ctx = self.desk.ctx
        if ctx is not None:
            self._load_received(ctx, self.desk.clerk, False)

    @work(thread=True, exit_on_error=False, exclusive=True, group="pane-received")
    def _load_received(self, ctx: Context, clerk: str, take_over: bool) -> None:
        from deskclerk.tui.modals.handover_received import received_sheet

        sheet = received_sheet(ctx, clerk)
        self.app.call_from_thread(self._received, sheet, take_over)

    def _received(self, sheet: Any, take_over: bool) -> None:
        from deskclerk.tui.modals.handover_received import ReceivedSheet

        self.query_one(ReceivedSheet).show(sheet)
        if take_over:
            self._take_over(sheet)

    def _take_over(self, sheet: Any) -> None:
        if sheet is None or sheet.state != "pending":
            self.app.notify("No handover is waiting for you to take over.", severity="warning")
            return
        from deskclerk.tui.modals.handover_flow import AcknowledgeForm

        opener: Any = self.app
        opener.open_form(AcknowledgeForm(sheet.id))

    def action_end_shift(self) -> None:
        """End the shift: review the assembled sheet, add remarks, sign."""
        from deskclerk.tui.modals.handover_flow import SignForm

        opener: Any = self.app
        opener.open_form(SignForm(), self._signed)

    def _signed(self, result: Any) -> None:
        if result is not None:  # signed: the incoming clerk takes the desk now
            desk: Any = self.app
            desk._ask_clerk(required=False, incoming=True)

    def action_take_over(self) -> None:
        """Acknowledge the handover you received: all items or item by item."""
        ctx = self.desk.ctx
        if ctx is not None:
            self._load_received(ctx, self.desk.clerk, True)

    def action_print_sheet(self) -> None:
        """Print the last handover sheet to PDF and text files, and say where."""
        from deskclerk.tui.modals.handover_received import write_sheet
        from deskclerk.tui.modals.order_actions import start_printing

        ctx = self.desk.ctx
        if ctx is not None:
            start_printing(self, "Handover sheet", lambda: write_sheet(ctx))

    def fetch(self, ctx: Context, before: Cursor | None) -> Page[NotePublic]:
        from deskclerk.services.notes import list_notes

        return list_notes(ctx, before=before, limit=100)

    def cells(self, ctx: SiteTime, item: NotePublic) -> Sequence[Text | str]:
        state = "" if item.resolved_at else item.priority
        text = user_text(item.text)
        if item.resolved_at:
            text = Text("✓ ") + text
        return (
            mark(state),
            short_time(ctx, item.written_at),
            user_text(item.clerk),
            user_text(item.unit_code),
            text,
        )

    def record_title(self, item: Any) -> str:
        return f"Note {item.id}"

    def action_resolve(self) -> None:
        """Mark the selected note resolved."""
        note: Any = self.with_current()
        if note is None:
            return

        def run(ctx: Context, clerk: str) -> Any:
            from deskclerk.services.notes import resolve_note

            return resolve_note(ctx, note.id, clerk=clerk)

        self.desk.perform("note", run, lambda n: f"Note {n.id} resolved.")
