"""F2: log a call, with the caller looked up as the phone or unit is typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from deskclerk.errors import NotFound
from deskclerk.tui.keys import CALL_FORM_BINDINGS, FORM_BINDINGS
from deskclerk.tui.modals.form import AskFirst, Field, RecordForm
from deskclerk.tui.modals.forms import category, parse_due
from deskclerk.tui.quickline import CATEGORIES

if TYPE_CHECKING:
    from deskclerk.services.context import Context

LOOKUP_DELAY = 0.15  # seconds of quiet typing before the directory is asked
PARTIAL_DIGITS = 7  # fewer digits typed than this: a lookup, not a phone number


class CallerFound(Message):
    def __init__(self, found: Any) -> None:
        super().__init__()
        self.found = found


def describe_caller(ctx: Context, found: Any, unit: str = "") -> Text:
    """The lookup panel: unit, residents, recent calls, open orders (all as typed data);
    `unit` is the unit typed, named when the directory does not know it."""
    from deskclerk.tui.panes.base import short_time

    text = Text(no_wrap=True, overflow="ellipsis")  # one line per entry, however narrow
    if unit and found.unit is None:
        text.append(f"Unit {unit}: not listed.\n", style="italic")  # short: no wrap at 80
        text.append("F12 adds it.\n", style="italic")
    elif found.unit is None and not found.residents:
        text.append("No match in the directory.", style="italic")
        return text
    if found.unit is not None:
        text.append(f"Unit {found.unit.code}", style="bold")
        if found.unit.building:
            text.append(f"  {found.unit.building}")
        text.append("\n")
    for r in found.residents[:4]:
        text.append(f" {r.name}", style="bold")
        text.append(f"  {r.phone}{'  owner' if r.is_owner else ''}  {r.unit_code}\n")
    if found.recent_calls:
        text.append("Recent calls\n", style="underline")
        for c in found.recent_calls[:4]:
            text.append(f" {short_time(ctx, c.received_at)} {c.category} ")
            text.append(f"{c.matter}\n")
    if found.open_orders:
        text.append("Open work orders\n", style="underline")
        for o in found.open_orders[:4]:
            text.append(f" {o.number} {o.state} ")
            text.append(f"{o.description}\n")
    elif found.unit is not None:
        text.append("No open work orders.\n", style="italic")
    return text


class CallForm(RecordForm):
    """Phone and unit first, so the lookup can answer before the clerk asks."""

    TITLE = "Log a call"
    KIND = "call"
    BINDINGS: ClassVar[list[BindingType]] = [*FORM_BINDINGS, *CALL_FORM_BINDINGS]

    def __init__(self, phone: str = "", unit: str = "") -> None:
        super().__init__()
        self.prefill = {"phone": phone, "unit": unit}
        self._timer: Timer | None = None
        self.found: Any = None
        self.missing = ""  # the service's words about a unit not in the directory
        self.resume = False  # save the call once the unit is added

    def fields(self) -> list[Field]:
        return [
            Field(
                "phone",
                "Phone",
                "caller's number or its last 4 digits",
                value=self.prefill["phone"],
            ),
            Field("unit", "Unit", "e.g. 3-1203", value=self.prefill["unit"]),
            Field("caller", "Caller's name"),
            Field("category", "Type", " / ".join(CATEGORIES), suggestions=CATEGORIES),
            Field("matter", "What it is about"),
            Field("passed_to", "Passed to (whom it must go to)"),
            Field("callback_due", "Call back by", "16:00, +2h, 2026-11-25 10:00"),
        ]

    def side(self) -> Iterable[Any]:
        yield Static(
            "Type a phone or a unit: who it is shows here.\nF12: add to the directory.",
            id="lookup",
        )

    def on_mount(self) -> None:
        super().on_mount()
        if any(self.prefill.values()):
            self._ask()

    @on(Input.Changed, "#f-phone, #f-unit")
    def _typed_caller(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(LOOKUP_DELAY, self._ask)

    def _ask(self) -> None:
        ctx = getattr(self.app, "ctx", None)
        phone, unit = self.field("phone").value.strip(), self.field("unit").value.strip()
        if ctx is None or not (len(phone) >= 4 or unit):
            return
        self._lookup(ctx, phone, unit)

    @work(thread=True, exit_on_error=False, exclusive=True, group="lookup")
    def _lookup(self, ctx: Context, phone: str, unit: str) -> None:
        from deskclerk.errors import DeskError
        from deskclerk.services.directory import caller_context

        try:
            found = caller_context(ctx, phone=phone or None, unit=unit or None)
        except DeskError:
            return  # half-typed unit: nothing to show yet
        if not get_current_worker().is_cancelled:
            self.post_message(CallerFound(found))

    def on_caller_found(self, message: CallerFound) -> None:
        ctx = getattr(self.app, "ctx", None)
        if ctx is None:
            return
        found = self.found = message.found
        typed = self.field("unit").value.strip().upper()
        self.query_one("#lookup", Static).update(describe_caller(ctx, found, typed))
        # Fill what the directory knows for sure, visibly, where nothing was typed.
        if found.unit is not None and not self.field("unit").value.strip():
            self.field("unit").value = found.unit.code
        digits = "".join(ch for ch in self.field("phone").value if ch.isdigit())
        people = found.residents
        if len(digits) >= 4:
            people = [r for r in people if "".join(filter(str.isdigit, r.phone)).endswith(digits)]
        if len(people) == 1:
            if not self.field("caller").value.strip():
                self.field("caller").value = people[0].name
            full = "".join(filter(str.isdigit, people[0].phone))
            if 4 <= len(digits) < PARTIAL_DIGITS and len(full) > len(digits):
                # The clerk typed the last digits: the call carries the whole number, shown.
                self.field("phone").value = people[0].phone

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services.calls import log_call

        try:
            return log_call(
                ctx,
                caller=values["caller"],
                matter=values["matter"],
                clerk=clerk,
                phone=values["phone"],
                unit=values["unit"] or None,
                category=category(values["category"]),
                passed_to=values["passed_to"],
                callback_due=parse_due(ctx, values["callback_due"], "callback time"),
            )
        except NotFound as exc:
            code = unit_not_listed(ctx, values["unit"])
            if not code:
                raise
            self.missing = exc.message
            raise AskFirst(
                exc.message,
                [
                    ("a", f"Add unit {code} to the directory now", "add"),
                    ("n", "Pick another unit", "pick"),
                ],
            ) from exc

    def chosen(self, value: str | None) -> None:
        if value == "add":
            self.resume = True
            self.action_add_to_directory()
        else:
            self.show_error(self.missing)
            self.field("unit").focus()

    def action_add_to_directory(self) -> None:
        """F12: add the unit typed (and the caller as its resident) to the directory."""
        from deskclerk.tui.modals.directory_form import DirectoryForm

        v = self.values()
        form = DirectoryForm(
            unit=v["unit"].strip(),
            name=v["caller"].strip(),
            phone=v["phone"],
            then="then the call is saved" if self.resume else "",
        )
        self.app.push_screen(form, self._directory_done)

    def _directory_done(self, added: Any) -> None:
        if added is None:  # cancelled: the call stays as typed
            if self.resume:
                self.show_error(self.missing)
            self.resume = False
            return
        self.show_error("")
        self._ask()  # the lookup now knows the unit
        if self.resume:
            self.resume = False
            self.action_save()  # carry on with the call the clerk was saving

    def saved_text(self, result: Any) -> str:
        return f"Call {result.id} logged."


def unit_not_listed(ctx: Context, typed: str) -> str:
    """The code of the unit typed if the directory does not list it, else ""."""
    from deskclerk import cleaning
    from deskclerk.errors import DeskError
    from deskclerk.services.directory import find_units

    try:
        code = cleaning.clean_unit_code(typed, required=False)
    except DeskError:
        return ""
    if not code or any(u.code == code for u in find_units(ctx, code, limit=1)):
        return ""
    return code
