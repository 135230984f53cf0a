"""The shapes the service figures come back in (see services/stats.py for the definitions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to judge."""
    return part / whole if whole else None


@dataclass(frozen=True)
class OrderFigures:
    """The work-order figures of one group (or of everything: group "all")."""

    group: str
    logged: int = 0
    closed: int = 0
    cancelled: int = 0
    on_site_on_time: int = 0
    on_site_late: int = 0
    done_on_time: int = 0
    done_late: int = 0
    done: int = 0
    called_back: int = 0
    satisfied: int = 0
    overdue: int = 0
    median_to_on_site: timedelta | None = None
    median_to_done: timedelta | None = None

    @property
    def open(self) -> int:
        return self.logged - self.closed - self.cancelled

    @property
    def closure_rate(self) -> float | None:
        return rate(self.closed, self.logged - self.cancelled)

    @property
    def on_site_rate(self) -> float | None:
        return rate(self.on_site_on_time, self.on_site_on_time + self.on_site_late)

    @property
    def done_rate(self) -> float | None:
        return rate(self.done_on_time, self.done_on_time + self.done_late)

    @property
    def callback_rate(self) -> float | None:
        return rate(self.called_back, self.done)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.called_back)

    def as_dict(self) -> dict[str, Any]:
        """Counts, rates (0..1 or None) and medians (minutes or None), for JSON."""
        out: dict[str, Any] = {
            k: getattr(self, k)
            for k in (
                "group",
                "logged",
                "closed",
                "cancelled",
                "open",
                "on_site_on_time",
                "on_site_late",
                "done_on_time",
                "done_late",
                "done",
                "called_back",
                "satisfied",
                "overdue",
                "closure_rate",
                "on_site_rate",
                "done_rate",
                "callback_rate",
                "satisfaction_rate",
            )
        }
        for key in ("median_to_on_site", "median_to_done"):
            span = getattr(self, key)
            out[f"{key}_minutes"] = None if span is None else round(span.total_seconds() / 60, 1)
        return out


@dataclass(frozen=True)
class OverdueOrder:
    """An open order whose running clock is past due."""

    number: str
    unit_code: str
    category: str
    priority: str
    team: str
    state: str
    clock: str  # "on site" | "done" | "callback"
    due: datetime
    late_by: timedelta
    logged_at: datetime


@dataclass(frozen=True)
class Figures:
    """Everything `deskclerk stats` shows for one period."""

    since: datetime | None
    until: datetime | None
    now: datetime
    by: str | None
    calls: dict[str, int]  # category -> count, every category present
    orders: OrderFigures  # the whole period
    groups: tuple[OrderFigures, ...] = ()
    overdue: tuple[OverdueOrder, ...] = ()
    overdue_total: int = 0

    @property
    def calls_total(self) -> int:
        return sum(self.calls.values())


@dataclass(frozen=True)
class DayCount:
    """One local day: calls received, orders logged, orders done."""

    day: date
    calls: int
    orders: int
    done: int


@dataclass(frozen=True)
class TeamOnTime:
    """A team's on-time rates for the Stats view's chart."""

    team: str
    logged: int
    on_site_rate: float | None
    done_rate: float | None
    judged: int  # orders judged on either clock
