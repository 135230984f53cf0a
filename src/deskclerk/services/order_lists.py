"""Reading work orders: one order, its steps, and the lists the desk shows
(newest first, most urgent first, callbacks waiting, a likely duplicate).
Import them from `deskclerk.services.orders`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import InvalidInput
from deskclerk.models import OrderState
from deskclerk.services import deadlines
from deskclerk.services.context import Context
from deskclerk.services.directory import team_ref, unit_ref
from deskclerk.services.order_rows import (
    OPEN_STATES,
    STATE_WORDS,
    WO,
    E,
    OrderEventPublic,
    OrderPublic,
    fetch,
    load,
    publics,
    select_orders,
)
from deskclerk.services.order_writing import parse_category
from deskclerk.services.paging import DEFAULT_LIMIT, Cursor, Page, make_page, newest_first


def get_order(ctx: Context, ref: int | str) -> OrderPublic:
    """One order by id or number (WO-20261124-007)."""
    with session_scope(ctx.engine) as s:
        return fetch(s, ref, ctx.now())


def order_events(ctx: Context, ref: int | str) -> list[OrderEventPublic]:
    """Every step of an order, in the order they happened."""
    with session_scope(ctx.engine) as s:
        order_id = load(s, ref).id
        rows = s.execute(
            sa.select(E).where(E.c.order_id == order_id).order_by(E.c.at, E.c.id)
        ).all()
    return [
        OrderEventPublic(r.id, r.order_id, r.kind, r.at, r.recorded_at, r.clerk, r.detail)
        for r in rows
    ]


def _state_value(state: str) -> str:
    text = cleaning.clean_text(state, "state", max_length=20).casefold().replace(" ", "_")
    if text not in STATE_WORDS:
        choices = ", ".join(STATE_WORDS)
        raise InvalidInput(f"The state {state!r} is not one of: {choices}.", "state")
    return text


def list_orders(
    ctx: Context,
    *,
    before: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
    since: datetime | None = None,
    until: datetime | None = None,
    unit: str | None = None,
    state: str | None = None,
    team: str | None = None,
    open_only: bool = False,
    include_void: bool = False,
) -> Page[OrderPublic]:
    """Orders newest first by the time they were logged, a page at a time."""
    now = ctx.now()
    with session_scope(ctx.engine) as s:
        stmt = select_orders()
        if unit:
            ref = unit_ref(s, unit)
            assert ref is not None
            stmt = stmt.where(WO.c.unit_id == ref[0])
        if team:
            chosen = team_ref(s, team)
            assert chosen is not None
            stmt = stmt.where(WO.c.team_id == chosen.id)
        if state:
            stmt = stmt.where(WO.c.state == _state_value(state))
        if open_only:
            stmt = stmt.where(WO.c.state.in_(OPEN_STATES))
        if not include_void:
            stmt = stmt.where(WO.c.voided_at.is_(None))
        stmt = newest_first(
            stmt, WO.c.logged_at, WO.c.id, before=before, limit=limit, since=since, until=until
        )
        items = publics(s, list(s.execute(stmt).all()), now)
    return make_page(items, limit, lambda o: o, lambda o: (o.logged_at, o.id))


def urgent_first(ctx: Context, limit: int = 100) -> list[OrderPublic]:
    """Open orders, least time left on their running clock first (overdue ones on top).

    The database sorts by the effective due of each running clock (`deadlines.
    running_due_key`) among the open orders the state index finds; orders with
    no clock running come last.
    """
    now = ctx.now()
    with session_scope(ctx.engine) as s:
        key = deadlines.running_due_key(WO, now)
        rows = list(
            s.execute(
                select_orders()
                .where(WO.c.state.in_(OPEN_STATES), WO.c.voided_at.is_(None))
                .order_by(key.is_(None), key, WO.c.id)
                .limit(max(1, limit))
            ).all()
        )
        return publics(s, rows, now)


def callbacks_waiting(ctx: Context, limit: int = 500) -> list[OrderPublic]:
    """Done orders waiting for their callback (回访), the soonest due first."""
    now = ctx.now()
    with session_scope(ctx.engine) as s:
        rows = list(
            s.execute(
                select_orders()
                .where(WO.c.state == OrderState.done.value, WO.c.voided_at.is_(None))
                .order_by(WO.c.callback_due, WO.c.id)
                .limit(max(1, limit))
            ).all()
        )
        return publics(s, rows, now)


def find_duplicate(ctx: Context, unit: str, category: str) -> OrderPublic | None:
    """An open order of the same unit and work category logged within the duplicate window.

    The newest such order, or None.  The faces warn and offer `attach_call`.
    """
    now = ctx.now()
    since = now - timedelta(hours=ctx.settings.duplicate_window_hours)
    with session_scope(ctx.engine) as s:
        ref = unit_ref(s, unit)
        if ref is None:
            return None
        row = s.execute(
            select_orders()
            .where(
                WO.c.unit_id == ref[0],
                WO.c.logged_at >= since,
                WO.c.category == parse_category(category),
                WO.c.state.in_(OPEN_STATES),
                WO.c.voided_at.is_(None),
            )
            .order_by(WO.c.logged_at.desc(), WO.c.id.desc())
            .limit(1)
        ).first()
        return publics(s, [row], now)[0] if row is not None else None
