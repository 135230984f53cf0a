"""Defects an acceptance tester found in the desk, each checked the way the clerk met it."""

from __future__ import annotations

from typing import Any

from deskclerk.tui.app import DeskApp

from .conftest import settle


async def test_discard_confirm_is_readable_and_enter_keeps_editing(desk_ctx: Any) -> None:
    from textual.widgets import Button

    from deskclerk.tui.modals.simple import ConfirmScreen

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "1", "2")
        form: Any = app.screen
        await pilot.press("escape")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        box = confirm.query_one(".confirm-box")
        assert box.size.width >= 40 and box.size.height >= 5  # not a tiny empty box
        question = confirm.query_one(".confirm-question")
        assert "Discard what you typed?" in str(question.render())
        assert question.size.width >= len("Discard what you typed?")
        labels = [str(b.label) for b in confirm.query(Button)]
        assert any("Keep editing" in label for label in labels)
        assert any("Discard" in label for label in labels)
        assert all(b.size.width > 4 for b in confirm.query(Button))
        await pilot.press("enter")  # the safe answer
        assert app.screen is form and form.field("phone").value == "12"
        await pilot.press("escape", "escape")
        assert app.screen is form
        await pilot.press("escape", "y")
        assert not hasattr(app.screen, "field")

