"""Handover notes: written, resolved, listed per shift."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deskclerk.clock import FrozenClock
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import directory, notes, records, search, shifts
from deskclerk.services.context import Context


def test_add_note_belongs_to_the_shift_on_duty(ctx: Context) -> None:
    directory.add_unit(ctx, "3-1203", clerk="Amy")
    shift = shifts.start_shift(ctx, "Amy")
    note = notes.add_note(ctx, "Lift 2 noisy.\nEngineer told.", clerk="Amy", unit="3-1203")
    assert note.shift_id == shift.id and note.unit_code == "3-1203"
    assert note.text == "Lift 2 noisy.\nEngineer told." and note.priority == "normal"
    assert notes.get_note(ctx, note.id) == note


def test_priority_words(ctx: Context) -> None:
    assert notes.add_note(ctx, "x", clerk="Amy", priority="urgent").priority == "urgent"
    assert notes.add_note(ctx, "x", clerk="Amy", priority="H").priority == "high"
    with pytest.raises(InvalidInput, match="urgent, high, normal, low"):
        notes.add_note(ctx, "x", clerk="Amy", priority="asap")


def test_empty_note_is_refused(ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="note is required"):
        notes.add_note(ctx, " \n\t ", clerk="Amy")


def test_resolve_once(ctx: Context) -> None:
    note = notes.add_note(ctx, "Keys for 0801 at the desk", clerk="Amy")
    done = notes.resolve_note(ctx, note.id, clerk="Bob")
    assert done.resolved_at is not None and done.resolved_by == "Bob"
    with pytest.raises(Conflict, match="resolved already by Bob at 2026-11-24 10:00"):
        notes.resolve_note(ctx, note.id, clerk="Amy")
    with pytest.raises(NotFound):
        notes.resolve_note(ctx, 999, clerk="Amy")


def test_list_notes_by_shift_and_time(ctx: Context, clock: FrozenClock) -> None:
    first = shifts.start_shift(ctx, "Amy", name="A")
    notes.add_note(ctx, "one", clerk="Amy")
    clock.advance(hours=8)
    second = shifts.start_shift(ctx, "Bob", name="B")
    notes.add_note(ctx, "two", clerk="Bob")
    back = notes.add_note(ctx, "three", clerk="Bob", written_at=clock.now() - timedelta(hours=1))
    assert [n.text for n in notes.list_notes(ctx).items] == ["two", "three", "one"]
    assert [n.text for n in notes.list_notes(ctx, shift_id=first.id).items] == ["one"]
    assert [n.text for n in notes.list_notes(ctx, shift_id=second.id).items] == ["two", "three"]
    records.void(ctx, "note", back.id, reason="wrong desk", clerk="Bob")
    assert [n.text for n in notes.list_notes(ctx).items] == ["two", "one"]
    assert len(notes.list_notes(ctx, include_void=True).items) == 3


def test_search_index_body_equals_the_rebuilt_one(ctx: Context) -> None:
    directory.add_unit(ctx, "0801", clerk="Amy")
    notes.add_note(ctx, "0801 水管漏水, plumber tomorrow", clerk="张伟", unit="0801")
    notes.add_note(ctx, "plain", clerk="Amy")
    with session_scope(ctx.engine) as s:
        saved = dict(s.execute(sa.text("SELECT rowid, body FROM search_note")).all())
        assert saved == {i: search.source_body(s, "note", i) for i in saved}
