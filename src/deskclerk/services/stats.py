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
covering indexes `ix_order_stats`, by team `ix_order_team_stats`, and
`ix_call_stats`); medians are read from indexes of the stored durations
(services/stats_medians.py).  The queries run at once on their own connections
(services/stats_together.py, which says what they see), the orders counted in
two halves of the period.  The shapes are in
stats_shapes.py, complaints in stats_complaints.py, the per-day counts in
stats_days.py; every public name is importable from here.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from deskclerk.models import UTCDateTime
from deskclerk.services import stats_medians as M
from deskclerk.services import stats_sql as Q
from deskclerk.services.context import Context
from deskclerk.services.deadlines import row_clock
from deskclerk.services.stats_complaints import ComplaintItem, Complaints, complaints
from deskclerk.services.stats_days import daily_counts
from deskclerk.services.stats_shapes import (
    DayCount,
    Figures,
    OrderFigures,
    OverdueOrder,
    TeamOnTime,
    rate,
)
from deskclerk.services.stats_sql import TEAM, UNIT, WO
from deskclerk.services.stats_together import Job, read_together

GROUPINGS = ("team", "category", "clerk")
NO_TEAM = "(no team)"
OVERDUE_LIMIT = 100


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
        clock = row_clock(row, now)
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


def _logged(since: bool, until: bool) -> list[Any]:
    """Orders of [lo, hi) not voided (either end open if not `since` / `until`)."""
    where: list[Any] = [WO.c.voided_at.is_(None)]
    where += [WO.c.logged_at >= sa.bindparam("lo", type_=UTCDateTime())] if since else []
    where += [WO.c.logged_at < sa.bindparam("hi", type_=UTCDateTime())] if until else []
    return where


@functools.cache
def _counts(by: str | None, since: bool, until: bool) -> sa.Select[Any]:
    """The counts and median sizes of the orders logged in [lo, hi), per group `k`:
    made once, for it takes longer to build than a month's figures take to count."""
    key = Q.group_column(by)
    durations = M.joined() if M.fetches_all(by) else []
    stmt = sa.select(key.label("k"), *Q.order_columns(), M.counted(), *durations)
    stmt = stmt.where(*_logged(since, until))
    return stmt.group_by(key) if by is not None else stmt


@functools.cache
def _team_counts(since: bool, until: bool, listed: bool) -> sa.Select[Any]:
    """`_counts` by team, of the teams `teams` (or of the orders with no team): each
    team's orders one range of ix_order_team_stats, read in team order (no sort)."""
    team = WO.c.team_id
    which = team.in_(sa.bindparam("teams", expanding=True)) if listed else team.is_(None)
    stmt = sa.select(team.label("k"), *Q.order_columns(), M.counted())
    return stmt.where(*_logged(since, until), which).group_by(team)


def _count(conn: sa.Connection, by: str | None, params: dict[str, Any]) -> Sequence[Any]:
    """The rows of `_counts` for the period part in `params` (lo, hi, now_params)."""
    ends = (params["lo"] is not None, params["hi"] is not None)
    if by != "team":
        return conn.execute(_counts(by, *ends), params).all()
    teams = list(conn.execute(sa.select(TEAM.c.id)).scalars())
    rows = conn.execute(_team_counts(*ends, True), {**params, "teams": teams}).all()
    return [*rows, *conn.execute(_team_counts(*ends, False), params).all()]


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
    Q.group_column(by)  # refuses an unknown grouping before any query runs
    grouped = by is not None

    def orders(lo: datetime | None, hi: datetime | None) -> Job:
        def count(conn: sa.Connection) -> Sequence[Any]:
            return _count(conn, by, {**Q.now_params(now), "lo": lo, "hi": hi})

        return count

    def with_medians(conn: sa.Connection, found: list[Any]) -> tuple[list[Any], Any]:
        # after the counts, on the first one's connection (the same snapshot): the
        # parts' rows added up per group, and the medians their sizes call for
        parts: dict[Any, list[Any]] = {}
        for row in (row for part in found[:-2] for row in part):
            parts.setdefault(row.k, []).append(row)
        rows = [row for row in map(Q.added, parts.values()) if row.logged]
        sizes = [(row.k if grouped else M.TOTAL, M.sizes(row)) for row in rows]
        fetched = M.parsed(rows, grouped) if M.fetches_all(by) else None
        return rows, M.medians(conn, by=by, since=since, until=until, groups=sizes, fetched=fetched)

    def calls(conn: sa.Connection) -> tuple[dict[str, int], dict[Any, str]]:
        return Q.calls_by_category(conn, since, until), Q.team_names(conn) if by == "team" else {}

    def overdue(conn: sa.Connection) -> tuple[list[OverdueOrder], int]:
        return _overdue_list(conn, now, since, until, overdue_limit)

    # The queries run at once on their own connections (stats_together: one snapshot
    # on SQLite), the orders counted in two halves of the period.
    jobs = [*(orders(lo, hi) for lo, hi in Q.halves(since, until)), calls, overdue]
    found = read_together(ctx.engine, jobs, then=with_medians)
    (calls_, names), (overdue_, overdue_total), (rows, medians) = found[-3:]

    def build(label: str, row: Any, k: Any) -> OrderFigures:
        counts = Q.counts(row) if row else {}
        site, done = medians.get(k, (None, None))
        return OrderFigures(label, **counts, median_to_on_site=site, median_to_done=done)

    groups = []
    if grouped:
        for row in rows:
            label = names.get(row.k, NO_TEAM) if by == "team" else (row.k or "(none)")
            groups.append(build(label, row, row.k))
        groups.sort(key=lambda g: (-g.logged, g.group))
        total = _sum(groups, medians[M.TOTAL])
    else:
        total = build("all", rows[0] if rows else None, M.TOTAL)
    return Figures(
        since=since,
        until=until,
        now=now,
        by=by,
        calls=calls_,
        orders=total,
        groups=tuple(groups),
        overdue=tuple(overdue_),
        overdue_total=overdue_total,
    )


def _sum(groups: Sequence[OrderFigures], medians: M.Medians) -> OrderFigures:
    counts = {name: sum(getattr(g, name) for g in groups) for name in Q.COUNT_NAMES}
    return OrderFigures("all", **counts, median_to_on_site=medians[0], median_to_done=medians[1])


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


def period_label(since: datetime | None, until: datetime | None, ctx: Context) -> str:
    """'2026-11-01 – 2026-11-30' in local dates (until is exclusive)."""
    start = since.astimezone(ctx.tz).strftime("%Y-%m-%d") if since else "the beginning"
    if until is None:
        return f"{start} – now"
    end = (until - timedelta(microseconds=1)).astimezone(ctx.tz).strftime("%Y-%m-%d")
    return f"{start} – {end}"


__all__ = [
    "GROUPINGS",
    "ComplaintItem",
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
    "rate",
]
