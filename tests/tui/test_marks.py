"""Attention marks read without colour: a symbol always, colour only where allowed."""

from __future__ import annotations

import pytest

from deskclerk.tui.panes.base import mark, user_text


def test_marks_are_symbols_with_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    overdue = mark("overdue")
    assert overdue.plain == "⚠" and "red" in str(overdue.style)
    assert mark("callback due").plain == "☎"
    assert mark("").plain == ""


def test_no_color_keeps_the_symbol_and_drops_the_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    overdue = mark("overdue")
    assert overdue.plain == "⚠" and str(overdue.style) == "bold"


def test_user_text_is_never_markup() -> None:
    for name in ("[bold red]x", "[/]", "[link=http://x]y[/link]"):
        assert user_text(name).plain == name
