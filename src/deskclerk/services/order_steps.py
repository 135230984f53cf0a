"""The state changes of a work order, each an order event and an audit entry.

    logged → dispatched → on_site → done → closed (after the callback, or a supervisor's close)
    logged | dispatched | on_site → cancelled (with a reason)
    done | closed → dispatched (reopened: "not satisfied", or a supervisor's reopen)

Anything else is refused with a Conflict that says what to do instead.  A time
given for a step (back-filling) may not lie in the future nor before the step
before it.  Here: dispatch, arrive, finish, pause and resume; the steps that end
an order's work (callback, reopen, close, cancel) are in `order_endings`, the
machinery they share in `order_changes`.  Import them all from
`deskclerk.services.orders`.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.errors import Conflict, InvalidInput
from deskclerk.models import OrderState
from deskclerk.services import deadlines
from deskclerk.services.context import Context
from deskclerk.services.order_changes import (
    WORKING,
    changing,
    end_pause,
    finished,
    required,
    set_state,
    step_time,
    verdict_on,
)
from deskclerk.services.order_rows import WO, OrderPublic, shown_time
from deskclerk.services.order_writing import add_event, audit, reindex, suggest_in
from deskclerk.services.staff import TeamPublic, team_ref

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
    if row.state not in WORKING:
        raise finished(row)
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
        set_state(
            s, ctx, row, OrderState.dispatched.value, "dispatched", at=at, clerk=clerk,
            detail=f"to {team.name}{who}", team_id=team.id, technician=technician, dispatched_at=at,
        )  # fmt: skip
    elif team.id != row.team_id:
        if not reason:
            raise InvalidInput(
                f"Say why {n} moves from {row.team_name} to {team.name} (a reason is required).",
                "reason",
            )
        set_state(
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

    return changing(ctx, ref, clerk, step)


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
            raise finished(row)
        when = step_time(ctx, s, row, at, "arrival time")
        if row.paused_since is not None:
            row = end_pause(s, ctx, row, when, clerk, "on arrival")
        values: dict[str, Any] = {}
        if row.on_site_at is None:
            values["on_site_at"] = when
            due = deadlines.effective(row.on_site_due, row.paused_seconds, None, when)
            detail = verdict_on(when, due)
        else:
            detail = "on site again"
        set_state(
            s, ctx, row, OrderState.on_site.value, "on_site", at=when, clerk=clerk,
            detail=detail, **values,
        )  # fmt: skip

    return changing(ctx, ref, clerk, step)


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
            raise finished(row)
        when = step_time(ctx, s, row, at, "time the job was done")
        if row.paused_since is not None:
            row = end_pause(s, ctx, row, when, clerk, "when done")
        amount = _charge(ctx, row.category, charge)
        due = deadlines.effective(row.done_due, row.paused_seconds, None, when)
        words = [w for w in (verdict_on(when, due), f"charge {amount:.2f}" if amount else "") if w]
        set_state(
            s, ctx, row, OrderState.done.value, "done", at=when, clerk=clerk,
            detail="; ".join(words), done_at=when,
            callback_due=deadlines.callback_due(ctx.settings, when), charge=amount,
        )  # fmt: skip

    return changing(ctx, ref, clerk, step)


# --- pause and resume --------------------------------------------------------------------------


def pause(
    ctx: Context, ref: int | str, *, clerk: str, reason: str, at: datetime | str | None = None
) -> OrderPublic:
    """Stop the on-site and done clocks (waiting for the resident, for parts …)."""
    reason = required(reason, "reason for the pause")

    def step(s: Session, row: Any, clerk: str) -> None:
        n = row.number
        if row.state == OrderState.done:
            raise Conflict(f"{n} is done; the callback clock cannot be paused.")
        if row.state not in WORKING:
            raise finished(row)
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

    return changing(ctx, ref, clerk, step)


def resume(
    ctx: Context, ref: int | str, *, clerk: str, at: datetime | str | None = None
) -> OrderPublic:
    """End the pause: the clocks run again, their dues moved on by the paused span."""

    def step(s: Session, row: Any, clerk: str) -> None:
        if row.paused_since is None:
            raise Conflict(f"{row.number} is not paused.")
        when = step_time(ctx, s, row, at, "time the work went on")
        end_pause(s, ctx, row, when, clerk, "")

    return changing(ctx, ref, clerk, step)
