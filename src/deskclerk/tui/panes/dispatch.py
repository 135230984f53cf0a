"""The Dispatch pane: work orders, newest first or by time left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from deskclerk.tui.panes.base import RegisterPane, mark, short_time, user_text

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.orders import OrderPublic
    from deskclerk.services.paging import Cursor, Page


def time_left(item: Any) -> str:
    """`1h05` / `-0h20` for an order's running clock."""
    left = item.time_left
    if left is None:
        return ""
    minutes = int(left.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}{minutes // 60}h{minutes % 60:02d}"


class DispatchPane(RegisterPane):
    """Work orders with their deadline marks (50 %, 75 %, overdue)."""

    TITLE = "Dispatch"
    KINDS = frozenset({"order", "call"})
    COLUMNS = (
        ("", 1),
        ("Logged", 11),
        ("Unit", 8),
        ("State", 10),
        ("Left", 6),
        ("Team", 10),
        ("Problem", 30),
    )
    EMPTY = "No work orders yet. Press F4 for a new one, or w on a call."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dispatch", "Dispatch", id="dispatch.dispatch"),
        Binding("a", "arrive", "On site", id="dispatch.arrive"),
        Binding("f", "finish", "Done", id="dispatch.finish"),
        Binding("t", "by_time_left", "By time left", id="dispatch.by_time_left"),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.urgent_first = False

    def fetch(self, ctx: Context, before: Cursor | None) -> Page[OrderPublic]:
        from deskclerk.services import orders

        if self.urgent_first:
            from deskclerk.services.paging import Page

            return Page(orders.urgent_first(ctx, limit=100), None)
        return orders.list_orders(ctx, before=before, limit=100)

    def cells(self, ctx: Context, item: OrderPublic) -> Sequence[Text | str]:
        state = item.state.replace("_", " ")
        if item.paused:
            state = f"{state} ‖"
        return (
            mark(item.alert),
            short_time(ctx, item.logged_at),
            user_text(item.unit_code),
            state,
            time_left(item),
            user_text(item.team_name),
            user_text(item.description),
        )

    def record_title(self, item: Any) -> str:
        return f"Work order {item.number}"

    def action_by_time_left(self) -> None:
        """Switch between newest first and the next deadline first."""
        self.urgent_first = not self.urgent_first
        self.heading = "Dispatch — by time left" if self.urgent_first else "Dispatch"
        self.start_at = None
        self.reload()

    def action_dispatch(self) -> None:
        """Assign the selected order to a team (the suggested one is filled in)."""
        order = self.with_current()
        if order is None:
            return
        from deskclerk.tui.modals.forms import DispatchForm

        self.app.push_screen(DispatchForm(order))

    def _step(self, name: str, verb: str) -> None:
        order: Any = self.with_current()
        if order is None:
            return

        def run(ctx: Context, clerk: str) -> Any:
            from deskclerk.services import orders

            return getattr(orders, name)(ctx, order.id, clerk=clerk)

        self.desk.perform("order", run, lambda o: f"{o.number} {verb}.")

    def action_arrive(self) -> None:
        """The technician is on site."""
        self._step("arrive", "on site")

    def action_finish(self) -> None:
        """The job is done (the order waits for the callback)."""
        self._step("finish", "done")
