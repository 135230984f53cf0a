"""The state changes of a work order, each an order event and an audit entry.

    logged → dispatched → on_site → done → closed (after the callback, or a supervisor's close)
    logged | dispatched | on_site → cancelled (with a reason)
    done | closed → dispatched (reopened: "not satisfied", or a supervisor's reopen)

Anything else is refused with a Conflict that says what to do instead.  A time
given for a step (back-filling) may not lie in the future nor before the step
before it.  Import these from `deskclerk.services.orders`.
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
from deskclerk.models import OrderState, Verdict
from deskclerk.services import deadlines
from deskclerk.services.context import Context
from deskclerk.services.order_rows import (
    STATE_WORDS,
    WO,
    E,
    OrderPublic,
    add_event,
    audit,
    fetch,
    load,
    reindex,
    shown_time,
    suggest_in,
)
from deskclerk.services.staff import TeamPublic, require_supervisor, team_ref
from deskclerk.timeparse import as_instant

_WORKING = (OrderState.logged.value, OrderState.dispatched.value, OrderState.on_site.value)


def _changing(
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


def _finished(row: Any) -> Conflict:
    if row.state == OrderState.cancelled:
        return Conflict(
            f"{row.number} was cancelled ({row.cancel_reason}); log a new order if the repair "
            "is still needed."
        )
    return Conflict(f"{row.number} is closed already; reopen it if the problem is back.")


def _required(value: str | None, label: str) -> str:
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


def _set_state(
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


def _span_words(span: timedelta) -> str:
    minutes = max(0, math.ceil(span.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours < 48 else f"{hours // 24} d {hours % 24} h"


def _verdict_on(when: datetime, due: datetime | None) -> str:
    """ "on time" strictly before the due instant; at it or after, "late by …"."""
    if due is None:
        return ""
    return "on time" if when < due else f"late by {_span_words(when - due)}"


def _end_pause(s: Session, ctx: Context, row: Any, when: datetime, clerk: str, why: str) -> Any:
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
    detail = f"after {_span_words(timedelta(seconds=span))} ({row.pause_reason})"
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


# --- dispatch ------------------------------------------------------------------------------


def dispatch_in(
    s: Session,
    ctx: Context,
    row: Any,
    *,
    clerk: str,
    team: TeamPublic | None,
    technician: str,
    at: datetime,
    reason: str = "",
) -> None:
    """Dispatch (or re-dispatch) inside the caller's transaction; see `dispatch`."""
    n = row.number
    if row.state == OrderState.done:
        raise Conflict(f"{n} is done already; record the callback or reopen it.")
    if row.state not in _WORKING:
        raise _finished(row)
    if team is None and row.team_id is not None:
        team = TeamPublic(row.team_id, row.team_name, (), ())
    if team is None:
        team = suggest_in(s, row.unit_id, row.category)
        if team is None:
            raise InvalidInput(
                f"No team covers {row.category} work in unit {row.unit_code}; name the team.",
                "team",
            )
    who = f", {technician}" if technician else ""
    if row.state == OrderState.logged:
        _set_state(
            s, ctx, row, OrderState.dispatched.value, "dispatched", at=at, clerk=clerk,
            detail=f"to {team.name}{who}", team_id=team.id, technician=technician, dispatched_at=at,
        )  # fmt: skip
    elif team.id != row.team_id:
        if not reason:
            raise InvalidInput(
                f"Say why {n} moves from {row.team_name} to {team.name} (a reason is required).",
                "reason",
            )
        _set_state(
            s, ctx, row, OrderState.dispatched.value, "redispatched", at=at, clerk=clerk,
            detail=f"from {row.team_name} to {team.name}{who}: {reason}", reason=reason,
            team_id=team.id, technician=technician, dispatched_at=at,
        )  # fmt: skip
        audit(
            s, row.id, now=ctx.now(), clerk=clerk, action="update", field_name="team",
            old=row.team_name, new=team.name, reason=reason,
        )  # fmt: skip
    elif technician and technician != row.technician:
        s.execute(sa.update(WO).where(WO.c.id == row.id).values(technician=technician))
        add_event(
            s, row.id, "technician", at=at, now=ctx.now(), clerk=clerk,
            detail=f"{row.technician or '-'} → {technician}" + (f": {reason}" if reason else ""),
        )  # fmt: skip
        audit(
            s, row.id, now=ctx.now(), clerk=clerk, action="update", field_name="technician",
            old=row.technician, new=technician, reason=reason,
        )  # fmt: skip
    else:
        raise Conflict(f"{n} is dispatched to {row.team_name}{who} already.")
    if technician != row.technician:
        reindex(s, row.id)


def dispatch(
    ctx: Context,
    ref: int | str,
    *,
    clerk: str,
    team: str | None = None,
    technician: str = "",
    reason: str = "",
    at: datetime | str | None = None,
) -> OrderPublic:
    """Send the order to a team (the suggested one if none is named) and optionally a technician.

    Moving a dispatched or on-site order to another team needs a reason and is
    kept in the events; naming another technician of the same team does not.
    """
    technician = cleaning.clean_name(technician, "technician's name", required=False)
    reason = cleaning.clean_text(reason, "reason", max_length=cleaning.SHORT_MAX * 2)

    def step(s: Session, row: Any, clerk: str) -> None:
        chosen = team_ref(s, team)
        when = step_time(ctx, s, row, at, "dispatch time")
        dispatch_in(
            s, ctx, row, clerk=clerk, team=chosen, technician=technician, at=when, reason=reason
        )

    return _changing(ctx, ref, clerk, step)


# --- on site and done -------------------------------------------------------------------------


def arrive(
    ctx: Context, ref: int | str, *, clerk: str, at: datetime | str | None = None
) -> OrderPublic:
    """The team is on site (at `at`, default now).  A running pause ends then.

    The first arrival settles the on-site clock; after a reopening or a
    re-dispatch the team comes again and `on_site_at` keeps the first arrival.
    """

    def step(s: Session, row: Any, clerk: str) -> None:
        n = row.number
        if row.state == OrderState.logged:
            raise Conflict(f"{n} has not been dispatched yet; dispatch it to a team first.")
        if row.state == OrderState.on_site:
            raise Conflict(
                f"{n} has the team on site already (since {shown_time(ctx, row.on_site_at)})."
            )
        if row.state == OrderState.done:
            raise Conflict(f"{n} is done already; record the callback or reopen it.")
        if row.state != OrderState.dispatched:
            raise _finished(row)
        when = step_time(ctx, s, row, at, "arrival time")
        if row.paused_since is not None:
            row = _end_pause(s, ctx, row, when, clerk, "on arrival")
        values: dict[str, Any] = {}
        if row.on_site_at is None:
            values["on_site_at"] = when
            due = deadlines.effective(row.on_site_due, row.paused_seconds, None, when)
            detail = _verdict_on(when, due)
        else:
            detail = "on site again"
        _set_state(
            s, ctx, row, OrderState.on_site.value, "on_site", at=when, clerk=clerk,
            detail=detail, **values,
        )  # fmt: skip

    return _changing(ctx, ref, clerk, step)


def _charge(ctx: Context, category: str, charge: float | None) -> float:
    if charge is None:
        return float(ctx.settings.prices.get(category, 0.0))
    try:
        value = float(charge)
    except (TypeError, ValueError):
        raise InvalidInput(f"The charge {charge!r} is not an amount.", "charge") from None
    if not math.isfinite(value) or value < 0 or value > 1_000_000:
        raise InvalidInput(f"The charge {charge!r} is not an amount (0 or more).", "charge")
    return round(value, 2)


def finish(
    ctx: Context,
    ref: int | str,
    *,
    clerk: str,
    at: datetime | str | None = None,
    charge: float | None = None,
) -> OrderPublic:
    """The job is done (at `at`, default now); the callback clock starts.

    Paid service (有偿服务): `charge` is recorded; without one, the site's list
    price for the order's category (settings.prices) is used, if it has one.
    """

    def step(s: Session, row: Any, clerk: str) -> None:
        n = row.number
        if row.state == OrderState.logged:
            raise Conflict(f"{n} has not been dispatched yet; dispatch it to a team first.")
        if row.state == OrderState.dispatched and row.reopened_count:
            raise Conflict(
                f"{n} was reopened and the team is not back on site yet; record when they "
                f"got there again first (order arrive {n} --at HH:MM)."
            )
        if row.state == OrderState.dispatched:
            raise Conflict(
                f"{n} has no arrival on record; record when the team got there first "
                f"(order arrive {n} --at HH:MM)."
            )
        if row.state == OrderState.done:
            raise Conflict(f"{n} is done already; record the callback or reopen it.")
        if row.state != OrderState.on_site:
            raise _finished(row)
        when = step_time(ctx, s, row, at, "time the job was done")
        if row.paused_since is not None:
            row = _end_pause(s, ctx, row, when, clerk, "when done")
        amount = _charge(ctx, row.category, charge)
        due = deadlines.effective(row.done_due, row.paused_seconds, None, when)
        words = [w for w in (_verdict_on(when, due), f"charge {amount:.2f}" if amount else "") if w]
        _set_state(
            s, ctx, row, OrderState.done.value, "done", at=when, clerk=clerk,
            detail="; ".join(words), done_at=when,
            callback_due=deadlines.callback_due(ctx.settings, when), charge=amount,
        )  # fmt: skip

    return _changing(ctx, ref, clerk, step)


# --- callback, reopen, close, cancel ---------------------------------------------------------


def _reopen_in(s: Session, ctx: Context, row: Any, when: datetime, clerk: str, reason: str) -> None:
    """Back to the same team; the done clock restarts at `when` with the priority's length.

    The finished pauses are folded into `on_site_due` (the on-site clock was
    settled long ago) and `paused_seconds` starts again from 0 for the new done clock.
    """
    new_due = deadlines.done_due(ctx.settings, row.priority, when)
    values: dict[str, Any] = {
        "reopened_count": row.reopened_count + 1,
        "done_at": None,
        "callback_due": None,
        "closed_at": None,
        "done_due": new_due,
        "paused_seconds": 0,
    }
    if row.on_site_due is not None:
        values["on_site_due"] = row.on_site_due + timedelta(seconds=row.paused_seconds)
    due_words = f"; done by {shown_time(ctx, new_due)}" if new_due else ""
    _set_state(
        s, ctx, row, OrderState.dispatched.value, "reopened", at=when, clerk=clerk,
        detail=f"back to {row.team_name}{due_words}: {reason}", reason=reason, **values,
    )  # fmt: skip


def record_callback(
    ctx: Context,
    ref: int | str,
    *,
    clerk: str,
    reached: bool,
    satisfied: bool | None = None,
    comment: str = "",
    at: datetime | str | None = None,
) -> OrderPublic:
    """Record the call-back (回访) of a done order.

    Not reached: the attempt is counted and the order stays in the callback
    list.  Reached and satisfied: the order is closed.  Reached and not
    satisfied: the order is reopened and goes back to its team; the done clock
    restarts from the callback.
    """
    comment = cleaning.clean_text(comment, "comment", max_length=cleaning.TEXT_MAX, multiline=True)

    def step(s: Session, row: Any, clerk: str) -> None:
        n = row.number
        if row.state == OrderState.cancelled:
            raise Conflict(
                f"{n} was cancelled ({row.cancel_reason}); there is no finished job to call back about."
            )
        if row.state == OrderState.closed:
            raise Conflict(f"{n} is closed already; reopen it if the problem is back.")
        if row.state != OrderState.done:
            raise Conflict(
                f"{n} is not done yet (it is {STATE_WORDS[row.state]}); call the resident back "
                "after the job is done."
            )
        if reached and satisfied is None:
            raise InvalidInput("Say whether the resident was satisfied.", "satisfied")
        when = step_time(ctx, s, row, at, "callback time")
        now = ctx.now()
        attempts = row.callback_attempts + 1
        values: dict[str, Any] = {"callback_attempts": attempts, "callback_at": when}
        if comment:
            values["callback_comment"] = comment
        if not reached:
            detail = f"not reached (attempt {attempts})"
        else:
            values["verdict"] = (Verdict.satisfied if satisfied else Verdict.unsatisfied).value
            detail = f"reached: {values['verdict']}"
        s.execute(sa.update(WO).where(WO.c.id == row.id).values(**values))
        add_event(
            s, row.id, "callback", at=when, now=now, clerk=clerk,
            detail=f"{detail}: {comment}" if comment else detail,
        )  # fmt: skip
        audit(
            s, row.id, now=now, clerk=clerk, action="callback", field_name="verdict",
            old=row.verdict, new=values.get("verdict", row.verdict), reason=detail,
        )  # fmt: skip
        if not reached:
            return
        row = load(s, row.id)
        if satisfied:
            _set_state(
                s, ctx, row, OrderState.closed.value, "closed", at=when, clerk=clerk,
                detail="called back: satisfied", closed_at=when,
            )  # fmt: skip
        else:
            _reopen_in(
                s, ctx, row, when, clerk, f"not satisfied{': ' + comment if comment else ''}"
            )

    return _changing(ctx, ref, clerk, step)


def reopen(ctx: Context, ref: int | str, *, clerk: str, reason: str) -> OrderPublic:
    """A supervisor sends a done or closed order back to its team, with a reason.

    `clerk` must be a supervisor on the staff list (NotFound or NotAllowed, worded
    for the clerk, otherwise); the "not satisfied" callback reopens for anyone.
    """
    reason = _required(reason, "reason")

    def step(s: Session, row: Any, clerk: str) -> None:
        require_supervisor(s, clerk, "reopen an order")
        if row.state in _WORKING:
            raise Conflict(
                f"{row.number} is still open ({STATE_WORDS[row.state]}); nothing to reopen."
            )
        if row.state == OrderState.cancelled:
            raise _finished(row)
        when = step_time(ctx, s, row, None, "reopening time")
        _reopen_in(s, ctx, row, when, clerk, reason)

    return _changing(ctx, ref, clerk, step)


def close(ctx: Context, ref: int | str, *, clerk: str, reason: str) -> OrderPublic:
    """A supervisor's close of a done order without a callback (the reason is kept).

    `clerk` must be a supervisor on the staff list (NotFound or NotAllowed, worded
    for the clerk, otherwise).
    """
    reason = _required(reason, "reason")

    def step(s: Session, row: Any, clerk: str) -> None:
        require_supervisor(s, clerk, "close an order without a callback")
        if row.state in _WORKING:
            raise Conflict(
                f"{row.number} is not done yet (it is {STATE_WORDS[row.state]}); cancel it with a "
                "reason, or record it done first."
            )
        if row.state != OrderState.done:
            raise _finished(row)
        when = step_time(ctx, s, row, None, "closing time")
        _set_state(
            s, ctx, row, OrderState.closed.value, "closed", at=when, clerk=clerk,
            detail=f"closed without callback: {reason}", reason=reason, closed_at=when,
        )  # fmt: skip

    return _changing(ctx, ref, clerk, step)


def cancel(ctx: Context, ref: int | str, *, clerk: str, reason: str) -> OrderPublic:
    """Cancel an order not yet done, with a reason (a running pause ends)."""
    reason = _required(reason, "reason")

    def step(s: Session, row: Any, clerk: str) -> None:
        if row.state == OrderState.done:
            raise Conflict(
                f"{row.number} is done already; record the callback or close it with a reason."
            )
        if row.state not in _WORKING:
            raise _finished(row)
        when = step_time(ctx, s, row, None, "cancelling time")
        if row.paused_since is not None:
            row = _end_pause(s, ctx, row, when, clerk, "on cancelling")
        _set_state(
            s, ctx, row, OrderState.cancelled.value, "cancelled", at=when, clerk=clerk,
            detail=reason, reason=reason, cancelled_at=when, cancel_reason=reason,
        )  # fmt: skip

    return _changing(ctx, ref, clerk, step)


# --- pause and resume --------------------------------------------------------------------------


def pause(
    ctx: Context, ref: int | str, *, clerk: str, reason: str, at: datetime | str | None = None
) -> OrderPublic:
    """Stop the on-site and done clocks (waiting for the resident, for parts …)."""
    reason = _required(reason, "reason for the pause")

    def step(s: Session, row: Any, clerk: str) -> None:
        n = row.number
        if row.state == OrderState.done:
            raise Conflict(f"{n} is done; the callback clock cannot be paused.")
        if row.state not in _WORKING:
            raise _finished(row)
        if row.paused_since is not None:
            raise Conflict(
                f"{n} is paused already since {shown_time(ctx, row.paused_since)} ({row.pause_reason})."
            )
        when = step_time(ctx, s, row, at, "time of the pause")
        now = ctx.now()
        s.execute(
            sa.update(WO).where(WO.c.id == row.id).values(paused_since=when, pause_reason=reason)
        )
        add_event(s, row.id, "paused", at=when, now=now, clerk=clerk, detail=reason)
        audit(
            s, row.id, now=now, clerk=clerk, action="pause", field_name="pause_reason",
            new=reason, reason=reason,
        )  # fmt: skip

    return _changing(ctx, ref, clerk, step)


def resume(
    ctx: Context, ref: int | str, *, clerk: str, at: datetime | str | None = None
) -> OrderPublic:
    """End the pause: the clocks run again, their dues moved on by the paused span."""

    def step(s: Session, row: Any, clerk: str) -> None:
        if row.paused_since is None:
            raise Conflict(f"{row.number} is not paused.")
        when = step_time(ctx, s, row, at, "time the work went on")
        _end_pause(s, ctx, row, when, clerk, "")

    return _changing(ctx, ref, clerk, step)
