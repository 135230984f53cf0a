"""The steps that end an order's work: the callback (回访), a supervisor's reopen and
close, and cancelling.  Import them from `deskclerk.services.orders`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.errors import Conflict, InvalidInput
from deskclerk.models import OrderState, Verdict
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
)
from deskclerk.services.order_rows import STATE_WORDS, WO, OrderPublic, load, shown_time
from deskclerk.services.order_writing import add_event, audit
from deskclerk.services.staff import require_supervisor

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
    set_state(
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
            set_state(
                s, ctx, row, OrderState.closed.value, "closed", at=when, clerk=clerk,
                detail="called back: satisfied", closed_at=when,
            )  # fmt: skip
        else:
            _reopen_in(
                s, ctx, row, when, clerk, f"not satisfied{': ' + comment if comment else ''}"
            )

    return changing(ctx, ref, clerk, step)


def reopen(ctx: Context, ref: int | str, *, clerk: str, reason: str) -> OrderPublic:
    """A supervisor sends a done or closed order back to its team, with a reason.

    `clerk` must be a supervisor on the staff list (NotFound or NotAllowed, worded
    for the clerk, otherwise); the "not satisfied" callback reopens for anyone.
    """
    reason = required(reason, "reason")

    def step(s: Session, row: Any, clerk: str) -> None:
        require_supervisor(s, clerk, "reopen an order")
        if row.state in WORKING:
            raise Conflict(
                f"{row.number} is still open ({STATE_WORDS[row.state]}); nothing to reopen."
            )
        if row.state == OrderState.cancelled:
            raise finished(row)
        when = step_time(ctx, s, row, None, "reopening time")
        _reopen_in(s, ctx, row, when, clerk, reason)

    return changing(ctx, ref, clerk, step)


def close(ctx: Context, ref: int | str, *, clerk: str, reason: str) -> OrderPublic:
    """A supervisor's close of a done order without a callback (the reason is kept).

    `clerk` must be a supervisor on the staff list (NotFound or NotAllowed, worded
    for the clerk, otherwise).
    """
    reason = required(reason, "reason")

    def step(s: Session, row: Any, clerk: str) -> None:
        require_supervisor(s, clerk, "close an order without a callback")
        if row.state in WORKING:
            raise Conflict(
                f"{row.number} is not done yet (it is {STATE_WORDS[row.state]}); cancel it with a "
                "reason, or record it done first."
            )
        if row.state != OrderState.done:
            raise finished(row)
        when = step_time(ctx, s, row, None, "closing time")
        set_state(
            s, ctx, row, OrderState.closed.value, "closed", at=when, clerk=clerk,
            detail=f"closed without callback: {reason}", reason=reason, closed_at=when,
        )  # fmt: skip

    return changing(ctx, ref, clerk, step)


def cancel(ctx: Context, ref: int | str, *, clerk: str, reason: str) -> OrderPublic:
    """Cancel an order not yet done, with a reason (a running pause ends)."""
    reason = required(reason, "reason")

    def step(s: Session, row: Any, clerk: str) -> None:
        if row.state == OrderState.done:
            raise Conflict(
                f"{row.number} is done already; record the callback or close it with a reason."
            )
        if row.state not in WORKING:
            raise finished(row)
        when = step_time(ctx, s, row, None, "cancelling time")
        if row.paused_since is not None:
            row = end_pause(s, ctx, row, when, clerk, "on cancelling")
        set_state(
            s, ctx, row, OrderState.cancelled.value, "cancelled", at=when, clerk=clerk,
            detail=reason, reason=reason, cancelled_at=when, cancel_reason=reason,
        )  # fmt: skip

    return changing(ctx, ref, clerk, step)
