"""Maintenance teams and the staff (clerks, supervisors, technicians); PINs kept hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotAllowed, NotFound
from deskclerk.models import Role
from deskclerk.services import history
from deskclerk.services.context import Context
from deskclerk.services.tables import STAFF, TEAM, insert_row


@dataclass(frozen=True)
class TeamPublic:
    id: int
    name: str
    categories: tuple[str, ...]
    areas: tuple[str, ...]


@dataclass(frozen=True)
class StaffPublic:
    id: int
    name: str
    role: str
    team_name: str
    phone: str


def _comma_list(values: Iterable[str] | str, label: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = values.split(",")
    out: list[str] = []
    for v in values:
        item = cleaning.clean_text(v, label, max_length=50).lower()
        if item and item not in out:
            out.append(item)
    return tuple(out)


def _same_name(session: Session, column: sa.Column[str], name: str) -> str | None:
    """The name in `column` equal to `name` but for case, if any (the lists are short;
    SQL's lower() knows ASCII only)."""
    wanted = name.casefold()
    names = session.execute(sa.select(column)).scalars()
    return next((n for n in names if n.casefold() == wanted), None)


def add_team(
    ctx: Context,
    name: str,
    *,
    categories: Iterable[str] | str = (),
    areas: Iterable[str] | str = (),
    clerk: str,
) -> TeamPublic:
    """Add a maintenance team and the work categories and unit areas it covers."""
    name = cleaning.clean_name(name, "team's name")
    cats = _comma_list(categories, "category")
    area_list = tuple(a.upper() for a in _comma_list(areas, "area"))
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        # teams are found by name whatever the case, so two may not differ in case only
        taken = _same_name(s, TEAM.c.name, name)
        if taken is not None:
            raise Conflict(f"There is a team called {taken} already.")
        team_id = insert_row(
            s, TEAM, name=name, categories=",".join(cats), areas=",".join(area_list)
        )
        history.record(
            s, at=now, actor=clerk, action="create", entity="team", entity_id=team_id, new=name
        )
    return TeamPublic(team_id, name, cats, area_list)


def _team(row: Any) -> TeamPublic:
    return TeamPublic(
        row.id,
        row.name,
        tuple(c.strip().casefold() for c in row.categories.split(",") if c.strip()),
        tuple(a.strip().upper() for a in row.areas.split(",") if a.strip()),
    )


def team_rows(session: Session) -> list[TeamPublic]:
    """The active teams, by name, read inside the caller's session (a site has a handful)."""
    rows = session.execute(
        sa.select(TEAM.c.id, TEAM.c.name, TEAM.c.categories, TEAM.c.areas)
        .where(TEAM.c.active.is_(True))
        .order_by(TEAM.c.name, TEAM.c.id)
    )
    return [_team(r) for r in rows]


def list_teams(ctx: Context) -> list[TeamPublic]:
    """The active teams, by name."""
    with session_scope(ctx.engine) as s:
        return team_rows(s)


def team_ref(session: Session, name: str | None) -> TeamPublic | None:
    """The team a clerk named (case-insensitive), None if no name was given."""
    cleaned = cleaning.clean_text(name, "team", max_length=60)
    if not cleaned:
        return None
    teams = team_rows(session)
    wanted = cleaned.casefold()
    exact = [t for t in teams if t.name == cleaned]
    exact = exact or [t for t in teams if t.name.casefold() == wanted]
    # A site has a handful of teams: "electrical" finds "Electrical 电工班" when only one fits.
    found = exact or [t for t in teams if t.name.casefold().startswith(wanted)]
    found = found or [t for t in teams if wanted in t.name.casefold()]
    if len(found) == 1:
        return found[0]
    names = ", ".join(t.name for t in (found or teams)) or "none yet (deskclerk team add)"
    if found:
        raise NotFound(f"{cleaned!r} fits several teams: {names}. Give more of the name.")
    raise NotFound(f"There is no team called {cleaned}. Teams: {names}.")


_PIN_N = 2**14


def hash_pin(pin: str) -> str:
    """A salted scrypt hash of a PIN, for storing."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_PIN_N, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), n=_PIN_N, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)


def add_staff(
    ctx: Context,
    name: str,
    *,
    role: str = "clerk",
    team: str | None = None,
    phone: str = "",
    pin: str | None = None,
    clerk: str,
) -> StaffPublic:
    """Add a clerk, supervisor or technician (with an optional PIN, stored hashed)."""
    name = cleaning.clean_name(name, "staff name")
    role = cleaning.clean_text(role, "role", max_length=20).lower() or Role.clerk
    if role not in {r.value for r in Role}:
        raise InvalidInput(
            f"The role {role!r} is not one of: {', '.join(r.value for r in Role)}.", field="role"
        )
    phone = cleaning.clean_phone(phone)
    if pin is not None and (not pin.isdigit() or not 4 <= len(pin) <= 12):
        raise InvalidInput("A PIN is 4 to 12 digits.", field="pin")
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        t = team_ref(s, team)
        taken = _same_name(s, STAFF.c.name, name)
        if taken is not None:
            raise Conflict(f"{taken} is on the staff list already.")
        staff_id = insert_row(
            s,
            STAFF,
            name=name,
            role=role,
            team_id=t.id if t else None,
            phone=phone,
            pin_hash=hash_pin(pin) if pin else "",
        )
        history.record(
            s, at=now, actor=clerk, action="create", entity="staff", entity_id=staff_id, new=name
        )
    return StaffPublic(staff_id, name, role, t.name if t else "", phone)


def list_staff(ctx: Context, role: str | None = None) -> list[StaffPublic]:
    """The active staff, by name; only one role if given."""
    with session_scope(ctx.engine) as s:
        stmt = (
            sa.select(STAFF.c.id, STAFF.c.name, STAFF.c.role, TEAM.c.name, STAFF.c.phone)
            .outerjoin(TEAM, TEAM.c.id == STAFF.c.team_id)
            .where(STAFF.c.active.is_(True))
            .order_by(STAFF.c.name)
        )
        if role:
            stmt = stmt.where(STAFF.c.role == role.strip().lower())
        return [StaffPublic(r[0], r[1], r[2], r[3] or "", r[4]) for r in s.execute(stmt)]


def check_pin(ctx: Context, name: str, pin: str) -> bool:
    """True if `pin` is the PIN of the staff member `name`."""
    with session_scope(ctx.engine) as s:
        stored = s.execute(
            sa.select(STAFF.c.pin_hash).where(STAFF.c.name == name, STAFF.c.active.is_(True))
        ).scalar()
    return bool(stored) and _pin_matches(pin, str(stored))


def require_supervisor(session: Session, name: str, doing: str) -> None:
    """Refuse unless `name` is an active supervisor on the staff list.

    `doing` completes "only a supervisor can …" (e.g. "close an order without a
    callback"); the message says who the person is and how to put it right.
    """
    staff = sa.select(STAFF.c.name, STAFF.c.role).where(STAFF.c.active.is_(True))
    row = session.execute(staff.where(STAFF.c.name == name)).first()
    if row is None:  # "sue" for "Sue": the staff list is short, and SQL's lower() is ASCII only
        wanted = name.casefold()
        row = next((r for r in session.execute(staff) if r.name.casefold() == wanted), None)
    if row is None:
        raise NotFound(
            f"Only a supervisor can {doing}, and there is no staff member called {name}. "
            f'Ask a supervisor, or add them: deskclerk staff add "{name}" --role supervisor.'
        )
    if row.role != Role.supervisor.value:
        raise NotAllowed(
            f"Only a supervisor can {doing}; {row.name} is a {row.role}. Ask a supervisor."
        )
