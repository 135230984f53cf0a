"""A pane's table that keeps its drawn rows when the focus moves between panes.

Textual's DataTable draws a focused table differently (a tint and the cursor's
colour) and throws away every drawn row whenever its focus changes.  On a small
screen the panes lie on top of each other, so a pane switch moved the focus and
redrew two whole tables.  Here the focused look hangs on the `-lit` class
instead: the covered tables of a small screen keep it (nobody sees them), so the
focus moving from one pane to the next changes no picture and redraws nothing
(neither the rows nor Textual's own repaint of a widget whose focus moves).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from textual import events
from textual._two_way_dict import TwoWayDict
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

LIT = "-lit"


class PaneTable(DataTable[Any]):
    """A DataTable drawn "focused" while it has the `-lit` class."""

    # The same rules as DataTable's own `:focus` block, for `.-lit`.
    DEFAULT_CSS = """
    PaneTable.-lit {
        background-tint: $foreground 5%;
        & > .datatable--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .datatable--header {
            background-tint: $foreground 5%;
        }
        & > .datatable--fixed-cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
        }
    }
    """

    covered = False  # set by the desk: under the front pane of a small screen
    _scrollbars_for: tuple[Size, Size, Size] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Update the scrollbars only when the table's size or its rows changed.

        Textual's ScrollView compares the layout's virtual size (the region) with its
        own (all the rows); with anything to scroll they always differ, so every layout
        pass (a pane switch moves a layer) redrew the scrollbars of all four tables, in
        a frame of their own after the rest.
        """
        seen = (size, self.virtual_size, container_size)
        if seen == self._scrollbars_for:
            return False
        self._scrollbars_for = seen
        return super()._size_updated(size, virtual_size, container_size, layout)

    _steady = False  # a focus change is under way that changes nothing drawn

    def focus(self, scroll_visible: bool = True) -> Self:
        with self._focus_unseen():
            return super().focus(scroll_visible)

    def _on_focus(self, event: events.Focus) -> None:
        with self._focus_unseen():
            super()._on_focus(event)
        event.prevent_default()  # done: Textual would run Widget's handler again
        self.set_class(True, LIT)

    def _on_blur(self, event: events.Blur) -> None:
        with self._focus_unseen():
            super()._on_blur(event)
        event.prevent_default()
        self.set_class(self.covered, LIT)

    @contextmanager
    def _focus_unseen(self) -> Iterator[None]:
        """Textual repaints a widget whose focus moves: not a lit one (the same look either way).

        The repaint would throw away the drawn lines (Textual's own cache of them, with
        the background and tint applied), and a pane switch moves the focus of two tables.
        """
        self._steady = self.has_class(LIT)
        try:
            yield
        finally:
            self._steady = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if self._steady and not (regions or layout or recompose):
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def light(self, covered: bool, focusing: bool = False) -> None:
        """Where the desk put this table: covered ones stay lit, a shown one is lit with the focus."""
        self.covered = covered
        self.set_class(covered or focusing or self.has_focus, LIT)

    def watch_has_focus(self, has_focus: bool) -> None:
        """No restyle for the focus while lit: the look is the same either way.

        (A restyle would also touch the scrollbar, which costs a second layout pass.)
        The next class change restyles the table with its real focus state.
        """
        if not self.has_class(LIT):
            super().watch_has_focus(has_focus)

    def add_row_first(self, *cells: Any, key: str) -> RowKey:
        """Add a row above all the others (a just-saved record): no other row is redrawn.

        DataTable only appends; its own `sort` reorders the same way, by giving the
        rows new places.
        """
        row_key = self.add_row(*cells, key=key)
        places = {k: i + 1 for k, i in self._row_locations._forward.items() if k != row_key}
        self._row_locations = TwoWayDict({row_key: 0, **places})
        self._update_count += 1
        self.refresh()
        return row_key

    def render_lines(self, crop: Region) -> list[Strip]:
        # the caches are keyed by the look (lit or not), not by the focus itself
        state = self.get_pseudo_class_state()
        self._pseudo_class_state = state._replace(focus=self.has_class(LIT))
        return super(DataTable, self).render_lines(crop)
