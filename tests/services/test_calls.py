"""Calls: logging, categories, callbacks, first-contact owner, state changes, lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from deskclerk.clock import FrozenClock
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import calls, directory, records, search, shifts
from deskclerk.services.context import Context
from deskclerk.services.history import verify_chain


@pytest.fixture
def desk(ctx: Context) -> Context:
    directory.add_unit(ctx, "3-1203", clerk="Amy")
    directory.add_unit(ctx, "0801", clerk="Amy")
    return ctx


def log(ctx: Context, **kw: object) -> calls.CallPublic:
    args: dict[str, object] = {"caller": "王芳", "matter": "kitchen tap leaking", "clerk": "Amy"}
    args.update(kw)
    return calls.log_call(ctx, **args)  # type: ignore[arg-type]


def test_log_call_saves_and_reads_back(desk: Context, clock: FrozenClock) -> None:
    call = log(desk, unit="3-1203", phone="13800001234", category="repair")
    assert call.id > 0
    assert call.state == "open"
    assert call.taken_by == "Amy"  # first-contact owner
    assert call.received_at == call.recorded_at == clock.now()
    assert calls.get_call(desk, call.id) == call


def test_call_is_stamped_with_the_open_shift(desk: Context) -> None:
    assert log(desk).shift_id is None
    shift = shifts.start_shift(desk, "Amy")
    assert log(desk).shift_id == shift.id


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("repair", "repair"),
        ("REPAIR", "repair"),
        ("报修", "repair"),
        ("投诉", "complaint"),
        ("咨询", "inquiry"),
        ("求助", "help"),
        ("建议", "suggestion"),
        ("其他", "other"),
        ("rep", "repair"),
        ("c", "complaint"),
        ("", "other"),
    ],
)
def test_category_words(desk: Context, typed: str, stored: str) -> None:
    assert log(desk, category=typed).category == stored


@pytest.mark.parametrize("typed", ["banana", "维修", "x"])
def test_unknown_category_lists_the_choices(desk: Context, typed: str) -> None:
    with pytest.raises(InvalidInput, match=r"repair \(报修\), complaint \(投诉\)"):
        log(desk, category=typed)


def test_complaint_gets_a_reply_deadline(desk: Context, clock: FrozenClock) -> None:
    call = log(desk, category="complaint")
    assert call.callback_due == clock.now() + timedelta(hours=desk.settings.complaint_reply_hours)
    promised = clock.now() + timedelta(hours=3)
    assert log(desk, category="complaint", callback_due=promised).callback_due == promised
    assert log(desk, category="inquiry").callback_due is None


def test_back_filled_complaint_deadline_runs_from_when_it_came_in(
    desk: Context, clock: FrozenClock
) -> None:
    at = clock.now() - timedelta(hours=10)
    call = log(desk, category="complaint", received_at=at)
    assert call.received_at == at and call.recorded_at == clock.now()
    assert call.callback_due == at + timedelta(hours=24)


def test_attention(desk: Context, clock: FrozenClock) -> None:
    call = log(desk, callback_due=clock.now() + timedelta(hours=5))
    assert call.attention == ""
    clock.advance(hours=3, minutes=30)
    assert calls.get_call(desk, call.id).attention == "callback due"
    clock.advance(hours=2)
    assert calls.get_call(desk, call.id).attention == "overdue"
    calls.answer_call(desk, call.id, "called back, fixed", clerk="Amy")
    assert calls.get_call(desk, call.id).attention == ""


def test_passed_on_call_can_still_be_overdue(desk: Context, clock: FrozenClock) -> None:
    call = log(desk, passed_to="Engineer Zhang", callback_due=clock.now() + timedelta(hours=1))
    assert call.state == "passed_on"
    clock.advance(hours=2)
    assert calls.get_call(desk, call.id).attention == "overdue"


def test_answer_on_the_spot(desk: Context) -> None:
    call = log(desk, category="inquiry", answer="Water is back at 14:00.")
    assert call.state == "answered"


def test_state_changes_are_audited(desk: Context) -> None:
    call = log(desk, unit="3-1203")
    passed = calls.pass_on(desk, call.id, "Engineer Zhang", clerk="Amy")
    assert passed.state == "passed_on" and passed.passed_to == "Engineer Zhang"
    answered = calls.answer_call(desk, call.id, "plumber booked", clerk="Bob")
    assert answered.state == "answered" and answered.answer == "plumber booked"
    closed = calls.close_call(desk, call.id, clerk="Bob", note="resident confirmed")
    assert closed.state == "closed" and closed.closed_at is not None
    entries = records.history(desk, "call", call.id)
    assert [(e.action, e.field_name, e.new) for e in entries] == [
        ("create", "", "other: 王芳"),
        ("update", "passed_to", "Engineer Zhang"),
        ("state", "state", "passed_on"),
        ("update", "answer", "plumber booked"),
        ("state", "state", "answered"),
        ("state", "state", "closed"),
        ("update", "closed_at", closed.closed_at.isoformat()),  # type: ignore[union-attr]
    ]
    assert entries[-2].reason == "resident confirmed"
    with session_scope(desk.engine) as s:
        assert verify_chain(s) == []


def test_closed_call_cannot_change(desk: Context) -> None:
    call = log(desk)
    calls.close_call(desk, call.id, clerk="Amy")
    with pytest.raises(Conflict, match=rf"Call {call.id} was closed already at 10:00"):
        calls.answer_call(desk, call.id, "x", clerk="Amy")
    with pytest.raises(Conflict):
        calls.close_call(desk, call.id, clerk="Amy")
    with pytest.raises(Conflict):
        calls.pass_on(desk, call.id, "Zhang", clerk="Amy")


def test_voided_call_cannot_change(desk: Context) -> None:
    call = log(desk)
    records.void(desk, "call", call.id, reason="test entry", clerk="Amy")
    with pytest.raises(Conflict, match="voided"):
        calls.close_call(desk, call.id, clerk="Amy")


def test_missing_call(desk: Context) -> None:
    with pytest.raises(NotFound, match="no call 999"):
        calls.get_call(desk, 999)


def test_bad_times_are_refused(desk: Context, clock: FrozenClock) -> None:
    with pytest.raises(InvalidInput, match="future"):
        log(desk, received_at=clock.now() + timedelta(hours=1))
    with pytest.raises(InvalidInput, match="before the call came in"):
        log(desk, callback_due=clock.now() - timedelta(hours=1))
    with pytest.raises(InvalidInput, match="not a time"):
        log(desk, received_at="yesterdayish")
    # typed local times are read in the site's zone (Shanghai, UTC+8)
    assert log(desk, received_at="09:30").received_at == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)


def test_unknown_unit(desk: Context) -> None:
    with pytest.raises(NotFound, match="unit 3-9999 is not in the directory"):
        log(desk, unit="3-9999")


def test_search_index_body_equals_the_rebuilt_one(desk: Context) -> None:
    call = log(desk, unit="3-1203", phone="138-0000-1234", passed_to="Zhang Wei", category="投诉")
    calls.pass_on(desk, call.id, "Li Na", clerk="Amy")
    log(desk)  # no unit, no phone
    with session_scope(desk.engine) as s:
        saved = dict(s.execute(sa.text("SELECT rowid, body FROM search_call")).all())
        assert saved == {i: search.source_body(s, "call", i) for i in saved}
    assert ["Li", "Na"][0] in saved[call.id]


# --- lists ---------------------------------------------------------------------


def test_list_pages_by_key_newest_first(desk: Context, clock: FrozenClock) -> None:
    base = clock.now() - timedelta(hours=5)
    made = []
    for i in range(7):
        # two calls share each received_at: the id breaks the tie
        made.append(log(desk, matter=f"m{i}", received_at=base + timedelta(minutes=i // 2)))
    page1 = calls.list_calls(desk, limit=3)
    assert [c.matter for c in page1.items] == ["m6", "m5", "m4"]
    assert page1.next == (page1.items[-1].received_at, page1.items[-1].id)
    page2 = calls.list_calls(desk, limit=3, before=page1.next)
    assert [c.matter for c in page2.items] == ["m3", "m2", "m1"]
    page3 = calls.list_calls(desk, limit=3, before=page2.next)
    assert [c.matter for c in page3.items] == ["m0"]
    assert page3.next is None
    exact = calls.list_calls(desk, limit=7)
    assert len(exact.items) == 7 and exact.next is None


def test_list_filters(desk: Context, clock: FrozenClock) -> None:
    now = clock.now()
    old = log(desk, matter="old", unit="0801", received_at=now - timedelta(days=2))
    mid = log(desk, matter="mid", unit="3-1203", received_at=now - timedelta(days=1))
    new = log(desk, matter="new", unit="3-1203")
    calls.close_call(desk, mid.id, clerk="Amy")
    gone = log(desk, matter="gone")
    records.void(desk, "call", gone.id, reason="duplicate", clerk="Amy")

    def matters(**kw: object) -> list[str]:
        return [c.matter for c in calls.list_calls(desk, **kw).items]  # type: ignore[arg-type]

    assert matters() == ["new", "mid", "old"]
    assert matters(include_void=True) == ["gone", "new", "mid", "old"]
    assert matters(unit="3-1203") == ["new", "mid"]
    assert matters(unit="0801") == ["old"]
    assert matters(state="closed") == ["mid"]
    assert matters(state="open") == ["new", "old"]
    assert matters(since=now - timedelta(days=1)) == ["new", "mid"]
    assert matters(until=now - timedelta(days=1)) == ["old"]
    assert old.unit_code == "0801" and new.unit_code == "3-1203"
    with pytest.raises(InvalidInput, match="state"):
        matters(state="lost")
    with pytest.raises(NotFound):
        matters(unit="3-9999")


def test_callbacks_due_soonest_first(desk: Context, clock: FrozenClock) -> None:
    now = clock.now()
    late = log(desk, matter="late", callback_due=now + timedelta(hours=8))
    soon = log(desk, matter="soon", callback_due=now + timedelta(hours=1))
    done = log(desk, matter="done", callback_due=now + timedelta(hours=2))
    calls.answer_call(desk, done.id, "ok", clerk="Amy")
    log(desk, matter="no promise")
    assert [c.id for c in calls.callbacks_due(desk)] == [soon.id, late.id]


def test_list_query_uses_the_time_index(desk: Context) -> None:
    stmt = calls.newest_first(
        calls._select().where(calls.C.c.voided_at.is_(None)),
        calls.C.c.received_at,
        calls.C.c.id,
        before=(datetime(2026, 1, 1, tzinfo=UTC), 5),
        limit=100,
    )
    with session_scope(desk.engine) as s:
        sql = str(stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r[-1]) for r in s.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")))
    assert "ix_call_received" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"state": "closed"}, "ix_call_state_received"),
        ({"unit": "3-1203"}, "ix_call_unit_received"),
    ],
)
def test_filtered_lists_use_their_index(desk: Context, filters: dict[str, str], index: str) -> None:
    """A filtered page must not sort every call in that state or unit (500 ms on 1M rows)."""
    plans: list[str] = []

    def explain(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM call" in statement:
            raw = cursor.connection.execute(f"EXPLAIN QUERY PLAN {statement}", params)  # type: ignore[attr-defined]
            plans.append(" | ".join(str(r[-1]) for r in raw.fetchall()))

    sa.event.listen(desk.engine, "before_cursor_execute", explain)
    try:
        calls.list_calls(desk, before=(datetime(2026, 1, 1, tzinfo=UTC), 5), **filters)  # type: ignore[arg-type]
    finally:
        sa.event.remove(desk.engine, "before_cursor_execute", explain)
    assert any(index in p and "TEMP B-TREE" not in p for p in plans), plans


def test_calls_of_a_unit_voided_since_can_still_be_listed(desk: Context) -> None:
    log(desk, unit="0801")
    records.void(desk, "unit", directory.get_unit(desk, "0801").id, reason="merged", clerk="Amy")
    assert [c.unit_code for c in calls.list_calls(desk, unit="0801").items] == ["0801"]
    with pytest.raises(NotFound):
        log(desk, unit="0801")
