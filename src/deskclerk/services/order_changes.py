"""How a step changes a work order: one write transaction, the step's time, its
event and audit entry, and the end of a running pause.  Used by `order_steps` and
`order_endings`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput
from deskclerk.models import OrderState
from deskclerk.services import deadlines
from deskclerk.services.context import Context
from deskclerk.services.order_rows import WO, E, OrderPublic, fetch, load, shown_time
from deskclerk.services.order_writing import add_event, audit
from deskclerk.timeparse import as_instant

WORKING = (OrderState.logged.value, OrderState.dispatched.value, OrderState.on_site.value)


def changing(
    ctx: Context, ref: int | str, clerk: str, step: Callable[[Session, Any, str], None]
) -> OrderPublic:
    """Run one step on an order inside one write transaction; return the order after it."""
    clerk = cleaning.clean_name(clerk, "clerk's name")
    with session_scope(ctx.engine, write=True) as s:
        row = load(s, ref)
        if row.voided_at is not None:
            raise Conflict(f"{row.number} was voided ({row.void_reason}); it cannot change.")
        step(s, row, clerk)
        return fetch(s, row.id, ctx.now())


def finished(row: Any) -> Conflict:
    if row.state == OrderState.cancelled:
        return Conflict(
            f"{row.number} was cancelled ({row.cancel_reason}); log a new order if the repair "
            "is still needed."
        )
    return Conflict(f"{row.number} is closed already; reopen it if the problem is back.")


def required(value: str | None, label: str) -> str:
    return cleaning.clean_text(
        value, label, required=True, max_length=cleaning.SHORT_MAX * 2, multiline=False
    )


def step_time(
    ctx: Context, s: Session, row: Any, at: datetime | str | None, label: str
) -> datetime:
    """When a step happened: now, or a back-filled time not in the future nor before the last step."""
    now = ctx.now()
    if at is None:
        when = now
    else:
        when = as_instant(at, ctx.tz, now, label)
        if when > now:
            raise InvalidInput(f"The {label} ({shown_time(ctx, when)}) is in the future.", label)
    last = s.execute(sa.select(sa.func.max(E.c.at)).where(E.c.order_id == row.id)).scalar()
    if last is not None and when < last:
        raise InvalidInput(
            f"The {label} ({shown_time(ctx, when)}) is before the last step of {row.number} "
            f"({shown_time(ctx, last)}).",
            label,
        )
    return when


def set_state(
    s: Session,
    ctx: Context,
    row: Any,
    new_state: str,
    kind: str,
    *,
    at: datetime,
    clerk: str,
    detail: str = "",
    reason: str = "",
    **values: Any,
) -> None:
    now = ctx.now()
    # the durations the figures take medians of, kept with the times they come from
    if "on_site_at" in values:
        values["to_site_us"] = deadlines.micros_since(row.logged_at, values["on_site_at"])
    if "done_at" in values:
        values["to_done_us"] = deadlines.micros_since(row.logged_at, values["done_at"])
    s.execute(sa.update(WO).where(WO.c.id == row.id).values(state=new_state, **values))
    add_event(s, row.id, kind, at=at, now=now, clerk=clerk, detail=detail)
    audit(
        s,
        row.id,
        now=now,
        clerk=clerk,
        action="state",
        field_name="state",
        old=row.state,
        new=new_state,
        reason=reason or detail,
    )


def span_words(span: timedelta) -> str:
    minutes = max(0, math.ceil(span.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours < 48 else f"{hours // 24} d {hours % 24} h"


def verdict_on(when: datetime, due: datetime | None) -> str:
    """ "on time" strictly before the due instant; at it or after, "late by …"."""
    if due is None:
        return ""
    return "on time" if when < due else f"late by {span_words(when - due)}"


def end_pause(s: Session, ctx: Context, row: Any, when: datetime, clerk: str, why: str) -> Any:
    """Stop the running pause at `when`; return the order row as it is now.

    The span goes into `paused_seconds`.  If the on-site clock is settled (someone
    has been on site), the span is also taken off `on_site_due`, so that
    `on_site_due + paused_seconds` stays the on-site clock's effective due.
    """
    span = deadlines.whole_seconds(when - row.paused_since)
    values: dict[str, Any] = {
        "paused_since": None,
        "pause_reason": "",
        "paused_seconds": row.paused_seconds + span,
    }
    if row.on_site_at is not None and row.on_site_due is not None:
        values["on_site_due"] = row.on_site_due - timedelta(seconds=span)
    now = ctx.now()
    s.execute(sa.update(WO).where(WO.c.id == row.id).values(**values))
    detail = f"after {span_words(timedelta(seconds=span))} ({row.pause_reason})"
    add_event(s, row.id, "resumed", at=when, now=now, clerk=clerk, detail=f"{detail} {why}".strip())
    audit(
        s,
        row.id,
        now=now,
        clerk=clerk,
        action="resume",
        field_name="paused_seconds",
        old=row.paused_seconds,
        new=values["paused_seconds"],
        reason=why,
    )
    return load(s, row.id)
