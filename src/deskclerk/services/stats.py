"""The service figures: calls by category, and for work orders closure, on-time, callback
and satisfaction rates, median times and the overdue list, for any period and group.

Definitions (all over records that happened in [since, until), voided ones left out):

- **logged**: work orders logged in the period; **closed** / **cancelled**: of
  those, the ones closed (after a callback or by a supervisor) / cancelled now.
- **closure rate** = closed / (logged − cancelled).
- **on-time rate, per clock** (see services/deadlines.py): an order is on time
  when the event came strictly before the effective due, `on_site_at <
  on_site_due + paused_seconds` and `done_at < done_due + paused_seconds` (a
  clock is breached exactly at its due instant, as the desk shows it).  An
  order still waiting for the event is late once the due instant has passed
  (a pause running now moves it on), and not yet judged before that.
  Cancelled orders are not judged.  rate = on time / (on time + late).
- **done**: orders that were done at least once (a reopened one counts);
  **called back**: the resident was reached and gave a verdict; callback rate
  = called back / done; **satisfaction** = satisfied / called back, using each
  order's latest verdict (a reopened order that is not yet re-done counts as
  not satisfied).
- **median time to on site / to done**: from logging, wall-clock time
  (pauses included: it is what the resident waited).
- **overdue**: orders of the period still open whose running clock (on site,
  done, or the callback) is past due now.

Counts are aggregated in SQL (services/stats_sql.py: SUM(CASE ...) over the
covering indexes `ix_order_stats` and `ix_call_stats`); medians come back as
one joined string of durations per group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from deskclerk.models import (
    CallState,
    Category,
    UTCDateTime,
)
from deskclerk.services import stats_sql as Q
from deskclerk.services.context import Context
from deskclerk.services.deadlines import running_clock
from deskclerk.services.stats_sql import CALL, TEAM, UNIT, WO
from deskclerk.timeparse import day_bounds

GROUPINGS = ("team", "category", "clerk")
NO_TEAM = "(no team)"
OVERDUE_LIMIT = 100


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to judge."""
    return part / whole if whole else None


@dataclass(frozen=True)
class OrderFigures:
    """The work-order figures of one group (or of everything: group "all")."""

    group: str
    logged: int = 0
    closed: int = 0
    cancelled: int = 0
    on_site_on_time: int = 0
    on_site_late: int = 0
    done_on_time: int = 0
    done_late: int = 0
    done: int = 0
    called_back: int = 0
    satisfied: int = 0
    overdue: int = 0
    median_to_on_site: timedelta | None = None
    median_to_done: timedelta | None = None

    @property
    def open(self) -> int:
        return self.logged - self.closed - self.cancelled

    @property
    def closure_rate(self) -> float | None:
        return rate(self.closed, self.logged - self.cancelled)

    @property
    def on_site_rate(self) -> float | None:
        return rate(self.on_site_on_time, self.on_site_on_time + self.on_site_late)

    @property
    def done_rate(self) -> float | None:
        return rate(self.done_on_time, self.done_on_time + self.done_late)

    @property
    def callback_rate(self) -> float | None:
        return rate(self.called_back, self.done)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.called_back)

    def as_dict(self) -> dict[str, Any]:
        """Counts, rates (0..1 or None) and medians (minutes or None), for JSON."""
        out: dict[str, Any] = {
            k: getattr(self, k)
            for k in (
                "group",
                "logged",
                "closed",
                "cancelled",
                "open",
                "on_site_on_time",
                "on_site_late",
                "done_on_time",
                "done_late",
                "done",
                "called_back",
                "satisfied",
                "overdue",
                "closure_rate",
                "on_site_rate",
                "done_rate",
                "callback_rate",
                "satisfaction_rate",
            )
        }
        for key in ("median_to_on_site", "median_to_done"):
            span = getattr(self, key)
            out[f"{key}_minutes"] = None if span is None else round(span.total_seconds() / 60, 1)
        return out


@dataclass(frozen=True)
class OverdueOrder:
    """An open order whose running clock is past due."""

    number: str
    unit_code: str
    category: str
    priority: str
    team: str
    state: str
    clock: str  # "on site" | "done" | "callback"
    due: datetime
    late_by: timedelta
    logged_at: datetime


@dataclass(frozen=True)
class Figures:
    """Everything `deskclerk stats` shows for one period."""

    since: datetime | None
    until: datetime | None
    now: datetime
    by: str | None
    calls: dict[str, int]  # category -> count, every category present
    orders: OrderFigures  # the whole period
    groups: tuple[OrderFigures, ...] = ()
    overdue: tuple[OverdueOrder, ...] = ()
    overdue_total: int = 0

    @property
    def calls_total(self) -> int:
        return sum(self.calls.values())


@dataclass(frozen=True)
class DayCount:
    """One local day: calls received, orders logged, orders done."""

    day: date
    calls: int
    orders: int
    done: int


@dataclass(frozen=True)
class TeamOnTime:
    """A team's on-time rates for the Stats view's chart."""

    team: str
    logged: int
    on_site_rate: float | None
    done_rate: float | None
    judged: int  # orders judged on either clock


@dataclass(frozen=True)
class ComplaintItem:
    id: int
    received_at: datetime
    unit_code: str
    caller: str
    matter: str
    state: str
    reply_due: datetime | None
    replied_in_time: bool | None  # None: still open and not yet due


@dataclass(frozen=True)
class Complaints:
    """Complaints (投诉) of a period: how many, closed, replied in time, the list."""

    total: int
    closed: int
    in_time: int
    late: int
    items: tuple[ComplaintItem, ...] = field(default=())

    @property
    def in_time_rate(self) -> float | None:
        return rate(self.in_time, self.in_time + self.late)


def _overdue_list(
    conn: sa.Connection,
    now: datetime,
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> tuple[list[OverdueOrder], int]:
    """Open orders of the period whose running clock is past due, most overdue first."""
    c = WO.c
    stmt = (
        sa.select(
            c.number,
            UNIT.c.code,
            c.category,
            c.priority,
            TEAM.c.name,
            c.state,
            c.logged_at,
            c.on_site_at,
            c.done_at,
            c.on_site_due,
            c.done_due,
            c.callback_due,
            c.paused_seconds,
            c.paused_since,
        )
        .select_from(
            WO.outerjoin(UNIT, c.unit_id == UNIT.c.id).outerjoin(TEAM, c.team_id == TEAM.c.id)
        )
        .where(c.state.in_(Q.OPEN), *Q.order_base(since, until))
    )
    found = []
    for row in conn.execute(stmt):
        clock = running_clock(
            state=row.state,
            logged_at=row.logged_at,
            on_site_at=row.on_site_at,
            done_at=row.done_at,
            on_site_due=row.on_site_due,
            done_due=row.done_due,
            callback_due=row.callback_due,
            paused_seconds=row.paused_seconds,
            paused_since=row.paused_since,
            done_clock_start=row.logged_at,
            now=now,
        )
        if clock.due is not None and clock.alert == "overdue":
            found.append(
                OverdueOrder(
                    number=row.number,
                    unit_code=row.code or "",
                    category=row.category,
                    priority=row.priority,
                    team=row.name or NO_TEAM,
                    state=row.state,
                    clock=clock.name,
                    due=clock.due,
                    late_by=now - clock.due,
                    logged_at=row.logged_at,
                )
            )
    found.sort(key=lambda o: o.due)
    return found[:limit], len(found)


def calls_by_category(
    ctx: Context, since: datetime | None = None, until: datetime | None = None
) -> dict[str, int]:
    """Calls received in the period per category; every category is present."""
    with ctx.engine.connect() as conn:
        return Q.calls_by_category(conn, since, until)


def figures(
    ctx: Context,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    by: str | None = None,
    overdue_limit: int = OVERDUE_LIMIT,
) -> Figures:
    """The service figures of [since, until), grouped `by` team, category or clerk if given."""
    now = ctx.now()
    key = Q.group_column(by)
    where = Q.order_base(since, until)
    with ctx.engine.connect() as conn:
        calls = Q.calls_by_category(conn, since, until)
        columns = [*Q.order_columns(now), *Q.duration_columns()]
        stmt = sa.select(key.label("k"), *columns).where(*where)
        if by is not None:
            stmt = stmt.group_by(key)
        rows = list(conn.execute(stmt))
        medians = Q.medians(rows, by is not None)
        overdue, overdue_total = _overdue_list(conn, now, since, until, overdue_limit)
        names = Q.team_names(conn) if by == "team" else {}

    def build(label: str, row: Any, k: Any) -> OrderFigures:
        counts = Q.counts(row) if row else {}
        site, done = medians.get(k, (None, None))
        return OrderFigures(label, **counts, median_to_on_site=site, median_to_done=done)

    groups = []
    if by is not None:
        for row in rows:
            label = names.get(row.k, NO_TEAM) if by == "team" else (row.k or "(none)")
            groups.append(build(label, row, row.k))
        groups.sort(key=lambda g: (-g.logged, g.group))
        total = _sum(groups, medians[Q.TOTAL])
    else:
        total = build("all", rows[0] if rows and rows[0].logged else None, Q.TOTAL)
    return Figures(
        since=since,
        until=until,
        now=now,
        by=by,
        calls=calls,
        orders=total,
        groups=tuple(groups),
        overdue=tuple(overdue),
        overdue_total=overdue_total,
    )


def _sum(
    groups: Sequence[OrderFigures], medians: tuple[timedelta | None, timedelta | None]
) -> OrderFigures:
    counts = {name: sum(getattr(g, name) for g in groups) for name in Q.COUNT_NAMES}
    return OrderFigures("all", **counts, median_to_on_site=medians[0], median_to_done=medians[1])


# --- for the charts --------------------------------------------------------


def _day_edges(ctx: Context, since: datetime, until: datetime) -> list[tuple[date, datetime]]:
    """(local day, its UTC start) for every local day touching [since, until)."""
    first = since.astimezone(ctx.tz).date()
    last = (until - timedelta(microseconds=1)).astimezone(ctx.tz).date()
    days = []
    day = first
    while day <= last:
        days.append((day, day_bounds(day, ctx.tz)[0]))
        day += timedelta(days=1)
    return days


def daily_counts(ctx: Context, since: datetime, until: datetime) -> list[DayCount]:
    """Calls received, orders logged and orders done per local day of [since, until)."""
    edges = _day_edges(ctx, since, until)
    with ctx.engine.connect() as conn:
        calls = Q.per_day(
            conn, CALL.c.received_at, [CALL.c.voided_at.is_(None)], edges, since, until
        )
        orders = Q.per_day(conn, WO.c.logged_at, [WO.c.voided_at.is_(None)], edges, since, until)
        done = Q.per_day(
            conn,
            WO.c.done_at,
            [WO.c.voided_at.is_(None), WO.c.done_at.is_not(None)],
            edges,
            since,
            until,
        )
    return [
        DayCount(day, c, o, d) for (day, _), c, o, d in zip(edges, calls, orders, done, strict=True)
    ]


def on_time_by_team(ctx: Context, since: datetime, until: datetime) -> list[TeamOnTime]:
    """Each team's on-time rates (on site and done) for orders logged in the period."""
    result = figures(ctx, since=since, until=until, by="team", overdue_limit=0)
    return [
        TeamOnTime(
            team=g.group,
            logged=g.logged,
            on_site_rate=g.on_site_rate,
            done_rate=g.done_rate,
            judged=max(g.on_site_on_time + g.on_site_late, g.done_on_time + g.done_late),
        )
        for g in result.groups
    ]


_WAITING_CALL = (CallState.open.value, CallState.passed_on.value)


def complaints(
    ctx: Context, since: datetime | None, until: datetime | None, *, limit: int = 50
) -> Complaints:
    """The complaints (投诉) of a period: counts, replies in time, the newest `limit` listed.

    A reply is in time when the call was closed before its reply deadline
    (callback_due), late when closed at or after it, or still open or passed
    on once it has passed (what the desk marks "overdue").  An answered call
    that was never closed has no reply time on record: it is not judged.
    """
    c = CALL.c
    now = ctx.now()
    now_at = sa.literal(now, UTCDateTime())
    where = [
        c.voided_at.is_(None),
        c.category == Category.complaint.value,
        *Q.period(c.received_at, since, until),
    ]
    closed = c.state == CallState.closed.value
    in_time = sa.and_(
        c.callback_due.is_not(None), c.closed_at.is_not(None), c.closed_at < c.callback_due
    )
    late = sa.and_(
        c.callback_due.is_not(None),
        sa.or_(
            sa.and_(c.closed_at.is_not(None), c.closed_at >= c.callback_due),
            sa.and_(c.closed_at.is_(None), c.state.in_(_WAITING_CALL), c.callback_due <= now_at),
        ),
    )
    with ctx.engine.connect() as conn:
        totals = conn.execute(
            sa.select(
                sa.func.count(), Q.count_when(closed), Q.count_when(in_time), Q.count_when(late)
            ).where(*where)
        ).one()
        rows = conn.execute(
            sa.select(
                c.id,
                c.received_at,
                UNIT.c.code,
                c.caller,
                c.matter,
                c.state,
                c.callback_due,
                c.closed_at,
            )
            .select_from(CALL.outerjoin(UNIT, c.unit_id == UNIT.c.id))
            .where(*where)
            .order_by(c.received_at.desc(), c.id.desc())
            .limit(limit)
        ).all()
    items = []
    for row in rows:
        verdict: bool | None = None
        if row.callback_due is not None:
            if row.closed_at is not None:
                verdict = row.closed_at < row.callback_due
            elif row.state in _WAITING_CALL and row.callback_due <= now:
                verdict = False
        items.append(
            ComplaintItem(
                id=row.id,
                received_at=row.received_at,
                unit_code=row.code or "",
                caller=row.caller,
                matter=row.matter,
                state=row.state,
                reply_due=row.callback_due,
                replied_in_time=verdict,
            )
        )
    total, n_closed, n_in_time, n_late = (int(v) for v in totals)
    return Complaints(total, n_closed, n_in_time, n_late, tuple(items))


def period_label(since: datetime | None, until: datetime | None, ctx: Context) -> str:
    """'2026-11-01 – 2026-11-30' in local dates (until is exclusive)."""
    start = since.astimezone(ctx.tz).strftime("%Y-%m-%d") if since else "the beginning"
    if until is None:
        return f"{start} – now"
    end = (until - timedelta(microseconds=1)).astimezone(ctx.tz).strftime("%Y-%m-%d")
    return f"{start} – {end}"


__all__ = [
    "GROUPINGS",
    "Complaints",
    "DayCount",
    "Figures",
    "OrderFigures",
    "OverdueOrder",
    "TeamOnTime",
    "calls_by_category",
    "complaints",
    "daily_counts",
    "figures",
    "on_time_by_team",
    "period_label",
]
