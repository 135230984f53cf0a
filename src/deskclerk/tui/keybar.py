"""The key bar at the foot of the desk: the keys that work now, from the live bindings.

One Static redrawn only when the bindings or the width change (Textual's Footer
mounts a widget per key on every focus change, which costs a frame on a pane
switch).  Labels are short (keys.KEYBAR); when they still do not fit, the
least needed keys are left out: F1 help and the palette list them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from deskclerk.tui.keys import KEYBAR, KEYBAR_OTHER_RANK, key_label


@dataclass
class Entry:
    """One key (or a group of keys) on the bar."""

    keys: list[str]
    label: str
    rank: int

    @property
    def key(self) -> str:
        return group_label(self.keys)

    @property
    def width(self) -> int:
        return cell_len(self.key) + cell_len(self.label) + 2  # "F2 Call " (the key reversed)


def shown_key(key: str) -> str:
    """`f2` → `F2`, `ctrl+l` → `Ctrl+L`; a letter stays as typed (`d`, not `D`)."""
    return key if len(key) == 1 else key_label(key)


def group_label(keys: list[str]) -> str:
    """`F7–F10` for a run of function keys, else the keys joined by `/`."""
    numbers = [int(k[1:]) for k in keys if k[:1] == "F" and k[1:].isdigit()]
    if len(numbers) == len(keys) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"F{numbers[0]}–F{numbers[-1]}"
    return "/".join(keys)


def fit(entries: list[Entry], width: int) -> list[Entry]:
    """The best-ranked entries whose labels fit in `width` cells, in their usual order.

    Once one does not fit, none of a lower rank goes in its place: a rarely used
    short key never shows where a needed longer one was left out.
    """
    chosen: set[int] = set()
    used = 1 - 1  # the leading space; the last label needs no gap after it
    cut: int | None = None
    for index in sorted(range(len(entries)), key=lambda i: (entries[i].rank, i)):
        entry = entries[index]
        if cut is not None and entry.rank > cut:
            break
        if used + entry.width <= width:
            chosen.add(index)
            used += entry.width
        else:
            cut = entry.rank
    return [e for i, e in enumerate(entries) if i in chosen]


class KeyBar(Static):
    """`F1 Help  F2 Call …` for the focused widget, its pane and the desk."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._signature: tuple[Any, ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self.call_after_refresh(self.draw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self.draw()

    def _changed(self, screen: Any) -> None:
        if screen is self.screen:
            self.draw()  # now, so the new keys go out in the same frame as the focus change

    def entries(self) -> list[Entry]:
        """Every key on offer now, with its short label and rank."""
        items: list[Entry] = []
        seen: set[str] = set()
        groups: dict[str, Entry] = {}
        for _node, binding, enabled, _tip in self.screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            key = shown_key(binding.key)
            if binding.group is not None:
                name = binding.group.description
                if name not in groups:
                    label, rank = KEYBAR.get(name, (name, KEYBAR_OTHER_RANK))
                    groups[name] = Entry([], label, rank)
                    items.append(groups[name])
                groups[name].keys.append(key)
            else:
                default = (binding.description, KEYBAR_OTHER_RANK)
                label, rank = KEYBAR.get(binding.id or "", default)
                items.append(Entry([key], label, rank))
        return items

    def draw(self) -> None:
        """Redraw if the keys on offer (or the room for them) changed."""
        width = self.size.width or self.app.size.width
        shown = fit(self.entries(), width)
        signature = (width, *((e.key, e.label) for e in shown))
        if signature == self._signature:
            return
        self._signature = signature
        text = Text(" ", no_wrap=True, overflow="ellipsis")
        for entry in shown:
            text.append(entry.key, style="reverse")
            text.append(f" {entry.label} ")
        text.rstrip()
        self.update(text, layout=False)  # one docked line: its size never changes
