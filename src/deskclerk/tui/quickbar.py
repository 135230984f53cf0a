"""The quick line at the foot of the desk: type a record in one line, see it, press Enter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from deskclerk.tui.modals.form import FormInput
from deskclerk.tui.panes.base import colour
from deskclerk.tui.quickline import QuickEntry, describe_due, parse

if TYPE_CHECKING:
    from deskclerk.services.call_public import CallPublic
    from deskclerk.services.context import Context

HINT = ": quick line — 3-1203 repair kitchen tap leaking @plumbing !4h · Enter saves · Esc leaves"


NO_CALLER = "no resident on file for this unit: use F2 to give the caller's name"


@dataclass(frozen=True)
class Resolved:
    """What the directory says about a quick line's unit, caller and team."""

    line: str
    resident: str = ""  # the caller the line assumes (the phone's resident, else the first)
    unit_problem: str = ""
    team: str = ""
    team_problem: str = ""
    kind: str = ""  # the work kind the @word named (plumbing…), for the order
    suggested: bool = False  # the team is the one suggested for the unit, not typed
    duplicate: str = ""  # an open order of the same unit and kind (its number)
    duplicate_text: str = ""


class QuickResolved(Message):
    def __init__(self, resolved: Resolved) -> None:
        super().__init__()
        self.resolved = resolved


def resolve(ctx: Context, line: str, entry: QuickEntry) -> Resolved:
    """Look up the unit (→ caller), the @team (or the team suggested for a repair) and
    an open order the repair would duplicate."""
    from deskclerk.cleaning import phone_digits
    from deskclerk.errors import DeskError
    from deskclerk.services import orders
    from deskclerk.services.directory import get_unit, list_teams

    resident = unit_problem = team = team_problem = kind = ""
    unit_ok = False
    if entry.unit:
        try:
            unit = get_unit(ctx, entry.unit)
        except DeskError as exc:
            unit_problem = exc.message
        else:
            unit_ok = True
            digits = phone_digits(entry.phone)
            people = [r for r in unit.residents if digits and phone_digits(r.phone) == digits]
            people = people or list(unit.residents)
            resident = people[0].name if people else ""
    if entry.team:
        word = entry.team.casefold()
        teams = list_teams(ctx)
        named = [t.name for t in teams if t.name.casefold().startswith(word)]
        by_kind = [t.name for t in teams if any(c.casefold() == word for c in t.categories)]
        found = named or by_kind
        kind = word if by_kind else ""
        if len(found) > 1 and unit_ok:
            # several teams: the one that covers the unit's area for this kind of work
            best = orders.suggest_team(ctx, entry.unit, kind or "general")
            if best is not None and best.name in found:
                found = [best.name]
        if len(found) == 1:
            team = found[0]
        elif found:
            team_problem = f"@{entry.team}: which team? {', '.join(found)}"
        else:
            team_problem = f"@{entry.team}: no such team"
    suggested = False
    dup = dup_text = ""
    if entry.category == "repair" and unit_ok:
        if not entry.team:
            best = orders.suggest_team(ctx, entry.unit, "general")
            team, suggested = (best.name, True) if best is not None else ("", False)
        same = orders.find_duplicate(ctx, entry.unit, kind or "general")
        if same is not None:
            dup = same.number
            dup_text = (
                f"{same.number} is already open for {same.unit_code}: {same.description[:50]}"
            )
    return Resolved(
        line, resident, unit_problem, team, team_problem, kind, suggested, dup, dup_text
    )


def looked_up(entry: QuickEntry) -> tuple[str, str, str, str]:
    """The words of a line that `resolve` reads (unit, team, phone, category)."""
    return (entry.unit, entry.team, entry.phone, entry.category)


def preview(entry: QuickEntry, resolved: Resolved | None, ctx: Context | None) -> Text:
    """The record the line will create, and every word that does not fit."""
    text = Text("→ ")
    if not entry.category:
        text.append("call", style="bold")
    else:
        text.append(
            "repair call + work order" if entry.category == "repair" else f"{entry.category} call",
            style="bold",
        )
    # what stops or questions the save first: the preview has three lines at most
    problems = list(entry.problems)
    if resolved is not None:
        problems += [p for p in (resolved.unit_problem, resolved.team_problem) if p]
        if resolved.unit_problem == "" and not resolved.resident and entry.unit:
            problems.append(NO_CALLER)
    for problem in problems:
        text.append("  ✗ ", style=colour("bold red"))
        text.append(problem, style=colour("red"))
    if resolved is not None and resolved.duplicate:
        text.append("  ⚠ ", style=colour("bold yellow"))
        text.append(f"{resolved.duplicate} already open for this unit (Enter asks)")
    if entry.unit:
        text.append(" · unit ")
        text.append(entry.unit)
        if resolved is not None and resolved.line and resolved.resident:
            text.append(" · caller assumed ")
            text.append(resolved.resident, style="bold")
    if entry.phone:
        text.append(" · ☎ ")
        text.append(entry.phone)
    if entry.matter:
        text.append(" · “")
        text.append(entry.matter)
        text.append("”")
    if resolved is not None and resolved.team:
        text.append(" · suggested team " if resolved.suggested else " · team ")
        text.append(resolved.team)
    if entry.priority:
        text.append(f" · {entry.priority}")
    if entry.category == "repair" and ctx is not None:
        text.append(order_deadline(ctx, entry.priority or "normal"))
    if entry.due_in is not None:
        text.append(f" · call back in {describe_due(entry.due_in)}")
        if ctx is not None:
            at = ctx.local(ctx.now() + entry.due_in)
            text.append(at.strftime(" (%H:%M)"))
    return text


def order_deadline(ctx: Context, priority: str) -> str:
    """` · on site by 10:20, done by 14:00` for a repair logged now."""
    from deskclerk.services import deadlines

    now = ctx.now()
    parts = []
    for label, due in (
        ("on site by", deadlines.on_site_due(ctx.settings, priority, now)),
        ("done by", deadlines.done_due(ctx.settings, priority, now)),
    ):
        if due is not None:
            local = ctx.local(due)
            same_day = local.date() == ctx.local(now).date()
            parts.append(f"{label} {local.strftime('%H:%M' if same_day else '%m-%d %H:%M')}")
    return f" · {', '.join(parts)}" if parts else ""


class QuickBar(Vertical):
    """The one-line entry (focus with : or Ctrl+L) and its live preview."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entry = QuickEntry()
        self.resolved: Resolved | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="quick-preview")
        yield FormInput(placeholder=HINT, id="quick-input")

    @property
    def input(self) -> Input:
        return self.query_one("#quick-input", Input)

    def show_preview(self) -> None:
        ctx = getattr(self.app, "ctx", None)
        box = self.query_one("#quick-preview", Static)
        if self.input.value.strip():
            box.update(preview(self.entry, self.resolved, ctx))
            box.display = True
        else:
            box.display = False

    @on(Input.Changed, "#quick-input")
    def _typed(self, event: Input.Changed) -> None:
        if event.value.startswith(":"):
            # ':' is the key that opens the line; pressed again inside it, it is not text
            self.input.value = event.value.lstrip(":")
            return
        self.entry = parse(event.value)
        line = event.value
        if self.resolved is not None and self.resolved.line != line:
            # keep what the directory said while the unit/team words are unchanged
            old = parse(self.resolved.line)
            if (old.unit, old.team) != (self.entry.unit, self.entry.team):
                self.resolved = None
        self.show_preview()
        ctx = getattr(self.app, "ctx", None)
        if ctx is not None and (self.entry.unit or self.entry.team):
            self._resolve(ctx, line, self.entry)

    @work(thread=True, exit_on_error=False, exclusive=True, group="quick")
    def _resolve(self, ctx: Context, line: str, entry: QuickEntry) -> None:
        resolved = resolve(ctx, line, entry)
        if not get_current_worker().is_cancelled:
            self.post_message(QuickResolved(resolved))

    def context_ready(self) -> None:
        """The database is open: look up a line typed while it was still opening."""
        ctx = getattr(self.app, "ctx", None)
        if ctx is not None and self.resolved is None and (self.entry.unit or self.entry.team):
            self._resolve(ctx, self.input.value, self.entry)

    def on_quick_resolved(self, message: QuickResolved) -> None:
        self.resolved = message.resolved
        self.show_preview()

    @on(Input.Submitted, "#quick-input")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        entry, resolved = self.entry, self.resolved
        # the lookup stands while the words it used are unchanged (the matter may differ)
        waiting = bool(entry.unit or entry.team) and (
            resolved is None or looked_up(parse(resolved.line)) != looked_up(entry)
        )
        problems = entry.problems or (
            resolved is not None
            and (resolved.unit_problem or resolved.team_problem or not resolved.resident)
        )
        if not entry.ready or problems or waiting:
            self.app.bell()
            if waiting and not problems:
                self.app.notify("Still looking up the unit; press Enter again.")
            return
        line = self.input.value
        desk: Any = self.app

        def go(answer: str | None = "create") -> None:
            if answer not in ("attach", "create"):
                self.app.notify("Not saved: the line is still there to change.")
                return

            def run(ctx: Context, clerk: str) -> Any:
                return commit(ctx, clerk, entry, resolved, attach=answer == "attach")

            desk.perform(
                "call", run, lambda r: f"Saved from the quick line: {r.text}", self._committed(line)
            )

        if resolved is not None and resolved.duplicate:
            from deskclerk.tui.modals.simple import ChoiceScreen

            number = resolved.duplicate
            choices = [
                ("a", f"Attach the call to {number}", "attach"),
                ("c", "Create anyway", "create"),
                ("n", "Cancel", "cancel"),
            ]
            self.app.push_screen(ChoiceScreen(resolved.duplicate_text, choices), go)
        else:
            go()

    def _committed(self, line: str) -> Any:
        def clear() -> None:
            if self.input.value == line:
                self.input.value = ""

        return clear

    def key_escape(self) -> None:
        self.app.action_focus_pane()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class LineSaved:
    """What a quick line saved: words for the clerk and the call as it now stands."""

    text: str
    record: CallPublic

    @property
    def id(self) -> int:
        return self.record.id


def commit(
    ctx: Context, clerk: str, entry: QuickEntry, resolved: Resolved | None, attach: bool = False
) -> LineSaved:
    """Save the line: a call, and for a repair its work order (dispatched to the line's
    team or the suggested one) or, with `attach`, the open order it duplicates."""
    from deskclerk.services.calls import get_call, log_call

    due = ctx.now() + entry.due_in if entry.due_in is not None else None
    call = log_call(
        ctx,
        caller=resolved.resident if resolved else "",
        matter=entry.matter,
        clerk=clerk,
        phone=entry.phone,
        unit=entry.unit or None,
        category=entry.category,
        callback_due=due,
    )
    if entry.category != "repair":
        return LineSaved(f"call {call.id}", call)
    from deskclerk.services.orders import attach_call, order_from_call

    if attach and resolved is not None and resolved.duplicate:
        order = attach_call(ctx, resolved.duplicate, call.id, clerk=clerk)
        return LineSaved(f"call {call.id} attached to {order.number}", get_call(ctx, call.id))
    order = order_from_call(
        ctx,
        call.id,
        clerk=clerk,
        priority=entry.priority or "normal",
        category=(resolved.kind or None) if resolved else None,
        team=resolved.team if resolved and resolved.team else None,
    )
    return LineSaved(f"call {call.id} → {order.number}", get_call(ctx, call.id))
