"""Handover sheets as the desk and the printouts see them: public shapes and reading."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from deskclerk.db import session_scope
from deskclerk.errors import NotFound
from deskclerk.models import Audit, Handover, Setting, Shift
from deskclerk.services import handover_fingerprint as fp
from deskclerk.services.context import Context
from deskclerk.services.handover_sheet import (
    ITEMS,
    KIND_TABLES,
    OPEN_COLUMNS,
    SECTIONS,
    is_open,
    rows_by_ids,
)
from deskclerk.services.shifts import shift_name_at
from deskclerk.timeparse import day_bounds


@dataclass(frozen=True)
class SheetItem:
    """One line of a sheet; `no` is its number as printed (1, 2, …)."""

    id: int
    no: int
    section: str
    ref_kind: str  # call, order, visit, note; "" for a remark
    ref_id: int | None
    text: str
    carried: int  # how many earlier sheets it stood on
    attention: str  # "", "overdue", "near deadline", "high"
    acknowledged_at: datetime | None
    query: str
    still_open: bool | None  # the live record now; None for a remark


@dataclass(frozen=True)
class SheetPublic:
    """A handover sheet with the live state of what it lists (as of `as_of`)."""

    id: int
    site: str
    shift_id: int | None
    shift_name: str  # "A", or "" outside the pattern
    shift_label: str  # "shift A (09:00–17:00)" or "outside the shift pattern"
    shift_started_at: datetime | None
    shift_ended_at: datetime | None
    outgoing: str
    incoming: str
    started_at: datetime
    signed_at: datetime | None
    acknowledged_at: datetime | None
    fingerprint: str
    history_head: int | None  # the last history entry the fingerprint covers
    items: tuple[SheetItem, ...]
    as_of: datetime
    tz: tzinfo

    @property
    def state(self) -> str:
        """draft (not signed), pending (signed, not acknowledged) or acknowledged."""
        if self.signed_at is None:
            return "draft"
        return "pending" if self.acknowledged_at is None else "acknowledged"

    def section(self, name: str) -> list[SheetItem]:
        return [i for i in self.items if i.section == name]

    @property
    def still_open(self) -> int:
        """How many listed records are still open now."""
        return sum(1 for i in self.items if i.still_open)

    @property
    def unacknowledged(self) -> int:
        return sum(1 for i in self.items if i.acknowledged_at is None)

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)


@dataclass(frozen=True)
class HandoverSummary:
    """A handover in a list (the status bar, the supervisor's pending view)."""

    id: int
    shift_id: int | None
    shift_name: str
    outgoing: str
    incoming: str
    started_at: datetime
    signed_at: datetime | None
    acknowledged_at: datetime | None
    items: int
    acknowledged_items: int


# --- reading ----------------------------------------------------------------


def _site_name(ctx: Context, session: Session) -> str:
    if ctx.settings.site_name:
        return ctx.settings.site_name
    row = session.get(Setting, "site_name")
    return row.value if row is not None else ""


def pattern_name(ctx: Context, at: datetime) -> str:
    """The shift of the site's pattern running at `at`, or "" outside it."""
    return shift_name_at(ctx.settings, ctx.local(at))


def shift_label(ctx: Context, name: str) -> str:
    for window in ctx.settings.shifts:
        if window.name == name:
            return f"shift {name} ({window.start:%H:%M}–{window.end:%H:%M})"
    return f"shift {name}" if name else "outside the shift pattern"


def items_of(session: Session, handover_id: int) -> list[Any]:
    """A sheet's items as rows (attributes as HandoverItem's), in the order they were added."""
    return list(
        session.execute(
            sa.select(ITEMS).where(ITEMS.c.handover_id == handover_id).order_by(ITEMS.c.id)
        ).all()
    )


def in_sheet_order(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda i: (SECTIONS.index(i.section), i.id or 0))


def _open_now(session: Session, items: Iterable[Any]) -> dict[tuple[str, int], bool]:
    wanted: dict[str, list[int]] = {}
    for item in items:
        if item.ref_kind in KIND_TABLES and item.ref_id is not None:
            wanted.setdefault(item.ref_kind, []).append(item.ref_id)
    out: dict[tuple[str, int], bool] = {}
    for kind, ids in wanted.items():
        for row in rows_by_ids(session, kind, ids, *OPEN_COLUMNS[kind]):
            out[(kind, row.id)] = is_open(kind, row)
    return out


def public_sheet(ctx: Context, session: Session, h: Handover) -> SheetPublic:
    assert h.id is not None
    items = in_sheet_order(items_of(session, h.id))
    open_now = _open_now(session, items)
    shift = session.get(Shift, h.shift_id) if h.shift_id is not None else None
    name = shift.name if shift is not None and shift.name else pattern_name(ctx, h.started_at)
    head = None
    if h.signed_at is not None:
        entry = fp.sign_entry(session, h.id)
        if entry is not None:
            head = session.exec(
                select(Audit.id)
                .where(col(Audit.id) < entry.id)
                .order_by(col(Audit.id).desc())
                .limit(1)
            ).first()
    return SheetPublic(
        id=h.id,
        site=_site_name(ctx, session),
        shift_id=h.shift_id,
        shift_name=name,
        shift_label=shift_label(ctx, name),
        shift_started_at=shift.started_at if shift is not None else None,
        shift_ended_at=shift.ended_at if shift is not None else None,
        outgoing=h.outgoing,
        incoming=h.incoming,
        started_at=h.started_at,
        signed_at=h.signed_at,
        acknowledged_at=h.acknowledged_at,
        fingerprint=h.fingerprint,
        history_head=head,
        items=tuple(
            SheetItem(
                id=i.id or 0,
                no=n,
                section=i.section,
                ref_kind=i.ref_kind,
                ref_id=i.ref_id,
                text=i.text,
                carried=i.carried,
                attention=i.attention,
                acknowledged_at=i.acknowledged_at,
                query=i.query,
                still_open=(
                    open_now.get((i.ref_kind, i.ref_id), False)
                    if i.ref_kind and i.ref_id is not None
                    else None
                ),
            )
            for n, i in enumerate(items, start=1)
        ),
        as_of=ctx.now(),
        tz=ctx.tz,
    )


def get_handover(session: Session, handover_id: int) -> Handover:
    h = session.get(Handover, handover_id)
    if h is None:
        raise NotFound(
            f"There is no handover {handover_id}: `deskclerk handover pending` lists them."
        )
    return h


def sheet(ctx: Context, handover_id: int) -> SheetPublic:
    """One handover sheet with the live state of what it lists."""
    with session_scope(ctx.engine) as s:
        return public_sheet(ctx, s, get_handover(s, handover_id))


def last_sheet(ctx: Context) -> SheetPublic | None:
    """The last signed sheet (the supervisor's morning read); else the newest draft."""
    with session_scope(ctx.engine) as s:
        h = s.exec(
            select(Handover)
            .where(col(Handover.signed_at).is_not(None))
            .order_by(col(Handover.signed_at).desc(), col(Handover.id).desc())
            .limit(1)
        ).first()
        if h is None:
            h = s.exec(select(Handover).order_by(col(Handover.id).desc()).limit(1)).first()
        return public_sheet(ctx, s, h) if h is not None else None


def sheet_for_shift(ctx: Context, shift_id: int) -> SheetPublic:
    """The (last) handover sheet of one shift."""
    with session_scope(ctx.engine) as s:
        h = s.exec(
            select(Handover)
            .where(Handover.shift_id == shift_id)
            .order_by(col(Handover.id).desc())
            .limit(1)
        ).first()
        if h is None:
            raise NotFound(f"Shift {shift_id} has no handover sheet.")
        return public_sheet(ctx, s, h)


def sheets_for_date(ctx: Context, day: date) -> list[SheetPublic]:
    """Every handover started on a local calendar day, in order."""
    start, end = day_bounds(day, ctx.tz)
    with session_scope(ctx.engine) as s:
        rows = s.exec(
            select(Handover)
            .where(col(Handover.started_at) >= start, col(Handover.started_at) < end)
            .order_by(col(Handover.started_at), col(Handover.id))
        ).all()
        return [public_sheet(ctx, s, h) for h in rows]


def sheet_for_date(ctx: Context, day: date) -> SheetPublic:
    """The last handover sheet started on a local calendar day."""
    sheets = sheets_for_date(ctx, day)
    if not sheets:
        raise NotFound(f"No handover sheet was started on {day.isoformat()}.")
    return sheets[-1]


def pending(ctx: Context) -> list[HandoverSummary]:
    """Signed handovers the incoming clerk has not acknowledged yet, oldest first."""
    with session_scope(ctx.engine) as s:
        rows = s.exec(
            select(Handover)
            .where(col(Handover.signed_at).is_not(None), col(Handover.acknowledged_at).is_(None))
            .order_by(col(Handover.signed_at))
        ).all()
        out = []
        counts = {
            hid: (total, acked)
            for hid, total, acked in s.execute(
                sa.select(
                    ITEMS.c.handover_id, sa.func.count(), sa.func.count(ITEMS.c.acknowledged_at)
                )
                .where(ITEMS.c.handover_id.in_([h.id for h in rows]))
                .group_by(ITEMS.c.handover_id)
            )
        }
        for h in rows:
            assert h.id is not None
            total, acked = counts.get(h.id, (0, 0))
            shift = s.get(Shift, h.shift_id) if h.shift_id is not None else None
            out.append(
                HandoverSummary(
                    id=h.id,
                    shift_id=h.shift_id,
                    shift_name=shift.name if shift is not None else pattern_name(ctx, h.started_at),
                    outgoing=h.outgoing,
                    incoming=h.incoming,
                    started_at=h.started_at,
                    signed_at=h.signed_at,
                    acknowledged_at=h.acknowledged_at,
                    items=total,
                    acknowledged_items=acked,
                )
            )
        return out


def local_stamp(ctx: Context, at: datetime | None) -> str:
    return ctx.local(at).strftime("%Y-%m-%d %H:%M") if at is not None else ""
