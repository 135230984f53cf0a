"""Median time to on site and to done, per group of orders, exact to the stored microsecond.

The durations are the integers `to_site_us` / `to_done_us` of orders the team
reached (on_site_at set).  A long period's medians are read by walking an
index of the durations in order to the middle (`ORDER BY … LIMIT 2 OFFSET
n/2` over the partial indexes of migration 0003: ix_order_to_site / _done for
the whole period, ix_order_team_to_* for each team), a few milliseconds
however many orders the period has.  A short period's durations, and those of
groups by category or clerk, are fetched as one joined string per group and
sorted in Python, which costs less than a walk that may pass the entries of
the whole history before the period's middle.

`counted()` is selected with the other aggregates (stats_sql.order_columns),
so the sizes the walks need come from the same scan.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from deskclerk.models import UTCDateTime
from deskclerk.services import stats_sql as Q
from deskclerk.services.stats_sql import WO

Medians = tuple[timedelta | None, timedelta | None]

# A period with at least this many durations (of one clock) walks the indexes;
# fewer are fetched and sorted (about 0.3 µs a duration against 0.04 µs per index
# entry walked, and a walk may pass the whole history's entries before the middle).
WALK_FROM = 8_000

# The key of the whole period's medians: not None, which is a group's key too
# (orders with no team, no clerk).
TOTAL = ("all",)

_CLOCKS = (("to_site_us", "ix_order_to_site"), ("to_done_us", "ix_order_to_done"))
_TEAM_INDEX = {"to_site_us": "ix_order_team_to_site", "to_done_us": "ix_order_team_to_done"}


def _timed(name: str) -> Any:
    """SQL: this order's duration counts towards the median."""
    return sa.and_(WO.c.on_site_at.is_not(None), getattr(WO.c, name).is_not(None))


def counted() -> Any:
    """The labelled aggregate `timed`: durations to on site (low) and to done (high)."""

    def weight(name: str, value: int) -> Any:
        return sa.case((_timed(name), sa.literal(value, sa.BigInteger())), else_=0)

    both = weight("to_site_us", 1) + weight("to_done_us", Q.HIGH)  # an order counts in each
    return sa.func.coalesce(sa.func.sum(both), 0).label("timed")


def sizes(row: Any) -> tuple[int, int]:
    """(durations to on site, durations to done) of a row carrying `counted()`."""
    return Q.unpack(row.timed)


def fetches_all(by: str | None) -> bool:
    """True for groupings whose groups never walk (category, clerk): their durations
    are best read in the same scan as the counts (`joined()`)."""
    return by in ("category", "clerk")


def _median(found: list[int]) -> timedelta | None:
    return timedelta(seconds=round(statistics.median(found) / 1_000_000)) if found else None


def _walk(
    conn: sa.Connection,
    name: str,
    n: int,
    since: datetime | None,
    until: datetime | None,
    team: Any = TOTAL,
) -> timedelta | None:
    """The median of the `n` durations `name` of the period (of one team if `team` is
    given), read as the middle one or two entries of the index in order."""
    if n == 0:
        return None
    value = sa.column(name, sa.BigInteger())
    logged = sa.column("logged_at", UTCDateTime())
    where = [
        sa.column("on_site_at").is_not(None),  # the indexes' own condition
        value.is_not(None),
        sa.column("voided_at").is_(None),
        *Q.period(logged, since, until),
    ]
    index = dict(_CLOCKS)[name]
    if team != TOTAL:
        index = _TEAM_INDEX[name]
        team_id: sa.ColumnClause[Any] = sa.column("team_id")
        where.append(team_id.is_(None) if team is None else team_id == team)
    # SQLite's planner prefers the period's range on ix_order_stats and a sort;
    # the index is named for it.  Other databases get the same query unhinted.
    source = "work_order"
    if conn.dialect.name == "sqlite":
        source += f" INDEXED BY {index}"
    stmt = (
        sa.select(value)
        .select_from(sa.text(source))
        .where(*where)
        .order_by(value)
        .limit(2 - n % 2)
        .offset((n - 1) // 2)
    )
    middle = [int(v) for v in conn.execute(stmt).scalars()]
    if not middle:  # cannot happen inside one read transaction; say "unknown" if it does
        return None
    return _median(middle)


def joined() -> list[Any]:
    """The labelled aggregates `to_site_us` / `to_done_us`: a group's durations as one
    comma-joined string (group_concat / string_agg), read by `parsed`."""

    def one(name: str) -> Any:
        value = sa.case((WO.c.on_site_at.is_not(None), getattr(WO.c, name)))
        return sa.func.aggregate_strings(sa.cast(value, sa.String()), ",").label(name)

    return [one("to_site_us"), one("to_done_us")]


def parsed(rows: Iterable[Any], grouped: bool) -> dict[Any, tuple[list[int], list[int]]]:
    """The durations of rows carrying `joined()`, per group key `row.k` (or under TOTAL)."""

    def values(text: str | None) -> list[int]:
        return json.loads(f"[{text}]") if text else []  # C-parsed: half of int() a value

    return {
        row.k if grouped else TOTAL: (values(row.to_site_us), values(row.to_done_us))
        for row in rows
    }


def _fetched(
    conn: sa.Connection, where: list[Any], key: Any, grouped: bool
) -> dict[Any, tuple[list[int], list[int]]]:
    """Every duration of the period, per group key (or under TOTAL), fetched and parsed."""
    stmt = sa.select(key.label("k"), *joined()).where(*where)
    if grouped:
        stmt = stmt.group_by(key)
    return parsed(conn.execute(stmt), grouped)


def medians(
    conn: sa.Connection,
    *,
    by: str | None,
    since: datetime | None,
    until: datetime | None,
    groups: Iterable[tuple[Any, tuple[int, int]]],
    fetched: dict[Any, tuple[list[int], list[int]]] | None = None,
) -> dict[Any, Medians]:
    """Medians per group key and for TOTAL, given each group's `sizes` (for a
    grouped query, every group with orders; ungrouped, just TOTAL).  `fetched`:
    every group's durations if the caller read them already (see `fetches_all`)."""
    counts = dict(groups)
    if by is not None:
        site = sum(n for n, _ in counts.values())
        done = sum(n for _, n in counts.values())
        counts[TOTAL] = (site, done)

    # A clock walks for the whole period and, by team, for every team (a team's walk
    # costs at most the period's; fetching a few teams' durations would scan it all).
    total_site, total_done = counts.get(TOTAL, (0, 0))
    walked = {"site": total_site >= WALK_FROM, "done": total_done >= WALK_FROM}

    def walks(key: Any, clock: str) -> bool:
        return (key == TOTAL or by == "team") and walked[clock]

    out: dict[Any, Medians] = {}
    pending = []  # keys with a clock too small to walk
    for key, (n_site, n_done) in counts.items():
        out[key] = (
            _walk(conn, "to_site_us", n_site, since, until, key) if walks(key, "site") else None,
            _walk(conn, "to_done_us", n_done, since, until, key) if walks(key, "done") else None,
        )
        if not (walks(key, "site") and walks(key, "done")):
            pending.append(key)
    if not pending:
        return out
    if fetched is None:
        column = Q.group_column(by)
        where = Q.order_base(since, until)
        if by is not None and TOTAL not in pending:  # only the groups that were not walked
            named = [k for k in pending if k is not None]
            none = [column.is_(None)] if None in pending else []
            where.append(sa.or_(column.in_(named), *none))
        fetched = _fetched(conn, where, column, by is not None)
    for key in pending:
        if key == TOTAL and by is not None:
            site = [v for found, _ in fetched.values() for v in found]
            done = [v for _, found in fetched.values() for v in found]
        else:
            site, done = fetched.get(key, ([], []))
        walked_site, walked_done = out[key]
        out[key] = (
            walked_site if walks(key, "site") else _median(site),
            walked_done if walks(key, "done") else _median(done),
        )
    return out
