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

Counts are aggregated in SQL (SUM(CASE ...)) over the covering index
`ix_order_stats`; medians stream one narrow column pair.  Time arithmetic
uses `deadlines.EpochSeconds`, which each database compiles in its own SQL.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from deskclerk.errors import InvalidInput
from deskclerk.models import (
    Call,
    CallState,
    Category,
    OrderState,
    Team,
    Unit,
    UTCDateTime,
    WorkOrder,
)
from deskclerk.services.context import Context
from deskclerk.services.deadlines import EpochSeconds, running_clock
from deskclerk.services.tables import table_of
from deskclerk.timeparse import day_bounds

WO = table_of(WorkOrder)
CALL = table_of(Call)
TEAM = table_of(Team)
UNIT = table_of(Unit)

GROUPINGS = ("team", "category", "clerk")
NO_TEAM = "(no team)"
OVERDUE_LIMIT = 100
_EPS = 0.0005  # seconds: julianday() arithmetic is exact to ~50 µs, never to the last bit

_BEFORE_ARRIVAL = (OrderState.logged.value, OrderState.dispatched.value)
_WORKING = (*_BEFORE_ARRIVAL, OrderState.on_site.value)
_OPEN = (*_WORKING, OrderState.done.value)


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


# --- SQL building blocks ---------------------------------------------------


def _due_not_after(due: Any, paused: Any, at: Any, at_seconds: Any) -> Any:
    """SQL: due + paused seconds <= at (the clock was breached by `at`).

    Exact timestamp comparison when nothing was paused (most orders); epoch
    arithmetic otherwise.
    """
    return sa.or_(
        sa.and_(paused == 0, due <= at),
        sa.and_(paused != 0, EpochSeconds(due) + paused <= at_seconds + _EPS),
    )


def _period(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    where = []
    if since is not None:
        where.append(column >= since)
    if until is not None:
        where.append(column < until)
    return where


def _count(cond: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


# Two counts in one SUM: the low one in the low 32 bits, the high one above.  Each
# row's CASE is then decided once for both counts (say, on time or late), which
# halves the work of a year's scan; `_unpack` splits the sum again.
_HIGH = 1 << 32


def _big(value: int) -> Any:
    """An integer literal typed BIGINT, so every database sums it in 64 bits."""
    return sa.literal(value, sa.BigInteger())


def _pair(*whens: tuple[Any, Any], otherwise: int = 0) -> Any:
    cases = [(cond, _big(value) if isinstance(value, int) else value) for cond, value in whens]
    return sa.func.coalesce(sa.func.sum(sa.case(*cases, else_=_big(otherwise))), 0)


def _unpack(value: Any) -> tuple[int, int]:
    """(low count, high count) of a `_pair` sum."""
    total = int(value or 0)
    return total & (_HIGH - 1), total >> 32


def _order_columns(now: datetime) -> list[Any]:
    """The labelled aggregates of one group of orders (see the module's definitions).

    Cheap, selective tests come first in each condition: most orders of a
    past period are closed, and SQL stops at the first false term.
    """
    c = WO.c
    now_at = sa.literal(now, UTCDateTime())
    now_s = sa.literal(now.timestamp(), sa.Float())
    paused = c.paused_seconds
    cancelled = c.state == OrderState.cancelled.value

    def breached_now(due: Any) -> Any:
        # still waiting: late once due + pauses (+ the pause running now) has come
        return sa.or_(
            sa.and_(c.paused_since.is_(None), _due_not_after(due, paused, now_at, now_s)),
            sa.and_(
                c.paused_since.is_not(None),
                _due_not_after(due, paused, c.paused_since, EpochSeconds(c.paused_since)),
            ),
        )

    def clock(due: Any, event: Any, waiting_states: tuple[str, ...]) -> Any:
        # low: the event came in time; high: it came late, or is still awaited past due
        return _pair(
            (sa.or_(due.is_(None), cancelled), 0),
            (
                event.is_not(None),
                sa.case(
                    (_due_not_after(due, paused, event, EpochSeconds(event)), _big(_HIGH)),
                    else_=_big(1),
                ),
            ),
            (sa.and_(c.state.in_(waiting_states), breached_now(due)), _HIGH),
        )

    overdue = sa.and_(
        c.state.in_(_OPEN),
        sa.or_(
            sa.and_(
                c.state == OrderState.done.value,
                c.callback_due.is_not(None),
                c.callback_due <= now_at,
            ),
            sa.and_(
                c.on_site_at.is_(None),
                c.on_site_due.is_not(None),
                c.state.in_(_BEFORE_ARRIVAL),
                breached_now(c.on_site_due),
            ),
            sa.and_(
                c.done_at.is_(None),
                c.done_due.is_not(None),
                c.state.in_(_WORKING),
                breached_now(c.done_due),
            ),
        ),
    )
    return [
        sa.func.count().label("logged"),
        _pair((c.state == OrderState.closed.value, 1), (cancelled, _HIGH)).label(
            "closed_cancelled"
        ),
        clock(c.on_site_due, c.on_site_at, _BEFORE_ARRIVAL).label("on_site"),
        clock(c.done_due, c.done_at, _WORKING).label("done_clock"),
        # low: satisfied; high: reached with any verdict
        _pair((c.verdict == "", 0), (c.verdict == "satisfied", 1 + _HIGH), otherwise=_HIGH).label(
            "satisfied_called_back"
        ),
        _count(sa.and_(sa.or_(c.done_at.is_not(None), c.verdict != ""), sa.not_(cancelled))).label(
            "done"
        ),
        _count(overdue).label("overdue"),
    ]


def _counts(row: Any) -> dict[str, int]:
    """The counts of one result row of `_order_columns`."""
    closed, cancelled = _unpack(row.closed_cancelled)
    on_site_on_time, on_site_late = _unpack(row.on_site)
    done_on_time, done_late = _unpack(row.done_clock)
    satisfied, called_back = _unpack(row.satisfied_called_back)
    return {
        "logged": int(row.logged),
        "closed": closed,
        "cancelled": cancelled,
        "on_site_on_time": on_site_on_time,
        "on_site_late": on_site_late,
        "done_on_time": done_on_time,
        "done_late": done_late,
        "done": int(row.done),
        "called_back": called_back,
        "satisfied": satisfied,
        "overdue": int(row.overdue),
    }


def _group_column(by: str | None) -> Any:
    if by is None:
        return sa.literal("all")
    if by == "team":
        return WO.c.team_id
    if by == "category":
        return WO.c.category
    if by == "clerk":
        return WO.c.logged_by
    raise InvalidInput(f"Cannot group by {by!r}: choose team, category or clerk.")


def _team_names(conn: sa.Connection) -> dict[Any, str]:
    return {row.id: row.name for row in conn.execute(sa.select(TEAM.c.id, TEAM.c.name))}


def _order_base(since: datetime | None, until: datetime | None) -> list[Any]:
    return [WO.c.voided_at.is_(None), *_period(WO.c.logged_at, since, until)]


def _medians(
    conn: sa.Connection, key: Any | None, where: list[Any]
) -> dict[Any, tuple[timedelta | None, timedelta | None]]:
    """Median time from logging to on site and to done, per group key and for None (all).

    The durations come back as one comma-joined string per group
    (`aggregate_strings`: group_concat / string_agg), which costs a third of
    fetching a year's 65,000 rows one by one; Python sorts them.  `key` None:
    no groups, only the whole.
    """
    c = WO.c
    logged = EpochSeconds(c.logged_at)

    def joined(end: Any) -> Any:
        return sa.func.aggregate_strings(sa.cast(EpochSeconds(end) - logged, sa.String()), ",")

    def values(text: str | None) -> list[float]:
        return [float(v) for v in text.split(",")] if text else []

    def median(found: list[float]) -> timedelta | None:
        return timedelta(seconds=round(statistics.median(found))) if found else None

    stmt = sa.select(
        (sa.literal(None) if key is None else key).label("k"),
        joined(c.on_site_at).label("to_site"),
        joined(c.done_at).label("to_done"),
    ).where(*where, c.on_site_at.is_not(None))
    if key is not None:
        stmt = stmt.group_by(key)
    out: dict[Any, tuple[timedelta | None, timedelta | None]] = {}
    every_site: list[float] = []
    every_done: list[float] = []
    for k, site_text, done_text in conn.execute(stmt):
        site, done = values(site_text), values(done_text)
        if key is None:
            return {None: (median(site), median(done))}
        out[k] = (median(site), median(done))
        every_site += site
        every_done += done
    out[None] = (median(every_site), median(every_done))
    return out


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
        .where(c.state.in_(_OPEN), *_order_base(since, until))
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
        return _calls_by_category(conn, since, until)


def _calls_by_category(
    conn: sa.Connection, since: datetime | None, until: datetime | None
) -> dict[str, int]:
    # `category IN (...)` lets the database walk ix_call_stats one category at a time
    # over the period's range, with no sort and no table reads.
    categories = [c.value for c in Category]
    stmt = (
        sa.select(CALL.c.category, sa.func.count())
        .where(
            CALL.c.category.in_(categories),
            *_period(CALL.c.received_at, since, until),
            CALL.c.voided_at.is_(None),
        )
        .group_by(CALL.c.category)
    )
    counts = dict.fromkeys(categories, 0)
    for category, n in conn.execute(stmt):
        counts[category] = n
    return counts


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
    key = _group_column(by)
    where = _order_base(since, until)
    with ctx.engine.connect() as conn:
        calls = _calls_by_category(conn, since, until)
        stmt = sa.select(key.label("k"), *_order_columns(now)).where(*where)
        if by is not None:
            stmt = stmt.group_by(key)
        rows = list(conn.execute(stmt))
        medians = _medians(conn, None if by is None else key, where)
        overdue, overdue_total = _overdue_list(conn, now, since, until, overdue_limit)
        names = _team_names(conn) if by == "team" else {}

    def build(label: str, row: Any, k: Any) -> OrderFigures:
        counts = _counts(row) if row else {}
        site, done = medians.get(k, (None, None))
        return OrderFigures(label, **counts, median_to_on_site=site, median_to_done=done)

    groups = []
    if by is not None:
        for row in rows:
            label = names.get(row.k, NO_TEAM) if by == "team" else (row.k or "(none)")
            groups.append(build(label, row, row.k))
        groups.sort(key=lambda g: (-g.logged, g.group))
        total = _sum(groups, medians[None])
    else:
        total = build("all", rows[0] if rows and rows[0].logged else None, None)
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


_COUNT_NAMES = (
    "logged",
    "closed",
    "cancelled",
    "on_site_on_time",
    "on_site_late",
    "done_on_time",
    "done_late",
    "done",
    "called_back",
    "satisfied",
    "overdue",
)


def _sum(
    groups: Sequence[OrderFigures], medians: tuple[timedelta | None, timedelta | None]
) -> OrderFigures:
    counts = {name: sum(getattr(g, name) for g in groups) for name in _COUNT_NAMES}
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


def _per_day(
    conn: sa.Connection,
    column: Any,
    extra: list[Any],
    edges: list[tuple[date, datetime]],
    since: datetime,
    until: datetime,
) -> list[int]:
    """Rows per local day, by one grouped query per year of days.

    Each row's day is found by a balanced tree of CASEs over the days' UTC
    starts (about 9 comparisons a row for a year), so DST days come out right
    and the SQL stays portable.
    """
    counts = [0] * len(edges)
    for first in range(0, len(edges), 366):
        part = edges[first : first + 366]
        lo = max(since, part[0][1])
        hi = min(until, edges[first + 366][1]) if first + 366 < len(edges) else until

        def tree(a: int, b: int, part: list[tuple[date, datetime]] = part) -> Any:
            if b - a == 1:
                return sa.literal(a)
            mid = (a + b) // 2
            return sa.case((column >= part[mid][1], tree(mid, b)), else_=tree(a, mid))

        bucket = tree(0, len(part)).label("d")
        stmt = (
            sa.select(bucket, sa.func.count())
            .where(*extra, column >= lo, column < hi)
            .group_by(bucket)
        )
        for i, n in conn.execute(stmt):
            counts[first + int(i)] += n
    return counts


def daily_counts(ctx: Context, since: datetime, until: datetime) -> list[DayCount]:
    """Calls received, orders logged and orders done per local day of [since, until)."""
    edges = _day_edges(ctx, since, until)
    with ctx.engine.connect() as conn:
        calls = _per_day(
            conn, CALL.c.received_at, [CALL.c.voided_at.is_(None)], edges, since, until
        )
        orders = _per_day(conn, WO.c.logged_at, [WO.c.voided_at.is_(None)], edges, since, until)
        done = _per_day(
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
        *_period(c.received_at, since, until),
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
            sa.select(sa.func.count(), _count(closed), _count(in_time), _count(late)).where(*where)
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
