"""The Dispatch pane's order forms: dispatch, done, callback, pause, cancel, close, reopen; the slip.

Each form saves through the work order service in a worker (RecordForm); a
refusal stays on the form with everything typed.  The slip is written as text
and PDF into the clerk's print folder (0600) and the path is told.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.suggester import SuggestFromList
from textual.widgets import Static

from deskclerk.errors import DeskError, InvalidInput
from deskclerk.tui.modals.form import Field, RecordForm

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import ComposeResult
    from textual.dom import DOMNode

    from deskclerk.services.context import Context

YES = frozenset({"y", "yes", "是", "1", "true", "reached", "satisfied"})
NO = frozenset({"n", "no", "否", "0", "false", "not"})


def yes_no(value: str, label: str, *, required: bool) -> bool | None:
    """`y`/`n` (also yes/no, 是/否) as typed; blank is None unless required."""
    word = value.strip().casefold()
    if not word and not required:
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    raise InvalidInput(f"{label}: type y or n.", field=label.casefold())


def parse_charge(value: str) -> float | None:
    """A charge as typed (`80`, `¥80.50`); blank: the site's price list."""
    text = value.strip().lstrip("¥$").replace(",", "")
    if not text:
        return None
    try:
        amount = float(text)
    except ValueError:
        raise InvalidInput(f"Charge: {value.strip()!r} is not an amount.", field="charge") from None
    if amount < 0:
        raise InvalidInput("Charge: an amount cannot be negative.", field="charge")
    return amount


class OrderForm(RecordForm):
    """A form about one selected order; saves land in the Dispatch pane."""

    KIND = "order"
    VERB: ClassVar[str] = "saved"

    def __init__(self, order: Any) -> None:
        super().__init__()
        self.order = order

    def head(self) -> Field:
        o = self.order
        return Field("number", "Order", value=f"{o.number}  {o.unit_code}", disabled=True)

    def saved_text(self, result: Any) -> str:
        return f"{result.number} {self.VERB}."


class DispatchOrderForm(OrderForm):
    """d: assign a team (the suggested one is filled in) and a technician; a reason to move it."""

    TITLE = "Dispatch"

    def fields(self) -> list[Field]:
        o = self.order
        return [
            self.head(),
            Field("team", "Team", "looking up the suggested team…", value=o.team_name or ""),
            Field("technician", "Technician", "optional", value=o.technician or ""),
            Field("reason", "Reason (only to move it to another team)"),
        ]

    def side(self) -> ComposeResult:
        yield Static("", id="suggested")

    def on_mount(self) -> None:
        super().on_mount()
        ctx = getattr(self.app, "ctx", None)
        if ctx is not None:
            self._suggest(ctx)

    @work(thread=True, exit_on_error=False, group="suggest")
    def _suggest(self, ctx: Context) -> None:
        from deskclerk.services.orders import suggest_team

        team = suggest_team(ctx, self.order.unit_code, self.order.category)
        self.app.call_from_thread(self._suggested, team.name if team else "")

    def _suggested(self, name: str) -> None:
        if not self.is_attached:  # closed before the suggestion came
            return
        field = self.field("team")
        note = self.query_one("#suggested", Static)
        if not name:
            field.placeholder = "no team covers this; type one"
            note.update(Text("No team is set up for this kind of work here."))
            return
        field.placeholder = f"suggested: {name}"
        if not field.value:
            field.value = name
        note.update(Text(f"Suggested for {self.order.category}: {name}"))

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services.orders import dispatch

        return dispatch(
            ctx,
            self.order.id,
            clerk=clerk,
            team=values["team"].strip() or None,
            technician=values["technician"],
            reason=values["reason"],
        )

    def saved_text(self, result: Any) -> str:
        return f"{result.number} dispatched to {result.team_name or 'the team'}."


class FinishForm(OrderForm):
    """f: the job is done; a paid job records its charge (blank: the price list)."""

    TITLE = "Done"
    VERB = "done; it waits for its callback"

    def fields(self) -> list[Field]:
        return [self.head(), Field("charge", "Charge (paid jobs)", "blank: the site's price list")]

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services.orders import finish

        return finish(ctx, self.order.id, clerk=clerk, charge=parse_charge(values["charge"]))


class CallbackForm(OrderForm):
    """c: the call-back (回访): reached or not, satisfied or not, and a comment."""

    TITLE = "Callback (回访)"

    def fields(self) -> list[Field]:
        return [
            self.head(),
            Field("reached", "Reached the resident? (y/n)", "y or n", suggestions=("y", "n")),
            Field("satisfied", "Satisfied? (y/n; blank if not reached)", suggestions=("y", "n")),
            Field("comment", "Comment"),
        ]

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services.orders import record_callback

        reached = yes_no(values["reached"], "Reached", required=True)
        satisfied = yes_no(values["satisfied"], "Satisfied", required=bool(reached))
        return record_callback(
            ctx,
            self.order.id,
            clerk=clerk,
            reached=bool(reached),
            satisfied=satisfied if reached else None,
            comment=values["comment"],
        )

    def saved_text(self, result: Any) -> str:
        if result.state == "closed":
            return f"{result.number}: callback recorded, order closed."
        if result.state == "done":
            return f"{result.number}: not reached (attempt {result.callback_attempts}); it stays in the list."
        return f"{result.number}: not satisfied, sent back to {result.team_name or 'the team'}."


class ReasonForm(OrderForm):
    """A step of the order service that takes a reason (`SERVICE` in services.orders)."""

    SERVICE: ClassVar[str] = ""
    LABEL: ClassVar[str] = "Reason"

    def fields(self) -> list[Field]:
        return [self.head(), Field("reason", self.LABEL)]

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services import orders

        run = getattr(orders, self.SERVICE)
        return run(ctx, self.order.id, clerk=clerk, reason=values["reason"])


class PauseForm(ReasonForm):
    """p on a running order: stop its clocks, with the reason shown in the record."""

    TITLE = "Pause the clocks"
    SERVICE = "pause"
    LABEL = "Reason (waiting for the resident, for parts…)"
    VERB = "paused"


class CancelForm(ReasonForm):
    """x: cancel the order, with a reason."""

    TITLE = "Cancel the order"
    SERVICE = "cancel"
    LABEL = "Reason for cancelling"
    VERB = "cancelled"


class SupervisorForm(ReasonForm):
    """A supervisor's step: their name (the clerk on duty to start with) and a reason.

    The reason comes last and has the focus, so Enter saves; Shift+Tab reaches
    the name.  A refusal (not a supervisor, wrong state) stays on the form.
    """

    def fields(self) -> list[Field]:
        clerk = getattr(self.app, "clerk", "")
        return [
            self.head(),
            Field("supervisor", "Supervisor", "the supervisor's name", value=clerk),
            Field("reason", self.LABEL),
        ]

    def side(self) -> ComposeResult:
        yield Static("", id="supervisors", classes="form-note")

    def on_mount(self) -> None:
        # after the base's on_mount (Textual runs it too), which focuses the first field
        self.call_after_refresh(self.field("reason").focus)
        ctx = getattr(self.app, "ctx", None)
        if ctx is not None:
            self._supervisors(ctx)

    @work(thread=True, exit_on_error=False, group="supervisors")
    def _supervisors(self, ctx: Context) -> None:
        from deskclerk.services.directory import list_staff

        names = [s.name for s in list_staff(ctx, role="supervisor")]
        self.app.call_from_thread(self._show_supervisors, names)

    def _show_supervisors(self, names: list[str]) -> None:
        if not self.is_attached or not names:
            return
        self.field("supervisor").suggester = SuggestFromList(names, case_sensitive=False)
        self.query_one("#supervisors", Static).update(Text("Supervisors: " + ", ".join(names)))

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        supervisor = values["supervisor"].strip()
        if not supervisor:
            raise InvalidInput("Type the supervisor's name.", field="supervisor")
        return super().save(ctx, supervisor, values)  # the supervisor, not the clerk on duty


class CloseForm(SupervisorForm):
    """k: the supervisor closes a done order without a callback, with a reason."""

    TITLE = "Supervisor's close"
    SERVICE = "close"
    LABEL = "Reason for closing without a callback"
    VERB = "closed"


class ReopenForm(SupervisorForm):
    """r: the supervisor sends a done or closed order back to its team, with a reason."""

    TITLE = "Supervisor's reopen"
    SERVICE = "reopen"
    LABEL = "Reason for reopening"

    def saved_text(self, result: Any) -> str:
        return f"{result.number} reopened, back to {result.team_name or 'the team'}."


# --- the slip ----------------------------------------------------------------------------


def print_dir() -> Path:
    """Where printouts go: $DESKCLERK_PRINT_DIR, else ~/Documents/deskclerk, else the data dir."""
    given = os.environ.get("DESKCLERK_PRINT_DIR")
    if given:
        return Path(given).expanduser()
    from platformdirs import user_data_path, user_documents_path

    documents = user_documents_path()
    if documents.is_dir():
        return documents / "deskclerk"
    return user_data_path("deskclerk") / "printouts"


def write_slip(ctx: Context, order_id: int, site: str) -> list[Path]:
    """Write the order's slip as text (receipt printer) and PDF; returns both paths."""
    from deskclerk.reports.files import atomic_write_bytes, atomic_write_text
    from deskclerk.reports.slip import slip_pdf, slip_text
    from deskclerk.services.orders import get_order

    order = get_order(ctx, order_id)
    folder = print_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    site = site or ctx.settings.site_name
    now = ctx.now()
    txt = atomic_write_text(
        folder / f"{order.number}.txt",
        slip_text(order, site_name=site, tz=ctx.tz, printed_at=now),
    )
    pdf = atomic_write_bytes(
        folder / f"{order.number}.pdf",
        slip_pdf(order, site_name=site, tz=ctx.tz, printed_at=now),
    )
    return [txt, pdf]


def start_printing(node: DOMNode, what: str, write: Callable[[], list[Path]]) -> None:
    """Run `write` in a worker; a notification says where the files are (or why not)."""

    def run() -> None:
        try:
            paths = write()
        except DeskError as exc:
            node.app.call_from_thread(
                node.app.notify, exc.message, title="Not printed", severity="error", timeout=10
            )
        else:
            where = "\n".join(str(p) for p in paths)
            node.app.call_from_thread(
                node.app.notify, f"{what} written to\n{where}", title="Printed", timeout=8
            )

    node.run_worker(run, thread=True, exit_on_error=False, group="print")
