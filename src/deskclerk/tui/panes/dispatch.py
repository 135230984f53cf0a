"""The Dispatch pane: work orders, newest first or by time left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from deskclerk.tui.panes.base import RegisterPane, SiteTime, mark, short_time, user_text

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


def short_number(number: str) -> str:
    """`WO-20261124-003` → `…-003`: the day's count, which is how clerks say an order."""
    head, _, tail = number.rpartition("-")
    return f"…-{tail}" if head else number


class DispatchPane(RegisterPane):
    """Work orders with their deadline marks (50 %, 75 %, overdue)."""

    TITLE = "Dispatch"
    KINDS = frozenset({"order"})
    COLUMNS = (
        ("", 1),
        ("No", 5),
        ("Logged", 11),
        ("Unit", 8),
        ("State", 10),
        ("Left", 6),
        ("Team", 10),
        ("Problem", 30),
    )
    WIDE: ClassVar[dict[str, int]] = {"Team": 26}  # "General repairs 综合维修班" in full
    EMPTY = "No work orders yet. Press F4 for a new one, or w on a call."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dispatch", "Dispatch", id="dispatch.dispatch"),
        Binding("a", "arrive", "On site", id="dispatch.arrive"),
        Binding("f", "finish", "Done", id="dispatch.finish"),
        Binding("t", "by_time_left", "By time left", id="dispatch.by_time_left"),
        Binding("c", "callback", "Callback", id="dispatch.callback"),
        Binding("p", "pause", "Pause", id="dispatch.pause"),
        Binding("x", "cancel_order", "Cancel order", id="dispatch.cancel"),
        Binding("k", "close_order", "Close order", id="dispatch.close"),
        Binding("s", "slip", "Print slip", id="dispatch.slip"),
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

    def cells(self, ctx: SiteTime, item: OrderPublic) -> Sequence[Text | str]:
        state = item.state.replace("_", " ")
        if item.paused:
            state = f"{state} ‖"
        return (
            mark(item.alert),
            short_number(item.number),
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
        from deskclerk.tui.modals.order_actions import DispatchOrderForm

        self._open_form(DispatchOrderForm(order))

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
        """The job is done, with its charge (the order waits for the callback)."""
        self._order_form("FinishForm")

    # --- the rest of the loop (modals/order_actions.py) -----------------------------

    def _open_form(self, form: Any) -> None:
        opener: Any = self.app
        opener.open_form(form)

    def _order_form(self, name: str) -> None:
        order: Any = self.with_current()
        if order is None:
            return
        from deskclerk.tui.modals import order_actions

        self._open_form(getattr(order_actions, name)(order))

    def action_callback(self) -> None:
        """Record the call-back (回访) of a done order."""
        self._order_form("CallbackForm")

    def action_pause(self) -> None:
        """Pause the clocks with a reason, or resume a paused order."""
        order: Any = self.current()
        if order is not None and order.paused:
            self._step("resume", "resumed")
        else:
            self._order_form("PauseForm")

    def action_cancel_order(self) -> None:
        """Cancel the order, with a reason."""
        self._order_form("CancelForm")

    def action_close_order(self) -> None:
        """The supervisor closes a done order without a callback, with a reason."""
        self._order_form("CloseForm")

    def action_slip(self) -> None:
        """Print the slip (派工单) to a text and a PDF file, and say where."""
        order: Any = self.with_current()
        if order is None:
            return
        from deskclerk.tui.modals.order_actions import start_printing, write_slip

        ctx = self.desk.ctx
        if ctx is not None:
            site = getattr(self.app, "site", "")
            start_printing(self, f"{order.number} slip", lambda: write_slip(ctx, order.id, site))
