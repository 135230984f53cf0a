"""What the desk's keys do: forms, search, panes, help, and the palette's list of them.

`DeskApp` (app.py) adds the layout, the opening of the database and the live
updates; the names this class uses from it are declared below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from deskclerk.tui.keys import (
    APP_BINDINGS,
    CALL_FORM_BINDINGS,
    FORM_BINDINGS,
    PANE_EXTRA_BINDINGS,
    PANES,
    STATS_BINDINGS,
    described,
)
from deskclerk.tui.panes.base import RegisterPane

if TYPE_CHECKING:
    from textual.screen import Screen

    from deskclerk.services.context import Context
    from deskclerk.tui.quickbar import QuickBar

PANE_OF_KIND = {"call": "calls", "visit": "visitors", "order": "dispatch", "note": "handover"}
PANE_OF_KIND["handover"] = "handover"  # a signed or acknowledged sheet


class DeskActions(App[None]):
    """The actions behind the desk's keys and its command palette."""

    # set by DeskApp
    ctx: Context | None
    clerk: str
    active: str
    keymap: dict[str, str]
    quick: QuickBar
    _not_open: str

    def pane(self, name: str) -> RegisterPane:
        raise NotImplementedError

    def panes(self) -> list[RegisterPane]:
        raise NotImplementedError

    def _arrange(self, focusing: bool = False) -> None:
        raise NotImplementedError

    def _ask_clerk(self, required: bool = False, incoming: bool = False) -> None:
        raise NotImplementedError

    def open_form(self, form: Screen[Any], done: Callable[[Any], None] | None = None) -> None:
        """Open a form once the database is open and someone is on duty;
        `done` gets what the form returns."""
        if self.ctx is None:
            self.notify(self._not_open, severity="warning")
        elif not self.clerk:
            self._ask_clerk(required=True)
        else:
            self.push_screen(form, done)

    def open_record(self, title: str, lines: Iterable[tuple[str, str]]) -> None:
        from deskclerk.tui.modals.simple import RecordScreen

        self.push_screen(RecordScreen(title, list(lines)))

    def action_log_call(self) -> None:
        """F2: log a call."""
        from deskclerk.tui.modals.call_form import CallForm

        self.open_form(CallForm())

    def action_visitor_in(self) -> None:
        """F3: sign a visitor in."""
        from deskclerk.tui.modals.forms import VisitorForm

        self.open_form(VisitorForm())

    def action_new_order(self) -> None:
        """F4: a new work order."""
        from deskclerk.tui.modals.forms import OrderForm

        self.open_form(OrderForm())

    def action_add_note(self) -> None:
        """F5: a handover note."""
        from deskclerk.tui.modals.forms import NoteForm

        self.open_form(NoteForm())

    def action_search(self) -> None:
        """F6: search everything."""
        from deskclerk.tui.modals.search import SearchScreen

        self.push_screen(SearchScreen(), self._jump)

    def _jump(self, hit: Any) -> None:
        if hit is None:
            return
        name = PANE_OF_KIND.get(hit.kind)
        if name is not None:
            self.action_show_pane(name)
            self.pane(name).jump_to(hit.id, hit.at)
        elif hit.kind == "resident":
            from deskclerk.tui.modals.call_form import CallForm

            self.open_form(CallForm(unit=hit.unit))

    def action_add_to_directory(self) -> None:
        """F12: add a unit, or a resident to a unit, without leaving the desk."""
        from deskclerk.tui.modals.directory_form import DirectoryForm

        self.open_form(DirectoryForm())

    def action_reopen_order(self) -> None:
        """r on an order: the supervisor sends it back to its team, with a reason."""
        order = self.pane("dispatch").with_current()
        if order is None:
            return
        from deskclerk.tui.modals.order_actions import ReopenForm

        self.open_form(ReopenForm(order))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A desk key about one pane's selection works only while that pane has the focus."""
        for pane_name, bindings in PANE_EXTRA_BINDINGS.items():
            if any(b.action == action for b in bindings):
                return self._pane_focused(pane_name)
        return True

    def _pane_focused(self, name: str) -> bool:
        try:
            pane = self.pane(name)
        except (AttributeError, KeyError, NotImplementedError):  # not composed yet
            return False
        # the desk's own screen: the palette, open on top, keeps the pane's focus there
        focused = self.screen_stack[0].focused if self.screen_stack else None
        if focused is None:
            return self.active == name
        return pane in focused.ancestors_with_self

    def action_stats(self) -> None:
        """F11: the service figures and charts for a period."""
        from deskclerk.tui.screens.stats import StatsScreen

        if self.ctx is None:
            self.notify(self._not_open, severity="warning")
        elif not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_show_pane(self, name: str, focus: bool = True) -> None:
        """F7–F10: bring a pane to the front (the only one shown on a small screen)."""
        if name not in PANES:
            return
        self.active = name
        self._arrange(focusing=focus)
        if focus:
            self.action_focus_pane()

    def action_focus_pane(self) -> None:
        self.pane(self.active).focus_table()

    def action_quick_line(self) -> None:
        """: or Ctrl+L: type a record in one line."""
        self.quick.input.focus()

    def action_switch_clerk(self) -> None:
        """Ctrl+O: another clerk takes over the desk."""
        self._ask_clerk(required=False)

    def action_help(self) -> None:
        """F1: every key."""
        from deskclerk.tui.modals.simple import HelpScreen

        shared = {b.id for b in RegisterPane.BINDINGS if isinstance(b, Binding)}
        extra = {str(p.id): PANE_EXTRA_BINDINGS.get(str(p.id), []) for p in self.panes()}
        on_panes = {b.id for bs in extra.values() for b in bs}
        desk = [b for b in APP_BINDINGS if b.id not in on_panes]
        groups: list[tuple[str, Iterable[Binding]]] = [("desk", desk)]
        groups += [
            (
                pane.TITLE.split(" ")[0],
                [b for b in pane_bindings(pane) if b.id not in shared] + extra[str(pane.id)],
            )
            for pane in self.panes()
        ]
        groups.append(("any pane", [b for b in RegisterPane.BINDINGS if isinstance(b, Binding)]))
        groups.append(("forms", FORM_BINDINGS))
        groups.append(("call form", CALL_FORM_BINDINGS))
        groups.append(("Stats view", STATS_BINDINGS))
        self.push_screen(HelpScreen(groups, self.keymap))

    def command_bindings(self, screen: Screen[Any] | None = None) -> list[tuple[Binding, Any]]:
        """(binding, where it runs) for the palette: the keys of the Stats view when it
        is open (`screen`: where the palette was opened), the desk's, the front pane's."""
        from deskclerk.tui.screens.stats import StatsScreen

        out: list[tuple[Binding, Any]] = []
        if isinstance(screen, StatsScreen):
            out += [(b, screen) for b in described(STATS_BINDINGS)]
        out += [(b, self) for b in described(APP_BINDINGS) if self.check_action(b.action, ())]
        pane = self.pane(self.active)
        out += [(b, pane) for b in described(pane_bindings(pane))]
        return out


def pane_bindings(pane: RegisterPane) -> list[Binding]:
    """A pane's own bindings and those it inherits, once each."""
    seen: dict[str, Binding] = {}
    for cls in type(pane).__mro__:
        for b in cls.__dict__.get("BINDINGS", []):
            if isinstance(b, Binding) and b.id and b.id not in seen:
                seen[b.id] = b
    return list(seen.values())
