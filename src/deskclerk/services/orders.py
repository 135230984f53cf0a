"""Work orders (派工单): writing them up (from a call or not), attaching a call.

Everything the faces need is importable from here: the lists in `order_lists`,
the shapes and reading in `order_rows`, the writing helpers (events, audit, numbers, teams) in
`order_writing`, the state changes in `order_steps` (dispatch, arrive, finish,
pause, resume) and `order_endings` (callback, reopen, close, cancel) on the
machinery of `order_changes`, the clock arithmetic in `deadlines`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.models import CallState, OrderState, Priority
from deskclerk.services import deadlines, history, search
from deskclerk.services.context import Context
from deskclerk.services.directory import TeamPublic, list_teams, team_ref, unit_ref
from deskclerk.services.order_endings import cancel, close, record_callback, reopen
from deskclerk.services.order_lists import (
    callbacks_waiting,
    find_duplicate,
    get_order,
    list_orders,
    order_events,
    urgent_first,
)
from deskclerk.services.order_rows import (
    OPEN_STATES,
    STATE_WORDS,
    WO,
    C,
    OrderEventPublic,
    OrderPublic,
    U,
    fetch,
    load,
    shown_time,
)
from deskclerk.services.order_steps import (
    arrive,
    dispatch,
    dispatch_in,
    finish,
    pause,
    resume,
)
from deskclerk.services.order_writing import (
    DEFAULT_CATEGORY,
    add_event,
    audit,
    covers,
    insert_numbered,
    parse_category,
    parse_priority,
    suggest_in,
)
from deskclerk.services.shifts import open_shift_id
from deskclerk.timeparse import as_instant


def suggest_team(ctx: Context, unit: str, category: str) -> TeamPublic | None:
    """The team the desk proposes for `category` work in `unit` (by the unit's area)."""
    with session_scope(ctx.engine) as s:
        ref = unit_ref(s, unit)
        return suggest_in(s, ref[0] if ref else None, parse_category(category))


def kinds_taken_instead(ctx: Context, category: str) -> list[str]:
    """The kinds of work the teams take, when none of them takes `category` (else []):
    often a slip ("plumbng") that would send the job to the general team."""
    kind = parse_category(category)
    kinds = sorted({c for t in list_teams(ctx) for c in t.categories})
    return [] if kind in kinds or kind == DEFAULT_CATEGORY else kinds


# --- creating ----------------------------------------------------------------------------


def _create(
    s: Session,
    ctx: Context,
    *,
    unit_id: int,
    unit_code: str,
    description: str,
    clerk: str,
    category: str,
    priority: str,
    logged_at: datetime,
    call_id: int | None,
) -> tuple[int, str]:
    now = ctx.now()
    settings = ctx.settings
    values = {
        "call_id": call_id,
        "unit_id": unit_id,
        "category": category,
        "priority": priority,
        "description": description,
        "technician": "",
        "state": OrderState.logged.value,
        "logged_by": clerk,
        "logged_at": logged_at,
        "recorded_at": now,
        "cancel_reason": "",
        "on_site_due": deadlines.on_site_due(settings, priority, logged_at),
        "done_due": deadlines.done_due(settings, priority, logged_at),
        "pause_reason": "",
        "paused_seconds": 0,
        "callback_attempts": 0,
        "verdict": "",
        "callback_comment": "",
        "reopened_count": 0,
        "charge": 0.0,
        "shift_id": open_shift_id(s),
        "void_reason": "",
    }
    day = ctx.local(logged_at).strftime("%Y%m%d")
    order_id, number = insert_numbered(s, values, day)
    detail = f"{priority}; {category}"
    add_event(s, order_id, "logged", at=logged_at, now=now, clerk=clerk, detail=detail)
    audit(s, order_id, now=now, clerk=clerk, action="create", new=f"{number} {unit_code}")
    search.index_record(
        s, "order", order_id, search.order_body(number, description, category, "", unit_code)
    )
    return order_id, number


def _logged_time(ctx: Context, logged_at: datetime | str | None) -> datetime:
    now = ctx.now()
    if logged_at is None:
        return now
    at = as_instant(logged_at, ctx.tz, now, "time the repair was reported")
    if at > now:
        raise InvalidInput(
            f"The time the repair was reported ({shown_time(ctx, at)}) is in the future.",
            "logged at",
        )
    return at


def create_order(
    ctx: Context,
    *,
    unit: str,
    description: str,
    clerk: str,
    category: str = DEFAULT_CATEGORY,
    priority: str = Priority.normal.value,
    team: str | None = None,
    technician: str = "",
    call_id: int | None = None,
    logged_at: datetime | str | None = None,
) -> OrderPublic:
    """Write up a repair as a work order; its clocks start at `logged_at` (default now).

    With `call_id` the order is linked to that call (see `order_from_call`).
    With a team or a technician it is dispatched at once (a technician alone
    goes with the suggested team).  A duplicate is not refused here: the faces
    ask `find_duplicate` first and may `attach_call` instead.
    """
    description = cleaning.clean_text(
        description, "problem", required=True, max_length=cleaning.TEXT_MAX, multiline=True
    )
    clerk = cleaning.clean_name(clerk, "clerk's name")
    category = parse_category(category)
    priority = parse_priority(priority, ctx.settings)
    technician = cleaning.clean_name(technician, "technician's name", required=False)
    at = _logged_time(ctx, logged_at)
    with session_scope(ctx.engine, write=True) as s:
        ref = unit_ref(s, unit)
        if ref is None:
            raise InvalidInput(
                "The unit is required: which flat or shop is the repair for?", "unit"
            )
        chosen = team_ref(s, team)
        if call_id is not None:
            _claim_call(s, ctx, call_id, clerk=clerk)
        order_id, _ = _create(
            s,
            ctx,
            unit_id=ref[0],
            unit_code=ref[1],
            description=description,
            clerk=clerk,
            category=category,
            priority=priority,
            logged_at=at,
            call_id=call_id,
        )
        if chosen is not None or technician:
            dispatch_in(
                s, ctx, load(s, order_id), clerk=clerk, team=chosen, technician=technician, at=at
            )
        if call_id is not None:
            _pass_call_on(s, ctx, call_id, order_id, clerk=clerk)
        return fetch(s, order_id, ctx.now())


def _claim_call(s: Session, ctx: Context, call_id: int, *, clerk: str) -> Any:
    """The call a work order is made from or attached to; it must be free."""
    row = s.execute(
        sa.select(C, WO.c.number.label("order_number"))
        .select_from(C)
        .outerjoin(WO, WO.c.id == C.c.order_id)
        .where(C.c.id == call_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no call {call_id}.")
    if row.voided_at is not None:
        raise Conflict(f"Call {call_id} was voided ({row.void_reason}); it cannot become an order.")
    if row.order_id is not None:
        raise Conflict(f"Call {call_id} belongs to work order {row.order_number} already.")
    return row


def _pass_call_on(s: Session, ctx: Context, call_id: int, order_id: int, *, clerk: str) -> None:
    """Link the call to the order and pass it on to the order's team (首问负责 ends with a name).

    Not yet dispatched: the team the desk would suggest, else "maintenance".
    """
    now = ctx.now()
    call = s.execute(sa.select(C).where(C.c.id == call_id)).one()
    order = load(s, order_id)
    to = order.team_name
    if not to:
        suggested = suggest_in(s, order.unit_id, order.category)
        to = suggested.name if suggested else "maintenance"
    values: dict[str, Any] = {"order_id": order_id}
    if call.state != CallState.closed:
        values |= {"state": CallState.passed_on.value, "passed_to": to}
    s.execute(sa.update(C).where(C.c.id == call_id).values(**values))
    for name, new in values.items():
        old = getattr(call, name)
        if old != new:
            history.record(
                s,
                at=now,
                actor=clerk,
                action="state" if name == "state" else "update",
                entity="call",
                entity_id=call_id,
                field_name=name,
                old="" if old is None else str(old),
                new=str(new),
                reason=f"work order {order.number}",
            )
    search.reindex(s, "call", call_id)


def order_from_call(
    ctx: Context,
    call_id: int,
    *,
    clerk: str,
    priority: str = Priority.normal.value,
    category: str | None = None,
    team: str | None = None,
    technician: str = "",
) -> OrderPublic:
    """Turn a call into a work order: its unit, its matter as the problem, its caller.

    The order is logged at the time the call came in, so the clocks start at the
    call ("on site within 20 minutes of an urgent call").  The call is linked to
    the order and passed on to the team (or to maintenance, until dispatched).
    """
    with session_scope(ctx.engine) as s:
        call = _claim_call(s, ctx, call_id, clerk=clerk)
        code = s.execute(sa.select(U.c.code).where(U.c.id == call.unit_id)).scalar()
    if not code:
        raise InvalidInput(
            f"Call {call_id} has no unit; amend the call with the unit, or add the order with a unit.",
            "unit",
        )
    return create_order(
        ctx,
        unit=code,
        description=call.matter,
        clerk=clerk,
        category=category or DEFAULT_CATEGORY,
        priority=priority,
        team=team,
        technician=technician,
        call_id=call_id,
        logged_at=call.received_at,
    )


def attach_call(ctx: Context, ref: int | str, call_id: int, *, clerk: str) -> OrderPublic:
    """Attach a call to an open order instead of writing a second order for the same repair."""
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        order = load(s, ref)
        if order.voided_at is not None:
            raise Conflict(
                f"{order.number} was voided ({order.void_reason}); attach the call elsewhere."
            )
        if order.state not in OPEN_STATES:
            raise Conflict(
                f"{order.number} is {STATE_WORDS[order.state]}; make a new order from call {call_id}."
            )
        call = _claim_call(s, ctx, call_id, clerk=clerk)
        if order.call_id is None:
            s.execute(sa.update(WO).where(WO.c.id == order.id).values(call_id=call_id))
            audit(
                s,
                order.id,
                now=now,
                clerk=clerk,
                action="update",
                field_name="call_id",
                new=call_id,
            )
        detail = f"call {call_id}: {call.caller}: {call.matter}"[:300]
        add_event(s, order.id, "call_attached", at=now, now=now, clerk=clerk, detail=detail)
        _pass_call_on(s, ctx, call_id, order.id, clerk=clerk)
        return fetch(s, order.id, now)


__all__ = [
    "OPEN_STATES",
    "OrderEventPublic",
    "OrderPublic",
    "arrive",
    "attach_call",
    "callbacks_waiting",
    "cancel",
    "close",
    "covers",
    "create_order",
    "dispatch",
    "find_duplicate",
    "finish",
    "get_order",
    "kinds_taken_instead",
    "list_orders",
    "order_events",
    "order_from_call",
    "pause",
    "record_callback",
    "reopen",
    "resume",
    "suggest_team",
    "urgent_first",
]
