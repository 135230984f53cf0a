"""Small screens: confirm a discard, read a record, the F1 help."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskclerk.tui.keys import described, effective_key, key_label


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; y or Enter says yes, n or Esc says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="confirm-screen")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="confirm-box"):
            yield Static(Text(self.question), classes="confirm-question")
            yield Static("y / Enter: yes    n / Esc: no", classes="form-help")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class RecordScreen(ModalScreen[None]):
    """One record, every field, read-only."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close", id="record.close"),
    ]

    def __init__(self, title: str, lines: Sequence[tuple[str, str]]) -> None:
        super().__init__(classes="record-screen")
        self.record_title = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="record-box"):
            yield Static(Text(self.record_title), classes="form-title")
            with VerticalScroll():
                width = max((len(label) for label, _ in self.lines), default=0) + 2
                for label, value in self.lines:
                    line = Text(label.ljust(width), style="bold")
                    line.append(value)  # the clerk's text, never markup
                    yield Static(line)
            yield Static("Esc: close", classes="form-help")

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """F1: every key, from the same bindings the footer and the palette use."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, groups: Iterable[tuple[str, Iterable[Binding]]], keymap: Mapping[str, str]):
        super().__init__(classes="help-screen")
        self.groups = [(where, described(bs)) for where, bs in groups]
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical(classes="help-box"):
            yield Static("Keys", classes="form-title")
            table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Does", "Where")
            for where, bindings in self.groups:
                for b in bindings:
                    table.add_row(key_label(effective_key(b, self.keymap)), b.description, where)
            yield table
            yield Static(
                "Enter on a row: open it · Ctrl+P: palette · remap: [keymap] id = key · Esc: close",
                classes="form-help",
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss(None)
