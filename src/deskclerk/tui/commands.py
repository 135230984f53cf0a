"""The command palette (Ctrl+P): the same actions as the keys, found by their descriptions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from deskclerk.tui.keys import effective_key, key_label


class DeskCommands(Provider):
    """Every described binding of the desk and of the pane in front."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app: Any = self.app
        out: list[tuple[str, str, Callable[[], Any]]] = []
        for binding, target in app.command_bindings(self.screen):
            keys = key_label(effective_key(binding, app.keymap))
            run = partial(_run, app, binding.action, target)
            out.append((binding.description, keys, run))
        return out

    async def discover(self) -> Hits:
        for description, keys, run in self._commands():
            yield DiscoveryHit(description, run, help=keys)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, keys, run in self._commands():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), run, help=keys)


async def _run(app: Any, action: str, target: DOMNode) -> None:
    await app.run_action(action, target)
