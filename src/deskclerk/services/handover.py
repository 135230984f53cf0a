"""Shift handover: the sheet builds itself, the outgoing clerk signs, the incoming acknowledges.

The API the desk and the CLI use:

    start_handover(ctx, *, clerk, shift_id=None) -> SheetPublic   # build (or rebuild) the draft
    add_remark(ctx, handover_id, text, *, clerk) -> SheetPublic
    sign(ctx, handover_id, *, clerk, pin=None) -> SheetPublic     # outgoing clerk
    acknowledge(ctx, handover_id, *, clerk, pin=None, items=None, queries=None) -> SheetPublic
    pending(ctx) -> list[HandoverSummary]                         # signed, not acknowledged
    sheet(ctx, handover_id) / last_sheet(ctx) / sheet_for_shift(ctx, shift_id)
    sheet_for_date(ctx, day) / sheets_for_date(ctx, day)
    verify_fingerprints(ctx) -> list[str]                         # for `deskclerk check`
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from deskclerk.cleaning import TEXT_MAX, clean_name, clean_text
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.models import Audit, Handover, HandoverItem, Shift
from deskclerk.services import handover_fingerprint as fp
from deskclerk.services import history
from deskclerk.services.context import Context
from deskclerk.services.directory import check_pin
from deskclerk.services.handover_check import verify_fingerprints
from deskclerk.services.handover_sheet import (
    ITEMS,
    collect,
)
from deskclerk.services.handover_view import (
    HandoverSummary,
    SheetItem,
    SheetPublic,
    get_handover,
    in_sheet_order,
    items_of,
    last_sheet,
    local_stamp,
    pattern_name,
    pending,
    public_sheet,
    sheet,
    sheet_for_date,
    sheet_for_shift,
    sheets_for_date,
    shift_label,
)
from deskclerk.services.shifts import open_shift_id

__all__ = [
    "HandoverSummary",
    "SheetItem",
    "SheetPublic",
    "acknowledge",
    "add_remark",
    "last_sheet",
    "pattern_name",
    "pending",
    "sheet",
    "sheet_for_date",
    "sheet_for_shift",
    "sheets_for_date",
    "shift_label",
    "sign",
    "start_handover",
    "verify_fingerprints",
]


def _previous_signed(session: Session, h: Handover) -> Handover | None:
    """The sheet this one carries from: the last signed sheet of an earlier shift.

    A sheet of the same shift (signed a moment ago) is not an earlier shift; without
    shift ids to compare, it must have been signed before this one was started.
    """
    query = select(Handover).where(col(Handover.signed_at).is_not(None), Handover.id != h.id)
    if h.shift_id is not None:
        query = query.where(
            sa.or_(
                col(Handover.shift_id) != h.shift_id,
                sa.and_(
                    col(Handover.shift_id).is_(None),
                    col(Handover.signed_at) <= h.started_at,
                ),
            )
        )
    else:
        query = query.where(col(Handover.signed_at) <= h.started_at)
    return session.exec(
        query.order_by(col(Handover.signed_at).desc(), col(Handover.id).desc()).limit(1)
    ).first()


def _started_by(session: Session, h: Handover) -> str:
    """The clerk who started the sheet (its create entry in the history)."""
    actor = session.exec(
        select(Audit.actor)
        .where(Audit.entity == "handover", Audit.entity_id == h.id, Audit.action == "create")
        .order_by(col(Audit.id))
        .limit(1)
    ).first()
    return actor or h.outgoing


def _same_clerk(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _fill(ctx: Context, s: Session, h: Handover) -> None:
    """(Re)build the draft's items from the live records; remarks stay."""
    assert h.id is not None
    now = ctx.now()
    previous = _previous_signed(s, h)
    if previous is not None and previous.signed_at is not None:
        notes_since = previous.signed_at
    else:
        shift = s.get(Shift, h.shift_id) if h.shift_id is not None else None
        notes_since = shift.started_at if shift is not None else now - timedelta(hours=24)
    entries = collect(
        s,
        now=now,
        tz=ctx.tz,
        shift_id=h.shift_id,
        notes_since=notes_since,
        previous=previous,
    )
    s.execute(sa.delete(ITEMS).where(ITEMS.c.handover_id == h.id, ITEMS.c.section != "remarks"))
    if entries:
        s.execute(
            sa.insert(ITEMS),
            [
                {
                    "handover_id": h.id,
                    "section": e.section,
                    "ref_kind": e.ref_kind,
                    "ref_id": e.ref_id,
                    "text": e.text,
                    "carried": e.carried,
                    "attention": e.attention,
                    "query": "",
                    "digest": "",
                }
                for e in entries
            ],
        )


def start_handover(ctx: Context, *, clerk: str, shift_id: int | None = None) -> SheetPublic:
    """Build the sheet of the shift on duty from the live records, at the end of the shift.

    There is one unsigned draft at a time: starting again rebuilds it, whoever
    asks (its remarks stay); a draft of another shift is refused, named.  Works
    outside the shift pattern and without a shift.
    """
    clerk = clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        if shift_id is not None:
            shift = s.get(Shift, shift_id)
            if shift is None:
                raise NotFound(f"There is no shift {shift_id}.")
        else:
            on_duty = open_shift_id(s)
            shift = s.get(Shift, on_duty) if on_duty is not None else None
        h = s.exec(
            select(Handover)
            .where(col(Handover.signed_at).is_(None))
            .order_by(col(Handover.id).desc())
            .limit(1)
        ).first()
        if h is not None and h.shift_id != (shift.id if shift is not None else None):
            raise Conflict(
                f"Handover {h.id} ({_draft_label(ctx, s, h)}) is still an unsigned draft: "
                f"sign it first (deskclerk handover sign {h.id}); only one draft at a time."
            )
        if h is None:
            h = Handover(
                shift_id=shift.id if shift is not None else None, outgoing=clerk, started_at=now
            )
            s.add(h)
            s.flush()
            history.record(
                s, at=now, actor=clerk, action="create", entity="handover", entity_id=h.id
            )
        _fill(ctx, s, h)
        return public_sheet(ctx, s, h)


def _draft_label(ctx: Context, s: Session, h: Handover) -> str:
    shift = s.get(Shift, h.shift_id) if h.shift_id is not None else None
    which = f"shift {shift.name}" if shift is not None and shift.name else "no shift"
    return f"{which}, started by {h.outgoing} at {local_stamp(ctx, h.started_at)}"


def add_remark(ctx: Context, handover_id: int, text: str, *, clerk: str) -> SheetPublic:
    """A free-text line from the outgoing clerk (keys handed over, equipment, …)."""
    clerk = clean_name(clerk, "clerk's name")
    text = clean_text(text, "remark", required=True, max_length=TEXT_MAX, multiline=True)
    with session_scope(ctx.engine, write=True) as s:
        h = get_handover(s, handover_id)
        if h.signed_at is not None:
            raise Conflict(
                f"Handover {handover_id} is already signed, so it takes no more remarks; "
                "write a handover note for the next shift instead."
            )
        s.add(HandoverItem(handover_id=handover_id, section="remarks", text=text))
        history.record(
            s,
            at=ctx.now(),
            actor=clerk,
            action="remark",
            entity="handover",
            entity_id=handover_id,
            new=text,
        )
        s.flush()
        return public_sheet(ctx, s, h)


def _check_pin(ctx: Context, clerk: str, pin: str | None) -> None:
    if not ctx.settings.pins:
        return
    if not pin:
        raise InvalidInput(f"PINs are on at this site: {clerk} must give their PIN.", field="PIN")
    if not check_pin(ctx, clerk, pin):
        raise InvalidInput(
            f"That PIN is not {clerk}'s (or {clerk} has no PIN set): nothing was signed.",
            field="PIN",
        )


def sign(ctx: Context, handover_id: int, *, clerk: str, pin: str | None = None) -> SheetPublic:
    """The outgoing clerk signs: the sheet is brought up to date, fingerprinted and frozen."""
    clerk = clean_name(clerk, "clerk's name")
    _check_pin(ctx, clerk, pin)
    with session_scope(ctx.engine, write=True) as s:
        h = get_handover(s, handover_id)
        if h.signed_at is not None:
            raise Conflict(
                f"Handover {handover_id} was already signed by {h.outgoing} at "
                f"{local_stamp(ctx, h.signed_at)}; nothing was changed."
            )
        _fill(ctx, s, h)
        listed = [i for i in items_of(s, handover_id) if i.ref_id is not None]
        digests = fp.record_digests(s, ((i.ref_kind, i.ref_id) for i in listed))
        if listed:
            s.execute(
                sa.update(ITEMS)
                .where(ITEMS.c.id == sa.bindparam("item"))
                .values(digest=sa.bindparam("digest")),
                [{"item": i.id, "digest": digests[(i.ref_kind, i.ref_id)]} for i in listed],
            )
        items = items_of(s, handover_id)
        h.outgoing = clerk
        h.signed_at = ctx.now()
        head = fp.chain_head_before(s, None)
        h.fingerprint = fp.sheet_fingerprint(h, items, head)
        s.add(h)
        history.record(
            s,
            at=h.signed_at,
            actor=clerk,
            action="sign",
            entity="handover",
            entity_id=handover_id,
            new=h.fingerprint,
        )
        s.flush()
        return public_sheet(ctx, s, h)


def acknowledge(
    ctx: Context,
    handover_id: int,
    *,
    clerk: str,
    pin: str | None = None,
    items: Iterable[int] | None = None,
    queries: Mapping[int, str] | None = None,
) -> SheetPublic:
    """The incoming clerk takes over: all items (items=None) or the ones given by id.

    An item with a query gets the comment and counts as received.  The handover is
    acknowledged once every item is.  Acknowledging the same item twice is refused.
    """
    clerk = clean_name(clerk, "clerk's name")
    comments = {
        int(k): clean_text(v, "query", required=True, max_length=TEXT_MAX)
        for k, v in (queries or {}).items()
    }
    _check_pin(ctx, clerk, pin)
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        h = get_handover(s, handover_id)
        if h.signed_at is None:
            raise Conflict(
                f"Handover {handover_id} is not signed yet: the outgoing clerk signs first."
            )
        if h.acknowledged_at is not None:
            raise Conflict(
                f"Handover {handover_id} was already acknowledged by {h.incoming} at "
                f"{local_stamp(ctx, h.acknowledged_at)}; nothing was changed."
            )
        if _same_clerk(clerk, h.outgoing):
            raise Conflict(
                f"{clerk} signed handover {handover_id} as the outgoing clerk; "
                "the incoming clerk acknowledges it."
            )
        starter = _started_by(s, h)
        if _same_clerk(clerk, starter):
            raise Conflict(
                f"{clerk} started handover {handover_id} as the outgoing clerk; "
                "the incoming clerk acknowledges it."
            )
        if h.incoming and h.incoming != clerk:
            raise Conflict(
                f"Handover {handover_id} is being taken over by {h.incoming}; "
                f"{clerk} cannot acknowledge it."
            )
        rows = {i.id: i for i in items_of(s, handover_id)}
        number = {i.id: n for n, i in enumerate(in_sheet_order(rows.values()), start=1)}
        if items is None and not comments:
            chosen = [i for i in rows if rows[i].acknowledged_at is None]
        else:
            chosen = list(dict.fromkeys([*(items or ()), *comments]))
            unknown = [str(i) for i in chosen if i not in rows]
            if unknown:
                raise NotFound(
                    f"Handover {handover_id} has no item with id {', '.join(unknown)}; "
                    "nothing was acknowledged."
                )
            done = [i for i in chosen if rows[i].acknowledged_at is not None]
            if done:
                raise Conflict(
                    f"Item {', '.join(str(number[i]) for i in done)} of handover {handover_id} "
                    f"was already acknowledged by {h.incoming} at "
                    f"{local_stamp(ctx, rows[done[0]].acknowledged_at)}; nothing was changed."
                )
        if chosen:
            s.execute(
                sa.update(ITEMS)
                .where(ITEMS.c.id == sa.bindparam("item"))
                .values(acknowledged_at=now, query=sa.bindparam("comment")),
                [{"item": i, "comment": comments.get(i, rows[i].query)} for i in chosen],
            )
        taken = set(chosen)
        left = sum(1 for i in rows if rows[i].acknowledged_at is None and i not in taken)
        h.incoming = clerk
        if left == 0:
            h.acknowledged_at = now
        s.add(h)
        history.record(
            s,
            at=now,
            actor=clerk,
            action="acknowledge",
            entity="handover",
            entity_id=handover_id,
            new=",".join(str(number[i]) for i in chosen),
            reason="; ".join(f"item {number[k]}: {v}" for k, v in comments.items()),
        )
        s.flush()
        return public_sheet(ctx, s, h)
