"""The Core tables behind the models, and the one-row insert the services save with.

Saves and lists use Core statements on these tables: a page of 100 rows or one
insert costs a fraction of what building ORM objects would.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from deskclerk.models import (
    Call,
    HandoverNote,
    Resident,
    Setting,
    Shift,
    Staff,
    Team,
    Unit,
    Visit,
    WorkOrder,
)


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a SQLModel table class."""
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]


def insert_row(session: Session, table: sa.Table, **values: Any) -> int:
    """Insert one row in the session's transaction; returns its new id."""
    result = cast(sa.CursorResult[Any], session.execute(sa.insert(table).values(**values)))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


CALL = table_of(Call)
VISIT = table_of(Visit)
ORDER = table_of(WorkOrder)
NOTE = table_of(HandoverNote)
UNIT = table_of(Unit)
RESIDENT = table_of(Resident)
TEAM = table_of(Team)
STAFF = table_of(Staff)
SETTING = table_of(Setting)
SHIFT = table_of(Shift)
