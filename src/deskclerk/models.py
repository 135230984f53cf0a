"""The tables of the desk (SQLModel) and the enums their fields take.

Times are stored as UTC instants (SQLite keeps no offset) and come back as
aware UTC datetimes.  Every record keeps when it happened (`*_at`) and when it
was recorded (`recorded_at`): the morning shift back-fills the night's work.
Records are never deleted: a mistaken one is voided with a reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and returned as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)

    def result_processor(self, dialect: sa.Dialect, coltype: object) -> Any:
        """On SQLite, read the stored text straight into an aware UTC datetime.

        `fromisoformat(text + "+00:00")` is several times cheaper than parsing and
        then `replace(tzinfo=UTC)`; a page of orders reads 13 timestamps a row.
        """
        slow = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite":
            return slow
        parse = datetime.fromisoformat

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if value.__class__ is str:
                try:
                    return parse(value + "+00:00")
                except ValueError:
                    pass  # not our stored shape (e.g. it carries an offset)
            return slow(value) if slow is not None else value

        return process


class Category(StrEnum):
    """What a call is about (信息分类)."""

    repair = "repair"  # 报修
    complaint = "complaint"  # 投诉
    inquiry = "inquiry"  # 咨询
    help = "help"  # 求助
    suggestion = "suggestion"  # 建议
    other = "other"  # 日常事务


CATEGORY_ZH = {
    "repair": "报修",
    "complaint": "投诉",
    "inquiry": "咨询",
    "help": "求助",
    "suggestion": "建议",
    "other": "其他",
}


class CallState(StrEnum):
    open = "open"
    answered = "answered"
    passed_on = "passed_on"
    closed = "closed"


class Priority(StrEnum):
    urgent = "urgent"  # on site within 20 minutes
    high = "high"  # leaks and bursts: fixed within 4 h
    normal = "normal"  # small repairs: not overnight
    low = "low"


class OrderState(StrEnum):
    logged = "logged"
    dispatched = "dispatched"
    on_site = "on_site"
    done = "done"  # waiting for the callback (回访)
    closed = "closed"  # called back, or closed by a supervisor with a reason
    cancelled = "cancelled"


class Verdict(StrEnum):
    satisfied = "satisfied"
    unsatisfied = "unsatisfied"


class Role(StrEnum):
    clerk = "clerk"
    supervisor = "supervisor"
    technician = "technician"


def _ts(nullable: bool = False, index: bool = False) -> object:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


# --- directory -------------------------------------------------------------


class Setting(SQLModel, table=True):
    """Site-wide values kept in the database (site name, first-run done)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="")


class Unit(SQLModel, table=True):
    """A flat, shop or office: `3-1203`, `0801`.  Codes are text; zeros matter."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=30)
    building: str = Field(default="", max_length=50)
    area: str = Field(default="", max_length=50)  # the maintenance area it belongs to
    note: str = Field(default="")
    created_at: datetime = _ts()  # type: ignore[assignment]
    active: bool = True


class Resident(SQLModel, table=True):
    """A person living or working in a unit, with a phone number."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=100, index=True)
    phone: str = Field(default="", max_length=40)
    phone_last4: str = Field(default="", max_length=4, index=True)
    is_owner: bool = True
    created_at: datetime = _ts()  # type: ignore[assignment]
    active: bool = True


class Team(SQLModel, table=True):
    """A maintenance team (维修班) and what it covers."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=60)
    categories: str = Field(default="")  # comma list of work kinds: plumbing,electrical
    areas: str = Field(default="")  # comma list of unit areas; empty: all
    active: bool = True


class Staff(SQLModel, table=True):
    """A clerk, supervisor or technician."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    role: str = Field(default=Role.clerk, max_length=20)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    phone: str = Field(default="", max_length=40)
    pin_hash: str = Field(default="", max_length=200)
    active: bool = True


class Shift(SQLModel, table=True):
    """A clerk on duty from when to when."""

    id: int | None = Field(default=None, primary_key=True)
    clerk: str = Field(max_length=100)
    name: str = Field(default="", max_length=20)  # A, B, C, or "" outside the pattern
    started_at: datetime = _ts(index=True)  # type: ignore[assignment]
    ended_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]


# --- the four registers ---------------------------------------------------


class Call(SQLModel, table=True):
    """An incoming call or walk-in request (来电 / 来访登记)."""

    __table_args__ = (
        sa.Index("ix_call_received", "received_at", "id"),
        sa.Index("ix_call_unit_received", "unit_id", "received_at"),
        sa.Index("ix_call_state_due", "state", "callback_due"),
        sa.Index("ix_call_state_received", "state", "received_at"),  # lists by state
        # statistics: calls per category in a period, read from the index alone
        sa.Index("ix_call_stats", "category", "received_at", "voided_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = _ts()  # type: ignore[assignment]
    recorded_at: datetime = _ts()  # type: ignore[assignment]
    caller: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    category: str = Field(default=Category.other, max_length=20)
    matter: str = Field(default="")
    taken_by: str = Field(default="", max_length=100)  # first-contact owner (首问负责)
    passed_to: str = Field(default="", max_length=100)
    callback_due: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    answer: str = Field(default="")
    state: str = Field(default=CallState.open, max_length=20)
    closed_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    order_id: int | None = Field(default=None, foreign_key="work_order.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    voided_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    void_reason: str = Field(default="")


class Visit(SQLModel, table=True):
    """A visitor signed in at the desk (访客登记)."""

    __table_args__ = (
        sa.Index("ix_visit_time_in", "time_in", "id"),
        sa.Index("ix_visit_unit_time_in", "unit_id", "time_in"),
        sa.Index("ix_visit_time_out", "time_out"),
    )
    id: int | None = Field(default=None, primary_key=True)
    visitor: str = Field(max_length=100)
    phone: str = Field(default="", max_length=40)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    host: str = Field(default="", max_length=100)  # the person visited
    purpose: str = Field(default="", max_length=200)
    time_in: datetime = _ts()  # type: ignore[assignment]
    time_out: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    badge: str = Field(default="", max_length=40)
    plate: str = Field(default="", max_length=20)
    id_number: str = Field(default="", max_length=40)  # masked on screen, purged later
    id_purged_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    clerk: str = Field(default="", max_length=100)
    clerk_out: str = Field(default="", max_length=100)
    recorded_at: datetime = _ts()  # type: ignore[assignment]
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    voided_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    void_reason: str = Field(default="")


class WorkOrder(SQLModel, table=True):
    """A repair written up and dispatched to a team (派工单)."""

    __tablename__ = "work_order"
    __table_args__ = (
        sa.Index("ix_order_logged", "logged_at", "id"),
        sa.Index("ix_order_unit_logged", "unit_id", "logged_at"),
        sa.Index("ix_order_state", "state", "done_due"),
        sa.Index("ix_order_team_logged", "team_id", "logged_at"),
        # statistics: every column the figures read, so a year is an index-only scan
        sa.Index(
            "ix_order_stats",
            "logged_at",
            "voided_at",
            "state",
            "team_id",
            "category",
            "logged_by",
            "on_site_due",
            "on_site_at",
            "done_due",
            "done_at",
            "paused_seconds",
            "paused_since",
            "verdict",
            "callback_due",
            "to_site_us",
            "to_done_us",
        ),
        # statistics by team: the columns the counts read, led by the team (migration 0004)
        sa.Index(
            "ix_order_team_stats",
            "team_id",
            "logged_at",
            "voided_at",
            "state",
            "on_site_due",
            "on_site_at",
            "done_due",
            "done_at",
            "paused_seconds",
            "paused_since",
            "verdict",
            "callback_due",
            "to_site_us",
            "to_done_us",
        ),
        # medians: the durations of reached orders in order (migration 0003; partial on
        # SQLite only: a postgresql_where would import that dialect in every command)
        *(
            sa.Index(
                name,
                *columns,
                sqlite_where=sa.text("on_site_at IS NOT NULL"),
            )
            for name, columns in (
                ("ix_order_to_site", ("to_site_us", "logged_at", "voided_at")),
                ("ix_order_to_done", ("to_done_us", "logged_at", "voided_at")),
                ("ix_order_team_to_site", ("team_id", "to_site_us", "logged_at", "voided_at")),
                ("ix_order_team_to_done", ("team_id", "to_done_us", "logged_at", "voided_at")),
            )
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=30)  # WO-20261124-007
    call_id: int | None = Field(default=None)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    category: str = Field(default="repair", max_length=30)  # work kind: plumbing, electrical…
    priority: str = Field(default=Priority.normal, max_length=20)
    description: str = Field(default="")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    technician: str = Field(default="", max_length=100)
    state: str = Field(default=OrderState.logged, max_length=20)
    logged_by: str = Field(default="", max_length=100)
    logged_at: datetime = _ts()  # type: ignore[assignment]
    recorded_at: datetime = _ts()  # type: ignore[assignment]
    dispatched_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    on_site_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    done_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    closed_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    cancelled_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    cancel_reason: str = Field(default="")
    # deadline clocks: the due instants as first set; pauses move them on
    on_site_due: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    done_due: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    callback_due: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    paused_since: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    pause_reason: str = Field(default="")
    paused_seconds: int = 0
    # callback (回访)
    callback_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    callback_attempts: int = 0
    verdict: str = Field(default="", max_length=20)
    callback_comment: str = Field(default="")
    reopened_count: int = 0
    charge: float = 0.0  # paid service (有偿服务)
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    voided_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    void_reason: str = Field(default="")
    # microseconds from logged_at to on_site_at / done_at, written with them: the
    # figures' medians read these integers from ix_order_stats, not two times a row
    to_site_us: int | None = Field(default=None, sa_type=sa.BigInteger)
    to_done_us: int | None = Field(default=None, sa_type=sa.BigInteger)


class OrderEvent(SQLModel, table=True):
    """Every state change of a work order, with its time and clerk."""

    __tablename__ = "order_event"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="work_order.id", index=True)
    kind: str = Field(max_length=30)  # logged, dispatched, on_site, done, callback, …
    at: datetime = _ts()  # type: ignore[assignment]
    recorded_at: datetime = _ts()  # type: ignore[assignment]
    clerk: str = Field(default="", max_length=100)
    detail: str = Field(default="")


class HandoverNote(SQLModel, table=True):
    """A note for the next shift (交接班记录)."""

    __tablename__ = "handover_note"
    __table_args__ = (
        sa.Index("ix_note_written", "written_at", "id"),
        sa.Index("ix_note_unit_written", "unit_id", "written_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    text: str
    priority: str = Field(default=Priority.normal, max_length=20)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    clerk: str = Field(default="", max_length=100)
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    written_at: datetime = _ts()  # type: ignore[assignment]
    recorded_at: datetime = _ts()  # type: ignore[assignment]
    resolved_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    resolved_by: str = Field(default="", max_length=100)
    voided_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    void_reason: str = Field(default="")


# --- handover sheets --------------------------------------------------------


class Handover(SQLModel, table=True):
    """A shift's handover sheet: signed by the outgoing, acknowledged by the incoming clerk."""

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    outgoing: str = Field(max_length=100)
    started_at: datetime = _ts()  # type: ignore[assignment]
    signed_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    incoming: str = Field(default="", max_length=100)
    acknowledged_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    remarks: str = Field(default="")
    fingerprint: str = Field(default="", max_length=128)


class HandoverItem(SQLModel, table=True):
    """One line of a handover sheet, pointing at the live record it is about."""

    __tablename__ = "handover_item"
    id: int | None = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="handover.id", index=True)
    section: str = Field(max_length=30)  # calls, callbacks, orders, visitors, notes, carried
    ref_kind: str = Field(default="", max_length=20)  # call, visit, order, note
    ref_id: int | None = None
    text: str = Field(default="")
    carried: int = 0  # how many earlier sheets it stood on
    acknowledged_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    query: str = Field(default="")
    attention: str = Field(default="", max_length=20)  # overdue, near deadline, high
    digest: str = Field(default="", max_length=64)  # the listed record's content at signing


# --- history ----------------------------------------------------------------


class Audit(SQLModel, table=True):
    """Who did what, when: every create, amendment, void and state change.

    Entries form a hash chain (each hash covers the previous one), so a later
    edit of the history is detectable by `deskclerk check`.
    """

    __table_args__ = (sa.Index("ix_audit_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()  # type: ignore[assignment]
    actor: str = Field(default="", max_length=100)
    action: str = Field(max_length=30)  # create, amend, void, state, purge, …
    entity: str = Field(max_length=30)  # call, visit, order, note, unit, …
    entity_id: int | None = None
    field_name: str = Field(default="", max_length=60)
    old: str = Field(default="")
    new: str = Field(default="")
    reason: str = Field(default="")
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)
