"""A hand-built month, October 2026 (Asia/Shanghai), whose figures are worked out by hand.

Rows are inserted directly (Core) so every time and state is exactly as written
here.  The expected figures below are computed by hand from this table; see
the comment on each order.  "Now" is 2026-11-05 10:00 local.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from deskclerk.models import Call, Team, Unit, WorkOrder
from deskclerk.services.deadlines import micros_since

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 5, 10, 0, tzinfo=TZ).astimezone(UTC)
MONTH = "2026-10"


def t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A local (Shanghai) time in 2026, as aware UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


_ORDER_TIMES = (
    "dispatched_at", "on_site_at", "done_at", "closed_at", "cancelled_at", "callback_due",
    "paused_since", "callback_at", "voided_at",
)  # fmt: skip


def _order(number: str, team: int | None, logged: datetime, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "number": number,
        "unit_id": 1,
        "category": "plumbing" if team == 1 else "electrical",
        "priority": "urgent",
        "description": "hand-built",
        "team_id": team,
        "technician": "",
        "state": "closed",
        "logged_by": "小李" if team == 1 else "Anna",
        "logged_at": logged,
        "recorded_at": logged,
        "cancel_reason": "",
        "pause_reason": "",
        "paused_seconds": 0,
        "callback_attempts": 0,
        "verdict": "",
        "callback_comment": "",
        "reopened_count": 0,
        "charge": 0.0,
        "void_reason": "",
        "on_site_due": logged + timedelta(minutes=20),
        "done_due": logged + timedelta(hours=4),
    }
    for name in _ORDER_TIMES:
        row.setdefault(name, None)
    row.update(values)
    # what the order service writes with on_site_at / done_at
    row["to_site_us"] = micros_since(logged, row["on_site_at"])
    row["to_done_us"] = micros_since(logged, row["done_at"])
    return row


def orders() -> list[dict[str, Any]]:
    m = timedelta(minutes=1)
    return [
        # WO-1 team 1: on site 15 min (due 20) on time; done 3 h (due 4 h) on time; satisfied
        _order("WO-1", 1, t(10, 1, 9), on_site_at=t(10, 1, 9, 15), done_at=t(10, 1, 12),
               verdict="satisfied", callback_at=t(10, 2, 9), closed_at=t(10, 2, 9)),
        # WO-2 team 1: arrives exactly at the due instant -> late; done at 5 h -> late;
        # done, waiting for its callback, callback due 10-04 15:00 -> overdue now
        _order("WO-2", 1, t(10, 2, 10), state="done", on_site_at=t(10, 2, 10, 20),
               done_at=t(10, 2, 15), callback_due=t(10, 4, 15)),
        # WO-3 team 1: paused 15 min; on site at 30 min (due 20 + 15) on time;
        # done 4 h 10 (due 4 h + 15 min) on time; satisfied
        _order("WO-3", 1, t(10, 3, 8), paused_seconds=900, on_site_at=t(10, 3, 8, 30),
               done_at=t(10, 3, 12, 10), verdict="satisfied", closed_at=t(10, 4, 8)),
        # WO-4 team 2: dispatched, nobody came -> on site late, done late, overdue (on site)
        _order("WO-4", 2, t(10, 10, 9), state="dispatched"),
        # WO-5 team 2: cancelled: counted as cancelled, judged on no clock
        _order("WO-5", 2, t(10, 11, 9), state="cancelled", cancelled_at=t(10, 11, 9, 5),
               cancel_reason="duplicate"),
        # WO-6 team 2: on site 10 min on time; done, called back "not satisfied",
        # reopened: done clock restarted, due 10-14 13:00 -> done late, overdue (done)
        _order("WO-6", 2, t(10, 12, 9), state="dispatched", on_site_at=t(10, 12, 9, 10),
               done_at=None, done_due=t(10, 14, 13), verdict="unsatisfied",
               callback_at=t(10, 13, 10), reopened_count=1),
        # WO-7 team 2: logged 23:30 on the last day; on site 40 min (late); done 1 h 30 on time
        _order("WO-7", 2, t(10, 31, 23, 30), on_site_at=t(10, 31, 23, 30) + 40 * m,
               done_at=t(10, 31, 23, 30) + 90 * m, verdict="satisfied", closed_at=t(11, 2, 9)),
        # WO-10 team 1: on site 10 min on time; paused now since 12:00, before its done due 13:00
        # -> the done clock is not judged yet and the order is not overdue
        _order("WO-10", 1, t(10, 20, 9), state="on_site", on_site_at=t(10, 20, 9, 10),
               paused_since=t(10, 20, 12), pause_reason="waiting for parts"),
        # outside the month or voided: never counted
        _order("WO-8", 1, t(11, 1, 0, 10), state="dispatched"),
        _order("WO-9", 1, t(9, 30, 23, 50)),
        _order("WO-11", 1, t(10, 15, 9), voided_at=t(10, 15, 10), void_reason="typed twice"),
    ]  # fmt: skip


def calls() -> list[dict[str, Any]]:
    def call(at: datetime, category: str, **values: Any) -> dict[str, Any]:
        row: dict[str, Any] = {
            "received_at": at,
            "recorded_at": at,
            "caller": "王芳",
            "phone": "013800001234",
            "unit_id": 1,
            "category": category,
            "matter": "hand-built",
            "taken_by": "小李",
            "passed_to": "",
            "answer": "",
            "state": "open",
            "void_reason": "",
            "callback_due": None,
            "closed_at": None,
            "voided_at": None,
        }
        row.update(values)
        return row

    return [
        call(t(10, 1, 8, 50), "repair"),
        call(t(10, 2, 9, 55), "repair"),
        call(t(10, 10, 8, 55), "repair"),
        # replied (closed) before its 24 h deadline: in time
        call(t(10, 5, 9), "complaint", callback_due=t(10, 6, 9), state="closed",
             closed_at=t(10, 5, 17)),
        # still open, deadline passed: late
        call(t(10, 25, 9), "complaint", callback_due=t(10, 26, 9)),
        call(t(10, 7, 11), "inquiry", state="answered"),
        # voided, and next month: not counted
        call(t(10, 8, 11), "repair", voided_at=t(10, 8, 12), void_reason="test"),
        call(t(11, 1, 0, 5), "repair"),
    ]  # fmt: skip


def load(engine: sa.Engine) -> None:
    """Insert the month into a migrated database."""
    with engine.begin() as conn:
        conn.execute(sa.insert(Unit.__table__), [{"id": 1, "code": "0801", "building": "",  # type: ignore[attr-defined]
                                                  "area": "", "note": "", "created_at": NOW, "active": True}])  # fmt: skip
        conn.execute(
            sa.insert(Team.__table__),  # type: ignore[attr-defined]
            [
                {"id": 1, "name": "Plumbing 水电班", "categories": "", "areas": "", "active": True},
                {"id": 2, "name": "Electrical", "categories": "", "areas": "", "active": True},
            ],
        )
        conn.execute(sa.insert(WorkOrder.__table__), orders())  # type: ignore[attr-defined]
        conn.execute(sa.insert(Call.__table__), calls())  # type: ignore[attr-defined]
