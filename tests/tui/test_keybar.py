"""The key bar fits the terminal: the keys that matter at 80 and 100 columns, the rest in F1."""

from __future__ import annotations

from typing import Any

import pytest

from deskclerk.tui.app import DeskApp
from deskclerk.tui.keybar import Entry, KeyBar, fit, group_label

from .conftest import settle


def bar(app: DeskApp) -> str:
    return str(app.query_one(KeyBar).render())


async def show(pilot: Any, key: str) -> str:
    await pilot.press(key)
    await settle(pilot)
    return bar(pilot.app)


@pytest.mark.parametrize("width", [80, 100])
async def test_every_pane_fits_with_the_keys_that_matter(desk_ctx: Any, width: int) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        must = ["F1 Help", "F2 Call", "F4 Order", "F7–F10 Panes"]  # F3 left out on Dispatch
        panes = {
            "f7": ["w → Order", "F3 Visitor"],
            "f8": ["o Sign out", "F3 Visitor"],
            "f9": ["d Dispatch", "a On site", "f Done", "c Callback"],
            "f10": ["e End shift", "k Take over", "F3 Visitor"],
        }
        for key, own in panes.items():
            text = await show(pilot, key)
            assert len(text) <= width and "…" not in text, text
            for label in must + own:
                assert label in text, (key, text)
        text = await show(pilot, "f9")
        if width >= 100:  # room for the rest of the desk's keys
            assert "F3 Visitor" in text and "F6 Search" in text, text


async def test_a_narrower_terminal_leaves_out_the_least_needed(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        wide = await show(pilot, "f9")
        assert "s Slip" in wide and "r Reopen" in wide and "F5 Note" in wide, wide
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        narrow = bar(app)
        assert "s Slip" not in narrow and "d Dispatch" in narrow
        # what the bar leaves out is still in F1 help and the palette
        await pilot.press("f1")
        await settle(pilot)
        from textual.widgets import DataTable

        help_rows = app.screen.query_one(DataTable)
        rows = [[str(c) for c in help_rows.get_row_at(i)] for i in range(help_rows.row_count)]
        does = {row[1] for row in rows}
        assert ["R", "Reopen order", "Dispatch"] in rows
        assert ["F12", "Add a unit or resident to the directory", "call form"] in rows
        assert {"Print slip", "Reopen order", "Note", "Stats"} <= does
        await pilot.press("escape")
        assert {"Print slip", "Reopen order"} <= {b.description for b, _ in app.command_bindings()}


def test_fit_keeps_the_usual_order_and_ranks_decide_what_goes() -> None:
    entries = [Entry(["d"], "Dispatch", 1), Entry(["s"], "Slip", 5), Entry(["F1"], "Help", 0)]
    assert [e.label for e in fit(entries, 200)] == ["Dispatch", "Slip", "Help"]
    assert [e.label for e in fit(entries, 20)] == ["Dispatch", "Help"]
    assert [e.label for e in fit(entries, 8)] == ["Help"]  # not Slip, though it would fit


def test_group_label() -> None:
    assert group_label(["F7", "F8", "F9", "F10"]) == "F7–F10"
    assert group_label(["F7", "Alt+2"]) == "F7/Alt+2"
