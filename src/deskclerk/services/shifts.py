"""Shifts: who is on duty from when to when, named after the site's shift pattern."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.config import Settings
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import history
from deskclerk.services.context import Context
from deskclerk.services.tables import SHIFT, insert_row

S = SHIFT
_COLS = (S.c.id, S.c.clerk, S.c.name, S.c.started_at, S.c.ended_at)


@dataclass(frozen=True)
class ShiftPublic:
    id: int
    clerk: str
    name: str
    started_at: datetime
    ended_at: datetime | None

    @property
    def open(self) -> bool:
        return self.ended_at is None


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def shift_name_at(settings: Settings, local_dt: datetime | time) -> str:
    """The name of the pattern's shift whose window holds this local time ("" if none).

    A window may run past midnight (22:00–06:00).  Where windows overlap
    (A 09–17 and B 12–20 at 13:00) the one that began most recently wins: a
    clerk starting at 13:00 is the B shift, not a late A.
    """
    t = local_dt.time() if isinstance(local_dt, datetime) else local_dt
    now = _minutes(t)
    best: tuple[int, str] | None = None
    for w in settings.shifts:
        start, end = _minutes(w.start), _minutes(w.end)
        length = (end - start) % 1440 or 1440
        since_start = (now - start) % 1440
        if since_start < length and (best is None or since_start < best[0]):
            best = (since_start, w.name)
    return best[1] if best else ""


def open_shift_id(session: Session) -> int | None:
    """The id of the shift now on duty (the newest one not ended), for stamping records."""
    return session.execute(
        sa.select(S.c.id)
        .where(S.c.ended_at.is_(None))
        .order_by(S.c.started_at.desc(), S.c.id.desc())
        .limit(1)
    ).scalar()


def _public(row: Any) -> ShiftPublic:
    return ShiftPublic(row[0], row[1], row[2], row[3], row[4])


def start_shift(ctx: Context, clerk: str, name: str | None = None) -> ShiftPublic:
    """Put `clerk` on duty.  The name comes from the pattern when not given.

    A shift still open is ended now, with a history entry naming who took
    over; nothing ends silently.  Starting again the shift one already has open
    changes nothing and returns it.
    """
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    if name is None:
        name = shift_name_at(ctx.settings, ctx.local(now))
    name = cleaning.clean_text(name, "shift name", max_length=20)
    with session_scope(ctx.engine, write=True) as s:
        still_open = s.execute(
            sa.select(*_COLS).where(S.c.ended_at.is_(None)).order_by(S.c.id)
        ).all()
        if (
            len(still_open) == 1
            and still_open[0].clerk.casefold() == clerk.casefold()
            and still_open[0].name == name
        ):
            return _public(still_open[0])
        for row in still_open:
            s.execute(sa.update(S).where(S.c.id == row.id).values(ended_at=now))
            history.record(
                s,
                at=now,
                actor=clerk,
                action="end",
                entity="shift",
                entity_id=row.id,
                field_name="ended_at",
                new=now.isoformat(),
                reason=f"{row.clerk}'s shift{' ' + row.name if row.name else ''} ended: "
                f"{clerk} took over",
            )
        shift_id = insert_row(s, S, clerk=clerk, name=name, started_at=now)
        history.record(
            s, at=now, actor=clerk, action="create", entity="shift", entity_id=shift_id, new=name
        )
    return ShiftPublic(shift_id, clerk, name, now, None)


def current_shift(ctx: Context) -> ShiftPublic | None:
    """The shift on duty now, or None."""
    with session_scope(ctx.engine) as s:
        row = s.execute(
            sa.select(*_COLS)
            .where(S.c.ended_at.is_(None))
            .order_by(S.c.started_at.desc(), S.c.id.desc())
            .limit(1)
        ).first()
    return None if row is None else _public(row)


def get_shift(ctx: Context, shift_id: int) -> ShiftPublic:
    """One shift by id."""
    with session_scope(ctx.engine) as s:
        row = s.execute(sa.select(*_COLS).where(S.c.id == shift_id)).first()
    if row is None:
        raise NotFound(f"There is no shift {shift_id}.")
    return _public(row)


def end_shift(ctx: Context, shift_id: int, *, clerk: str) -> ShiftPublic:
    """End a shift now; ending it twice is refused."""
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        row = s.execute(sa.select(*_COLS).where(S.c.id == shift_id)).first()
        if row is None:
            raise NotFound(f"There is no shift {shift_id}.")
        if row.ended_at is not None:
            at = ctx.local(row.ended_at).strftime("%Y-%m-%d %H:%M")
            raise Conflict(f"{row.clerk}'s shift ended already at {at}.")
        if now < row.started_at:
            raise InvalidInput("A shift cannot end before it started.")
        s.execute(sa.update(S).where(S.c.id == shift_id).values(ended_at=now))
        history.record(
            s,
            at=now,
            actor=clerk,
            action="end",
            entity="shift",
            entity_id=shift_id,
            field_name="ended_at",
            new=now.isoformat(),
        )
    return ShiftPublic(row.id, row.clerk, row.name, row.started_at, now)
