"""Paging by key: lists are newest first by (time, id) and go on from a cursor, never an OFFSET."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

T = TypeVar("T")
Row = TypeVar("Row")

Cursor = tuple[datetime, int]  # (time, id) of the last row shown
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; `next` is the cursor for the following page (None: the last)."""

    items: list[T]
    next: Cursor | None


def newest_first(
    stmt: sa.Select[Any],
    time_col: Any,
    id_col: Any,
    *,
    before: Cursor | None,
    limit: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> sa.Select[Any]:
    """`stmt` restricted to [since, until) and to rows older than `before`, newest first.

    Asks for one row more than `limit` so the caller knows whether a next page
    exists without counting.  The cursor test is written as `time <= t AND
    (time < t OR id < i)` so the (time, id) index gives a range scan that starts
    at the cursor instead of walking past every newer row.
    """
    if since is not None:
        stmt = stmt.where(time_col >= since)
    if until is not None:
        stmt = stmt.where(time_col < until)
    if before is not None:
        at, last_id = before
        stmt = stmt.where(time_col <= at, sa.or_(time_col < at, id_col < last_id))
    return stmt.order_by(time_col.desc(), id_col.desc()).limit(clamp_limit(limit) + 1)


def clamp_limit(limit: int) -> int:
    """A page size between 1 and MAX_LIMIT."""
    return max(1, min(int(limit), MAX_LIMIT))


def make_page(
    rows: Sequence[Row],
    limit: int,
    build: Callable[[Row], T],
    key: Callable[[T], Cursor],
) -> Page[T]:
    """Turn the rows of a `newest_first` query into a Page (the extra row only marks `next`)."""
    limit = clamp_limit(limit)
    items = [build(r) for r in rows[:limit]]
    nxt = key(items[-1]) if len(rows) > limit and items else None
    return Page(items, nxt)
