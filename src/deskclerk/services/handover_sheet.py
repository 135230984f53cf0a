"""What goes on a handover sheet: the open records of the desk, read in one session.

Every open record appears once, in its own section (calls, callbacks, orders,
visitors, notes).  A record that stood on the previous signed sheet of an
earlier shift keeps its section and has its carried count raised by one; only
one no longer in a live list (an answered call, an older note) goes to the
`carried` section.  A record is
open until it is closed: a call closed, an order closed or cancelled, a visitor
signed out, a note resolved; a voided record is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from deskclerk.models import (
    Call,
    CallState,
    Handover,
    HandoverItem,
    HandoverNote,
    OrderState,
    Team,
    Unit,
    Visit,
    WorkOrder,
)
from deskclerk.services.deadlines import running_clock

SECTIONS = ("calls", "callbacks", "orders", "visitors", "notes", "carried", "remarks")
SECTION_TITLES = {
    "calls": "Calls still open or passed on",
    "callbacks": "Callbacks due",
    "orders": "Work orders open",
    "visitors": "Visitors still signed in",
    "notes": "Notes of this shift",
    "carried": "Carried over from earlier shifts",
    "remarks": "Remarks of the outgoing clerk",
}
KIND_TABLES: dict[str, sa.Table] = {
    "call": Call.__table__,  # type: ignore[attr-defined]
    "order": WorkOrder.__table__,  # type: ignore[attr-defined]
    "visit": Visit.__table__,  # type: ignore[attr-defined]
    "note": HandoverNote.__table__,  # type: ignore[attr-defined]
}
ITEMS: sa.Table = HandoverItem.__table__  # type: ignore[attr-defined]
OPEN_CALL_STATES = (CallState.open.value, CallState.passed_on.value)
OPEN_ORDER_STATES = (
    OrderState.logged.value,
    OrderState.dispatched.value,
    OrderState.on_site.value,
    OrderState.done.value,
)
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
ATTENTION_RANK = {"overdue": 0, "near deadline": 1}


@dataclass(frozen=True)
class Entry:
    """One line to put on a sheet (before it is stored as a HandoverItem)."""

    section: str
    ref_kind: str
    ref_id: int
    text: str
    attention: str = ""
    carried: int = 0
    sort_key: tuple[object, ...] = ()


def is_open(kind: str, row: object) -> bool:
    """True while the record still needs someone's attention."""
    if getattr(row, "voided_at", None) is not None:
        return False
    if kind == "call":
        return getattr(row, "state", "") != CallState.closed.value
    if kind == "order":
        return getattr(row, "state", "") in OPEN_ORDER_STATES
    if kind == "visit":
        return getattr(row, "time_out", None) is None
    if kind == "note":
        return getattr(row, "resolved_at", None) is None
    return False


def order_clock(order: Any, now: datetime) -> tuple[str, timedelta | None]:
    """The running deadline of an open order: (alert, time left), pauses moving it on."""
    clock = running_clock(
        state=order.state,
        logged_at=order.logged_at,
        on_site_at=order.on_site_at,
        done_at=order.done_at,
        on_site_due=order.on_site_due,
        done_due=order.done_due,
        callback_due=order.callback_due,
        paused_seconds=order.paused_seconds or 0,
        paused_since=order.paused_since,
        done_clock_start=order.logged_at,
        now=now,
    )
    return clock.alert, clock.time_left


def span(delta: timedelta) -> str:
    """A duration in a clerk's words: 45m, 3h05m, 2d4h."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h"
    if hours:
        return f"{hours}h{mins:02d}m"
    return f"{mins}m"


class _Writer:
    """Turns rows into sheet lines in the site's local time."""

    def __init__(self, now: datetime, tz: tzinfo) -> None:
        self.now = now
        self.tz = tz
        self.today = now.astimezone(tz).date()

    def when(self, at: datetime | None) -> str:
        if at is None:
            return ""
        local = at.astimezone(self.tz)
        if local.date() == self.today:
            return local.strftime("%H:%M")
        return local.strftime("%m-%d %H:%M")

    def call(self, row: Any, unit: str | None) -> tuple[str, str]:
        who = ", ".join(p for p in (unit or "", row.phone) if p)
        text = f"{self.when(row.received_at)} {row.caller or 'caller unknown'}"
        text += f" ({who})" if who else ""
        text += f" · {row.category}: {row.matter}"
        if row.passed_to:
            text += f" · passed to {row.passed_to}"
        if row.answer:
            text += f" · answered: {row.answer}"
        attention = ""
        if row.callback_due is not None:
            if row.callback_due <= self.now:
                attention = "overdue"
                text += f" · callback was due {self.when(row.callback_due)} (overdue)"
            else:
                text += f" · call back by {self.when(row.callback_due)}"
        return text, attention

    def order(
        self, row: Any, unit: str | None, team: str | None, clock: tuple[str, object]
    ) -> tuple[str, str]:
        alert, left = clock
        parts = [row.number, unit or "no unit", row.priority, f"{row.category}: {row.description}"]
        if row.state == OrderState.logged.value:
            parts.append(f"logged {self.when(row.logged_at)}, not dispatched")
        elif row.state == OrderState.done.value:
            parts.append(f"done {self.when(row.done_at)}, resident to be called back")
        else:
            who = "/".join(p for p in (team or "", row.technician) if p) or "no team"
            parts.append(f"{row.state.replace('_', ' ')} · {who}")
        if row.paused_since is not None:
            parts.append(f"paused: {row.pause_reason}" if row.pause_reason else "paused")
        attention = ""
        if isinstance(left, timedelta):
            if alert == "overdue":
                attention = "overdue"
                parts.append(f"OVERDUE by {span(left)}")
            else:
                parts.append(f"{span(left)} left" + (f" ({alert} used)" if alert else ""))
                if alert == "75%":
                    attention = "near deadline"
        if not attention and row.priority == "urgent":
            attention = "high"
        return " · ".join(parts), attention

    def visit(self, row: Any, unit: str | None) -> tuple[str, str]:
        text = f"{row.visitor}"
        dest = " ".join(p for p in (unit or "", row.host) if p)
        text += f" → {dest}" if dest else ""
        text += f" ({row.purpose})" if row.purpose else ""
        text += f" · in since {self.when(row.time_in)}"
        if row.badge:
            text += f" · badge {row.badge}"
        if row.plate:
            text += f" · plate {row.plate}"
        return text, ""

    def note(self, row: Any, unit: str | None) -> tuple[str, str]:
        prefix = f"[{row.priority}] " if row.priority != "normal" else ""
        text = f"{prefix}{row.text}"
        text += f" ({unit})" if unit else ""
        text += f" · {row.clerk} {self.when(row.written_at)}"
        return text, "high" if row.priority in ("urgent", "high") else ""


def _units(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    out: dict[int, str] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        for uid, code in session.exec(
            select(Unit.id, Unit.code).where(col(Unit.id).in_(chunk))
        ).all():
            out[uid or 0] = code
    return out


def _teams(session: Session) -> dict[int, str]:
    return {tid or 0: name for tid, name in session.exec(select(Team.id, Team.name)).all()}


def rows_by_ids(session: Session, kind: str, ids: Iterable[int], *columns: str) -> list[Any]:
    """The records of one kind with these ids (any order; missing ones left out).

    Rows, not ORM objects: a sheet can list thousands.  `columns` limits what is read.
    """
    table = KIND_TABLES[kind]
    what = [table.c.id, *(table.c[c] for c in columns)] if columns else [table]
    unique = sorted(set(ids))
    rows: list[Any] = []
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        rows.extend(session.execute(sa.select(*what).where(table.c.id.in_(chunk))).all())
    return rows


OPEN_COLUMNS = {
    "call": ("state", "voided_at"),
    "order": ("state", "voided_at"),
    "visit": ("time_out", "voided_at"),
    "note": ("resolved_at", "voided_at"),
}


def collect(
    session: Session,
    *,
    now: datetime,
    tz: tzinfo,
    shift_id: int | None,
    notes_since: datetime,
    previous: Handover | None,
) -> list[Entry]:
    """Everything the next shift must know, in sheet order (section, then urgency)."""
    out = _Writer(now, tz)
    rows: dict[tuple[str, int], tuple[str, Any]] = {}  # (kind, id) -> (section, row)

    C, W, V, N = (KIND_TABLES[k] for k in ("call", "order", "visit", "note"))
    for c in session.execute(
        sa.select(C).where(C.c.state.in_(OPEN_CALL_STATES), C.c.voided_at.is_(None))
    ):
        rows[("call", c.id)] = ("callbacks" if c.callback_due is not None else "calls", c)
    orders = session.execute(
        sa.select(W).where(W.c.state.in_(OPEN_ORDER_STATES), W.c.voided_at.is_(None))
    ).all()
    for o in orders:
        rows[("order", o.id)] = ("callbacks" if o.state == OrderState.done.value else "orders", o)
    for v in session.execute(sa.select(V).where(V.c.time_out.is_(None), V.c.voided_at.is_(None))):
        rows[("visit", v.id)] = ("visitors", v)
    this_shift = N.c.written_at >= notes_since
    if shift_id is not None:
        this_shift = sa.or_(N.c.shift_id == shift_id, this_shift)
    for n in session.execute(
        sa.select(N).where(this_shift, N.c.resolved_at.is_(None), N.c.voided_at.is_(None))
    ):
        rows[("note", n.id)] = ("notes", n)

    carried: dict[tuple[str, int], int] = {}
    if previous is not None:
        prev_items = session.execute(
            sa.select(ITEMS.c.ref_kind, ITEMS.c.ref_id, ITEMS.c.carried).where(
                ITEMS.c.handover_id == previous.id, ITEMS.c.ref_kind != ""
            )
        ).all()
        missing: dict[str, list[int]] = {}
        for kind, ref_id, count in prev_items:
            if ref_id is None or kind not in KIND_TABLES:
                continue
            carried[(kind, ref_id)] = count + 1
            if (kind, ref_id) not in rows:
                missing.setdefault(kind, []).append(ref_id)
        # still open, but no longer in a live list (an answered call, an old note)
        for kind, ids in missing.items():
            for row in rows_by_ids(session, kind, ids):
                if is_open(kind, row):
                    rows[(kind, row.id)] = ("carried", row)

    unit_of = _units(session, (getattr(r, "unit_id", None) for _, r in rows.values()))
    teams = _teams(session) if orders else {}
    entries: list[Entry] = []
    for (kind, ref_id), (section, row) in rows.items():
        unit = unit_of.get(getattr(row, "unit_id", None) or 0)
        key: tuple[object, ...]
        if kind == "call":
            text, attention = out.call(row, unit)
            key = (row.callback_due or row.received_at, kind, ref_id)
        elif kind == "order":
            alert, left = order_clock(row, now)
            text, attention = out.order(row, unit, teams.get(row.team_id or 0), (alert, left))
            if section == "callbacks":
                key = (row.callback_due or row.done_at or row.logged_at, kind, ref_id)
            else:
                key = (
                    ATTENTION_RANK.get(attention, 2),
                    left if left is not None else timedelta.max,
                    PRIORITY_RANK.get(row.priority, 9),
                    row.logged_at,
                    ref_id,
                )
        elif kind == "visit":
            text, attention = out.visit(row, unit)
            key = (row.time_in, ref_id)
        else:
            text, attention = out.note(row, unit)
            key = (PRIORITY_RANK.get(row.priority, 9), row.written_at, ref_id)
        entry = Entry(section, kind, ref_id, text, attention, carried.get((kind, ref_id), 0), key)
        if section == "carried":
            entry = replace(
                entry,
                sort_key=(-entry.carried, ATTENTION_RANK.get(attention, 2), kind, ref_id),
            )
        entries.append(entry)
    entries.sort(key=lambda e: (SECTIONS.index(e.section), e.sort_key))
    return entries
