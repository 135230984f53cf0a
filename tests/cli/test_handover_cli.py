"""`deskclerk handover …`: start, remark, sign, ack, pending, report."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from rich.cells import cell_len

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "3-1203")
    d.ok("note", "add", "消防通道堆放杂物，请通知保洁清理", "--priority", "high", "--clerk", "王芳")
    d.ok("call", "add", "--caller", "张伟", "--matter", "lift noisy", "--unit", "3-1203",
         "--clerk", "王芳")  # fmt: skip
    return d


def sheet_id(out: str) -> int:
    m = re.match(r"handover (\d+) \(draft\)", out)
    assert m, out
    return int(m[1])


def test_the_whole_handover(desk: Desk, tmp_path: Path) -> None:
    out = desk.ok("handover", "start", "--clerk", "王芳")
    hid = sheet_id(out)
    assert "Calls still open or passed on: 1" in out and "Notes of this shift: 1" in out
    assert f"deskclerk handover sign {hid}" in out

    assert "remark added as item 3" in desk.ok("handover", "remark", str(hid), "对讲机两台已充电")
    assert "no handover is waiting" in desk.ok("handover", "pending")

    signed = desk.ok("handover", "sign", str(hid), "--clerk", "王芳")
    assert f"handover {hid} signed by 王芳" in signed and "fingerprint " in signed
    assert "signed by 王芳" in desk.ok("handover", "pending")
    assert "already signed" in desk.fails("handover", "sign", str(hid), "--clerk", "王芳")

    part = desk.ok("handover", "ack", str(hid), "--clerk", "李娜", "--item", "1",
                   "--query", "2", "谁来清理？")  # fmt: skip
    assert "2 of 3 items acknowledged by 李娜; 1 still to acknowledge" in part
    assert "0 of 3" not in desk.ok("handover", "pending")
    assert "no item 9" in desk.fails("handover", "ack", str(hid), "--clerk", "李娜", "--item", "9")
    assert "already acknowledged" in desk.fails(
        "handover", "ack", str(hid), "--clerk", "李娜", "--item", "1"
    )
    assert f"handover {hid} acknowledged by 李娜" in desk.ok(
        "handover", "ack", str(hid), "--clerk", "李娜"
    )
    assert "no handover is waiting" in desk.ok("handover", "pending")
    assert "already acknowledged by 李娜" in desk.fails(
        "handover", "ack", str(hid), "--clerk", "李娜"
    )

    # the supervisor's morning read: the last sheet, what is still open
    text = desk.ok("handover", "report", "--last")
    assert "SHIFT HANDOVER" in text and "query: 谁来清理？" in text
    assert "Still open:     2 of 2 listed records" in text
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    (call_id,) = [r["id"] for r in desk.rows("list", "calls")]
    desk.ok("call", "close", str(call_id))
    assert "(closed since)" in desk.ok("handover", "report", "--last")

    pdf = tmp_path / "handover.pdf"
    assert "written to" in desk.ok("handover", "report", "--id", str(hid), "--format", "pdf",
                                   "-o", str(pdf))  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF") and os.stat(pdf).st_mode & 0o777 == 0o600
    md = desk.ok("handover", "report", "--date", "today", "--format", "md", "-o", "-")
    assert md.startswith("# Shift handover")
    page = desk.ok("handover", "report", "--id", str(hid), "--format", "html")
    assert "对讲机两台已充电" in page and page.startswith("<!DOCTYPE html>")


def test_check_reports_an_amended_record(desk: Desk) -> None:
    hid = sheet_id(desk.ok("handover", "start"))
    desk.ok("handover", "sign", str(hid))
    assert "all good" in desk.ok("check").lower()
    (call_id,) = [r["id"] for r in desk.rows("list", "calls")]
    desk.ok("amend", "call", str(call_id), "matter", "lift very noisy", "--reason", "typo")
    # a correction through the history is reported, but is no problem for a nightly check
    out = desk.ok("check")
    heading, notice = out.splitlines()[:2]
    assert heading == "Changed after handover (recorded in the history):"
    assert notice.startswith(f"  handover {hid} (")
    assert f"call {call_id} was amended (matter) by Desk Clerk on " in notice
    assert "1 correction(s) after handover, each recorded in the history" in out
    assert "all good" not in out


def test_check_fails_on_a_record_edited_outside_deskclerk(desk: Desk) -> None:
    hid = sheet_id(desk.ok("handover", "start"))
    desk.ok("handover", "sign", str(hid))
    (call_id,) = [r["id"] for r in desk.rows("list", "calls")]
    with sqlite3.connect(desk.db_path) as conn:
        conn.execute("UPDATE call SET matter = 'nothing happened' WHERE id = ?", (call_id,))
    result = desk("check")
    assert result.exit_code == 1
    assert (
        f"call {call_id} was changed after the sheet was signed, with no entry in the history"
        in result.stdout
    )
    assert "Changed after handover" not in result.stdout
    assert "1 problem(s) found" in result.stderr


def test_check_fails_on_tampering_beside_a_recorded_correction(desk: Desk) -> None:
    hid = sheet_id(desk.ok("handover", "start"))
    desk.ok("handover", "sign", str(hid))
    (call_id,) = [r["id"] for r in desk.rows("list", "calls")]
    desk.ok("void", "call", str(call_id), "--reason", "entered twice")
    with sqlite3.connect(desk.db_path) as conn:
        conn.execute("UPDATE handover_item SET text = 'nothing' WHERE handover_id = ?", (hid,))
    result = desk("check")
    assert result.exit_code == 1
    assert "the sheet itself or the history before it was changed" in result.stdout
    assert "Changed after handover (recorded in the history):" in result.stdout
    assert f"call {call_id} was voided by Desk Clerk" in result.stdout


def test_report_refusals(desk: Desk) -> None:
    assert "no handover sheet has been started" in desk.fails("handover", "report")
    hid = sheet_id(desk.ok("handover", "start"))
    assert "does not go to the terminal" in desk.fails(
        "handover", "report", "--format", "pdf", code=2
    )
    assert "one of --last" in desk.fails("handover", "report", "--last", "--id", "1", code=2)
    assert "format" in desk.fails("handover", "report", "--format", "doc", code=2)
    assert "not a date" in desk.fails("handover", "report", "--date", "24/11/2026")
    assert "no handover sheet was started on 2020-01-01" in desk.fails(
        "handover", "report", "--date", "2020-01-01"
    )
    assert "There is no handover 99" in desk.fails("handover", "sign", "99")
    assert "the folder" in desk.fails(
        "handover", "report", "--id", str(hid), "-o", "/nonexistent/dir/x.txt"
    )
    assert "not signed yet" in desk.fails("handover", "ack", str(hid), "--clerk", "李娜")


def test_pins_are_asked_for(desk: Desk, db_path: Path) -> None:
    config = db_path.parent / "config.toml"
    config.write_text(config.read_text() + "\n[privacy]\npins = true\n")
    desk.ok("staff", "add", "王芳", "--pin-prompt", input="2468\n2468\n")
    hid = sheet_id(desk.ok("handover", "start", "--clerk", "王芳"))
    bad = desk("handover", "sign", str(hid), "--clerk", "王芳", input="1111\n")
    assert bad.exit_code == 1 and "not 王芳's" in bad.stderr
    good = desk("handover", "sign", str(hid), "--clerk", "王芳", input="2468\n")
    assert good.exit_code == 0, good.output
    assert "2468" not in good.output


def test_ack_help_shows_the_query_form(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = desk.ok("handover", "ack", "--help")
    assert '--query N "COMMENT"' in text and "counts as received" in text
    example = next(line.split() for line in text.splitlines() if "--query 3" in line)
    assert example[:3] == ["deskclerk", "handover", "ack"]
    assert max(cell_len(line) for line in text.splitlines()) <= 80
