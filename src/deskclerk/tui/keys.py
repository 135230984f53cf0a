"""Every desk-wide key, defined once: the footer, F1 help, the palette and the keymap read it.

A site remaps a key in its config file by binding id:

    [keymap]
    "desk.log_call" = "f2,ctrl+n"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual.binding import Binding

PANES = ("calls", "visitors", "dispatch", "handover")
PANE_TITLES = {
    "calls": "Calls",
    "visitors": "Visitors",
    "dispatch": "Dispatch",
    "handover": "Handover",
}

_PANES_GROUP = Binding.Group("Panes", compact=True)

APP_BINDINGS: list[Binding] = [
    Binding("f1", "help", "Help", id="desk.help"),
    Binding("f2", "log_call", "Call", id="desk.log_call"),
    Binding("f3", "visitor_in", "Visitor", id="desk.visitor_in"),
    Binding("f4", "new_order", "Order", id="desk.new_order"),
    Binding("f5", "add_note", "Note", id="desk.add_note"),
    Binding("f6", "search", "Search", id="desk.search"),
    Binding(
        "f7,alt+1", "show_pane('calls')", "Calls pane", id="desk.pane_calls", group=_PANES_GROUP
    ),
    Binding(
        "f8,alt+2",
        "show_pane('visitors')",
        "Visitors pane",
        id="desk.pane_visitors",
        group=_PANES_GROUP,
    ),
    Binding(
        "f9,alt+3",
        "show_pane('dispatch')",
        "Dispatch pane",
        id="desk.pane_dispatch",
        group=_PANES_GROUP,
    ),
    Binding(
        "f10,alt+4",
        "show_pane('handover')",
        "Handover pane",
        id="desk.pane_handover",
        group=_PANES_GROUP,
    ),
    Binding("f11", "stats", "Stats", id="desk.stats", show=False),
    Binding(
        "f12",
        "add_to_directory",
        "Add a unit or resident to the directory",
        id="desk.add_to_directory",
        show=False,
    ),
    Binding("ctrl+l,colon", "quick_line", "Quick line", id="desk.quick_line", show=False),
    Binding("ctrl+o", "switch_clerk", "Change clerk", id="desk.switch_clerk", show=False),
    Binding("ctrl+q", "quit", "Quit", id="desk.quit", show=False, priority=True),
]

# Desk-wide bindings that act on one pane's selection: offered only while that pane
# has the focus (DeskActions.check_action), listed in F1 help under that pane.
PANE_EXTRA_BINDINGS: dict[str, list[Binding]] = {
    "dispatch": [
        Binding("r", "reopen_order", "Reopen order", id="dispatch.reopen"),
    ],
}
APP_BINDINGS += [b for extra in PANE_EXTRA_BINDINGS.values() for b in extra]

STATS_BINDINGS: list[Binding] = [  # the Stats view (F11)
    Binding("escape,q,f11", "close", "Back to the desk", id="stats.close"),
    Binding("p", "next_period", "Stats: next period", id="stats.period"),
    Binding("c", "custom_period", "Stats: period from / to", id="stats.custom"),
    Binding("g", "next_grouping", "Stats: group by", id="stats.group"),
]

FORM_BINDINGS: list[Binding] = [
    Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
    Binding("escape", "cancel", "Cancel", id="form.cancel"),
]


# The key bar at the foot of the desk (keybar.py): a short label and a rank per binding
# id.  It shows the best-ranked keys that fit the width, in their usual order; F1 help
# and the palette list every key whatever the key bar leaves out.
KEYBAR: dict[str, tuple[str, int]] = {
    "desk.help": ("Help", 0),
    "desk.log_call": ("Call", 2),
    "desk.visitor_in": ("Visitor", 3),
    "desk.new_order": ("Order", 2),
    "Panes": ("Panes", 1),  # the F7–F10 group: the only way to the other panes at 80×24
    "desk.search": ("Search", 3),
    "desk.add_note": ("Note", 4),
    "calls.to_order": ("→ Order", 1),
    "calls.done": ("Call done", 3),
    "visitors.sign_out": ("Sign out", 1),
    "dispatch.dispatch": ("Dispatch", 1),
    "dispatch.arrive": ("On site", 1),
    "dispatch.finish": ("Done", 1),
    "dispatch.callback": ("Callback", 1),
    "dispatch.pause": ("Pause", 5),
    "dispatch.cancel": ("Cancel", 5),
    "dispatch.close": ("Close", 5),
    "dispatch.reopen": ("Reopen", 5),
    "dispatch.slip": ("Slip", 5),
    "dispatch.by_time_left": ("By time", 4),
    "handover.end_shift": ("End shift", 1),
    "handover.take_over": ("Take over", 1),
    "handover.resolve": ("Resolved", 4),
    "handover.print": ("Print", 5),
}
KEYBAR_OTHER_RANK = 6


# In the call form (a modal, where the desk's keys do not reach): the same id, so a
# remap of F12 moves both.
CALL_FORM_BINDINGS: list[Binding] = [
    Binding(
        "f12",
        "add_to_directory",
        "Add a unit or resident to the directory",
        id="desk.add_to_directory",
    ),
]


def effective_key(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys a binding answers to once the site's keymap is applied."""
    if binding.id and binding.id in keymap:
        return keymap[binding.id]
    return binding.key


def key_label(keys: str) -> str:
    """`f7,alt+1` → `F7 / Alt+1`, for the help screen and the palette."""
    named = {"colon": ":", "escape": "Esc", "enter": "Enter", "delete": "Del"}

    def one(part: str) -> str:
        if part in named:
            return named[part]
        if len(part) == 1 or (part[0] == "f" and part[1:].isdigit()):
            return part.upper()
        return part.title()

    return " / ".join("+".join(one(p.strip()) for p in key.split("+")) for key in keys.split(","))


def described(bindings: Iterable[Binding]) -> list[Binding]:
    """Only bindings a clerk should see listed (with an id and a description)."""
    return [b for b in bindings if b.id and b.description]


def let_alt_digits_through() -> None:
    """Make Alt+1…4 reach the desk as alt+1 … alt+4 in every terminal.

    Textual 8.2.8 reads ESC 1…4 (what a terminal sends for Alt+1…4) as the
    characters WezTerm on macOS sends for Opt+1…4 (¡ ™ £ ¢), so the pane keys
    Alt+1…4 never arrived.  Without those four entries its parser reissues the
    sequence as ESC with alt, which gives alt+1 … alt+4 (after its escape delay).
    """
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

    table: Any = ANSI_SEQUENCES_KEYS
    for digit in "1234":
        table.pop(f"\x1b{digit}", None)
