"""A call as the services hand it out (CallPublic), in a module that imports no SQLAlchemy.

The desk builds its first page of calls before SQLAlchemy is loaded
(services/first_page.py), so the shape and its attention rule live here;
services/calls.py re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

CALLBACK_SOON = timedelta(hours=2)  # "callback due" this long before the promise falls due
# states that still owe the caller: CallState.open and CallState.passed_on (a test keeps them equal)
WAITING = ("open", "passed_on")


@dataclass(frozen=True)
class CallPublic:
    id: int
    received_at: datetime
    recorded_at: datetime
    caller: str
    phone: str
    unit_code: str
    category: str
    matter: str
    taken_by: str
    passed_to: str
    callback_due: datetime | None
    answer: str
    state: str
    order_id: int | None
    order_number: str
    shift_id: int | None
    voided: bool
    void_reason: str
    attention: str  # "" | "callback due" | "overdue"
    closed_at: datetime | None = None


def callback_owed(state: str, callback_due: datetime | None) -> bool:
    """Whether the caller is still owed a callback: one was promised and the call waits."""
    return callback_due is not None and state in WAITING


def attention(state: str, callback_due: datetime | None, now: datetime) -> str:
    """ "overdue" when a promised callback has passed and the call still waits,
    "callback due" when it falls due within two hours, else ""."""
    if callback_due is None or not callback_owed(state, callback_due):  # (None: for mypy)
        return ""
    if callback_due < now:
        return "overdue"
    if callback_due <= now + CALLBACK_SOON:
        return "callback due"
    return ""


def call_from_row(row: Any, now: datetime) -> CallPublic:
    """A call from a row in the column order of calls._COLUMNS (times already aware)."""
    return CallPublic(
        id=row[0],
        received_at=row[1],
        recorded_at=row[2],
        caller=row[3],
        phone=row[4],
        unit_code=row[5] or "",
        category=row[6],
        matter=row[7],
        taken_by=row[8],
        passed_to=row[9],
        callback_due=row[10],
        answer=row[11],
        state=row[12],
        order_id=row[13],
        order_number=row[14] or "",
        shift_id=row[15],
        voided=row[16] is not None,
        void_reason=row[17],
        attention=attention(row[12], row[10], now),
        closed_at=row[18],
    )
