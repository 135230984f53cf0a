"""`deskclerk note …` and `list notes`: handover notes for the next shift."""

from __future__ import annotations

from pathlib import Path

import pytest

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "3-1203")
    return d


def test_add_and_resolve(desk: Desk) -> None:
    first = desk.new_id("note", "add", "Lift 2 inspection at 14:00", "--priority", "high")
    second = desk.new_id("note", "add", "Keys of 3-1203 with the guard", "--unit", "3-1203")
    assert desk.ok("note", "resolve", str(first)).strip() == f"note {first}: resolved"
    open_notes = desk.rows("list", "notes", "--state", "open")
    assert [n["id"] for n in open_notes] == [second]
    assert open_notes[0]["unit_code"] == "3-1203"
    (done,) = desk.rows("list", "notes", "--state", "resolved")
    assert (done["id"], done["priority"], done["resolved_by"]) == (first, "high", "Desk Clerk")


def test_bad_input(desk: Desk) -> None:
    assert "priority" in desk.fails("note", "add", "x", "--priority", "someday")
    assert "required" in desk.fails("note", "add", "  ")
    assert "no note 7" in desk.fails("note", "resolve", "7")
    assert "open or resolved" in desk.fails("list", "notes", "--state", "done")
    assert desk.rows("list", "notes") == []


def test_multiline_note_round_trips(desk: Desk) -> None:
    desk.ok("note", "add", "Line one\nline two 二")
    (row,) = desk.rows("list", "notes")
    assert row["text"] == "Line one\nline two 二"
