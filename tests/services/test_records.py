"""Amendments and voids: a reason, the old and new value kept, the index following."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deskclerk.clock import FrozenClock
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import calls, directory, notes, records, search, visits
from deskclerk.services.context import Context
from deskclerk.services.history import verify_chain


@pytest.fixture
def desk(ctx: Context) -> Context:
    directory.add_unit(ctx, "3-1203", clerk="Amy")
    directory.add_unit(ctx, "0801", clerk="Amy")
    return ctx


def call(ctx: Context) -> calls.CallPublic:
    return calls.log_call(
        ctx,
        caller="王芳",
        matter="kitchen tap leaking",
        clerk="Amy",
        unit="3-1203",
        phone="13800001234",
    )


def indexed(ctx: Context, kind: str, record_id: int) -> str:
    with session_scope(ctx.engine) as s:
        body = s.execute(
            sa.text(f"SELECT body FROM search_{kind} WHERE rowid = :i"), {"i": record_id}
        ).scalar()
        assert body == search.source_body(s, kind, record_id)
        return str(body)


def test_amend_keeps_old_and_new_and_reason(desk: Context, clock: FrozenClock) -> None:
    c = call(desk)
    clock.advance(minutes=5)
    records.amend(desk, "call", c.id, "matter", "bathroom tap", reason="misheard", clerk="Bob")
    assert calls.get_call(desk, c.id).matter == "bathroom tap"
    last = records.history(desk, "call", c.id)[-1]
    assert (last.action, last.field_name, last.old, last.new, last.reason, last.actor) == (
        "amend", "matter", "kitchen tap leaking", "bathroom tap", "misheard", "Bob",
    )  # fmt: skip
    assert last.at == clock.now()
    assert "bathroom" in indexed(desk, "call", c.id)
    assert [h.id for h in search.search(desk, "bathroom")] == [c.id]
    assert search.search(desk, "kitchen") == []


def test_amend_unit_by_code_and_history_shows_codes(desk: Context) -> None:
    c = call(desk)
    records.amend(desk, "call", c.id, "unit", "0801", reason="wrong flat", clerk="Amy")
    assert calls.get_call(desk, c.id).unit_code == "0801"
    last = records.history(desk, "call", c.id)[-1]
    assert (last.old, last.new) == ("3-1203", "0801")
    assert "0801" in indexed(desk, "call", c.id)
    with pytest.raises(NotFound, match="unit 9-9 is not in the directory"):
        records.amend(desk, "call", c.id, "unit", "9-9", reason="x", clerk="Amy")


def test_amended_value_is_cleaned_like_on_create(desk: Context) -> None:
    c = call(desk)
    records.amend(desk, "call", c.id, "caller", "\x1b[31m李雷\x1b[0m ", reason="name", clerk="Amy")
    assert calls.get_call(desk, c.id).caller == "李雷"
    records.amend(desk, "call", c.id, "category", "投诉", reason="it is a complaint", clerk="Amy")
    assert calls.get_call(desk, c.id).category == "complaint"
    with pytest.raises(InvalidInput, match="not a phone number"):
        records.amend(desk, "call", c.id, "phone", "call me", reason="x", clerk="Amy")
    with pytest.raises(InvalidInput, match="caller's name is required"):
        records.amend(desk, "call", c.id, "caller", "  ", reason="x", clerk="Amy")
    with pytest.raises(InvalidInput, match="category"):
        records.amend(desk, "call", c.id, "category", "banana", reason="x", clerk="Amy")


def test_amend_callback_time(desk: Context, clock: FrozenClock) -> None:
    c = call(desk)
    records.amend(
        desk, "call", c.id, "callback_due", "2026-11-24 15:00", reason="promised", clerk="Amy"
    )
    due = calls.get_call(desk, c.id).callback_due
    assert due is not None and desk.local(due).hour == 15
    records.amend(desk, "call", c.id, "callback_due", "", reason="no promise", clerk="Amy")
    assert calls.get_call(desk, c.id).callback_due is None


def test_reason_is_required(desk: Context) -> None:
    c = call(desk)
    for reason in ("", "   ", "\x1b[0m"):
        with pytest.raises(InvalidInput, match="reason is required"):
            records.amend(desk, "call", c.id, "matter", "x", reason=reason, clerk="Amy")
        with pytest.raises(InvalidInput, match="reason is required"):
            records.void(desk, "call", c.id, reason=reason, clerk="Amy")
    assert len(records.history(desk, "call", c.id)) == 1


@pytest.mark.parametrize("field", ["id", "recorded_at", "received_at", "taken_by", "state", "x"])
def test_only_allowed_fields_can_be_amended(desk: Context, field: str) -> None:
    c = call(desk)
    with pytest.raises(InvalidInput, match="cannot be amended; these can: caller, phone"):
        records.amend(desk, "call", c.id, field, "1", reason="x", clerk="Amy")


def test_amend_to_the_same_value_is_refused(desk: Context) -> None:
    c = call(desk)
    with pytest.raises(InvalidInput, match="nothing to amend"):
        records.amend(desk, "call", c.id, "caller", "王芳", reason="x", clerk="Amy")


def test_unknown_kind_and_record(desk: Context) -> None:
    with pytest.raises(InvalidInput, match="call, visit, order, note, unit, resident"):
        records.amend(desk, "parcel", 1, "x", "y", reason="r", clerk="Amy")
    with pytest.raises(NotFound, match="no call 99"):
        records.void(desk, "call", 99, reason="r", clerk="Amy")
    with pytest.raises(NotFound, match="no work order 99"):
        records.history(desk, "order", 99)


def test_void_once_and_hidden(desk: Context) -> None:
    c = call(desk)
    records.void(desk, "call", c.id, reason="test entry", clerk="Amy")
    got = calls.get_call(desk, c.id)
    assert got.voided and got.void_reason == "test entry"
    with pytest.raises(Conflict, match=f"Call {c.id} was voided already"):
        records.void(desk, "call", c.id, reason="again", clerk="Amy")
    with pytest.raises(Conflict, match="voided"):
        records.amend(desk, "call", c.id, "matter", "x", reason="r", clerk="Amy")
    assert calls.list_calls(desk).items == []
    assert search.search(desk, "kitchen") == []
    assert [e.action for e in records.history(desk, "call", c.id)] == ["create", "void"]


def test_amend_visit_times_and_id_stays_out(desk: Context, clock: FrozenClock) -> None:
    v = visits.sign_in(desk, visitor="Li Lei", clerk="Amy", id_number="110101199001011234")
    earlier = clock.now() - timedelta(hours=2)
    records.amend(desk, "visit", v.id, "time_in", earlier, reason="came at 8", clerk="Amy")
    assert visits.get_visit(desk, v.id).time_in == earlier
    visits.sign_out(desk, v.id, clerk="Amy")
    with pytest.raises(InvalidInput, match="time out would be before the time in"):
        records.amend(
            desk, "visit", v.id, "time_out", earlier - timedelta(hours=1), reason="x", clerk="Amy"
        )
    with pytest.raises(InvalidInput, match="cannot be amended"):
        records.amend(desk, "visit", v.id, "id_number", "X1234567", reason="x", clerk="Amy")
    records.amend(desk, "visit", v.id, "visitor", "Han Meimei", reason="name", clerk="Amy")
    assert "han" in indexed(desk, "visit", v.id).lower()


def test_amend_and_void_note_unit_resident(desk: Context) -> None:
    n = notes.add_note(desk, "Lift noisy", clerk="Amy")
    records.amend(desk, "note", n.id, "priority", "urgent", reason="stuck", clerk="Amy")
    records.amend(desk, "note", n.id, "unit", "0801", reason="which flat", clerk="Amy")
    got = notes.get_note(desk, n.id)
    assert got.priority == "urgent" and got.unit_code == "0801"
    assert "0801" in indexed(desk, "note", n.id)

    unit = directory.get_unit(desk, "0801")
    records.amend(desk, "unit", unit.id, "area", "south", reason="map", clerk="Amy")
    assert directory.get_unit(desk, "0801").area == "south"

    res = directory.add_resident(desk, "0801", "Peter", "13700001111", clerk="Amy")
    records.amend(
        desk, "resident", res.id, "phone", "137-0000-2222", reason="new phone", clerk="Amy"
    )
    assert [r.name for r in directory.lookup(desk, "2222")] == ["Peter"]
    assert directory.lookup(desk, "1111") == []
    assert "2222" in indexed(desk, "resident", res.id)
    records.amend(desk, "resident", res.id, "is_owner", "no", reason="tenant", clerk="Amy")
    assert not directory.lookup(desk, "2222")[0].is_owner

    records.void(desk, "unit", unit.id, reason="merged", clerk="Amy")
    with pytest.raises(NotFound):
        directory.get_unit(desk, "0801")
    with pytest.raises(Conflict):
        records.void(desk, "unit", unit.id, reason="again", clerk="Amy")


def test_the_history_chain_stays_intact(desk: Context) -> None:
    c = call(desk)
    records.amend(desk, "call", c.id, "matter", "x", reason="r", clerk="Amy")
    records.void(desk, "call", c.id, reason="r", clerk="Amy")
    with session_scope(desk.engine) as s:
        assert verify_chain(s) == []


def test_amendable_fields() -> None:
    assert "caller" in records.amendable_fields("call")
    assert "id" not in records.amendable_fields("call")
