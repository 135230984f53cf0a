"""A database the commands cannot read is reported in plain words, never as a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.create()
    with sqlite3.connect(db_path) as con:  # an old or damaged file: a column is missing
        for (index,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%to_site_us%'"
        ).fetchall():
            con.execute(f"DROP INDEX {index}")
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


def test_a_refused_save_says_it_was_not_saved_not_that_it_could_not_be_read(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = Desk(db_path, monkeypatch)
    d.create()
    with sqlite3.connect(db_path) as con:  # a constraint refuses the row (not an OperationalError)
        con.execute(
            "CREATE TRIGGER no_units BEFORE INSERT ON unit "
            "BEGIN SELECT RAISE(ABORT, 'units are frozen'); END"
        )
    err = d.fails("unit", "add", "3-1203")
    assert "units are frozen" in err and "NOT saved" in err
    assert "could not be read" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_database_error_escaping_a_command_is_worded_by_what_it_was_doing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sqlalchemy as sa
    import typer

    from deskclerk.cli.common import handle_errors

    def failing(statement: str) -> None:
        raise sa.exc.IntegrityError(statement, {}, Exception("CHECK constraint failed: charge"))

    for statement, words in (
        ("INSERT INTO work_order (number) VALUES (?)", "refused the save"),
        ("  update work_order SET charge = ?", "refused the save"),
        ("SELECT * FROM work_order", "could not be read"),
    ):
        with pytest.raises(typer.Exit):
            handle_errors(failing)(statement)
        err = capsys.readouterr().err
        assert words in err and "CHECK constraint failed: charge" in err, (statement, err)
        assert ("saved" in err) == (words == "refused the save")
