"""Visitors (访客登记): signed in and out at the desk; ID numbers masked and purged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import history, search
from deskclerk.services.context import Context
from deskclerk.services.directory import unit_ref
from deskclerk.services.paging import DEFAULT_LIMIT, Cursor, Page, make_page, newest_first
from deskclerk.services.shifts import open_shift_id
from deskclerk.services.tables import UNIT, VISIT, insert_row
from deskclerk.timeparse import as_instant, not_in_future

V = VISIT
U = UNIT

CLOSING = time(22, 0)  # the building's evening limit for visitors
LONGEST_STAY = timedelta(hours=12)
_ID_OK = re.compile(r"^[0-9A-Za-z\-]{4,40}$")


@dataclass(frozen=True)
class VisitPublic:
    id: int
    visitor: str
    phone: str
    unit_code: str
    host: str
    purpose: str
    time_in: datetime
    time_out: datetime | None
    badge: str
    plate: str
    id_masked: str
    clerk: str
    on_site: bool
    overstayed: bool
    voided: bool
    clerk_out: str = ""
    void_reason: str = ""


def mask_id(value: str) -> str:
    """An ID number as shown on screen and paper: first 3 and last 4 characters kept
    (110***********1234); a value too short to hide anything is masked whole."""
    value = value or ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def overstay_limit(time_in: datetime, tz: tzinfo) -> datetime:
    """When a visitor still on site counts as overstayed.

    Rule: the earlier of 22:00 local on the day they came in and 12 hours after
    they came in.  Someone who came in after 22:00 gets the 12 hours only.
    """
    local_in = time_in.astimezone(tz)
    limit = time_in + LONGEST_STAY
    closing = datetime.combine(local_in.date(), CLOSING, tz)
    if local_in < closing:
        limit = min(limit, closing.astimezone(time_in.tzinfo))
    return limit


def is_overstayed(time_in: datetime, time_out: datetime | None, now: datetime, tz: tzinfo) -> bool:
    """True if the visitor is still on site past `overstay_limit`."""
    return time_out is None and now >= overstay_limit(time_in, tz)


_COLUMNS = (
    V.c.id,
    V.c.visitor,
    V.c.phone,
    U.c.code,
    V.c.host,
    V.c.purpose,
    V.c.time_in,
    V.c.time_out,
    V.c.badge,
    V.c.plate,
    V.c.id_number,
    V.c.clerk,
    V.c.voided_at,
    V.c.clerk_out,
    V.c.void_reason,
)


def _select() -> sa.Select[Any]:
    return sa.select(*_COLUMNS).select_from(V).outerjoin(U, U.c.id == V.c.unit_id)


def _public(row: Any, now: datetime, tz: tzinfo) -> VisitPublic:
    voided = row[12] is not None
    return VisitPublic(
        id=row[0],
        visitor=row[1],
        phone=row[2],
        unit_code=row[3] or "",
        host=row[4],
        purpose=row[5],
        time_in=row[6],
        time_out=row[7],
        badge=row[8],
        plate=row[9],
        id_masked=mask_id(row[10]),
        clerk=row[11],
        on_site=row[7] is None and not voided,
        overstayed=not voided and is_overstayed(row[6], row[7], now, tz),
        voided=voided,
        clerk_out=row[13],
        void_reason=row[14],
    )


def _fetch(s: Session, ctx: Context, visit_id: int) -> VisitPublic:
    row = s.execute(_select().where(V.c.id == visit_id)).first()
    if row is None:
        raise NotFound(f"There is no visit {visit_id}.")
    return _public(row, ctx.now(), ctx.tz)


def clean_id_number(value: str | None) -> str:
    """An ID-document number: letters, digits and dashes; spaces dropped; upper-cased."""
    text = cleaning.clean_text(value, "ID number", max_length=60).replace(" ", "").upper()
    if text and not _ID_OK.match(text):
        raise InvalidInput(
            "The ID number is not in a known form: use 4 to 40 letters, digits or dashes.",
            field="ID number",
        )
    return text


def sign_in(
    ctx: Context,
    *,
    visitor: str,
    clerk: str,
    unit: str | None = None,
    host: str = "",
    purpose: str = "",
    badge: str = "",
    plate: str = "",
    id_number: str = "",
    phone: str = "",
    time_in: datetime | str | None = None,
) -> VisitPublic:
    """Sign a visitor in.  A badge still out with someone on site is refused."""
    visitor = cleaning.clean_name(visitor, "visitor's name")
    clerk = cleaning.clean_name(clerk, "clerk's name")
    host = cleaning.clean_name(host, "person visited", required=False)
    purpose = cleaning.clean_text(purpose, "purpose", max_length=200)
    badge = cleaning.clean_text(badge, "badge number", max_length=40)
    plate = cleaning.clean_text(plate, "vehicle plate", max_length=20).upper()
    id_number = clean_id_number(id_number)
    phone = cleaning.clean_phone(phone)
    now = ctx.now()
    at = now
    if time_in is not None:
        at = not_in_future(as_instant(time_in, ctx.tz, now, "time in"), now, "time in")
    with session_scope(ctx.engine, write=True) as s:
        ref = unit_ref(s, unit)
        unit_id, code = ref if ref else (None, "")
        if badge:
            holder = s.execute(
                sa.select(V.c.visitor, V.c.time_in).where(
                    V.c.time_out.is_(None), V.c.voided_at.is_(None), V.c.badge == badge
                )
            ).first()
            if holder is not None:
                since = ctx.local(holder[1]).strftime("%H:%M")
                raise Conflict(
                    f"Badge {badge} is out with {holder[0]} since {since}; sign them out "
                    "first or give another badge."
                )
        visit_id = insert_row(
            s,
            V,
            visitor=visitor,
            phone=phone,
            unit_id=unit_id,
            host=host,
            purpose=purpose,
            time_in=at,
            badge=badge,
            plate=plate,
            id_number=id_number,
            clerk=clerk,
            clerk_out="",
            recorded_at=now,
            shift_id=open_shift_id(s),
            void_reason="",
        )
        history.record(
            s, at=now, actor=clerk, action="create", entity="visit", entity_id=visit_id, new=visitor
        )
        search.index_record(
            s,
            "visit",
            visit_id,
            search.visit_body(visitor, host, purpose, badge, plate, code, phone),
        )
    return VisitPublic(
        id=visit_id,
        visitor=visitor,
        phone=phone,
        unit_code=code,
        host=host,
        purpose=purpose,
        time_in=at,
        time_out=None,
        badge=badge,
        plate=plate,
        id_masked=mask_id(id_number),
        clerk=clerk,
        on_site=True,
        overstayed=is_overstayed(at, None, now, ctx.tz),
        voided=False,
    )


def get_visit(ctx: Context, visit_id: int) -> VisitPublic:
    """One visit by its number."""
    with session_scope(ctx.engine) as s:
        return _fetch(s, ctx, visit_id)


def sign_out(
    ctx: Context, visit_id: int, *, clerk: str, time_out: datetime | str | None = None
) -> VisitPublic:
    """Sign a visitor out; signing out twice is refused with the time of the first."""
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    at = now
    if time_out is not None:
        at = not_in_future(as_instant(time_out, ctx.tz, now, "time out"), now, "time out")
    with session_scope(ctx.engine, write=True) as s:
        visit = _fetch(s, ctx, visit_id)
        if visit.voided:
            raise Conflict(f"Visit {visit_id} was voided ({visit.void_reason}).")
        if visit.time_out is not None:
            out = ctx.local(visit.time_out)
            when = out.strftime("%H:%M")
            if out.date() != ctx.local(now).date():
                when = out.strftime("%Y-%m-%d %H:%M")
            raise Conflict(f"{visit.visitor} signed out already at {when}.")
        if at < visit.time_in:
            raise InvalidInput(
                f"The time out is before {visit.visitor} came in "
                f"({ctx.local(visit.time_in).strftime('%H:%M')}).",
                field="time out",
            )
        s.execute(sa.update(V).where(V.c.id == visit_id).values(time_out=at, clerk_out=clerk))
        history.record(
            s,
            at=now,
            actor=clerk,
            action="state",
            entity="visit",
            entity_id=visit_id,
            field_name="time_out",
            new=at.isoformat(),
        )
        return _fetch(s, ctx, visit_id)


def on_site(ctx: Context, limit: int = 500) -> list[VisitPublic]:
    """Visitors signed in and not yet out, longest on site first."""
    now = ctx.now()
    with session_scope(ctx.engine) as s:
        rows = s.execute(
            _select()
            .where(V.c.time_out.is_(None), V.c.voided_at.is_(None))
            .order_by(V.c.time_in, V.c.id)
            .limit(limit)
        ).all()
    return [_public(r, now, ctx.tz) for r in rows]


def list_visits(
    ctx: Context,
    *,
    before: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
    since: datetime | None = None,
    until: datetime | None = None,
    unit: str | None = None,
    on_site_only: bool = False,
    include_void: bool = False,
) -> Page[VisitPublic]:
    """Visits newest first by time in, a page at a time."""
    now = ctx.now()
    with session_scope(ctx.engine) as s:
        stmt = _select()
        if unit:
            ref = unit_ref(s, unit, active_only=False)
            assert ref is not None
            stmt = stmt.where(V.c.unit_id == ref[0])
        if on_site_only:
            stmt = stmt.where(V.c.time_out.is_(None))
        if not include_void:
            stmt = stmt.where(V.c.voided_at.is_(None))
        stmt = newest_first(
            stmt, V.c.time_in, V.c.id, before=before, limit=limit, since=since, until=until
        )
        rows = s.execute(stmt).all()
    return make_page(rows, limit, lambda r: _public(r, now, ctx.tz), lambda v: (v.time_in, v.id))


PURGE_BATCH = 200  # visits per transaction: other desks wait at most one batch


def purge_id_numbers(ctx: Context, *, older_than_days: int | None = None, clerk: str) -> int:
    """Blank the ID numbers of visits that came in more than the retention period ago.

    Each blanked visit gets a "purge" history entry; the number itself is never
    written into the history.  Works in short transactions of PURGE_BATCH
    visits so desks saving meanwhile are not held up.  Returns how many were
    blanked.
    """
    clerk = cleaning.clean_name(clerk, "clerk's name")
    days = ctx.settings.id_retention_days if older_than_days is None else int(older_than_days)
    if days < 0:
        raise InvalidInput("The retention period cannot be negative.", field="days")
    now = ctx.now()
    cutoff = now - timedelta(days=days)
    total = 0
    while True:
        with session_scope(ctx.engine, write=True) as s:
            ids = [
                r[0]
                for r in s.execute(
                    sa.select(V.c.id)
                    .where(V.c.time_in < cutoff, V.c.id_number != "")
                    .order_by(V.c.id)
                    .limit(PURGE_BATCH)
                )
            ]
            if not ids:
                return total
            s.execute(sa.update(V).where(V.c.id.in_(ids)).values(id_number="", id_purged_at=now))
            for visit_id in ids:
                history.record(
                    s,
                    at=now,
                    actor=clerk,
                    action="purge",
                    entity="visit",
                    entity_id=visit_id,
                    field_name="id_number",
                    old="(ID number)",
                    new="",
                    reason=f"kept {days} days; blanked for privacy",
                )
        total += len(ids)
