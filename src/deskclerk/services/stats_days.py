"""Counts per local day (calls received, orders logged, orders done) for the charts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from deskclerk.services import stats_sql as Q
from deskclerk.services.context import Context
from deskclerk.services.stats_shapes import DayCount
from deskclerk.services.stats_sql import CALL, WO
from deskclerk.timeparse import day_bounds


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
