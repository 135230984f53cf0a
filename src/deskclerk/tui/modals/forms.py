"""The record forms: visitor in, work order, dispatch, handover note, clerk on duty."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from textual.widgets import Static

from deskclerk.errors import InvalidInput
from deskclerk.tui.modals.form import AskFirst, Field, RecordForm
from deskclerk.tui.quickline import CATEGORIES, PRIORITIES, category_of

if TYPE_CHECKING:
    from deskclerk.services.context import Context

_AHEAD = re.compile(r"^\+?\s*(\d{1,9})\s*([mhd])$")


DUE_FORMS = "16:00, +2h, +3d or a date and time as YYYY-MM-DD HH:MM"


def parse_due(ctx: Context, text: str, label: str) -> datetime | None:
    """A deadline typed as `16:00`, `2026-11-25 10:00` or `+2h` / `4h` (from now)."""
    from deskclerk.errors import InvalidInput
    from deskclerk.timeparse import LAST_YEAR, parse_when

    text = text.strip()
    if not text:
        return None
    m = _AHEAD.match(text.lower())
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
        try:
            due = ctx.now() + timedelta(**{unit: min(int(m.group(1)), 10**7)})
        except OverflowError:
            due = None
        if due is None or due.year > LAST_YEAR:
            raise InvalidInput(f"The {label} {text!r} is too far ahead.", field=label)
        return due
    return parse_when(text, ctx.tz, ctx.now(), label, forms=DUE_FORMS)


def category(value: str) -> str:
    """A call category from what was typed (`rep`, `报修`); unknown words go to the service."""
    return category_of(value.strip()) or value.strip().lower() or "other"


class VisitorForm(RecordForm):
    """F3: sign a visitor in."""

    TITLE = "Visitor in"
    KIND = "visit"

    def fields(self) -> list[Field]:
        return [
            Field("visitor", "Visitor's name"),
            Field("unit", "Unit visited", "e.g. 3-1203"),
            Field("host", "Whom they visit"),
            Field("purpose", "Purpose"),
            Field("badge", "Badge / pass number"),
            Field("plate", "Vehicle plate"),
            Field("phone", "Phone"),
            Field("id_number", "ID number (masked except while typed; purged later)", secret=True),
        ]

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services.visits import sign_in

        return sign_in(
            ctx,
            clerk=clerk,
            **{k: v for k, v in values.items() if k != "unit"},
            unit=values["unit"] or None,
        )

    def saved_text(self, result: Any) -> str:
        return f"{result.visitor} signed in."


class NoteForm(RecordForm):
    """F5: a note for the next shift."""

    TITLE = "Handover note"
    KIND = "note"

    def fields(self) -> list[Field]:
        return [
            Field("text", "Note for the next shift"),
            Field("unit", "Unit (if about one)", "e.g. 3-1203"),
            Field("priority", "Priority", "normal", suggestions=PRIORITIES),
        ]

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services.notes import add_note

        return add_note(
            ctx,
            values["text"],
            clerk=clerk,
            priority=values["priority"].strip().lower() or "normal",
            unit=values["unit"] or None,
        )

    def saved_text(self, result: Any) -> str:
        return f"Note {result.id} added."


class OrderForm(RecordForm):
    """F4 (or w on a call): a new work order; from a call its details are filled in."""

    TITLE = "New work order"
    KIND = "order"

    def __init__(self, from_call: Any | None = None) -> None:
        super().__init__()
        self.from_call = from_call
        self.answer = ""  # the clerk's choice about an open order of the same kind
        self.same: Any = None
        self.kind_ok = ""  # a work kind no team takes, kept knowingly
        self.asked = ""  # what the last question was about: "kind" or "same"
        self.same_for: tuple[str, str] = ("", "")  # the (unit, kind) `answer` was given for

    def fields(self) -> list[Field]:
        call = self.from_call
        return [
            Field(
                "unit",
                "Unit",
                "e.g. 3-1203",
                value=call.unit_code if call else "",
                disabled=call is not None,
            ),
            Field(
                "description",
                "Problem",
                value=call.matter if call else "",
                disabled=call is not None,
            ),
            Field("category", "Work kind", "plumbing, electrical… (blank: general)"),
            Field("priority", "Priority", "normal", suggestions=PRIORITIES),
            Field("team", "Team", "blank: the team suggested for the unit and kind"),
            Field("technician", "Technician", "optional"),
        ]

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.services import orders

        priority = values["priority"].strip().lower() or "normal"
        kind = values["category"].strip() or None
        team = values["team"].strip() or None
        unit = self.from_call.unit_code if self.from_call is not None else values["unit"]
        if kind and not team:  # a team named takes what it is given
            self._check_kind(ctx, orders.parse_category(kind))  # as the service stores it
        about = (unit.strip().upper(), (kind or "general").strip().lower())
        if self.answer and about != self.same_for:  # unit or kind changed since: ask again
            self.answer = ""
        if self.answer == "attach" and self.same is not None and self.from_call is not None:
            return orders.attach_call(ctx, self.same.number, self.from_call.id, clerk=clerk)
        if self.answer != "create" and unit:
            same = orders.find_duplicate(ctx, unit, kind or "general")
            if same is not None:
                self.same, self.asked, self.same_for = same, "same", about
                raise AskFirst(*duplicate_question(same, with_call=self.from_call is not None))
        if self.from_call is not None:
            return orders.order_from_call(
                ctx,
                self.from_call.id,
                clerk=clerk,
                priority=priority,
                category=kind,
                team=team,
                technician=values["technician"],
            )
        return orders.create_order(
            ctx,
            unit=values["unit"],
            description=values["description"],
            clerk=clerk,
            category=kind or "general",
            priority=priority,
            team=team,
            technician=values["technician"],
        )

    def _check_kind(self, ctx: Context, kind: str) -> None:
        """Ask first about a work kind no team takes (unless kept knowingly already)."""
        from deskclerk.services.orders import kinds_taken_instead

        kinds = [] if kind == self.kind_ok else kinds_taken_instead(ctx, kind)
        if kinds:
            self.asked = "kind"
            raise AskFirst(
                f"No team takes {kind!r} work (teams take: {', '.join(kinds)}).",
                [("y", f"Save it as {kind}", "kind:" + kind), ("n", "Change the work kind", "")],
            )

    def chosen(self, value: str | None) -> None:
        if value and value.startswith("kind:"):
            self.kind_ok = value.removeprefix("kind:")
            self.action_save()
        elif value in ("attach", "create"):
            self.answer = value
            self.action_save()
        elif self.asked == "kind":  # the work kind was not kept
            self.show_error("Not saved: change the work kind.")
            self.field("category").focus()
        else:
            self.show_error("Not saved: an open order of this kind is already there.")

    def saved_text(self, result: Any) -> str:
        if self.answer == "attach" and self.from_call is not None:
            return f"Call {self.from_call.id} attached to {result.number}; no new order."
        return f"Work order {result.number} logged."


def duplicate_question(same: Any, *, with_call: bool) -> tuple[str, list[tuple[str, str, str]]]:
    """The question asked before a second open order of the same unit and kind."""
    question = (
        f"{same.number} is already open for unit {same.unit_code} ({same.category}, "
        f"{same.state}): {same.description[:60]}"
    )
    choices = [("a", f"Attach the call to {same.number}", "attach")] if with_call else []
    choices += [("c", "Create anyway", "create"), ("n", "Cancel", "cancel")]
    return question, choices


class FirstRunForm(RecordForm):
    """Asked once, on an empty database: the site's name and the first clerk."""

    TITLE = "Welcome: set up this desk"

    def fields(self) -> list[Field]:
        return [
            Field("site", "Site name (shown at the top)", "e.g. Lakeside Gardens"),
            Field("clerk", "Your name (every record is stamped with it)"),
        ]

    def typed(self) -> bool:
        return False

    def action_cancel(self) -> None:
        self.show_error("The desk needs a site name and your name to start.")

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.tui.data import first_run

        if not values["site"].strip():
            raise InvalidInput("Type the site's name.", field="site")
        return first_run(ctx, values["site"], values["clerk"])


class ClerkForm(RecordForm):
    """Ctrl+O: a clerk takes over the desk (the previous shift ends, in the history)."""

    TITLE = "Who is on duty?"

    def __init__(
        self,
        site: str,
        names: list[str],
        required: bool = False,
        incoming: bool = False,
        staff: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.site = site
        self.names = names  # suggested
        self.staff = names if staff is None else staff  # the whole list, to check a name by
        self.required = required
        self.incoming = incoming  # asked right after the handover was signed
        self.confirmed = ""  # a name not on the staff list that the clerk chose to go on as

    def on_mount(self) -> None:
        super().on_mount()
        if self.incoming:
            self.query_one(".form-title", Static).update(
                "Handover signed. Incoming clerk: type your name to take over the desk."
            )

    def fields(self) -> list[Field]:
        hint = ", ".join(self.names[:4]) if self.names else "your name"
        return [Field("clerk", "Clerk on duty", hint, suggestions=tuple(self.names))]

    def action_cancel(self) -> None:
        if self.required:
            self.show_error("Type your name to start the shift.")
        else:
            super().action_cancel()

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk.tui.data import change_clerk

        return change_clerk(ctx, self.staff_name(values["clerk"]), self.site)

    def staff_name(self, typed: str) -> str:
        """The staff list's spelling of the name typed; a name not on it is asked about
        first (a shift and every record would be stamped with it)."""
        name = " ".join(typed.split())
        if not self.staff or not name or name in self.staff or name == self.confirmed:
            return name
        wanted = name.casefold()
        same = [n for n in self.staff if n.casefold() == wanted]
        if same:
            return same[0]
        like = [n for n in self.staff if n.casefold().startswith(wanted)][:3]
        choices = [(str(i), f"I am {n}", n) for i, n in enumerate(like, 1)]
        choices.append(("y", f"Go on as {name} (not on the staff list)", name))
        choices.append(("n", "Type the name again", ""))
        raise AskFirst(f"{name} is not on the staff list.", choices)

    def chosen(self, value: str | None) -> None:
        if not value:
            self.field("clerk").focus()
            return
        if value not in self.staff:
            self.confirmed = value
        self.field("clerk").value = value
        self.action_save()


__all__ = [
    "CATEGORIES",
    "ClerkForm",
    "FirstRunForm",
    "NoteForm",
    "OrderForm",
    "VisitorForm",
    "category",
    "parse_due",
]
