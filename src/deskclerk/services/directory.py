"""The directory: units and their residents, who is calling, and site settings.

Teams and staff are in `staff`; their names are importable from here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import history, search
from deskclerk.services.context import Context

# teams and staff live in `staff`; callers may still import them from here
from deskclerk.services.staff import (
    StaffPublic as StaffPublic,
)
from deskclerk.services.staff import (
    TeamPublic as TeamPublic,
)
from deskclerk.services.staff import (
    add_staff as add_staff,
)
from deskclerk.services.staff import (
    add_team as add_team,
)
from deskclerk.services.staff import (
    check_pin as check_pin,
)
from deskclerk.services.staff import (
    hash_pin as hash_pin,
)
from deskclerk.services.staff import (
    list_staff as list_staff,
)
from deskclerk.services.staff import (
    list_teams as list_teams,
)
from deskclerk.services.staff import (
    require_supervisor as require_supervisor,
)
from deskclerk.services.staff import (
    team_ref as team_ref,
)
from deskclerk.services.staff import (
    team_rows as team_rows,
)
from deskclerk.services.tables import RESIDENT, SETTING, UNIT, insert_row

if TYPE_CHECKING:
    from deskclerk.services.calls import CallPublic
    from deskclerk.services.orders import OrderPublic

U = UNIT
R = RESIDENT


@dataclass(frozen=True)
class ResidentPublic:
    id: int
    unit_id: int
    unit_code: str
    name: str
    phone: str
    is_owner: bool


@dataclass(frozen=True)
class UnitPublic:
    id: int
    code: str
    building: str
    area: str
    residents: tuple[ResidentPublic, ...] = ()


@dataclass(frozen=True)
class CallerContext:
    """Who is on the line: their unit, its residents, its recent calls and open orders."""

    unit: UnitPublic | None
    residents: list[ResidentPublic]
    recent_calls: list[CallPublic]
    open_orders: list[OrderPublic]


# --- units -------------------------------------------------------------------


def unit_ref(
    session: Session, code: str | None, label: str = "unit", *, active_only: bool = True
) -> tuple[int, str] | None:
    """(id, code) of the unit a clerk typed, None if nothing was typed.

    For other services: one indexed query; an unknown unit is a NotFound worded
    for the clerk.  New records need an active unit; lists (`active_only=False`)
    still find the records of a unit voided since.
    """
    cleaned = cleaning.clean_unit_code(code, label, required=False)
    if not cleaned:
        return None
    stmt = sa.select(U.c.id, U.c.code).where(U.c.code == cleaned)
    if active_only:
        stmt = stmt.where(U.c.active.is_(True))
    row = session.execute(stmt).first()
    if row is None:
        raise NotFound(
            f"unit {cleaned} is not in the directory — add it or pick another", field=label
        )
    return int(row[0]), str(row[1])


def unit_code_of(session: Session, unit_id: int | None) -> str:
    """The code of a unit id ("" for none)."""
    if unit_id is None:
        return ""
    return str(session.execute(sa.select(U.c.code).where(U.c.id == unit_id)).scalar() or "")


def add_unit(
    ctx: Context, code: str, *, building: str = "", area: str = "", clerk: str
) -> UnitPublic:
    """Add a unit (flat, shop, office) to the directory."""
    code = cleaning.clean_unit_code(code)
    building = cleaning.clean_text(building, "building", max_length=50)
    area = cleaning.clean_text(area, "area", max_length=50)
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        if s.execute(sa.select(U.c.id).where(U.c.code == code)).first() is not None:
            raise Conflict(f"unit {code} is in the directory already")
        unit_id = insert_row(s, U, code=code, building=building, area=area, note="", created_at=now)
        history.record(
            s, at=now, actor=clerk, action="create", entity="unit", entity_id=unit_id, new=code
        )
    return UnitPublic(unit_id, code, building, area, ())


def get_unit(ctx: Context, code: str) -> UnitPublic:
    """A unit with its residents; NotFound worded for the clerk."""
    with session_scope(ctx.engine) as s:
        ref = unit_ref(s, code)
        if ref is None:
            raise InvalidInput("The unit is required.", field="unit")
        return _units(s, [ref[0]])[0]


def find_units(ctx: Context, prefix: str, limit: int = 20) -> list[UnitPublic]:
    """Units whose code starts with `prefix` (exact match first), in code order."""
    cleaned = cleaning.clean_unit_code(prefix, required=False)
    with session_scope(ctx.engine) as s:
        stmt = sa.select(U.c.id).where(U.c.active.is_(True))
        if cleaned:
            stmt = stmt.where(U.c.code >= cleaned, U.c.code < cleaned + "\U0010ffff")
        ids = [r[0] for r in s.execute(stmt.order_by(U.c.code).limit(max(1, limit)))]
        return _units(s, ids)


def _units(s: Session, ids: Sequence[int]) -> list[UnitPublic]:
    if not ids:
        return []
    units = {
        r.id: r
        for r in s.execute(
            sa.select(U.c.id, U.c.code, U.c.building, U.c.area).where(U.c.id.in_(ids))
        )
    }
    residents: dict[int, list[ResidentPublic]] = {i: [] for i in ids}
    for res in _residents(s, R.c.unit_id.in_(ids)):
        residents[res.unit_id].append(res)
    return [
        UnitPublic(u.id, u.code, u.building, u.area, tuple(residents[u.id]))
        for u in (units[i] for i in ids if i in units)
    ]


# --- residents ---------------------------------------------------------------


def add_resident(
    ctx: Context, unit: str, name: str, phone: str = "", *, is_owner: bool = True, clerk: str
) -> ResidentPublic:
    """Add a resident with a phone number to a unit."""
    name = cleaning.clean_name(name, "resident's name")
    phone = cleaning.clean_phone(phone)
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        ref = unit_ref(s, unit)
        if ref is None:
            raise InvalidInput("The unit is required.", field="unit")
        unit_id, code = ref
        listed = sa.select(R.c.phone).where(
            R.c.unit_id == unit_id, R.c.name == name, R.c.active.is_(True)
        )  # the same phone however it was typed (137 0000 1111, 13700001111)
        digits = cleaning.phone_digits(phone)
        if any(cleaning.phone_digits(p) == digits for p in s.execute(listed).scalars()):
            shown = f"{name} ({phone})" if phone else name
            raise Conflict(f"{shown} is listed at unit {code} already.")
        res_id = insert_row(
            s,
            R,
            unit_id=unit_id,
            name=name,
            phone=phone,
            phone_last4=last4(phone),
            is_owner=bool(is_owner),
            created_at=now,
        )
        history.record(
            s,
            at=now,
            actor=clerk,
            action="create",
            entity="resident",
            entity_id=res_id,
            new=f"{name} ({code})",
        )
        search.index_record(s, "resident", res_id, search.resident_body(name, code, phone))
    return ResidentPublic(res_id, unit_id, code, name, phone, bool(is_owner))


def last4(phone: str) -> str:
    """The last four digits of a phone number, the desk's quickest way to find a caller."""
    return cleaning.phone_digits(phone)[-4:]


def _residents(s: Session, *where: Any, limit: int | None = None) -> list[ResidentPublic]:
    stmt = (
        sa.select(R.c.id, R.c.unit_id, U.c.code, R.c.name, R.c.phone, R.c.is_owner)
        .join(U, U.c.id == R.c.unit_id)
        .where(R.c.active.is_(True), *where)
        # unit code order lets a prefix query walk the code index and stop at `limit`
        .order_by(U.c.code, R.c.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [ResidentPublic(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in s.execute(stmt)]


def lookup(ctx: Context, text: str, limit: int = 20) -> list[ResidentPublic]:
    """Residents found by unit code (exact, then prefix), full phone, its last 4 digits, or name.

    Every branch is an indexed query: the unit code index, Resident.phone_last4,
    and the resident search index for names (a 2-character Chinese name inside a
    longer one is found).
    """
    query = cleaning.clean_text(text, "search", max_length=100)
    if not query:
        return []
    found: dict[int, ResidentPublic] = {}

    def take(rows: Iterable[ResidentPublic]) -> None:
        for r in rows:
            if len(found) < limit:
                found.setdefault(r.id, r)

    digits = cleaning.phone_digits(query)
    phone_like = bool(digits) and all(ch.isdigit() or ch in " -+()" for ch in query)
    with session_scope(ctx.engine) as s:
        code = query.upper()
        code_ok = cleaning.is_unit_code(query)
        if code_ok:
            take(_residents(s, U.c.code == code, limit=limit))
        if phone_like and len(digits) == 4:
            take(_residents(s, R.c.phone_last4 == digits, limit=limit))
        elif phone_like and len(digits) > 4:
            candidates = _residents(s, R.c.phone_last4 == digits[-4:])
            take(r for r in candidates if cleaning.phone_digits(r.phone) == digits)
        if code_ok and len(found) < limit:
            take(
                _residents(
                    s, U.c.code > code, U.c.code < code + "\U0010ffff", limit=limit - len(found)
                )
            )
        if len(found) < limit and not phone_like:
            ids = search.matching_ids(s, "resident", query, limit)
            if ids:
                by_id = {r.id: r for r in _residents(s, R.c.id.in_(ids))}
                take(by_id[i] for i in ids if i in by_id)
    return list(found.values())


# --- who is calling -------------------------------------------------------------


def caller_context(
    ctx: Context, *, phone: str | None = None, unit: str | None = None, calls: int = 5
) -> CallerContext:
    """What the desk shows while a call is typed: the unit, its residents, recent calls
    and open work orders.  The unit comes from `unit`, else from the resident whose
    phone matches; an unknown unit or phone gives an empty context, not an error."""
    from deskclerk.services.calls import list_calls

    unit_pub: UnitPublic | None = None
    residents: list[ResidentPublic] = []
    with session_scope(ctx.engine) as s:
        code = cleaning.clean_unit_code(unit, required=False) if unit else ""
        unit_id = None
        if code:
            unit_id = s.execute(sa.select(U.c.id).where(U.c.code == code)).scalar()
        digits = cleaning.phone_digits(phone or "")
        if unit_id is None and len(digits) >= 4:
            matches = _residents(s, R.c.phone_last4 == digits[-4:])
            if len(digits) > 4:
                matches = [r for r in matches if cleaning.phone_digits(r.phone) == digits]
            if len({r.unit_id for r in matches}) == 1:
                unit_id = matches[0].unit_id
            residents = matches
        if unit_id is not None:
            unit_pub = _units(s, [unit_id])[0]
            residents = list(unit_pub.residents)
    if unit_pub is None:
        return CallerContext(None, residents, [], [])
    recent = list_calls(ctx, unit=unit_pub.code, limit=calls).items
    return CallerContext(unit_pub, residents, recent, _open_orders(ctx, unit_pub.code))


def _open_orders(ctx: Context, code: str) -> list[OrderPublic]:
    try:
        from deskclerk.services.orders import list_orders
    except ImportError:  # the orders service is built in another issue
        return []
    return list(list_orders(ctx, unit=code, open_only=True, limit=20).items)


# --- settings --------------------------------------------------------------------


def get_setting(ctx: Context, key: str, default: str = "") -> str:
    """A site-wide value kept in the database."""
    with session_scope(ctx.engine) as s:
        value = s.execute(sa.select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return default if value is None else str(value)


def set_setting(ctx: Context, key: str, value: str, *, clerk: str) -> None:
    """Set a site-wide value (the old one is kept in the history)."""
    key = cleaning.clean_text(key, "setting", required=True, max_length=64)
    value = cleaning.clean_text(value, key, max_length=cleaning.TEXT_MAX)
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        old = s.execute(sa.select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
        if old == value:
            return
        if old is None:
            s.execute(sa.insert(SETTING).values(key=key, value=value))
        else:
            s.execute(sa.update(SETTING).where(SETTING.c.key == key).values(value=value))
        history.record(
            s,
            at=now,
            actor=clerk,
            action="set",
            entity="setting",
            entity_id=None,
            field_name=key,
            old=old or "",
            new=value,
        )
