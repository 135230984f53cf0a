"""`deskclerk list …`: newest first, filters, paging, and the three formats."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .desk import Desk

TRICKY_NAMES = ["[/]", "[bold red]王芳[/bold red]", "Anna [link=http://x]Müller", ":smile: 李雷"]


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "3-1203")
    d.ok("unit", "add", "0801")
    return d


def call(desk: Desk, caller: str, at: str, unit: str = "3-1203") -> int:
    return desk.new_id(
        "call", "add", "--unit", unit, "--caller", caller, "--matter", "leak", "--at", at
    )


def test_markup_looking_and_chinese_names_round_trip_exactly_in_json(desk: Desk) -> None:
    for i, name in enumerate(TRICKY_NAMES):
        call(desk, name, f"2026-01-0{i + 1} 09:00")
        desk.ok("visitor", "in", "--name", name, "--at", f"2026-01-0{i + 1} 09:00")
        desk.ok("note", "add", name)
    for register, key in (("calls", "caller"), ("visitors", "visitor"), ("notes", "text")):
        assert [r[key] for r in desk.rows("list", register)] == TRICKY_NAMES[::-1], register
    table = desk.ok("list", "calls")
    for name in TRICKY_NAMES:
        assert name in table, name


def test_newest_first_limit_and_all_page_through(desk: Desk) -> None:
    for day in range(1, 29):
        for hour in (8, 9, 10):
            call(desk, f"caller {day}-{hour}", f"2026-02-{day:02d} {hour:02d}:00")
    rows = desk.rows("list", "calls")
    assert len(rows) == 50  # the default
    assert rows[0]["caller"] == "caller 28-10" and rows[1]["caller"] == "caller 28-9"
    assert len(desk.rows("list", "calls", "--limit", "3")) == 3
    everything = desk.rows("list", "calls", "--all")
    assert len(everything) == 84
    assert len({r["id"] for r in everything}) == 84
    times = [r["received_at"] for r in everything]
    assert times == sorted(times, reverse=True)


def test_since_until_unit_and_state_filters(desk: Desk) -> None:
    call(desk, "before", "2026-03-01 23:59")
    inside = call(desk, "inside", "2026-03-02 00:00")
    call(desk, "elsewhere", "2026-03-02 10:00", unit="0801")
    call(desk, "after", "2026-03-03 00:00")
    window = ("--since", "2026-03-02", "--until", "2026-03-03")
    assert [r["caller"] for r in desk.rows("list", "calls", *window)] == ["elsewhere", "inside"]
    only_unit = desk.rows("list", "calls", *window, "--unit", "3-1203")
    assert [r["id"] for r in only_unit] == [inside]
    desk.ok("call", "close", str(inside))
    assert [r["caller"] for r in desk.rows("list", "calls", "--state", "closed")] == ["inside"]
    assert "not one of" in desk.fails("list", "calls", "--state", "sleeping")
    assert "unit 9-9999 is not in the directory" in desk.fails("list", "calls", "--unit", "9-9999")


def test_malformed_dates_and_bad_options(desk: Desk) -> None:
    err = desk.fails("list", "calls", "--since", "2026-02-30")
    assert "start time (--since)" in err and "YYYY-MM-DD" in err
    assert "later than" in desk.fails("list", "calls", "--since", "today", "--until", "yesterday")
    assert desk("list", "calls", "--format", "xml").exit_code == 2
    assert desk("list", "calls", "--limit", "0").exit_code == 2
    assert desk("list", "parcels").exit_code == 2
    assert "on-site" in desk.fails("list", "visitors", "--state", "gone")


def test_csv_has_a_header_and_local_times(desk: Desk) -> None:
    call(desk, '王芳, "the" caller', "2026-04-01 07:40")
    text = desk.ok("list", "calls", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    assert rows[0]["caller"] == '王芳, "the" caller'
    assert rows[0]["received_at"] == "2026-04-01 07:40:00"
    assert rows[0]["unit_code"] == "3-1203"
    empty = desk.ok("list", "notes", "--format", "csv")
    assert empty.splitlines()[0].startswith("id,text,priority")


def test_table_shows_site_times_and_says_when_empty(desk: Desk) -> None:
    assert "none" in desk.ok("list", "calls")
    call(desk, "Li", "2026-04-01 07:40")
    table = desk.ok("list", "calls")
    assert "07:40" in table and "Li" in table


def test_visitors_on_site_state(desk: Desk) -> None:
    gone = desk.new_id("visitor", "in", "--name", "Gone", "--at", "-1h")
    desk.new_id("visitor", "in", "--name", "Here", "--at", "-30m")
    desk.ok("visitor", "out", str(gone))
    assert [r["visitor"] for r in desk.rows("list", "visitors", "--state", "on-site")] == ["Here"]


def test_orders_are_listed(desk: Desk) -> None:
    pytest.importorskip("deskclerk.services.orders")
    from deskclerk.services.context import open_context
    from deskclerk.services.orders import create_order

    ctx = open_context(str(desk.db_path))
    order = create_order(
        ctx, unit="3-1203", description="[b]burst pipe[/b]", clerk="x", priority="urgent"
    )
    (row,) = desk.rows("list", "orders")
    assert (row["number"], row["description"], row["priority"]) == (
        order.number,
        "[b]burst pipe[/b]",
        "urgent",
    )
    assert [r["number"] for r in desk.rows("list", "orders", "--state", "open")] == [order.number]
    assert order.number in desk.ok("list", "orders")
