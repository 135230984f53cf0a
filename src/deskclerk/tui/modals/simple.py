"""Small screens: confirm a discard, read a record, the F1 help."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from deskclerk.tui.keys import described, effective_key, key_label


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question whose safe answer is the default.

    Enter or Esc (or n) gives the safe answer `False`; only `y` or the yes
    button gives `True`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="confirm-screen")
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="confirm-box"):
            yield Static(Text(self.question), classes="confirm-question")
            with Horizontal(classes="confirm-buttons"):
                yield Button(f"{self.no_label} (Enter/Esc)", id="confirm-no", variant="primary")
                yield Button(f"{self.yes_label} (y)", id="confirm-yes", variant="warning")
            yield Static(
                f"Enter / Esc / n: {self.no_label.lower()}    y: {self.yes_label.lower()}",
                classes="form-help",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceScreen(ModalScreen[str]):
    """A question with a few answers, each with its own key; Esc gives the last (safe) one."""

    def __init__(self, question: str, choices: Sequence[tuple[str, str, str]]) -> None:
        """`choices`: (key, label, value); the last one is the Esc answer."""
        super().__init__(classes="confirm-screen")
        self.question = question
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="confirm-box"):
            yield Static(Text(self.question), classes="confirm-question")
            with Vertical(classes="choice-buttons"):
                for i, (key, label, _value) in enumerate(self.choices):
                    # Text, not str: a label may hold a name like "[/]" (read as markup)
                    yield Button(Text(f"{key}  {label}"), id=f"choice-{i}", compact=True)
            yield Static(
                f"Press the letter, or Tab and Enter · Esc: {self.choices[-1][1]}",
                classes="form-help",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(f"#choice-{len(self.choices) - 1}", Button).focus()

    def on_key(self, event: events.Key) -> None:
        for key, _label, value in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(value)
                return
        if event.key == "escape":
            event.stop()
            self.dismiss(self.choices[-1][2])

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "choice-0").removeprefix("choice-"))
        self.dismiss(self.choices[index][2])


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
