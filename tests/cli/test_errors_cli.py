"""A database the commands cannot read is reported in plain words, never as a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("list", "orders")  # creates the database
    with sqlite3.connect(db_path) as con:  # an old or damaged file: a column is missing
        con.execute("DROP INDEX ix_order_stats")
        con.execute("ALTER TABLE work_order DROP COLUMN to_site_us")
    return d


def test_stats_on_a_database_missing_a_column(desk: Desk) -> None:
    err = desk.fails("stats")
    assert err.startswith("deskclerk: the database could not be read: ")
    assert "no such column" in err and "SELECT" not in err
    assert len(err.strip().splitlines()) == 1


def test_list_on_a_database_missing_a_column_does_not_talk_of_saving(desk: Desk) -> None:
    err = desk.fails("list", "orders")
    assert "could not be read" in err and "no such column" in err
    assert "saved" not in err
