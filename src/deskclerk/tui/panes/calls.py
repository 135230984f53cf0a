"""The Calls pane: incoming calls and walk-in requests, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from deskclerk.tui.panes.base import RegisterPane, SiteTime, mark, short_time, user_text

if TYPE_CHECKING:
    from deskclerk.services.calls import CallPublic
    from deskclerk.services.context import Context
    from deskclerk.services.paging import Cursor, Page


# The call's state as a symbol after its type (no colour needed).
STATE_MARK = {"answered": " ✓", "closed": " ✓", "passed_on": " ↪"}


class CallsPane(RegisterPane):
    """Calls with their callback deadlines marked."""

    TITLE = "Calls"
    KINDS = frozenset({"call"})
    COLUMNS = (("", 1), ("When", 11), ("Unit", 8), ("Caller", 10), ("Type", 11), ("Matter", 40))
    EMPTY = "No calls yet. Press F2 to log one, or : for the quick line."
    TIME_FIELD = "received_at"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "to_order", "→ Work order", id="calls.to_order"),
        Binding("d", "callback_done", "Call done", id="calls.done"),
    ]

    def fetch(self, ctx: Context, before: Cursor | None) -> Page[CallPublic]:
        from deskclerk.services.calls import list_calls

        return list_calls(ctx, before=before, limit=100)

    def cells(self, ctx: SiteTime, item: CallPublic) -> Sequence[Text | str]:
        kind = item.category + STATE_MARK.get(item.state, "")
        if item.order_number:
            kind = f"{item.category} →WO"
        return (
            mark(item.attention),
            short_time(ctx, item.received_at),
            user_text(item.unit_code),
            user_text(item.caller),
            kind,
            user_text(item.matter),
        )

    def action_to_order(self) -> None:
        """Turn the selected call into a work order, its details filled in."""
        call = self.with_current()
        if call is None:
            return
        if call.order_id:
            self.app.notify(f"This call is already work order {call.order_number}.")
            return
        from deskclerk.tui.modals.forms import OrderForm

        self.app.push_screen(OrderForm(from_call=call))

    def action_callback_done(self) -> None:
        """Mark the selected call done (the callback was made, the matter settled)."""
        call: Any = self.with_current()
        if call is None:
            return

        def run(ctx: Context, clerk: str) -> Any:
            from deskclerk.services.calls import close_call

            return close_call(ctx, call.id, clerk=clerk)

        def close() -> None:
            self.desk.perform("call", run, lambda c: f"Call {c.id} done.")

        from deskclerk.services.call_public import callback_owed

        if not callback_owed(call.state, call.callback_due) or call.voided:
            close()  # no callback is owed (or the service says why it cannot close)
            return
        from deskclerk.tui.modals.simple import ConfirmScreen

        ctx = getattr(self.app, "ctx", None)
        due = f" (due {short_time(ctx, call.callback_due)})" if ctx is not None else ""
        question = (  # shown as plain text: a caller's name is never read as markup
            f"Close call {call.id} from {call.caller}? A callback is owed{due}; "
            "a closed call cannot be reopened."
        )
        self.app.push_screen(
            ConfirmScreen(question, yes="Close it", no="Keep it open"),
            lambda yes: close() if yes else None,
        )
