"""Work order rows: the public shapes and reading them (one order or a page).

Shared by `orders` (creating, lists) and the steps; writing helpers (events,
audit, numbers, teams) are in `order_writing`.  The faces import from
`deskclerk.services.orders`.
"""

from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.errors import InvalidInput, NotFound
from deskclerk.models import (
    Call,
    OrderEvent,
    OrderState,
    Resident,
    Team,
    Unit,
    WorkOrder,
)
from deskclerk.services import deadlines
from deskclerk.services.context import Context
from deskclerk.services.tables import table_of

WO = table_of(WorkOrder)
E = table_of(OrderEvent)
U = table_of(Unit)
T = table_of(Team)
C = table_of(Call)
R = table_of(Resident)

OPEN_STATES = (
    OrderState.logged.value,
    OrderState.dispatched.value,
    OrderState.on_site.value,
    OrderState.done.value,  # done but not yet called back: still open
)
STATE_WORDS = {
    "logged": "logged",
    "dispatched": "dispatched",
    "on_site": "on site",
    "done": "done",
    "closed": "closed",
    "cancelled": "cancelled",
}
_NUMBER = re.compile(r"^WO-\d{8}-\d{3,}$")


@dataclass(frozen=True)
class OrderPublic:
    """A work order as the faces show it.

    The due instants are *effective*: moved on by the pauses, finished and
    running.  `alert` and `time_left` are of the clock running now (`clock`:
    "on site", "done", "callback" or "" when none runs); `time_left` is negative
    once overdue.  `resident_name`/`resident_phone` are the caller of the source
    call, else the unit's first resident (owner first).
    """

    id: int
    number: str
    call_id: int | None
    unit_code: str
    resident_name: str
    resident_phone: str
    category: str
    priority: str
    description: str
    team_name: str
    technician: str
    state: str
    logged_by: str
    logged_at: datetime
    dispatched_at: datetime | None
    on_site_at: datetime | None
    done_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    on_site_due: datetime | None
    done_due: datetime | None
    callback_due: datetime | None
    paused: bool
    pause_reason: str
    paused_seconds: int
    callback_attempts: int
    verdict: str
    callback_comment: str
    reopened_count: int
    charge: float
    alert: str
    time_left: timedelta | None
    clock: str = ""
    paused_since: datetime | None = None
    callback_at: datetime | None = None
    recorded_at: datetime | None = None
    voided: bool = False
    void_reason: str = ""

    @property
    def is_open(self) -> bool:
        """Not closed, not cancelled (a done order still waits for its callback)."""
        return self.state in OPEN_STATES


@dataclass(frozen=True)
class OrderEventPublic:
    """One step in a work order's life: what, when it happened, when written, by whom."""

    id: int
    order_id: int
    kind: str
    at: datetime
    recorded_at: datetime
    clerk: str
    detail: str


# --- reading -------------------------------------------------------------------------------


def ref_clause(ref: int | str) -> sa.ColumnElement[bool]:
    """The WHERE clause for an order named by id or by number (WO-20261124-007)."""
    if isinstance(ref, int):
        return WO.c.id == ref
    text = cleaning.clean_text(str(ref), "work order", max_length=30).upper()
    if text.isdigit():
        # an id too large for the database names no order (and must not reach the driver)
        return WO.c.id == int(text) if int(text) <= cleaning.RECORD_ID_MAX else sa.false()
    if _NUMBER.match(text):
        return WO.c.number == text
    raise InvalidInput(
        f"{ref!r} is not a work order: write its number, e.g. WO-20261124-007.", "work order"
    )


# --- rows to public shapes -------------------------------------------------------------


def select_orders() -> sa.Select[Any]:
    """Every column of work_order plus the unit code, team name and the source call's caller."""
    return _SELECT_ORDERS  # statements are generative: .where() makes a new one


def _select_orders() -> sa.Select[Any]:
    return (
        sa.select(
            WO,
            U.c.code.label("unit_code"),
            T.c.name.label("team_name"),
            C.c.caller.label("call_caller"),
            C.c.phone.label("call_phone"),
        )
        .select_from(WO)
        .outerjoin(U, U.c.id == WO.c.unit_id)
        .outerjoin(T, T.c.id == WO.c.team_id)
        .outerjoin(C, C.c.id == WO.c.call_id)
    )


_SELECT_ORDERS = _select_orders()


def reopen_times(s: Session, rows: list[Any]) -> dict[int, datetime]:
    """When each reopened order was last reopened: its done clock restarted then."""
    ids = [r.id for r in rows if r.reopened_count]
    if not ids:
        return {}
    got = s.execute(
        sa.select(E.c.order_id, sa.func.max(E.c.at))
        .where(E.c.order_id.in_(ids), E.c.kind == "reopened")
        .group_by(E.c.order_id)
    )
    return {int(i): at for i, at in got}


def first_residents(s: Session, rows: list[Any]) -> dict[int, tuple[str, str]]:
    """(name, phone) of the first resident (owner first) of each unit of orders
    that have no caller of their own, in one query for the whole page."""
    unit_ids = {r.unit_id for r in rows if r.unit_id is not None and not r.call_caller}
    if not unit_ids:
        return {}
    got = s.execute(
        sa.select(R.c.unit_id, R.c.name, R.c.phone)
        .where(R.c.unit_id.in_(unit_ids), R.c.active.is_(True))
        .order_by(R.c.unit_id, R.c.is_owner.desc(), R.c.id)
    )
    first: dict[int, tuple[str, str]] = {}
    for unit_id, name, phone in got:
        first.setdefault(int(unit_id), (name, phone))
    return first


# Reading 50 columns by name from a SQLAlchemy Row costs more than the query of a
# page; a named tuple of the same columns reads them at tuple speed.
_Row = namedtuple("_Row", [c.key for c in select_orders().selected_columns])  # type: ignore[misc]


def _new_public(values: dict[str, Any]) -> OrderPublic:
    # The generated __init__ of a frozen dataclass sets its 40 fields one
    # object.__setattr__ at a time (4 µs an order, a third of a page); filling the
    # instance's __dict__ at once gives the same object.  `values` names every field.
    public = object.__new__(OrderPublic)
    public.__dict__.update(values)
    return public


def to_public(
    raw: Any,
    now: datetime,
    reopened_at: datetime | None = None,
    resident: tuple[str, str] = ("", ""),
) -> OrderPublic:
    """The public shape of one `select_orders` row at the instant `now`.

    `reopened_at` and `resident` come from `reopen_times` and `first_residents`.
    """
    row: Any = raw if raw.__class__ is _Row else _Row._make(raw)
    clock = deadlines.row_clock(row, now, reopened_at)
    moved = lambda due: deadlines.effective(due, row.paused_seconds, row.paused_since, now)  # noqa: E731
    if row.call_caller:
        name, phone = row.call_caller, row.call_phone or ""
    else:
        name, phone = resident
    return _new_public(
        dict(
            id=row.id,
            number=row.number,
            call_id=row.call_id,
            unit_code=row.unit_code or "",
            resident_name=name,
            resident_phone=phone,
            category=row.category,
            priority=row.priority,
            description=row.description,
            team_name=row.team_name or "",
            technician=row.technician,
            state=row.state,
            logged_by=row.logged_by,
            logged_at=row.logged_at,
            dispatched_at=row.dispatched_at,
            on_site_at=row.on_site_at,
            done_at=row.done_at,
            closed_at=row.closed_at,
            cancelled_at=row.cancelled_at,
            cancel_reason=row.cancel_reason,
            on_site_due=moved(row.on_site_due),
            done_due=moved(row.done_due),
            callback_due=row.callback_due,
            paused=row.paused_since is not None,
            pause_reason=row.pause_reason,
            paused_seconds=row.paused_seconds,
            callback_attempts=row.callback_attempts,
            verdict=row.verdict,
            callback_comment=row.callback_comment,
            reopened_count=row.reopened_count,
            charge=row.charge,
            alert=clock.alert,
            time_left=clock.time_left,
            clock=clock.name,
            paused_since=row.paused_since,
            callback_at=row.callback_at,
            recorded_at=row.recorded_at,
            voided=row.voided_at is not None,
            void_reason=row.void_reason,
        )
    )


def publics(s: Session, rows: list[Any], now: datetime) -> list[OrderPublic]:
    """Public shapes of several `select_orders` rows (a query for residents, and one
    for reopening times if any was reopened)."""
    rows = [_Row._make(r) for r in rows]  # read by name at tuple speed from here on
    reopened = reopen_times(s, rows)
    residents = first_residents(s, rows)
    return [to_public(r, now, reopened.get(r.id), residents.get(r.unit_id, ("", ""))) for r in rows]


def load(s: Session, ref: int | str) -> Any:
    """The `select_orders` row of one order; NotFound worded for the clerk."""
    row = s.execute(select_orders().where(ref_clause(ref))).first()
    if row is None:
        raise NotFound(f"There is no work order {ref}.")
    return row


def fetch(s: Session, ref: int | str, now: datetime) -> OrderPublic:
    """One order's public shape, read inside the caller's session."""
    return publics(s, [load(s, ref)], now)[0]


def shown_time(ctx: Context, at: datetime) -> str:
    """An instant as a clerk reads it: 14:05 today, else 2026-11-23 14:05."""
    local = ctx.local(at)
    if local.date() == ctx.local(ctx.now()).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
