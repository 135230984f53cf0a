"""Tables at a narrow terminal: numbers, units and times whole; headings never split mid-word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from .desk import Desk

TEAM = "Electrical maintenance crew"
PROBLEM = "kitchen tap leaking under the sink and water on the floor of the whole flat"
HEADINGS = ("number", "logged", "unit", "category", "priority", "problem", "state", "team")


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "3-1203", "--area", "north")
    d.ok("team", "add", TEAM, "--categories", "electrical")
    d.ok("team", "add", "Plumbing 水电班", "--categories", "plumbing")
    for category, problem in (("plumbing", PROBLEM), ("electrical", "socket burnt")):
        d.ok("order", "add", "--unit", "3-1203", "--category", category, "--problem", problem)
        d.ok("order", "dispatch", d.rows("list", "orders")[0]["number"])
    return d


def at(desk: Desk, monkeypatch: pytest.MonkeyPatch, columns: int, *args: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = desk.ok(*args).splitlines()
    assert all(cell_len(line.rstrip()) <= columns for line in lines), lines
    return lines


def test_orders_at_80_columns_keep_numbers_and_words_whole(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n".join(at(desk, monkeypatch, 80, "list", "orders"))
    for number in ("WO-20261124-001", "WO-20261124-002"):
        assert number in text  # on one line, not split over three
    assert TEAM in text and "dispatched" in text and "3-1203" in text
    for cut in ("WO-2026\n", "categor\n", "priorit\n", "dispatc\n"):
        assert cut not in text


def test_orders_at_100_columns_are_a_table_with_whole_headings(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = at(desk, monkeypatch, 100, "list", "orders")
    header = next(line for line in lines if "number" in line)
    assert header.split() == list(HEADINGS)
    rows = [line for line in lines if "WO-20261124-" in line]
    assert len(rows) == 2  # one line each for the number, time, unit and state
    assert all(re.search(r" \d\d-\d\d \d\d:\d\d ", row) and "dispatched" in row for row in rows)
    assert "…" in "\n".join(rows)  # the long problem is cut, not folded over many lines


def test_stats_by_team_at_80_columns_keeps_team_names(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n".join(at(desk, monkeypatch, 80, "stats", "--by", "team"))
    assert TEAM in text and "Plumbing 水电班" in text
    assert "closure 0.0 %" in text and "median on site –" in text
    wide = "\n".join(at(desk, monkeypatch, 160, "stats", "--by", "team"))
    header = next(line for line in wide.splitlines() if line.split()[:2] == ["team", "logged"])
    assert "on site in time" in header and "satisfied" in header
