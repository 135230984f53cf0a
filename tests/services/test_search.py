"""One search across the registers: unit, phone, last 4 digits, Chinese names, English words."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from deskclerk.clock import FrozenClock
from deskclerk.db import session_scope
from deskclerk.services import calls, directory, notes, records, search, visits
from deskclerk.services.context import Context
from deskclerk.services.tables import NOTE, ORDER, insert_row


@pytest.fixture
def desk(ctx: Context, clock: FrozenClock) -> Context:
    directory.add_unit(ctx, "3-1203", clerk="Amy")
    directory.add_unit(ctx, "0801", clerk="Amy")
    directory.add_resident(ctx, "3-1203", "欧阳王芳", "138-0000-1234", clerk="Amy")
    clock.advance(minutes=1)
    calls.log_call(
        ctx, caller="王芳", matter="kitchen tap leaking", clerk="Amy", unit="3-1203",
        phone="13800001234", category="repair",
    )  # fmt: skip
    clock.advance(minutes=1)
    visits.sign_in(ctx, visitor="Li Lei", clerk="Amy", unit="0801", purpose="parcel delivery")
    clock.advance(minutes=1)
    notes.add_note(ctx, "王芳家水管又漏了, plumber tomorrow", clerk="Amy", unit="3-1203")
    return ctx


def kinds(ctx: Context, text: str) -> list[str]:
    return [h.kind for h in search.search(ctx, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-1203", ["resident", "note", "call"]),  # unit code: residents, then newest first
        ("3-1203".lower(), ["resident", "note", "call"]),
        ("0801", ["visit"]),
        ("13800001234", ["resident", "call"]),  # full phone
        ("138-0000-1234", ["resident", "call"]),  # typed with dashes
        ("138 0000 1234", ["resident", "call"]),  # typed with spaces
        ("1234", ["resident", "call"]),  # last 4 digits
        ("王芳", ["resident", "note", "call"]),  # 2-character name, also inside longer text
        ("欧阳", ["resident"]),
        ("kitch", ["call"]),  # English by prefix
        ("Plumb", ["note"]),
        ("parcel deliv", ["visit"]),  # every word must occur
        ("parcel kitchen", []),
        ("nothing", []),
        ("", []),
        ("   ", []),
        ('"', []),
        ("\x1b[31m", []),
    ],
)
def test_finds(desk: Context, text: str, expected: list[str]) -> None:
    assert kinds(desk, text) == expected


@pytest.mark.parametrize("text", ['"unbalanced', "a OR", "NOT x", "x*", "(", "NEAR(a b)", "a:b"])
def test_fts_syntax_in_the_query_is_just_text(desk: Context, text: str) -> None:
    search.search(desk, text)  # no error


def test_hit_fields(desk: Context) -> None:
    call_hit = search.search(desk, "kitchen")[0]
    assert call_hit.unit == "3-1203" and call_hit.title == "王芳"
    assert call_hit.detail == "[repair] kitchen tap leaking"
    assert call_hit.at is not None
    visit_hit = search.search(desk, "Li Lei")[0]
    assert (visit_hit.kind, visit_hit.title, visit_hit.unit) == ("visit", "Li Lei", "0801")


def test_voided_records_are_not_found(desk: Context) -> None:
    hit = search.search(desk, "kitchen")[0]
    records.void(desk, "call", hit.id, reason="test", clerk="Amy")
    assert search.search(desk, "kitchen") == []
    assert kinds(desk, "1234") == ["resident"]


def test_limit_keeps_the_newest(desk: Context, clock: FrozenClock) -> None:
    for i in range(5):
        clock.advance(minutes=1)
        notes.add_note(desk, f"boiler check {i}", clerk="Amy")
    hits = search.search(desk, "boiler", limit=3)
    assert [h.title for h in hits] == ["boiler check 4", "boiler check 3", "boiler check 2"]


def test_order_body_helper_equals_the_rebuilt_one(desk: Context, clock: FrozenClock) -> None:
    with session_scope(desk.engine, write=True) as s:
        order_id = insert_row(
            s, ORDER, number="WO-20261124-001", unit_id=1, category="plumbing",
            description="换水龙头 tap", technician="张伟", logged_at=clock.now(),
            recorded_at=clock.now(),
        )  # fmt: skip
        body = search.order_body("WO-20261124-001", "换水龙头 tap", "plumbing", "张伟", "3-1203")
        search.index_record(s, "order", order_id, body)
        assert body == search.source_body(s, "order", order_id)
    assert [h.title for h in search.search(desk, "WO-20261124")] == ["WO-20261124-001"]
    assert kinds(desk, "水龙头") == ["order"]


def test_a_rebuild_gives_the_same_bodies(desk: Context) -> None:
    def bodies() -> dict[str, dict[int, str]]:
        with session_scope(desk.engine) as s:
            return {
                k: dict(s.execute(sa.text(f"SELECT rowid, body FROM search_{k}")).all())
                for k in search.REGISTERS
            }

    before = bodies()
    with desk.engine.begin() as conn:
        search.rebuild_index(conn)
    assert bodies() == before
    assert sum(len(v) for v in before.values()) == 4


def test_search_is_quick_on_a_few_thousand_records(desk: Context, clock: FrozenClock) -> None:
    """A smoke check of the query shape (the 1M-row figures are in benchmarks/)."""
    with session_scope(desk.engine, write=True) as s:
        for i in range(3000):
            at = clock.now() - timedelta(minutes=i)
            note_id = insert_row(
                s, NOTE, text=f"note {i} 李四", clerk="Amy", written_at=at,
                recorded_at=at, priority="normal", resolved_by="", void_reason="",
            )  # fmt: skip
            search.index_record(s, "note", note_id, search.note_body(f"note {i} 李四", "Amy", None))
    search.search(desk, "李四")
    start = time.perf_counter()
    hits = search.search(desk, "李四")
    assert len(hits) == 50
    assert time.perf_counter() - start < 0.05


def test_the_rebuild_body_maker_gives_body_from_row() -> None:
    rows = [
        (1, "王芳", "水管漏水 pipe leaking", "repair", None, "3-1203", "+86 138 0000 1234"),
        (2, "王芳", "水管漏水 pipe leaking", "repair", "", "3-1203", "138"),
        (3, "  ", "a  b", 42, "Électricité", None, None),
        (4, "王芳", "", "repair", "周建国", "3-1203", "010-5555-1234"),
    ]
    make = search.body_maker()
    for row in rows * 2:  # the second time from what it remembered
        assert make(row) == search.body_from_row(row)


def test_a_last_letter_or_digit_is_matched_whole(desk: Context) -> None:
    # as a prefix, "1" would gather every phone and unit starting with 1 (113 ms on a
    # million records); typed on, the clerk's next key narrows it the usual way
    assert search.match_expression("1") == '"1"'
    assert search.match_expression("3-1") == '"3 1"'
    assert search.match_expression("3-12") == '"3 12"*'
    assert search.match_expression("王") == '"王"*'
    assert kinds(desk, "3-1") == []
    assert "call" in kinds(desk, "3-12") and "call" in kinds(desk, "3-1203")
    assert "call" in kinds(desk, "王")


def test_an_order_is_found_through_the_call_it_was_written_up_from(
    desk: Context, clock: FrozenClock
) -> None:
    from deskclerk.services import orders

    call = search.search(desk, "kitchen", kinds=("call",))[0]
    clock.advance(minutes=1)
    order = orders.order_from_call(desk, call.id, clerk="Amy", category="plumbing")
    # the resident's phone and name are in the call, not in the order's own text
    for text in ("13800001234", "1234", "王芳"):
        found = [(h.kind, h.id) for h in search.search(desk, text)]
        assert ("order", order.id) in found and ("call", call.id) in found, (text, found)
        assert found.count(("order", order.id)) == 1
    assert search.search(desk, "1234", kinds=("order",)) == []  # only through its call
    records.void(desk, "order", order.id, reason="entered twice", clerk="Amy")
    assert ("order", order.id) not in [(h.kind, h.id) for h in search.search(desk, "1234")]
