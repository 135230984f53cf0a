"""The Handover pane: notes for the next shift, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from deskclerk.tui.panes.base import RegisterPane, mark, short_time, user_text

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
    ]

    def fetch(self, ctx: Context, before: Cursor | None) -> Page[NotePublic]:
        from deskclerk.services.notes import list_notes

        return list_notes(ctx, before=before, limit=100)

    def cells(self, ctx: Context, item: NotePublic) -> Sequence[Text | str]:
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
