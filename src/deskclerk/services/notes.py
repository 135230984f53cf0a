"""Handover notes (交接班记录): what the next shift must know or do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.models import Priority
from deskclerk.services import history, search
from deskclerk.services.context import Context
from deskclerk.services.directory import unit_ref
from deskclerk.services.paging import DEFAULT_LIMIT, Cursor, Page, make_page, newest_first
from deskclerk.services.shifts import open_shift_id
from deskclerk.services.tables import NOTE, UNIT, insert_row
from deskclerk.timeparse import as_instant, not_in_future

N = NOTE
U = UNIT


@dataclass(frozen=True)
class NotePublic:
    id: int
    text: str
    priority: str
    unit_code: str
    clerk: str
    shift_id: int | None
    written_at: datetime
    resolved_at: datetime | None
    voided: bool
    resolved_by: str = ""
    void_reason: str = ""


def parse_priority(value: str | None) -> str:
    """A priority (urgent, high, normal, low) or a unique prefix of one."""
    text = cleaning.clean_text(value, "priority", max_length=20).lower()
    if not text:
        return Priority.normal.value
    matches = [p.value for p in Priority if p.value.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(p.value for p in Priority)
    raise InvalidInput(f"The priority {value!r} is not one of: {choices}.", field="priority")


_COLUMNS = (
    N.c.id,
    N.c.text,
    N.c.priority,
    U.c.code,
    N.c.clerk,
    N.c.shift_id,
    N.c.written_at,
    N.c.resolved_at,
    N.c.voided_at,
    N.c.resolved_by,
    N.c.void_reason,
)


def _select() -> sa.Select[Any]:
    return sa.select(*_COLUMNS).select_from(N).outerjoin(U, U.c.id == N.c.unit_id)


def _public(row: Any) -> NotePublic:
    return NotePublic(
        id=row[0],
        text=row[1],
        priority=row[2],
        unit_code=row[3] or "",
        clerk=row[4],
        shift_id=row[5],
        written_at=row[6],
        resolved_at=row[7],
        voided=row[8] is not None,
        resolved_by=row[9],
        void_reason=row[10],
    )


def _fetch(s: Session, note_id: int) -> NotePublic:
    row = s.execute(_select().where(N.c.id == note_id)).first()
    if row is None:
        raise NotFound(f"There is no note {note_id}.")
    return _public(row)


def add_note(
    ctx: Context,
    text: str,
    *,
    clerk: str,
    priority: str = "normal",
    unit: str | None = None,
    written_at: datetime | str | None = None,
) -> NotePublic:
    """Write a note for the handover; it belongs to the shift now on duty."""
    text = cleaning.clean_text(
        text, "note", required=True, max_length=cleaning.TEXT_MAX, multiline=True
    )
    clerk = cleaning.clean_name(clerk, "clerk's name")
    priority = parse_priority(priority)
    now = ctx.now()
    at = now
    if written_at is not None:
        at = not_in_future(as_instant(written_at, ctx.tz, now, "time written"), now, "time written")
    with session_scope(ctx.engine, write=True) as s:
        ref = unit_ref(s, unit)
        unit_id, code = ref if ref else (None, "")
        shift_id = open_shift_id(s)
        note_id = insert_row(
            s,
            N,
            text=text,
            priority=priority,
            unit_id=unit_id,
            clerk=clerk,
            shift_id=shift_id,
            written_at=at,
            recorded_at=now,
            resolved_by="",
            void_reason="",
        )
        history.record(
            s, at=now, actor=clerk, action="create", entity="note", entity_id=note_id, new=priority
        )
        search.index_record(s, "note", note_id, search.note_body(text, clerk, code))
    return NotePublic(note_id, text, priority, code, clerk, shift_id, at, None, False)


def get_note(ctx: Context, note_id: int) -> NotePublic:
    """One note by its number."""
    with session_scope(ctx.engine) as s:
        return _fetch(s, note_id)


def resolve_note(ctx: Context, note_id: int, *, clerk: str) -> NotePublic:
    """Mark a note dealt with; it no longer needs carrying to the next shift."""
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    with session_scope(ctx.engine, write=True) as s:
        note = _fetch(s, note_id)
        if note.voided:
            raise Conflict(f"Note {note_id} was voided ({note.void_reason}).")
        if note.resolved_at is not None:
            at = ctx.local(note.resolved_at).strftime("%Y-%m-%d %H:%M")
            raise Conflict(f"Note {note_id} was resolved already by {note.resolved_by} at {at}.")
        s.execute(sa.update(N).where(N.c.id == note_id).values(resolved_at=now, resolved_by=clerk))
        history.record(
            s,
            at=now,
            actor=clerk,
            action="state",
            entity="note",
            entity_id=note_id,
            field_name="resolved_at",
            new=now.isoformat(),
        )
        return _fetch(s, note_id)


def list_notes(
    ctx: Context,
    *,
    before: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
    since: datetime | None = None,
    until: datetime | None = None,
    unit: str | None = None,
    shift_id: int | None = None,
    include_void: bool = False,
) -> Page[NotePublic]:
    """Notes newest first by time written, a page at a time."""
    with session_scope(ctx.engine) as s:
        stmt = _select()
        if unit:
            ref = unit_ref(s, unit, active_only=False)
            assert ref is not None
            stmt = stmt.where(N.c.unit_id == ref[0])
        if shift_id is not None:
            stmt = stmt.where(N.c.shift_id == shift_id)
        if not include_void:
            stmt = stmt.where(N.c.voided_at.is_(None))
        stmt = newest_first(
            stmt, N.c.written_at, N.c.id, before=before, limit=limit, since=since, until=until
        )
        rows = s.execute(stmt).all()
    return make_page(rows, limit, _public, lambda n: (n.written_at, n.id))
