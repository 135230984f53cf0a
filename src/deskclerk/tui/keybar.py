"""The key bar at the foot of the desk: the keys that work now, from the live bindings.

One Static redrawn only when the bindings change (Textual's Footer mounts a
widget per key on every focus change, which costs a frame on a pane switch).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static


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

    def _changed(self, screen: Any) -> None:
        if screen is self.screen:
            self.draw()  # now, so the new keys go out in the same frame as the focus change

    def draw(self) -> None:
        """Redraw if the keys on offer changed."""
        items: list[tuple[str, str]] = []
        seen: set[str] = set()
        groups: dict[str, list[str]] = {}
        for _node, binding, enabled, _tip in self.screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            if binding.group is not None:
                if binding.group.description not in groups:
                    groups[binding.group.description] = []
                    items.append(("", binding.group.description))
                groups[binding.group.description].append(key)
            else:
                items.append((key, binding.description))
        items = [(k or "/".join(groups[d]), d) for k, d in items]
        signature = tuple(items)
        if signature == self._signature:
            return
        self._signature = signature
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, description in items:
            text.append(f" {key} ", style="reverse")
            text.append(f" {description} ")
        self.update(text, layout=False)  # one docked line: its size never changes
