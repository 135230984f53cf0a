"""A call as the services hand it out (CallPublic), in a module that imports no SQLAlchemy.

The desk builds its first page of calls before SQLAlchemy is loaded
(services/first_page.py), so the shape and its attention rule live here;
services/calls.py re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

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


def attention(state: str, callback_due: datetime | None, now: datetime) -> str:
    """ "overdue" when a promised callback has passed and the call still waits,
    "callback due" when it falls due within two hours, else ""."""
    if callback_due is None or state not in WAITING:
        return ""
    if callback_due < now:
        return "overdue"
    if callback_due <= now + CALLBACK_SOON:
        return "callback due"
    return ""
