"""The base of every form: fields, Enter/Tab/Ctrl+S/Esc, saving in a worker, errors on the form.

A save the services refuse (DeskError, StorageError) leaves the form open with
everything typed and the message shown on the form: nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from deskclerk.errors import DeskError
from deskclerk.tui.keys import FORM_BINDINGS
from deskclerk.tui.messages import RecordSaved

if TYPE_CHECKING:
    from deskclerk.services.context import Context

HELP = "Tab: next field · Enter on the last field or Ctrl+S: save · Esc: cancel"


@dataclass(frozen=True)
class Field:
    """One line of a form."""

    name: str
    label: str
    placeholder: str = ""
    value: str = ""
    disabled: bool = False
    suggestions: tuple[str, ...] = ()
    secret: bool = False  # shown masked unless the clerk is in the field (ID numbers)


class FormInput(Input):
    """A form's input line.

    A paste keeps every line (joined by spaces: a line is all a field holds) and
    loses control characters and escape sequences, so what shows is what is
    saved.  A `secret` field is masked whenever the cursor is elsewhere.
    """

    def __init__(self, value: str = "", *, secret: bool = False, **kwargs: Any) -> None:
        super().__init__(value, password=secret, **kwargs)
        self.secret = secret

    def _on_paste(self, event: events.Paste) -> None:
        from deskclerk.cleaning import strip_controls

        text = event.text
        for separator in ("\u2028", "\u2029", "\x85", "\x0b", "\x0c"):  # other line ends
            text = text.replace(separator, "\n")
        lines = strip_controls(text, multiline=True).split("\n")
        text = " ".join(part for line in lines if (part := " ".join(line.split())))
        if text:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)
        event.prevent_default()  # Input's own handler would paste the first line again
        event.stop()

    def on_focus(self) -> None:
        if self.secret:
            self.password = False

    def on_blur(self) -> None:
        if self.secret:
            self.password = True


class FormSaved(Message):
    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result


class AskFirst(Exception):
    """Raised by `save` when the clerk must choose before anything is written."""

    def __init__(self, question: str, choices: list[tuple[str, str, str]]) -> None:
        super().__init__(question)
        self.question = question
        self.choices = choices  # (key, label, value); the last is the safe (Esc) one


class FormAsks(Message):
    def __init__(self, ask: AskFirst) -> None:
        super().__init__()
        self.ask = ask


class FormRefused(Message):
    def __init__(self, message: str, field: str | None) -> None:
        super().__init__()
        self.message = message
        self.field = field


class RecordForm(ModalScreen[Any]):
    """A modal form whose `save` runs a service call in a worker thread."""

    TITLE: ClassVar[str] = ""
    KIND: ClassVar[str] = ""  # the register a save lands in ("" for none)
    BINDINGS: ClassVar[list[BindingType]] = list(FORM_BINDINGS)

    def __init__(self) -> None:
        super().__init__(classes="form-screen")
        self.saving = False
        self._spec_cache: list[Field] | None = None

    @property
    def _specs(self) -> list[Field]:
        if self._spec_cache is None:
            self._spec_cache = self.fields()
        return self._spec_cache

    # --- to be written by each form ------------------------------------------------

    def fields(self) -> list[Field]:
        raise NotImplementedError

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        """Run the service call (in a worker thread); raise DeskError to refuse."""
        raise NotImplementedError

    def saved_text(self, result: Any) -> str:
        return "Saved."

    def side(self) -> Iterable[Any]:
        return ()

    # --- layout and keys -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-box"):
            yield Static(self.TITLE, classes="form-title")
            with Horizontal(classes="form-body"):
                # the scroll box takes no Tab stop of its own: Tab goes field to field
                with VerticalScroll(classes="form-fields", can_focus=False):
                    for spec in self._specs:
                        yield Label(spec.label, classes="form-label")
                        suggester = (
                            SuggestFromList(spec.suggestions, case_sensitive=False)
                            if spec.suggestions
                            else None
                        )
                        yield FormInput(
                            spec.value,
                            placeholder=spec.placeholder,
                            id=f"f-{spec.name}",
                            disabled=spec.disabled,
                            suggester=suggester,
                            secret=spec.secret,
                        )
                yield from self.side()
            yield Static("", id="form-error")
            yield Static(HELP, classes="form-help")

    def on_mount(self) -> None:
        enabled = [s for s in self._specs if not s.disabled]
        if enabled:
            self.field(enabled[0].name).focus()

    def field(self, name: str) -> Input:
        return self.query_one(f"#f-{name}", Input)

    def values(self) -> dict[str, str]:
        """What is in every field now."""
        return {spec.name: self.field(spec.name).value for spec in self._specs}

    def typed(self) -> bool:
        """True if the clerk typed anything (a cancel then asks first)."""
        return any(
            self.field(s.name).value.strip() != s.value.strip()
            for s in self._specs
            if not s.disabled
        )

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        enabled = [s for s in self._specs if not s.disabled]
        if enabled and event.input.id == f"f-{enabled[-1].name}":
            self.action_save()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        """Close the form; ask first if something was typed."""
        if self.saving:
            return
        if not self.typed():
            self.dismiss(None)
            return
        from deskclerk.tui.modals.simple import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Discard what you typed?", yes="Discard", no="Keep editing"), answer
        )

    def action_save(self) -> None:
        """Save in a worker; the form stays open until the service has committed."""
        ctx = getattr(self.app, "ctx", None)
        if self.saving:
            return
        if ctx is None:
            self.show_error("The database is still opening; try again in a moment.")
            return
        self.saving = True
        self.show_error("")
        self.query_one("#form-error", Static).update(Text("saving…"))
        self._save(ctx, getattr(self.app, "clerk", ""), self.values())

    @work(thread=True, exit_on_error=False, group="form-save")
    def _save(self, ctx: Context, clerk: str, values: dict[str, str]) -> None:
        try:
            result = self.save(ctx, clerk, values)
        except AskFirst as ask:
            self.post_message(FormAsks(ask))
        except DeskError as exc:
            self.post_message(FormRefused(exc.message, getattr(exc, "field", None)))
        except Exception as exc:  # the desk keeps running whatever the database says
            self.post_message(FormRefused(f"NOT saved: {exc}", None))
        else:
            self.post_message(FormSaved(result))

    def on_form_saved(self, message: FormSaved) -> None:
        self.saving = False
        if self.KIND:
            rid = getattr(message.result, "id", None)
            self.app.post_message(RecordSaved(self.KIND, rid, self.saved_text(message.result)))
        self.dismiss(message.result)

    def on_form_asks(self, message: FormAsks) -> None:
        from deskclerk.tui.modals.simple import ChoiceScreen

        self.saving = False
        self.show_error("")
        self.app.push_screen(ChoiceScreen(message.ask.question, message.ask.choices), self.chosen)

    def chosen(self, value: str | None) -> None:
        """The clerk's answer to an `AskFirst` raised by `save` (forms that ask override it)."""

    def on_form_refused(self, message: FormRefused) -> None:
        self.saving = False
        self.show_error(message.message)
        if message.field:
            spec = next((s for s in self._specs if _names(message.field, s)), None)
            if spec is not None and not spec.disabled:
                self.field(spec.name).focus()

    def show_error(self, message: str) -> None:
        """Show a message on the form (empty: clear it); marked ✗, not by colour alone."""
        error = self.query_one("#form-error", Static)
        error.update(Text(f"✗ {message}" if message else ""))
        error.set_class(bool(message), "-shown")


def _names(field: str, spec: Field) -> bool:
    """Whether a service's name for a field ("phone number", "callback time",
    "caller's name") names this form field ("phone", "callback_due", "Caller's name")."""
    said = field.casefold().strip()
    words = said.split()
    return said in (spec.name, spec.name.replace("_", " "), spec.label.casefold()) or (
        bool(words) and words[0] == spec.name.split("_")[0]
    )
