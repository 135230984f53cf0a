"""The status bar: site, clerk on duty, shift, clock and the live counts."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from deskclerk.tui.messages import Counts
from deskclerk.tui.panes.base import colour

MESSAGE_SECONDS = 6.0  # how long "Call 12 logged." stays before the counts come back
LEVELS = 5  # 0: everything in full … 3: the shortest form of each part; 4: no shift name
# "翠湖花园 Green Lake Gardens" → "翠湖花园": the part before the first change of script
_FIRST_PART = re.compile(r"^([^\x00-\x7f]+?)\s+[\x00-\x7f]|^([\x00-\x7f]+?)\s+[^\x00-\x7f]")


def short_site(site: str, room: int = 16) -> str:
    """A bilingual site name's first half, else the name cut to `room` characters."""
    match = _FIRST_PART.match(site)
    if match:
        return (match.group(1) or match.group(2)).strip()
    return site if len(site) <= room else site[: room - 1] + "…"


def short_handover(marker: str) -> str:
    """ "⇄ handover 3 pending (0/7)" → "⇄ handover (0/7)"; "✓ handover 3 …" → "✓ handover"."""
    progress = marker.rsplit(" ", 1)[-1] if marker.endswith(")") else ""
    return f"{marker.split(' ', 1)[0]} handover {progress}".rstrip()


class StatusBar(Static):
    """One line at the top; text only, so it reads the same without colour.

    On a narrow terminal the parts get shorter (site's first name, no weekday, a short
    handover mark, counts without words) rather than being cut off the end, so the
    clerk at 80 columns still sees who is on duty, the time and every live count.
    """

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
        self._message_timer: Timer | None = None

    def on_resize(self) -> None:
        self.show()

    def show(self) -> None:
        """Redraw from the current values, in the fullest form that fits the width."""
        width = self.size.width
        text = self.compose_text(0)
        for level in range(1, LEVELS):
            if not width or text.cell_len <= width:
                break
            text = self.compose_text(level)
        if self.message and width and text.cell_len > width:
            # no room for both: the figures come back when the message goes
            for level in range(LEVELS):
                text = self.compose_text(level, counts=False)
                if text.cell_len <= width:
                    break
            else:  # the shortest bar, and the message's end is cut: its start shows
                text = self.compose_text(LEVELS - 1, counts=False)
        if text.markup != self.shown:  # redraw only on a change: the clock ticks each second
            self.shown = text.markup
            self.update(text)

    def compose_text(self, level: int, *, counts: bool = True) -> Text:
        """The bar's text at a level of shortening (0 = in full)."""
        text = Text(no_wrap=True, overflow="ellipsis")
        site = self.site or "deskclerk"
        text.append(short_site(site) if level >= 2 else site, style="bold")
        text.append(" · ")
        if self.clerk:
            text.append(self.clerk)
            if self.shift and level < 4:
                text.append(f" ({self.shift})")
        else:
            text.append(self.state, style="italic")
        if self.now is not None:
            local = self.now.astimezone(self.tz) if self.tz else self.now
            text.append(" · ")
            text.append(local.strftime("%H:%M" if level >= 1 else "%a %H:%M"), style="bold")
        c = self.counts
        if c is not None and counts:
            text.append(" │ WO ")
            text.append(f"{c.open_orders}{'+' if c.capped else ''}")
            text.append(" open" if level < 3 else "")  # 3+: symbols only
            if c.overdue_orders:
                late = f" ⚠{c.overdue_orders} late" if level < 3 else f" ⚠{c.overdue_orders}"
                text.append(late, style=colour("bold red"))
            text.append(f" · {c.on_site} in · ")
            if c.callbacks_due:
                due = f"☎{c.callbacks_due} due" if level < 3 else f"☎{c.callbacks_due}"
                text.append(due, style=colour("bold yellow"))
            else:
                text.append("☎0")
        if self.handover:  # before the message: a long message must not hide it
            text.append(" │ ")
            pending = self.handover.startswith("⇄")
            marker = short_handover(self.handover) if level >= 2 else self.handover
            text.append(marker, style=colour("bold yellow") if pending else "green")
        if self.message:
            text.append(" │ ✓ ", style=colour("bold green"))
            text.append(self.message)
        return text

    def say(self, message: str, seconds: float = MESSAGE_SECONDS) -> None:
        """Show what was just done (e.g. "Call 12 logged.") for a few seconds."""
        self.message = message
        if self._message_timer is not None:
            self._message_timer.stop()
        self._message_timer = self.set_timer(seconds, self.clear_message) if seconds else None
        self.show()

    def clear_message(self) -> None:
        self.message = ""
        self._message_timer = None
        self.show()
