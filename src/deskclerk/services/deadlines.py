"""The deadline clocks of a work order: when they fall due, which one runs, how far gone it is.

Three clocks, one after the other, each with its own due instant:

- **on site**: runs from when the order was *logged* (the domain promises "on
  site within 20 minutes of an urgent call", so the clock starts at the call,
  not at the dispatch) until the first arrival;
- **done**: also runs from logging, until the job is done; reopening after a
  "not satisfied" callback restarts it from the reopening, with the length the
  priority gives a newly logged order;
- **callback** (回访): runs from done, `settings.callback_hours` long.

A pause (waiting for the resident, waiting for parts) stops the on-site and
done clocks.  The stored due columns keep the instants as first set, and
`paused_seconds` sums the finished pauses, so at any moment

    effective due = stored due + paused_seconds (+ the pause running now)

for both the on-site and the done clock.  Once the technician is on site the
on-site clock is settled; a later pause must not excuse a late arrival, so the
orders service takes such a pause off `on_site_due` as it adds it to
`paused_seconds` (and a reopening folds the pauses so far into `on_site_due`
before `paused_seconds` starts again from 0).  That keeps the one rule true for
every order, open or finished: statistics judge "on time" as
`on_site_at < on_site_due + paused_seconds` and `done_at < done_due + paused_seconds`.
The callback clock is never paused.

A clock is breached exactly at its due instant, not a second before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float

from deskclerk.config import Deadline, Settings
from deskclerk.models import OrderState

ON_SITE = "on site"
DONE = "done"
CALLBACK = "callback"

_BEFORE_ARRIVAL = (OrderState.logged, OrderState.dispatched)
_WORKING = (OrderState.logged, OrderState.dispatched, OrderState.on_site)


def deadline_for(settings: Settings, priority: str) -> Deadline:
    """The deadline rule of a priority (no clock at all if the site sets none)."""
    return settings.deadlines.get(priority, Deadline(on_site_minutes=None, done_minutes=None))


def end_of_local_day(day: date, tz: tzinfo) -> datetime:
    """23:59:59 local time of `day`, as aware UTC (the "not overnight" deadline)."""
    return datetime.combine(day, time(23, 59, 59), tz).astimezone(UTC)


def on_site_due(settings: Settings, priority: str, start: datetime) -> datetime | None:
    """When the team must be on site for an order logged at `start` (None: no clock)."""
    rule = deadline_for(settings, priority)
    if rule.on_site_minutes is None:
        return None
    return start + timedelta(minutes=rule.on_site_minutes)


def done_due(settings: Settings, priority: str, start: datetime) -> datetime | None:
    """When the job must be done if its done clock starts at `start` (None: no clock).

    `same_day` means done by 23:59:59 local time of the day the clock started
    (零修事不过夜); with `done_minutes` as well, the earlier of the two counts.
    """
    rule = deadline_for(settings, priority)
    candidates = []
    if rule.done_minutes is not None:
        candidates.append(start + timedelta(minutes=rule.done_minutes))
    if rule.same_day:
        candidates.append(end_of_local_day(start.astimezone(settings.tz).date(), settings.tz))
    return min(candidates) if candidates else None


def callback_due(settings: Settings, done_at: datetime) -> datetime:
    """When the resident must have been called back after the job was done."""
    return done_at + timedelta(hours=settings.callback_hours)


def pause_span(paused_since: datetime | None, now: datetime) -> timedelta:
    """How long the pause running now has lasted (zero if none runs)."""
    if paused_since is None:
        return timedelta(0)
    return max(timedelta(0), now - paused_since)


def whole_seconds(span: timedelta) -> int:
    """A pause span as the whole seconds that are added to `paused_seconds`."""
    return int(span.total_seconds())


_MICROSECOND = timedelta(microseconds=1)


def micros_since(start: datetime, end: datetime | None) -> int | None:
    """Whole microseconds from `start` to `end` (None if `end` is): the stored
    `to_site_us` / `to_done_us` of an order, exact to the stored times."""
    return None if end is None else (end - start) // _MICROSECOND


def effective(
    due: datetime | None, paused_seconds: int, paused_since: datetime | None, now: datetime
) -> datetime | None:
    """A stored on-site or done due moved on by the pauses (finished and running)."""
    if due is None:
        return None
    if paused_since is None and not paused_seconds:
        return due  # never paused: most orders, read 13 at a time on every page
    return due + timedelta(seconds=paused_seconds) + pause_span(paused_since, now)


@dataclass(frozen=True)
class RunningClock:
    """The clock an order is racing now, and how far gone it is."""

    name: str  # "on site" | "done" | "callback" | "" (no clock runs)
    due: datetime | None  # effective due
    time_left: timedelta | None  # negative when overdue
    alert: str  # "" | "50%" | "75%" | "overdue"


NO_CLOCK = RunningClock("", None, None, "")


def alert_level(start: datetime, first_due: datetime, time_left: timedelta) -> str:
    """ "overdue" from the due instant on; "75%" / "50%" once that share of the clock is used.

    The share is of the clock's own length (first due − start); a pause freezes
    it, because the time left stands still while paused.
    """
    if time_left <= timedelta(0):
        return "overdue"
    span = first_due - start
    if span <= timedelta(0):
        return ""
    used = span - time_left
    if used * 4 >= span * 3:
        return "75%"
    if used * 2 >= span:
        return "50%"
    return ""


def running_clock(
    *,
    state: str,
    logged_at: datetime,
    on_site_at: datetime | None,
    done_at: datetime | None,
    on_site_due: datetime | None,
    done_due: datetime | None,
    callback_due: datetime | None,
    paused_seconds: int,
    paused_since: datetime | None,
    done_clock_start: datetime,
    now: datetime,
) -> RunningClock:
    """Which clock runs for an order in `state`, with its effective due and alert.

    `done_clock_start` is `logged_at`, or the reopening for a reopened order.
    The order of the cases matches `running_due_key`, which sorts in SQL.
    """
    if state in _BEFORE_ARRIVAL and on_site_at is None and on_site_due is not None:
        name, start, first = ON_SITE, logged_at, on_site_due
    elif state in _WORKING and done_due is not None:
        name, start, first = DONE, done_clock_start, done_due
    elif state == OrderState.done and callback_due is not None and done_at is not None:
        left = callback_due - now
        return RunningClock(CALLBACK, callback_due, left, alert_level(done_at, callback_due, left))
    else:
        return NO_CLOCK
    # moved on by the pauses; for a settled on-site clock `first` already carries the
    # offsets, but a running clock's `first` is the instant as first set
    due = effective(first, paused_seconds, paused_since, now)
    assert due is not None
    left = due - now
    return RunningClock(name, due, left, alert_level(start, first, left))


def row_clock(row: Any, now: datetime, done_clock_start: datetime | None = None) -> RunningClock:
    """`running_clock` of a work_order row (its columns by name); the done clock from
    `done_clock_start`, else from `logged_at`."""
    return running_clock(
        state=row.state,
        logged_at=row.logged_at,
        on_site_at=row.on_site_at,
        done_at=row.done_at,
        on_site_due=row.on_site_due,
        done_due=row.done_due,
        callback_due=row.callback_due,
        paused_seconds=row.paused_seconds,
        paused_since=row.paused_since,
        done_clock_start=done_clock_start or row.logged_at,
        now=now,
    )


# --- the same in SQL, for sorting by time left -------------------------------------


class EpochSeconds(FunctionElement[float]):
    """Seconds since 1970 of a (naive UTC) timestamp column, in the database's own SQL."""

    type = Float()
    name = "epoch_seconds"
    inherit_cache = True


@compiles(EpochSeconds, "sqlite")
def _epoch_sqlite(element: EpochSeconds, compiler: Any, **kw: Any) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(EpochSeconds, "postgresql")
def _epoch_postgresql(element: EpochSeconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(EpochSeconds)
def _epoch_default(element: EpochSeconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


def running_due_key(table: sa.Table, now: datetime) -> ColumnElement[Any]:
    """SQL for the effective due (epoch seconds) of each order's running clock; NULL if none.

    The same cases as `running_clock`, so sorting by it is sorting by time left.
    """
    c = table.c
    now_s = now.timestamp()
    pauses = c.paused_seconds + sa.case(
        (c.paused_since.is_not(None), sa.literal(now_s) - EpochSeconds(c.paused_since)),
        else_=0,
    )
    return sa.case(
        (
            sa.and_(
                c.state.in_([s.value for s in _BEFORE_ARRIVAL]),
                c.on_site_at.is_(None),
                c.on_site_due.is_not(None),
            ),
            EpochSeconds(c.on_site_due) + pauses,
        ),
        (
            sa.and_(c.state.in_([s.value for s in _WORKING]), c.done_due.is_not(None)),
            EpochSeconds(c.done_due) + pauses,
        ),
        (c.state == OrderState.done.value, EpochSeconds(c.callback_due)),
        else_=sa.null(),
    )
