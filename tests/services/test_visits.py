"""Visitors: sign in and out, badges, overstays, masked and purged ID numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from deskclerk.clock import FrozenClock
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import directory, records, search, visits
from deskclerk.services.context import Context

ID = "110101199001011234"


@pytest.fixture
def desk(ctx: Context) -> Context:
    directory.add_unit(ctx, "0801", clerk="Amy")
    directory.add_unit(ctx, "3-1203", clerk="Amy")
    return ctx


def test_sign_in_and_out(desk: Context, clock: FrozenClock) -> None:
    visit = visits.sign_in(
        desk, visitor="Li Lei", clerk="Amy", unit="0801", purpose="delivery", badge="12"
    )
    assert visit.on_site and visit.unit_code == "0801" and visit.time_in == clock.now()
    assert [v.id for v in visits.on_site(desk)] == [visit.id]
    clock.advance(minutes=25)
    out = visits.sign_out(desk, visit.id, clerk="Bob")
    assert not out.on_site and out.time_out == clock.now() and out.clerk_out == "Bob"
    assert visits.on_site(desk) == []
    assert [(e.action, e.field_name) for e in records.history(desk, "visit", visit.id)] == [
        ("create", ""),
        ("state", "time_out"),
    ]


def test_signing_out_twice_says_when(desk: Context, clock: FrozenClock) -> None:
    visit = visits.sign_in(desk, visitor="Li Lei", clerk="Amy")
    clock.set(datetime(2026, 11, 24, 6, 5, tzinfo=UTC))  # 14:05 in Shanghai
    visits.sign_out(desk, visit.id, clerk="Amy")
    with pytest.raises(Conflict, match="Li Lei signed out already at 14:05"):
        visits.sign_out(desk, visit.id, clerk="Amy")
    clock.advance(days=1)
    with pytest.raises(Conflict, match="at 2026-11-24 14:05"):
        visits.sign_out(desk, visit.id, clerk="Amy")


def test_sign_out_times(desk: Context, clock: FrozenClock) -> None:
    visit = visits.sign_in(desk, visitor="Li Lei", clerk="Amy")
    with pytest.raises(InvalidInput, match="before Li Lei came in"):
        visits.sign_out(desk, visit.id, clerk="Amy", time_out=clock.now() - timedelta(hours=1))
    with pytest.raises(InvalidInput, match="future"):
        visits.sign_out(desk, visit.id, clerk="Amy", time_out=clock.now() + timedelta(hours=1))
    with pytest.raises(NotFound):
        visits.sign_out(desk, 999, clerk="Amy")


def test_a_badge_cannot_be_out_twice(desk: Context) -> None:
    first = visits.sign_in(desk, visitor="Li Lei", clerk="Amy", badge="B7")
    with pytest.raises(Conflict, match="Badge B7 is out with Li Lei since 10:00"):
        visits.sign_in(desk, visitor="Han Meimei", clerk="Amy", badge="B7")
    visits.sign_out(desk, first.id, clerk="Amy")
    assert visits.sign_in(desk, visitor="Han Meimei", clerk="Amy", badge="B7").badge == "B7"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (ID, "110***********1234"),
        ("G12345678", "*********"),  # too short to show anything
        ("E123456789", "E12***6789"),
        ("", ""),
    ],
)
def test_mask_id(value: str, masked: str) -> None:
    assert visits.mask_id(value) == masked


def test_id_number_is_only_shown_masked(desk: Context) -> None:
    visit = visits.sign_in(desk, visitor="Li Lei", clerk="Amy", id_number="1101 0119 9001 0112 34")
    assert visit.id_masked == "110***********1234"
    assert ID not in repr(visit) and ID not in repr(visits.list_visits(desk))
    assert all(ID not in repr(h) for h in search.search(desk, "Li Lei"))
    with pytest.raises(InvalidInput, match="ID number"):
        visits.sign_in(desk, visitor="X", clerk="Amy", id_number="12;DROP")


def test_overstay_rule(desk: Context, clock: FrozenClock) -> None:
    # came in 10:00 local: overstayed from 22:00 (12 h would be 22:00 too)
    morning = visits.sign_in(desk, visitor="Morning", clerk="Amy")
    # came in at 13:00 local: 22:00 comes before the 12 hours are up
    clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))
    afternoon = visits.sign_in(desk, visitor="Afternoon", clerk="Amy")
    clock.set(datetime(2026, 11, 24, 13, 59, tzinfo=UTC))  # 21:59
    assert [v.overstayed for v in visits.on_site(desk)] == [False, False]
    clock.set(datetime(2026, 11, 24, 14, 0, tzinfo=UTC))  # 22:00
    assert [v.overstayed for v in visits.on_site(desk)] == [True, True]
    # came in 23:00 local: after the evening limit, so 12 hours (until 11:00)
    clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    night = visits.sign_in(desk, visitor="Night", clerk="Amy")
    assert not night.overstayed
    clock.set(datetime(2026, 11, 25, 2, 59, tzinfo=UTC))
    assert not visits.get_visit(desk, night.id).overstayed
    clock.set(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    assert visits.get_visit(desk, night.id).overstayed
    visits.sign_out(desk, morning.id, clerk="Amy")
    assert not visits.get_visit(desk, morning.id).overstayed
    assert visits.get_visit(desk, afternoon.id).overstayed


def test_purge_blanks_old_id_numbers_without_writing_them_anywhere(
    desk: Context, clock: FrozenClock
) -> None:
    old = visits.sign_in(
        desk, visitor="Old", clerk="Amy", id_number=ID, time_in=clock.now() - timedelta(days=31)
    )
    recent = visits.sign_in(
        desk, visitor="Recent", clerk="Amy", id_number="110101199001015678",
        time_in=clock.now() - timedelta(days=29),
    )  # fmt: skip
    visits.sign_in(desk, visitor="None", clerk="Amy", time_in=clock.now() - timedelta(days=40))
    assert visits.purge_id_numbers(desk, clerk="Amy") == 1
    assert visits.get_visit(desk, old.id).id_masked == ""
    assert visits.get_visit(desk, recent.id).id_masked == "110***********5678"
    with session_scope(desk.engine) as s:
        audit = s.execute(sa.text("SELECT * FROM audit")).all()
        purged = s.execute(
            sa.text("SELECT id_number, id_purged_at FROM visit WHERE id = :i"), {"i": old.id}
        ).one()
    assert purged[0] == "" and purged[1] is not None
    assert not any("1234" in str(col) for row in audit for col in row)
    entry = records.history(desk, "visit", old.id)[-1]
    assert entry.action == "purge" and entry.field_name == "id_number"
    assert visits.purge_id_numbers(desk, clerk="Amy") == 0  # nothing left
    assert visits.purge_id_numbers(desk, older_than_days=0, clerk="Amy") == 1


def test_list_visits(desk: Context, clock: FrozenClock) -> None:
    now = clock.now()
    a = visits.sign_in(
        desk, visitor="A", clerk="Amy", unit="0801", time_in=now - timedelta(hours=3)
    )
    b = visits.sign_in(
        desk, visitor="B", clerk="Amy", unit="3-1203", time_in=now - timedelta(hours=2)
    )
    c = visits.sign_in(desk, visitor="C", clerk="Amy", time_in=now - timedelta(hours=1))
    visits.sign_out(desk, a.id, clerk="Amy")
    records.void(desk, "visit", c.id, reason="test", clerk="Amy")

    def names(**kw: object) -> list[str]:
        return [v.visitor for v in visits.list_visits(desk, **kw).items]  # type: ignore[arg-type]

    assert names() == ["B", "A"]
    assert names(include_void=True) == ["C", "B", "A"]
    assert names(on_site_only=True) == ["B"]
    assert names(unit="0801") == ["A"]
    assert names(since=now - timedelta(hours=2)) == ["B"]
    page = visits.list_visits(desk, limit=1)
    assert [v.id for v in page.items] == [b.id]
    assert [v.id for v in visits.list_visits(desk, limit=1, before=page.next).items] == [a.id]
    assert [v.visitor for v in visits.on_site(desk)] == ["B"]  # voided C is not on site


def test_search_index_body_equals_the_rebuilt_one(desk: Context) -> None:
    visits.sign_in(
        desk, visitor="李雷", clerk="Amy", unit="0801", host="王芳", purpose="送快递",
        badge="B7", plate="沪A12345", phone="13800001234",
    )  # fmt: skip
    visits.sign_in(desk, visitor="Han", clerk="Amy")
    with session_scope(desk.engine) as s:
        saved = dict(s.execute(sa.text("SELECT rowid, body FROM search_visit")).all())
        assert saved == {i: search.source_body(s, "visit", i) for i in saved}


def test_purge_works_in_batches(
    desk: Context, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(visits, "PURGE_BATCH", 2)
    for i in range(5):
        visits.sign_in(
            desk,
            visitor=f"V{i}",
            clerk="Amy",
            id_number=ID,
            time_in=clock.now() - timedelta(days=40),
        )
    assert visits.purge_id_numbers(desk, clerk="Amy") == 5
    assert all(v.id_masked == "" for v in visits.list_visits(desk).items)
