"""`deskclerk where|backup|check|search|amend|void|history`: looking after the data."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "3-1203")
    d.ok("call", "add", "--unit", "3-1203", "--caller", "王芳", "--phone", "13800001234",
         "--category", "repair", "--matter", "kitchen tap leaking")  # fmt: skip
    return d


def test_where_names_the_database_and_settings_without_creating_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = Desk(tmp_path / "not-yet.db", monkeypatch)
    out = desk.ok("where")
    assert f"database: {tmp_path / 'not-yet.db'} (--db; not created yet)" in out
    assert f"settings: {tmp_path / 'config.toml'} (in use)" in out
    assert not (tmp_path / "not-yet.db").exists()


def test_backup_is_a_private_copy_that_opens(desk: Desk) -> None:
    out = desk.ok("backup").strip()
    copy = Path(out)
    assert copy.parent == desk.db_path.parent and copy != desk.db_path
    assert copy.name.startswith("desk.backup-") and copy.suffix == ".db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT caller FROM call").fetchall() == [("王芳",)]
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_to_a_named_file_and_what_it_refuses(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    assert desk.ok("backup", "-o", str(target)).strip() == str(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "exists already" in desk.fails("backup", "-o", str(target))
    desk.ok("backup", "-o", str(target), "--force")
    assert "is the database or one of its files" in desk.fails("backup", "-o", str(desk.db_path))
    assert "does not exist" in desk.fails("backup", "-o", str(tmp_path / "no" / "such" / "x.db"))
    assert not (tmp_path / "no").exists()


def test_backup_and_check_of_a_missing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = Desk(tmp_path / "missing.db", monkeypatch)
    assert "no database" in desk.fails("backup")
    assert "no database" in desk.fails("check")
    assert not (tmp_path / "missing.db").exists()


def test_check_passes_on_a_sound_database(desk: Desk) -> None:
    assert desk.ok("check").startswith("all good")
    assert desk("check").stderr == ""  # no progress line when stderr is not a terminal


def test_check_says_what_it_is_reading_on_a_terminal_then_clears_the_line(desk: Desk) -> None:
    import os
    import pty
    import subprocess
    import sys

    main, side = pty.openpty()  # stderr a terminal, as at the desk; stdout a pipe
    done = subprocess.run(
        [sys.executable, "-m", "deskclerk", "--db", str(desk.db_path), "check"],
        stdout=subprocess.PIPE, stderr=side, env=os.environ, check=False, timeout=60,
    )  # fmt: skip
    os.close(side)
    shown = os.read(main, 65536).decode()
    os.close(main)
    assert done.returncode == 0 and done.stdout.decode().startswith("all good")
    assert "Checking the file…" in shown and "Checking the history (" in shown
    assert shown.endswith("\r\x1b[K")  # the line is cleared before the findings


def test_check_reports_a_tampered_history_row(desk: Desk) -> None:
    with sqlite3.connect(desk.db_path) as conn:
        conn.execute("UPDATE audit SET new = 'x' WHERE id = (SELECT max(id) FROM audit)")
    result = desk("check")
    assert result.exit_code == 1
    assert "changed after it was written" in result.stdout
    assert "problem" in result.stderr
    assert "all good" not in result.stdout


def test_check_reports_a_history_entry_taken_out(desk: Desk) -> None:
    with sqlite3.connect(desk.db_path) as conn:
        first, last = conn.execute("SELECT min(id), max(id) FROM audit").fetchone()
        assert last > first
        conn.execute("DELETE FROM audit WHERE id = ?", (first,))
    result = desk("check")
    assert result.exit_code == 1
    assert f"history entry {first + 1}: does not follow" in result.stdout


def test_check_reports_a_broken_link(desk: Desk) -> None:
    with sqlite3.connect(desk.db_path) as conn:  # foreign keys are off in a plain connection
        conn.execute("UPDATE call SET unit_id = 999")
    result = desk("check")
    assert result.exit_code == 1
    assert "call row 1: points at a unit that does not exist" in result.stdout


def test_amend_void_and_history(desk: Desk) -> None:
    out = desk.ok("amend", "call", "1", "matter", "bathroom tap leaking", "--reason", "misheard")
    assert out.strip() == "call 1: matter amended"
    (row,) = desk.rows("list", "calls")
    assert row["matter"] == "bathroom tap leaking"
    assert desk("amend", "call", "1", "matter", "x").exit_code == 2  # --reason is required
    history = desk.rows("history", "call", "1")
    amended = [h for h in history if h["action"] == "amend"]
    assert amended[0]["old"] == "kitchen tap leaking"
    assert amended[0]["new"] == "bathroom tap leaking"
    assert amended[0]["reason"] == "misheard"
    assert amended[0]["actor"] == "Desk Clerk"

    assert desk.ok("void", "call", "1", "--reason", "test call").strip() == "call 1: voided"
    assert desk.rows("list", "calls") == []
    assert desk.rows("list", "calls", "--voided")[0]["voided"] is True
    assert "void" in desk.ok("history", "call", "1")
    assert desk.ok("check").startswith("all good")


def test_amend_and_history_errors(desk: Desk) -> None:
    assert desk("amend", "parcel", "1", "x", "y", "--reason", "r").exit_code == 2
    assert "not a record number" in desk.fails("history", "call", "one")
    assert desk.fails("amend", "call", "99", "matter", "x", "--reason", "r")
    assert desk.fails("amend", "call", "1", "no_such_field", "x", "--reason", "r")
    assert desk.fails("void", "call", "1", "--reason", "  ")


def test_search_across_registers(desk: Desk) -> None:
    desk.ok("visitor", "in", "--name", "王芳", "--unit", "3-1203")
    kinds = {hit["kind"] for hit in desk.rows("search", "王芳")}
    assert {"call", "visit"} <= kinds
    assert any(hit["kind"] == "call" for hit in desk.rows("search", "1234"))
    assert "王芳" in desk.ok("search", "王芳")
    assert desk.rows("search", "nothing-like-this") == []


def test_where_still_answers_when_the_settings_file_is_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = Desk(tmp_path / "desk.db", monkeypatch)
    broken = tmp_path / "broken.toml"
    broken.write_text("[site\nname =")
    monkeypatch.setenv("DESKCLERK_CONFIG", str(broken))
    out = desk.ok("where")
    assert f"settings: {broken} (cannot be read" in out
    assert "desk.db" in out
    assert "cannot be read" in desk.fails("list", "calls")


def test_backup_and_check_refuse_a_folder_or_a_file_that_is_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir(mode=0o755)
    desk = Desk(folder, monkeypatch)
    assert "is a folder" in desk.fails("backup")
    assert "is a folder" in desk.fails("check")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    text = tmp_path / "notes.db"
    text.write_text("not a database")
    desk = Desk(text, monkeypatch)
    assert "not a deskclerk database" in desk.fails("backup")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
