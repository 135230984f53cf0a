"""Complaints (投诉) of a period: how many, closed, replied in time, and the newest listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from deskclerk.models import CallState, Category, UTCDateTime
from deskclerk.services import stats_sql as Q
from deskclerk.services.context import Context
from deskclerk.services.stats_shapes import rate
from deskclerk.services.stats_sql import CALL, UNIT


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
