"""The status bar: site, clerk on duty, shift, clock and the live counts."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual.widgets import Static

from deskclerk.tui.messages import Counts
from deskclerk.tui.panes.base import colour


class StatusBar(Static):
    """One line at the top; text only, so it reads the same without colour."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.site = ""
        self.clerk = ""
        self.shift = ""
        self.state = "opening…"
        self.counts: Counts | None = None
        self.now: datetime | None = None
        self.tz: tzinfo | None = None
        self.shown = ""
        self.handover = ""  # "⇄ handover 3 pending (0/7)" / "✓ handover 3 acknowledged"
        self.message = ""

    def show(self) -> None:
        """Redraw from the current values."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.site or "deskclerk", style="bold")
        if self.clerk:
            text.append(" · ")
            text.append(self.clerk)
            if self.shift:
                text.append(f" ({self.shift})")
        else:
            text.append(" · ")
            text.append(self.state, style="italic")
        if self.now is not None:
            local = self.now.astimezone(self.tz) if self.tz else self.now
            text.append(" · ")
            text.append(local.strftime("%a %H:%M"), style="bold")
        c = self.counts
        if self.message and 0 < self.size.width < 120:
            c = None  # a narrow bar has no room for both: the figures come back in a moment
        if c is not None:
            text.append(" │ WO ")
            text.append(f"{c.open_orders}{'+' if c.capped else ''} open")
            if c.overdue_orders:
                text.append(f" ⚠{c.overdue_orders} late", style=colour("bold red"))
            text.append(f" · {c.on_site} in")
            text.append(" · ")
            if c.callbacks_due:
                text.append(f"☎{c.callbacks_due} due", style=colour("bold yellow"))
            else:
                text.append("☎0")
        if self.handover:  # before the message: a long message must not hide it
            text.append(" │ ")
            pending = self.handover.startswith("⇄")
            text.append(self.handover, style=colour("bold yellow") if pending else "green")
        if self.message:
            text.append(" │ ✓ ", style=colour("bold green"))
            text.append(self.message)
        if text.markup != self.shown:  # redraw only on a change: the clock ticks each second
            self.shown = text.markup
            self.update(text)

    def say(self, message: str) -> None:
        """Show what was just done (e.g. "Call 12 logged.") at the end of the bar."""
        self.message = message
        self.show()

    def clear_message(self) -> None:
        self.message = ""
        self.show()
