"""The SQL behind the service figures: portable aggregates over the covering indexes.

Kept apart from services/stats.py, which holds the public shapes and the
definitions; everything here returns plain numbers.  Time arithmetic uses
`deadlines.EpochSeconds`, which each database compiles in its own SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from deskclerk.errors import InvalidInput
from deskclerk.models import Call, Category, OrderState, Team, Unit, UTCDateTime, WorkOrder
from deskclerk.services.deadlines import EpochSeconds
from deskclerk.services.tables import table_of

WO = table_of(WorkOrder)
CALL = table_of(Call)
TEAM = table_of(Team)
UNIT = table_of(Unit)

_EPS = 0.0005  # seconds: julianday() arithmetic is exact to ~50 µs, never to the last bit

BEFORE_ARRIVAL = (OrderState.logged.value, OrderState.dispatched.value)
WORKING = (*BEFORE_ARRIVAL, OrderState.on_site.value)
OPEN = (*WORKING, OrderState.done.value)


def due_not_after(due: Any, paused: Any, at: Any, at_seconds: Any) -> Any:
    """SQL: due + paused seconds <= at (the clock was breached by `at`).

    Exact timestamp comparison when nothing was paused (most orders); epoch
    arithmetic otherwise.
    """
    return sa.or_(
        sa.and_(paused == 0, due <= at),
        sa.and_(paused != 0, EpochSeconds(due) + paused <= at_seconds + _EPS),
    )


def period(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    where = []
    if since is not None:
        where.append(column >= since)
    if until is not None:
        where.append(column < until)
    return where


def count_when(cond: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


# Two counts in one SUM: the low one in the low 32 bits, the high one above.  Each
# row's CASE is then decided once for both counts (say, on time or late), which
# halves the work of a year's scan; `unpack` splits the sum again.
HIGH = 1 << 32


def _big(value: int) -> Any:
    """An integer literal typed BIGINT, so every database sums it in 64 bits."""
    return sa.literal(value, sa.BigInteger())


def pair(*whens: tuple[Any, Any], otherwise: int = 0) -> Any:
    cases = [(cond, _big(value) if isinstance(value, int) else value) for cond, value in whens]
    return sa.func.coalesce(sa.func.sum(sa.case(*cases, else_=_big(otherwise))), 0)


def unpack(value: Any) -> tuple[int, int]:
    """(low count, high count) of a `pair` sum."""
    total = int(value or 0)
    return total & (HIGH - 1), total >> 32


def now_params(now: datetime) -> dict[str, Any]:
    """The parameters of `order_columns`: the present instant."""
    return {"now_at": now, "now_s": now.timestamp()}


def order_columns() -> list[Any]:
    """The labelled aggregates of one group of orders (see the module's definitions),
    as of the instant given by `now_params` when the statement is run.

    Cheap, selective tests come first in each condition: most orders of a
    past period are closed, and SQL stops at the first false term.
    """
    c = WO.c
    now_at = sa.bindparam("now_at", type_=UTCDateTime())
    now_s = sa.bindparam("now_s", type_=sa.Float())
    paused = c.paused_seconds
    cancelled = c.state == OrderState.cancelled.value

    def breached_now(due: Any) -> Any:
        # still waiting: late once due + pauses (+ the pause running now) has come
        return sa.or_(
            sa.and_(c.paused_since.is_(None), due_not_after(due, paused, now_at, now_s)),
            sa.and_(
                c.paused_since.is_not(None),
                due_not_after(due, paused, c.paused_since, EpochSeconds(c.paused_since)),
            ),
        )

    def clock(due: Any, event: Any, waiting_states: tuple[str, ...]) -> Any:
        # low: the event came in time; high: it came late, or is still awaited past due
        return pair(
            (sa.or_(due.is_(None), cancelled), 0),
            (
                event.is_not(None),
                sa.case(
                    (due_not_after(due, paused, event, EpochSeconds(event)), _big(HIGH)),
                    else_=_big(1),
                ),
            ),
            (sa.and_(c.state.in_(waiting_states), breached_now(due)), HIGH),
        )

    overdue = sa.and_(
        c.state.in_(OPEN),
        sa.or_(
            sa.and_(
                c.state == OrderState.done.value,
                c.callback_due.is_not(None),
                c.callback_due <= now_at,
            ),
            sa.and_(
                c.on_site_at.is_(None),
                c.on_site_due.is_not(None),
                c.state.in_(BEFORE_ARRIVAL),
                breached_now(c.on_site_due),
            ),
            sa.and_(
                c.done_at.is_(None),
                c.done_due.is_not(None),
                c.state.in_(WORKING),
                breached_now(c.done_due),
            ),
        ),
    )
    return [
        sa.func.count().label("logged"),
        pair((c.state == OrderState.closed.value, 1), (cancelled, HIGH)).label("closed_cancelled"),
        clock(c.on_site_due, c.on_site_at, BEFORE_ARRIVAL).label("on_site"),
        clock(c.done_due, c.done_at, WORKING).label("done_clock"),
        # low: satisfied; high: reached with any verdict
        pair((c.verdict == "", 0), (c.verdict == "satisfied", 1 + HIGH), otherwise=HIGH).label(
            "satisfied_called_back"
        ),
        count_when(
            sa.and_(sa.or_(c.done_at.is_not(None), c.verdict != ""), sa.not_(cancelled))
        ).label("done"),
        count_when(overdue).label("overdue"),
    ]


def counts(row: Any) -> dict[str, int]:
    """The counts of one result row of `order_columns`."""
    closed, cancelled = unpack(row.closed_cancelled)
    on_site_on_time, on_site_late = unpack(row.on_site)
    done_on_time, done_late = unpack(row.done_clock)
    satisfied, called_back = unpack(row.satisfied_called_back)
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


def added(rows: list[Any]) -> Any:
    """One result row of `order_columns` (with `counted`, durations joined) for the
    parts of a period or group: the sums of theirs (paired sums add as they are),
    joined durations joined again, the group key `k` kept."""
    out: dict[str, Any] = {}
    for name in rows[0]._fields:
        values = [getattr(row, name) for row in rows]
        if name == "k":
            out[name] = values[0]
        elif any(isinstance(v, str) for v in values):
            out[name] = ",".join(v for v in values if v) or None
        else:
            out[name] = sum(int(v or 0) for v in values)
    return SimpleNamespace(**out)


def halves(since: datetime | None, until: datetime | None) -> list[tuple[Any, Any]]:
    """The period cut in two at its middle instant (whole if it is open-ended)."""
    if since is None or until is None or until <= since:
        return [(since, until)]
    middle = since + (until - since) / 2
    return [(since, middle), (middle, until)]


def group_column(by: str | None) -> Any:
    if by is None:
        return sa.literal("all")
    if by == "team":
        return WO.c.team_id
    if by == "category":
        return WO.c.category
    if by == "clerk":
        return WO.c.logged_by
    raise InvalidInput(f"Cannot group by {by!r}: choose team, category or clerk.")


def team_names(conn: sa.Connection) -> dict[Any, str]:
    return {row.id: row.name for row in conn.execute(sa.select(TEAM.c.id, TEAM.c.name))}


def order_base(since: datetime | None, until: datetime | None) -> list[Any]:
    return [WO.c.voided_at.is_(None), *period(WO.c.logged_at, since, until)]


def calls_by_category(
    conn: sa.Connection, since: datetime | None, until: datetime | None
) -> dict[str, int]:
    """Calls received in the period per category (every category of the enum present)."""
    # One count per category, each over its own range of ix_call_stats (category,
    # received_at, voided_at): read from the index alone, with no grouping of the
    # period's rows (a third cheaper than `category IN (...) GROUP BY category`).
    categories = [c.value for c in Category]

    def count(category: str) -> Any:
        where = [CALL.c.category == category, *period(CALL.c.received_at, since, until)]
        return sa.select(sa.func.count()).where(*where, CALL.c.voided_at.is_(None))

    row = conn.execute(sa.select(*(count(c).scalar_subquery() for c in categories))).one()
    return {category: int(n) for category, n in zip(categories, row, strict=True)}


COUNT_NAMES = (
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


def per_day(
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
