"""Incoming calls and walk-in requests (来电登记): logged, answered, passed on, closed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.models import CATEGORY_ZH, CallState, Category
from deskclerk.services import history, search
from deskclerk.services.call_public import WAITING, CallPublic, attention, call_from_row
from deskclerk.services.context import Context
from deskclerk.services.directory import unit_ref
from deskclerk.services.paging import DEFAULT_LIMIT, Cursor, Page, make_page, newest_first
from deskclerk.services.shifts import open_shift_id
from deskclerk.services.tables import CALL, ORDER, UNIT, insert_row
from deskclerk.timeparse import as_instant, not_in_future

C = CALL
U = UNIT
WO = ORDER

_ZH_TO_CATEGORY = {zh: en for en, zh in CATEGORY_ZH.items()} | {
    "日常事务": "other",
    "日常": "other",
}


def parse_category(value: str | None) -> str:
    """A call category from its English name, its Chinese word or a unique prefix."""
    text = cleaning.clean_text(value, "category", max_length=20).casefold()
    if not text:
        return Category.other.value
    if text in _ZH_TO_CATEGORY:
        return _ZH_TO_CATEGORY[text]
    matches = [c.value for c in Category if c.value.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(f"{c.value} ({CATEGORY_ZH[c.value]})" for c in Category)
    raise InvalidInput(f"The category {value!r} is not one of: {choices}.", field="category")


_COLUMNS = (
    C.c.id,
    C.c.received_at,
    C.c.recorded_at,
    C.c.caller,
    C.c.phone,
    U.c.code,
    C.c.category,
    C.c.matter,
    C.c.taken_by,
    C.c.passed_to,
    C.c.callback_due,
    C.c.answer,
    C.c.state,
    C.c.order_id,
    WO.c.number,
    C.c.shift_id,
    C.c.voided_at,
    C.c.void_reason,
    C.c.closed_at,
)


def _select() -> sa.Select[Any]:
    return (
        sa.select(*_COLUMNS)
        .select_from(C)
        .outerjoin(U, U.c.id == C.c.unit_id)
        .outerjoin(WO, WO.c.id == C.c.order_id)
    )


_public = call_from_row


def _fetch(s: Session, call_id: int, now: datetime) -> CallPublic:
    row = s.execute(_select().where(C.c.id == call_id)).first()
    if row is None:
        raise NotFound(f"There is no call {call_id}.")
    return _public(row, now)


def log_call(
    ctx: Context,
    *,
    caller: str,
    matter: str,
    clerk: str,
    phone: str = "",
    unit: str | None = None,
    category: str = "other",
    passed_to: str = "",
    callback_due: datetime | str | None = None,
    answer: str = "",
    received_at: datetime | str | None = None,
) -> CallPublic:
    """Write down a call.  The clerk who takes it owns it (首问负责) until it is passed on.

    A complaint without a promised callback gets one `complaint_reply_hours`
    after it was received (now, unless back-filled).  An answer given on the spot
    makes it "answered"; a name in `passed_to` makes it "passed on".
    """
    caller = cleaning.clean_name(caller, "caller's name")
    matter = cleaning.clean_text(
        matter, "matter", required=True, max_length=cleaning.TEXT_MAX, multiline=True
    )
    clerk = cleaning.clean_name(clerk, "clerk's name")
    phone = cleaning.clean_phone(phone)
    category = parse_category(category)
    passed_to = cleaning.clean_name(passed_to, "person it is passed to", required=False)
    answer = cleaning.clean_text(answer, "answer", max_length=cleaning.TEXT_MAX, multiline=True)
    now = ctx.now()
    received = now
    if received_at is not None:
        received = not_in_future(
            as_instant(received_at, ctx.tz, now, "time of the call"), now, "time of the call"
        )
    due = None
    if callback_due is not None:
        due = as_instant(callback_due, ctx.tz, now, "callback time")
        if due < received:
            raise InvalidInput("The callback time is before the call came in.", "callback time")
    elif category == Category.complaint:
        due = received + timedelta(hours=ctx.settings.complaint_reply_hours)
    state = CallState.open
    if answer:
        state = CallState.answered
    elif passed_to:
        state = CallState.passed_on
    with session_scope(ctx.engine, write=True) as s:
        ref = unit_ref(s, unit)
        unit_id, code = ref if ref else (None, "")
        shift_id = open_shift_id(s)
        values = {
            "received_at": received,
            "recorded_at": now,
            "caller": caller,
            "phone": phone,
            "unit_id": unit_id,
            "category": category,
            "matter": matter,
            "taken_by": clerk,
            "passed_to": passed_to,
            "callback_due": due,
            "answer": answer,
            "state": state.value,
            "shift_id": shift_id,
            "void_reason": "",
        }
        call_id = insert_row(s, C, **values)
        history.record(
            s,
            at=now,
            actor=clerk,
            action="create",
            entity="call",
            entity_id=call_id,
            new=f"{category}: {caller}",
        )
        search.index_record(
            s, "call", call_id, search.call_body(caller, matter, category, passed_to, code, phone)
        )
    return CallPublic(
        id=call_id,
        received_at=received,
        recorded_at=now,
        caller=caller,
        phone=phone,
        unit_code=code,
        category=category,
        matter=matter,
        taken_by=clerk,
        passed_to=passed_to,
        callback_due=due,
        answer=answer,
        state=state.value,
        order_id=None,
        order_number="",
        shift_id=shift_id,
        voided=False,
        void_reason="",
        attention=attention(state.value, due, now),
    )


def get_call(ctx: Context, call_id: int) -> CallPublic:
    """One call by its number."""
    with session_scope(ctx.engine) as s:
        return _fetch(s, call_id, ctx.now())


def _changeable(call: CallPublic, ctx: Context) -> None:
    if call.voided:
        raise Conflict(f"Call {call.id} was voided ({call.void_reason}); it cannot change.")
    if call.state == CallState.closed:
        at = ctx.local(call.closed_at).strftime("%H:%M") if call.closed_at else ""
        raise Conflict(f"Call {call.id} was closed already{' at ' + at if at else ''}.")


def _change(
    ctx: Context,
    call_id: int,
    clerk: str,
    values: dict[str, Any],
    *,
    reason: str = "",
) -> CallPublic:
    """Apply `values` to an open call, with one history entry per changed field."""
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        before = _fetch(s, call_id, now)
        _changeable(before, ctx)
        due = values.get("callback_due")
        if due is not None and due < before.received_at:
            raise InvalidInput("The callback time is before the call came in.", "callback time")
        s.execute(sa.update(C).where(C.c.id == call_id).values(**values))
        for name, new in values.items():
            old = getattr(before, name)
            if old == new:
                continue
            history.record(
                s,
                at=now,
                actor=clerk,
                action="state" if name == "state" else "update",
                entity="call",
                entity_id=call_id,
                field_name=name,
                old=_shown(old),
                new=_shown(new),
                reason=reason,
            )
        if "passed_to" in values:
            search.reindex(s, "call", call_id)
        return _fetch(s, call_id, now)


def _shown(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else str(value)


def answer_call(ctx: Context, call_id: int, answer: str, *, clerk: str) -> CallPublic:
    """Record the answer given to the caller; the call becomes "answered"."""
    answer = cleaning.clean_text(
        answer, "answer", required=True, max_length=cleaning.TEXT_MAX, multiline=True
    )
    clerk = cleaning.clean_name(clerk, "clerk's name")
    return _change(ctx, call_id, clerk, {"answer": answer, "state": CallState.answered.value})


def pass_on(
    ctx: Context,
    call_id: int,
    to: str,
    *,
    clerk: str,
    callback_due: datetime | str | None = None,
) -> CallPublic:
    """Hand the call to someone named; they own it from now (首问负责 ends with a name)."""
    to = cleaning.clean_name(to, "person it is passed to")
    clerk = cleaning.clean_name(clerk, "clerk's name")
    values: dict[str, Any] = {"passed_to": to, "state": CallState.passed_on.value}
    if callback_due is not None:
        values["callback_due"] = as_instant(callback_due, ctx.tz, ctx.now(), "callback time")
    return _change(ctx, call_id, clerk, values)


def close_call(ctx: Context, call_id: int, *, clerk: str, note: str = "") -> CallPublic:
    """Close a call: nothing more is owed to the caller.  The note goes into the history."""
    note = cleaning.clean_text(note, "note", max_length=cleaning.TEXT_MAX, multiline=True)
    clerk = cleaning.clean_name(clerk, "clerk's name")
    values = {"state": CallState.closed.value, "closed_at": ctx.now()}
    return _change(ctx, call_id, clerk, values, reason=note)


def list_calls(
    ctx: Context,
    *,
    before: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
    since: datetime | None = None,
    until: datetime | None = None,
    unit: str | None = None,
    state: str | None = None,
    include_void: bool = False,
) -> Page[CallPublic]:
    """Calls newest first by time received, a page at a time."""
    now = ctx.now()
    with session_scope(ctx.engine) as s:
        stmt = _select()
        if unit:
            ref = unit_ref(s, unit, active_only=False)
            assert ref is not None
            stmt = stmt.where(C.c.unit_id == ref[0])
        if state:
            st = cleaning.clean_text(state, "state", max_length=20).lower().replace(" ", "_")
            if st not in {v.value for v in CallState}:
                choices = ", ".join(v.value for v in CallState)
                raise InvalidInput(f"The state {state!r} is not one of: {choices}.", "state")
            stmt = stmt.where(C.c.state == st)
        if not include_void:
            stmt = stmt.where(C.c.voided_at.is_(None))
        stmt = newest_first(
            stmt, C.c.received_at, C.c.id, before=before, limit=limit, since=since, until=until
        )
        rows = s.execute(stmt).all()
    return make_page(rows, limit, lambda r: _public(r, now), lambda c: (c.received_at, c.id))


def callbacks_due(ctx: Context, limit: int = 200) -> list[CallPublic]:
    """Calls that still owe the caller a promised callback, soonest due first."""
    now = ctx.now()
    rows: list[Any] = []
    with session_scope(ctx.engine) as s:
        # One query per waiting state, each read in (state, callback_due) index
        # order and cut at `limit`: a single IN query sorts every waiting call.
        for state in WAITING:
            rows += s.execute(
                _select()
                .where(
                    C.c.state == state,
                    C.c.callback_due.is_not(None),
                    C.c.voided_at.is_(None),
                )
                .order_by(C.c.callback_due, C.c.id)
                .limit(limit)
            ).all()
    rows.sort(key=lambda r: (r.callback_due, r.id))
    return [_public(r, now) for r in rows[:limit]]
