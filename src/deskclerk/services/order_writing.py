"""Writing work orders: what a clerk typed (priority, category), events and audit
entries, the day's numbers, and the team that covers a job.

Shared by `orders` (creating) and the steps (`order_steps`, `order_endings`); the
faces import from `deskclerk.services.orders`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.config import Settings
from deskclerk.errors import InvalidInput, StorageError
from deskclerk.models import Priority
from deskclerk.services import history, search
from deskclerk.services.order_rows import WO, E, U
from deskclerk.services.staff import TeamPublic, team_rows
from deskclerk.services.tables import insert_row

DEFAULT_CATEGORY = "general"
PRIORITY_ZH = {
    "紧急": "urgent",
    "急": "urgent",
    "高": "high",
    "普通": "normal",
    "一般": "normal",
    "低": "low",
}


# --- reading values a clerk typed ------------------------------------------------------


def parse_priority(value: str | None, settings: Settings) -> str:
    """A priority by name, Chinese word (紧急/高/普通/低) or unique prefix; default normal."""
    text = cleaning.clean_text(value, "priority", max_length=20).casefold()
    if not text:
        return Priority.normal.value
    known = [p.value for p in Priority]
    known += [p for p in settings.deadlines if p not in known]
    if text in known:
        return text
    if text in PRIORITY_ZH:
        return PRIORITY_ZH[text]
    matches = [p for p in known if p.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    raise InvalidInput(
        f"The priority {value!r} is not one of: {', '.join(known)} (紧急, 高, 普通, 低).",
        "priority",
    )


def parse_category(value: str | None) -> str:
    """The kind of work (plumbing, electrical, …): one short word, lower case."""
    text = cleaning.clean_text(value, "work category", max_length=30).casefold()
    return text or DEFAULT_CATEGORY


# --- events and audit ----------------------------------------------------------------------


def add_event(
    s: Session,
    order_id: int,
    kind: str,
    *,
    at: datetime,
    now: datetime,
    clerk: str,
    detail: str = "",
) -> None:
    """Append one step to the order's events."""
    s.execute(
        sa.insert(E).values(
            order_id=order_id, kind=kind, at=at, recorded_at=now, clerk=clerk, detail=detail
        )
    )


def audit(
    s: Session,
    order_id: int,
    *,
    now: datetime,
    clerk: str,
    action: str,
    field_name: str = "",
    old: object = "",
    new: object = "",
    reason: str = "",
) -> None:
    """Append one entry about an order to the audit history."""
    history.record(
        s,
        at=now,
        actor=clerk,
        action=action,
        entity="order",
        entity_id=order_id,
        field_name=field_name,
        old=old,
        new=new,
        reason=reason,
    )


def reindex(s: Session, order_id: int) -> None:
    """Index the order again from its stored columns (technician or unit changed)."""
    row = s.execute(
        sa.select(WO.c.number, WO.c.description, WO.c.category, WO.c.technician, U.c.code)
        .select_from(WO)
        .outerjoin(U, U.c.id == WO.c.unit_id)
        .where(WO.c.id == order_id)
    ).one()
    search.index_record(s, "order", order_id, search.order_body(*row))


# --- numbers ---------------------------------------------------------------------------


def _last_sequence(s: Session, prefix: str) -> int:
    # a range on the unique index of `number`; the longest (then greatest) number is
    # the last, so WO-…-1000 comes after WO-…-999
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    last = s.execute(
        sa.select(WO.c.number)
        .where(WO.c.number >= prefix, WO.c.number < upper)
        .order_by(sa.func.length(WO.c.number).desc(), WO.c.number.desc())
        .limit(1)
    ).scalar()
    if last is None:
        return 0
    try:
        return int(last[len(prefix) :])
    except ValueError:
        return 0


def insert_numbered(s: Session, values: dict[str, Any], logged_local_day: str) -> tuple[int, str]:
    """Insert an order with the next free number of its day: WO-YYYYMMDD-NNN.

    SQLite serialises writers (BEGIN IMMEDIATE), but on PostgreSQL a second desk
    may take the same number between our read and our insert: the unique
    constraint refuses it, and we try the next number inside a savepoint.
    """
    prefix = f"WO-{logged_local_day}-"
    seq = _last_sequence(s, prefix) + 1
    for _ in range(100):
        number = f"{prefix}{seq:03d}"
        try:
            with s.begin_nested():
                order_id = insert_row(s, WO, number=number, **values)
            return order_id, number
        except IntegrityError as exc:
            if "number" not in str(exc.orig).lower():
                raise
            seq = max(seq + 1, _last_sequence(s, prefix) + 1)
    raise StorageError("No free work order number was found: the order was NOT saved. Save again.")


# --- teams -----------------------------------------------------------------------------


def covers(team: TeamPublic, category: str) -> bool:
    """True if the team takes `category` work: it lists it, or it is a "general" team."""
    return bool({category.casefold(), DEFAULT_CATEGORY} & set(team.categories))


def choose_team(teams: list[TeamPublic], area: str, category: str) -> TeamPublic | None:
    """The team that covers `category` in `area`.

    A team naming the area beats one covering every area (no areas listed); a
    team of the category beats a "general" team; among equals, the first by name.
    """
    area = area.strip().upper()
    category = category.casefold()

    def score(team: TeamPublic) -> tuple[int, int] | None:
        if team.areas and area not in team.areas:
            return None
        if category in team.categories:
            kind = 2
        elif DEFAULT_CATEGORY in team.categories:
            kind = 1
        else:
            return None
        return (kind, 1 if team.areas else 0)

    best: tuple[tuple[int, int], TeamPublic] | None = None
    for team in teams:
        sc = score(team)
        if sc is not None and (best is None or sc > best[0]):
            best = (sc, team)
    return best[1] if best else None


def suggest_in(s: Session, unit_id: int | None, category: str) -> TeamPublic | None:
    """`choose_team` for a unit id, inside the caller's session."""
    area = ""
    if unit_id is not None:
        area = s.execute(sa.select(U.c.area).where(U.c.id == unit_id)).scalar() or ""
    return choose_team(team_rows(s), area, category)
