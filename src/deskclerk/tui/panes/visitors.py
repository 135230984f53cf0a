"""The Visitors pane: who came in, who is still on site."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from deskclerk.tui.panes.base import RegisterPane, SiteTime, mark, short_time, user_text

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.paging import Cursor, Page
    from deskclerk.services.visits import VisitPublic


class VisitorsPane(RegisterPane):
    """Visits, newest first; those still in are marked, after hours in red."""

    TITLE = "Visitors"
    KINDS = frozenset({"visit"})
    COLUMNS = (("", 1), ("In", 11), ("Out", 5), ("Visitor", 12), ("Unit", 8), ("Purpose", 30))
    EMPTY = "No visitors yet. Press F3 to sign one in."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "sign_out", "Sign out", id="visitors.sign_out"),
    ]

    def fetch(self, ctx: Context, before: Cursor | None) -> Page[VisitPublic]:
        from deskclerk.services.visits import list_visits

        return list_visits(ctx, before=before, limit=100)

    def cells(self, ctx: SiteTime, item: VisitPublic) -> Sequence[Text | str]:
        state = "overstayed" if item.overstayed else ("on site" if item.on_site else "")
        out = short_time(ctx, item.time_out)[-5:] if item.time_out else "in"
        return (
            mark(state),
            short_time(ctx, item.time_in),
            out,
            user_text(item.visitor),
            user_text(item.unit_code),
            user_text(item.purpose or item.host),
        )

    def record_title(self, item: Any) -> str:
        return f"Visit {item.id}"

    def action_sign_out(self) -> None:
        """Sign the selected visitor out now."""
        visit: Any = self.with_current()
        if visit is None:
            return

        def run(ctx: Context, clerk: str) -> Any:
            from deskclerk.services.visits import sign_out

            return sign_out(ctx, visit.id, clerk=clerk)

        self.desk.perform("visit", run, lambda v: f"{v.visitor} signed out.")
