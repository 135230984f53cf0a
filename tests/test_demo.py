"""`deskclerk demo`: a believable property, the same for the same seed, never mixed into a live desk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from deskclerk.cli import app
from deskclerk.clock import FrozenClock
from deskclerk.config import Settings
from deskclerk.db import open_database, session_scope
from deskclerk.errors import Conflict
from deskclerk.services.context import Context
from deskclerk.services.demo import DemoSummary, make_demo
from deskclerk.services.history import verify_chain

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TZ = ZoneInfo("Asia/Shanghai")


def _context(path: Path) -> Context:
    engine = open_database(f"sqlite:///{path}")
    settings = Settings(site_name="Demo Gardens", timezone_name="Asia/Shanghai")
    return Context(engine=engine, clock=FrozenClock(NOW), settings=settings)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Context, DemoSummary]]:
    """Thirty days of a 300-unit property, made once for the module."""
    ctx = _context(tmp_path_factory.mktemp("demo") / "demo.db")
    summary = make_demo(ctx, days=30, seed=42, units=300)
    yield ctx, summary
    ctx.engine.dispose()


def _rows(ctx: Context, sql: str) -> list[Any]:
    with session_scope(ctx.engine) as s:
        return list(s.execute(sa.text(sql)).all())


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_counts_are_those_of_a_believable_property(demo: tuple[Context, DemoSummary]) -> None:
    ctx, summary = demo
    c = summary.counts
    assert c["unit"] == 300
    assert 300 < c["resident"] < 900
    assert 25 * 20 < c["call"] < 30 * 60  # some 40 calls a day for 300 units
    assert c["visit"] > c["call"]
    assert c["call"] * 0.15 < c["work_order"] < c["call"] * 0.5
    assert c["order_event"] > 3 * c["work_order"]
    assert c["handover_note"] >= 30 * 3
    assert c["shift"] == 30 * 3 - 2  # today's B and C shifts have not begun at 10:00
    assert c["audit"] >= summary.records
    assert (
        summary.indexed
        == c["call"] + c["visit"] + c["work_order"] + c["handover_note"] + c["resident"]
    )
    units = {code for (code,) in _rows(ctx, "SELECT code FROM unit")}
    assert "3-1203" in units and "0801" in units  # towers and shops with a leading zero


def test_names_are_chinese_and_english(demo: tuple[Context, DemoSummary]) -> None:
    ctx, _ = demo
    names = [n for (n,) in _rows(ctx, "SELECT name FROM resident")]
    chinese = [n for n in names if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", n)]
    english = [n for n in names if re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", n)]
    assert len(chinese) > len(names) * 0.6
    assert english
    assert {len(n) for n in chinese} == {2, 3}
    phones = [p for (p,) in _rows(ctx, "SELECT phone FROM resident")]
    assert all(re.fullmatch(r"1[3-9][0-9]{9}", p) for p in phones)


def test_the_day_has_a_rhythm_and_the_night_is_back_filled(
    demo: tuple[Context, DemoSummary],
) -> None:
    ctx, _ = demo
    rows = _rows(ctx, "SELECT received_at, recorded_at, taken_by FROM call")
    hours = [_utc(r[0]).astimezone(TZ).hour for r in rows]
    assert sum(8 <= h < 12 for h in hours) > 4 * sum(0 <= h < 6 for h in hours) > 0
    night = [r for r in rows if _utc(r[0]).astimezone(TZ).hour < 6]
    assert all(r[2].startswith("Control room") for r in night)
    # the morning shift types them in: recorded the next morning, after 09:00
    assert all(_utc(r[1]).astimezone(TZ).hour >= 9 for r in night)
    assert all(_utc(r[1]) <= NOW for r in rows)


def test_work_orders_and_their_events_agree(demo: tuple[Context, DemoSummary]) -> None:
    ctx, _ = demo
    orders = _rows(
        ctx,
        "SELECT id, number, state, logged_at, dispatched_at, cancelled_at, closed_at, "
        "reopened_count, charge, paused_since, verdict FROM work_order",
    )
    numbers = [o.number for o in orders]
    assert len(set(numbers)) == len(numbers)
    for o in orders:
        local_day = _utc(o.logged_at).astimezone(TZ).strftime("%Y%m%d")
        assert re.fullmatch(rf"WO-{local_day}-\d{{3}}", o.number), o.number
    events: dict[int, list[tuple[str, str]]] = {}
    for order_id, kind, at in _rows(ctx, "SELECT order_id, kind, at FROM order_event ORDER BY id"):
        events.setdefault(order_id, []).append((kind, at))
    for o in orders:
        evs = events[o.id]
        assert evs[0] == ("logged", o.logged_at)
        assert [at for _, at in evs] == sorted(at for _, at in evs), o.number
        kinds = [k for k, _ in evs]
        if o.dispatched_at is not None:
            assert ("dispatched", o.dispatched_at) in evs
        assert (o.state == "cancelled") == ("cancelled" in kinds)
        assert (o.closed_at is not None) == (o.state == "closed")
        assert o.reopened_count == kinds.count("reopened")
    links = _rows(ctx, "SELECT c.id, o.call_id FROM call c JOIN work_order o ON o.id = c.order_id")
    assert links and all(call_id == order_call for call_id, order_call in links)
    states = {o.state for o in orders}
    assert {"closed", "cancelled", "done"} <= states
    assert any(o.reopened_count for o in orders), "some residents were not satisfied"
    unhappy = _rows(ctx, "SELECT count(*) FROM order_event WHERE detail LIKE 'unsatisfied%'")
    assert unhappy[0][0] > 0
    assert any(o.charge > 0 for o in orders), "some jobs were paid"
    assert any(
        o.paused_since is not None or "paused" in [k for k, _ in events[o.id]] for o in orders
    )


def test_some_work_is_overdue_and_some_callbacks_are_due(
    demo: tuple[Context, DemoSummary],
) -> None:
    ctx, _ = demo
    from deskclerk.services import calls, orders

    alerts = {o.alert for o in orders.urgent_first(ctx, limit=500)}
    assert "overdue" in alerts
    assert any(c.attention == "overdue" for c in calls.callbacks_due(ctx))


def test_history_chain_verifies_and_every_record_has_its_entry(
    demo: tuple[Context, DemoSummary],
) -> None:
    ctx, summary = demo
    with session_scope(ctx.engine) as s:
        assert verify_chain(s) == []
    created = dict(
        _rows(ctx, "SELECT entity, count(*) FROM audit WHERE action = 'create' GROUP BY entity")
    )
    c = summary.counts
    assert created["call"] == c["call"]
    assert created["order"] == c["work_order"]
    assert created["resident"] == c["resident"]


def test_search_finds_a_demo_resident_by_last_four_digits(
    demo: tuple[Context, DemoSummary],
) -> None:
    ctx, _ = demo
    from deskclerk.services import search

    rid, name, phone = _rows(ctx, "SELECT id, name, phone FROM resident ORDER BY id DESC LIMIT 1")[
        0
    ]
    hits = search.search(ctx, phone[-4:], limit=500)
    assert ("resident", rid) in {(h.kind, h.id) for h in hits}
    assert any(h.kind == "resident" and h.title == name for h in search.search(ctx, name))


def _dump(ctx: Context) -> list[object]:
    out: list[object] = []
    for table in ("unit", "resident", "staff", "call", "visit", "work_order", "order_event",
                  "handover_note", "audit"):  # fmt: skip
        out.extend(_rows(ctx, f"SELECT * FROM {table} ORDER BY id"))
    return out


def test_same_seed_same_property(tmp_path: Path) -> None:
    first, second, other = (_context(tmp_path / f"{n}.db") for n in ("a", "b", "c"))
    make_demo(first, days=3, seed=7, units=60)
    make_demo(second, days=3, seed=7, units=60)
    make_demo(other, days=3, seed=8, units=60)
    assert _dump(first) == _dump(second)
    assert _dump(first) != _dump(other)


def test_fast_sqlite_path_stores_what_sqlalchemy_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskclerk.services.demo_bulk import BulkWriter

    fast = _context(tmp_path / "fast.db")
    make_demo(fast, days=2, seed=11, units=40)
    monkeypatch.setattr(BulkWriter, "FAST_PATH", False)  # insert(Table) with datetimes
    portable = _context(tmp_path / "portable.db")
    make_demo(portable, days=2, seed=11, units=40)
    assert _dump(fast) == _dump(portable)
    with session_scope(portable.engine) as s:
        assert verify_chain(s) == []


def test_refuses_a_database_that_holds_records_unless_told(tmp_path: Path) -> None:
    ctx = _context(tmp_path / "live.db")
    from deskclerk.services import directory

    directory.add_unit(ctx, "0801", clerk="陈静")
    with pytest.raises(Conflict) as err:
        make_demo(ctx, days=2, seed=1, units=40)
    assert "live desk" in err.value.message and "--yes" in err.value.message
    assert _rows(ctx, "SELECT count(*) FROM call")[0][0] == 0

    make_demo(ctx, days=2, seed=1, units=40, force=True)
    make_demo(ctx, days=2, seed=2, units=40, force=True)  # twice: numbers carry on
    numbers = [n for (n,) in _rows(ctx, "SELECT number FROM work_order")]
    assert len(numbers) == len(set(numbers)) > 0
    assert _rows(ctx, "SELECT count(*) FROM unit WHERE code = '0801'")[0][0] == 1
    with session_scope(ctx.engine) as s:
        assert verify_chain(s) == []


def test_cli_demo_prints_what_it_made_and_refuses_a_second_run(db_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db_path), "demo", "--days", "2", "--units", "40",
                                 "--seed", "3", "--quiet"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "seed 3" in result.stdout and "records/s" in result.stdout
    assert re.search(r"[0-9,]+ calls", result.stdout)

    again = runner.invoke(app, ["--db", str(db_path), "demo", "--days", "2", "--quiet"])
    assert again.exit_code == 1
    assert "already holds records" in again.stderr
    assert "Traceback" not in again.output


def test_days_out_of_range_is_a_clear_error(tmp_path: Path) -> None:
    ctx = _context(tmp_path / "x.db")
    from deskclerk.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Days must be between"):
        make_demo(ctx, days=0)


def test_a_night_shift_past_midnight_and_summer_time(tmp_path: Path) -> None:
    from datetime import time

    from deskclerk.config import ShiftWindow

    settings = Settings(
        timezone_name="Europe/Berlin",
        shifts=(
            ShiftWindow("D", time(7, 0), time(15, 0)),
            ShiftWindow("N", time(15, 0), time(2, 0)),
        ),
    )
    engine = open_database(f"sqlite:///{tmp_path / 'berlin.db'}")
    # Monday after the clocks went forward (29 March 2026), 10:00 in Berlin
    ctx = Context(engine=engine, clock=FrozenClock(datetime(2026, 3, 30, 8, 0, tzinfo=UTC)),
                  settings=settings)  # fmt: skip
    summary = make_demo(ctx, days=10, seed=5, units=120)
    assert summary.counts["shift"] == 10 * 2 - 1  # today's night shift has not begun
    names = {n for (n,) in _rows(ctx, "SELECT name FROM shift")}
    assert names == {"D", "N"}
    late = _rows(ctx, "SELECT count(*) FROM call c JOIN shift s ON s.id = c.shift_id "
                      "WHERE s.name = 'N' AND c.received_at < s.started_at")  # fmt: skip
    assert late[0][0] == 0
    with session_scope(engine) as s:
        assert verify_chain(s) == []
    engine.dispose()


def test_demo_orders_carry_their_times_to_site_and_to_done(
    demo: tuple[Context, DemoSummary],
) -> None:
    """The figures' medians read these: they must be the orders' own times, to the second."""
    ctx, _ = demo
    rows = _rows(
        ctx,
        "SELECT logged_at, on_site_at, done_at, to_site_us, to_done_us FROM work_order",
    )
    assert any(r.to_done_us for r in rows)
    for logged, on_site, done, to_site, to_done in rows:
        for at, micros in ((on_site, to_site), (done, to_done)):
            expected = None if at is None else (_utc(at) - _utc(logged)).total_seconds() * 1e6
            assert micros == expected


def test_the_demo_leaves_the_connection_settings_as_it_found_them(tmp_path: Path) -> None:
    """The bulk load's big cache and in-memory sorts are the demo's alone."""
    ctx = _context(tmp_path / "demo.db")
    make_demo(ctx, days=2, seed=1, units=20)
    for _ in range(3):  # whichever pooled connection comes back
        with ctx.engine.connect() as conn:
            got = [
                conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                for p in ("cache_size", "temp_store", "synchronous")
            ]
            assert got == [-2000, 0, 2]  # db.py's defaults: synchronous FULL


def test_the_demo_names_its_site_and_hands_over_its_last_shift(tmp_path: Any) -> None:
    """The supervisor's morning view has a signed sheet to show on a fresh demo."""
    from deskclerk.db import open_database
    from deskclerk.services import directory, handover
    from deskclerk.services.context import Context
    from deskclerk.services.demo import make_demo

    engine = open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    ctx = Context(engine=engine)
    make_demo(ctx, days=2, seed=7)
    assert directory.get_setting(ctx, "site_name")
    sheet = handover.last_sheet(ctx)
    assert sheet is not None and sheet.state == "pending"
    engine.dispose()


def test_the_demo_refuses_to_write_a_history_chain_the_checker_would_not_accept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from deskclerk.services import demo_bulk
    from deskclerk.services.history import GENESIS

    monkeypatch.setattr(demo_bulk, "entry_hash", lambda prev, entry: "not the same")
    writer = demo_bulk.BulkWriter(lambda batch: None, fast=True, history=(1, GENESIS))
    writer.audit(1_795_000_000, "陈静", "create", "call", 1)
    with pytest.raises(RuntimeError, match="update demo_bulk"):
        writer.release()
