"""The desk app: wires the status bar, the four panes, the quick line and the screens.

The first frame is painted before SQLModel is imported: the database opens in
a worker thread after the first refresh.  Database work always runs in
workers; their messages are the only way widgets change.
"""

from __future__ import annotations

import gc
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

from deskclerk.errors import DeskError
from deskclerk.tui import data
from deskclerk.tui.commands import DeskCommands
from deskclerk.tui.keybar import KeyBar
from deskclerk.tui.keys import APP_BINDINGS, PANES, let_alt_digits_through
from deskclerk.tui.messages import (
    ClerkOnDuty,
    CountsFetched,
    DeskChanged,
    DeskFailed,
    DeskOpened,
    PaneLoaded,
    RowsFetched,
)
from deskclerk.tui.panes.base import RegisterPane
from deskclerk.tui.panes.calls import CallsPane
from deskclerk.tui.panes.dispatch import DispatchPane
from deskclerk.tui.panes.handover import HandoverPane
from deskclerk.tui.panes.visitors import VisitorsPane
from deskclerk.tui.quickbar import QuickBar
from deskclerk.tui.saving import DeskSaving
from deskclerk.tui.status import StatusBar

if TYPE_CHECKING:
    from deskclerk.clock import Clock
    from deskclerk.config import Settings
    from deskclerk.services.context import Context
    from deskclerk.tui.early import EarlyCalls

WIDE = (160, 45)  # from this size on, all four panes at once


class DeskScreen(Screen[None]):
    """The desk's own screen: a focus change redraws what shows the focus, not everything.

    Textual's Screen repaints the whole screen when the focus moves; a pane switch
    moves it, and the whole screen was drawn twice in the frame (a layer change lays
    it out anyway).  The widgets whose look depends on the focus are restyled by
    Textual all the same (and the tables keep theirs on the -lit class).
    """

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class DeskApp(DeskSaving):
    """The front desk.  Tests inject `context`, `clock` and `settings`."""

    CSS_PATH = str(Path(__file__).with_name("app.tcss"))
    TITLE = "deskclerk"
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS  # type: ignore[assignment]
    COMMANDS = App.COMMANDS | {DeskCommands}

    def __init__(
        self,
        db: str | None = None,
        *,
        context: Context | None = None,
        clock: Clock | None = None,
        settings: Settings | None = None,
        poll_seconds: float = 1.0,
        tick_seconds: float = 1.0,
        early: EarlyCalls | None = None,
    ) -> None:
        super().__init__()
        let_alt_digits_through()
        self._memory_settled = False
        self.db = db
        self.ctx: Context | None = None
        self._given = context
        self._early = early
        self.clock = clock or (context.clock if context else None)
        self.settings = settings or (context.settings if context else None)
        self.site = ""
        self.clerk = ""
        self.shift_name = ""
        self.active = PANES[0]
        self.keymap: dict[str, str] = {}
        self.mark: int | None = None
        self.poll_seconds = poll_seconds
        self.tick_seconds = tick_seconds
        self._minute = -1
        self._front_loaded = False
        self._rest_loaded = False
        self._not_open = "The database is still opening."
        self._front_shown = threading.Event()

    # --- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept by reference: a modal on top hides them from App.query_one.
        self.status = StatusBar(id="status")
        self._panes: dict[str, RegisterPane] = {
            "calls": CallsPane(id="calls"),
            "visitors": VisitorsPane(id="visitors"),
            "dispatch": DispatchPane(id="dispatch"),
            "handover": HandoverPane(id="handover"),
        }
        self.quick = QuickBar(id="quick")
        self.pane_box = Container(*self._panes.values(), id="panes")
        yield self.status
        yield self.pane_box
        yield self.quick
        yield KeyBar(id="keys")

    def get_default_screen(self) -> Screen[None]:
        return DeskScreen(id="_default")

    def pane(self, name: str) -> RegisterPane:
        return self._panes[name]

    def panes(self) -> list[RegisterPane]:
        return list(self._panes.values())

    def on_mount(self) -> None:
        self._arrange()
        self._tick()
        self.set_interval(self.tick_seconds, self._tick)
        self.call_after_refresh(self._open)
        self.set_timer(10.0, self.settle_memory)  # even if the database never opens

    def on_resize(self) -> None:
        self._arrange()

    def _arrange(self, focusing: bool = False) -> None:
        wide = self.size.width >= WIDE[0] and self.size.height >= WIDE[1]
        self.pane_box.set_class(wide, "-wide")
        for pane in self.panes():
            front = pane.id == self.active
            # an inline layer, not a class: a class change restyles the pane's table,
            # which throws away its rendered rows
            pane.styles.layer = "front" if front or wide else "back"
            pane.set_class(front and wide, "-active")  # the accent border, 2×2 only
            pane.table.can_focus = front or wide  # Tab never lands in a covered pane
            # covered tables keep the focused look, so a switch redraws no rows
            pane.table.light(covered=not (front or wide), focusing=front and focusing)

    # --- opening ---------------------------------------------------------------

    def _open(self) -> None:
        self._open_database()

    @work(thread=True, exit_on_error=False, group="open")
    def _open_database(self) -> None:
        try:
            # The newest calls before anything else, read without SQLAlchemy when the
            # file allows: its import would compete with their painting for the GIL.
            first = None
            if self.active == "calls":
                first = data.first_calls(
                    self.db, self._given, self.clock, self.settings, self._early
                )
            if first is not None:
                site_time, calls = first
                self.mark = calls.mark  # read with the rows: a save after them is polled
                rows = RowsFetched(calls.items, calls.next, False, None, site_time)
                self.pane("calls").post_message(rows)
                self._front_shown.wait(timeout=2.0)  # let the event loop paint them first
            ctx = self._given or data.open_desk_context(self.db, self.clock, self.settings)
            self.call_from_thread(self._use_context, ctx)
            if first is None:
                # the same through the services (one thread, no contention)
                self.mark = data.changes(ctx, None)[0]
                front = self.pane(self.active)
                page = front.fetch(ctx, None)
                front.post_message(RowsFetched(page.items, page.next, False, None))
                self._front_shown.wait(timeout=2.0)
            duty = data.duty(ctx)
        except DeskError as exc:
            self.post_message(DeskFailed(exc.message))
        except Exception as exc:  # a traceback is a bug; the clerk gets words
            self.post_message(DeskFailed(f"The database could not be opened: {exc}"))
        else:
            self.post_message(DeskOpened(ctx, duty.site, duty.clerk, duty.shift))

    def _use_context(self, ctx: Context) -> None:
        self.ctx = ctx
        self.keymap = dict(ctx.settings.keymap)
        if self.keymap:
            self.set_keymap(self.keymap)
        self.status.tz = ctx.tz
        self.quick.context_ready()
        self._load_rest()

    def on_desk_opened(self, message: DeskOpened) -> None:
        self._on_duty(message.site, message.clerk, message.shift)
        self.set_interval(self.poll_seconds, self._poll)
        if not self.quick.input.has_focus:  # the clerk may already be typing a line
            self.action_focus_pane()
        if not message.site:
            from deskclerk.tui.modals.forms import FirstRunForm

            self.push_screen(FirstRunForm(), self._duty_chosen)
        elif not message.clerk:
            self._ask_clerk(required=True)

    def on_pane_loaded(self, message: PaneLoaded) -> None:
        if message.pane_id == self.active and not self._front_loaded:
            self._front_loaded = True
            self.call_after_refresh(self._front_shown.set)
            self._load_rest()

    def _load_rest(self) -> None:
        """The other panes and the figures, once the front pane shows and the database is open."""
        if self.ctx is None or not self._front_loaded or self._rest_loaded:
            return
        self._rest_loaded = True
        for pane in self.panes():
            if not pane.loaded:
                pane.reload()
        self._refresh_counts()
        self.set_timer(1.0, self.settle_memory)

    def settle_memory(self) -> None:
        """Freeze what the desk loaded, then let Python collect again (once).

        The imports and the first pages leave some million long-lived objects, and
        each of Python's full collections walked them all: 50-80 ms with the screen
        frozen, a few seconds into the shift.  Frozen, they are skipped (3 ms).
        """
        if self._memory_settled:
            return
        self._memory_settled = True
        if not self.is_headless:  # (a test run keeps its own collector as it was)
            gc.freeze()
        gc.enable()  # `deskclerk` turned it off for the loading

    def on_desk_failed(self, message: DeskFailed) -> None:
        self._not_open = f"The database is not open: {message.message}"
        self.status.state = "not open"
        self.status.show()
        self.notify(message.message, title="The desk cannot open", severity="error", timeout=60)

    def _on_duty(self, site: str, clerk: str, shift: str) -> None:
        self.site, self.clerk, self.shift_name = site, clerk, shift
        self.status.site, self.status.clerk, self.status.shift = site, clerk, shift
        self.status.state = "no clerk on duty (Ctrl+O)"
        self.status.show()

    def _duty_chosen(self, duty: Any) -> None:
        if duty is not None:
            self.post_message(ClerkOnDuty(duty.site, duty.clerk, duty.shift))

    def on_clerk_on_duty(self, message: ClerkOnDuty) -> None:
        self._on_duty(message.site, message.clerk, message.shift)
        self.status.say(f"{message.clerk} is on duty.")  # a toast would cover open boxes
        self.pane("handover").reload()  # the sheet the new clerk received

    def _ask_clerk(self, required: bool = False, incoming: bool = False) -> None:
        if self.ctx is not None:
            self._clerk_names(self.ctx, required, incoming)

    @work(thread=True, exit_on_error=False, group="clerks")
    def _clerk_names(self, ctx: Context, required: bool, incoming: bool) -> None:
        names = data.clerk_names(ctx)
        self.call_from_thread(self._show_clerk_form, names, required, incoming)

    def _show_clerk_form(self, names: list[str], required: bool, incoming: bool) -> None:
        from deskclerk.tui.modals.forms import ClerkForm

        staff = names
        if incoming:
            names = [n for n in names if n != self.clerk]  # the one who just signed goes
        form = ClerkForm(self.site, names, required, incoming=incoming, staff=staff)
        self.push_screen(form, self._duty_chosen)

    # --- clock, counts and the live poll -----------------------------------------

    def now(self) -> datetime:
        """The desk's clock (the injected one in tests)."""
        if self.ctx is not None:
            return self.ctx.now()
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def _tick(self) -> None:
        now = self.now()
        self.status.now = now
        if self.status.tz is None and self.settings is not None:
            self.status.tz = self.settings.tz
        self.status.show()
        minute = now.hour * 60 + now.minute
        if self.ctx is not None and minute != self._minute and self._minute >= 0:
            # deadlines pass with time, not only with saves: redraw the marks
            for pane in self.panes():
                pane.reload()
            self._refresh_counts()
        self._minute = minute

    def _refresh_counts(self) -> None:
        if self.ctx is not None:
            self._fetch_counts(self.ctx)
            self._fetch_handover(self.ctx, self.status.handover)

    @work(thread=True, exit_on_error=False, exclusive=True, group="handover-mark")
    def _fetch_handover(self, ctx: Context, shown: str) -> None:
        from deskclerk.tui.modals.handover_flow import pending_marker

        marker, _ = pending_marker(ctx, shown)
        self.call_from_thread(self._show_handover, marker)

    def _show_handover(self, marker: str) -> None:
        self.status.handover = marker
        self.status.show()

    @work(thread=True, exit_on_error=False, exclusive=True, group="counts")
    def _fetch_counts(self, ctx: Context) -> None:
        self.post_message(CountsFetched(data.counts(ctx)))

    def on_counts_fetched(self, message: CountsFetched) -> None:
        self.status.counts = message.counts
        self.status.show()

    def _poll(self) -> None:
        if self.ctx is not None:
            self._poll_changes(self.ctx, self.mark)

    @work(thread=True, exit_on_error=False, exclusive=True, group="poll")
    def _poll_changes(self, ctx: Context, mark: int | None) -> None:
        newest, kinds = data.changes(ctx, mark)
        if kinds and newest > (self.mark or 0):
            self.mark = newest
            self.post_message(DeskChanged(kinds))

    def on_desk_changed(self, message: DeskChanged) -> None:
        for pane in self.panes():
            if pane.KINDS & message.kinds:
                pane.reload(select=message.select.get(str(pane.id)))
        self._refresh_counts()


def run_desk(db: str | None, early: EarlyCalls | None = None) -> None:
    """Open the desk on `db` (None: $DESKCLERK_DB or the default file) and run it.

    `early`: the newest calls already being read (launch.py starts that before Textual loads).
    """
    DeskApp(db, early=early).run()
