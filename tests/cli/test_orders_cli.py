"""`deskclerk order …`: the repair loop from the command line, duplicates, errors and the slip."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.cells import cell_len

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "3-1203", "--building", "3", "--area", "north")
    d.ok("unit", "add", "0801", "--area", "south")
    d.ok("resident", "add", "--unit", "3-1203", "--name", "王芳", "--phone", "13800001234")
    d.ok("team", "add", "水电班", "--categories", "plumbing,electrical", "--areas", "north")
    d.ok("team", "add", "General", "--categories", "general")
    return d


def add(desk: Desk, *extra: str) -> str:
    out = desk.ok(
        "order", "add", "--unit", "3-1203", "--problem", "kitchen tap leaking",
        "--category", "plumbing", "--priority", "urgent", *extra,
    )  # fmt: skip
    number = out.strip()
    assert number.startswith("WO-") and len(number) == len("WO-20261124-001"), out
    return number


def test_the_repair_loop_from_add_to_reopen(desk: Desk) -> None:
    n = add(desk, "--at", "-30m")
    assert desk.ok("order", "dispatch", n, "--technician", "老李", "--at", "-20m").startswith(
        f"{n}: dispatched; team 水电班, 老李"
    )
    assert desk.ok("order", "arrive", n, "--at", "-10m").startswith(f"{n}: on site")
    out = desk.ok("order", "done", n, "--charge", "30")
    assert out.startswith(f"{n}: done; callback by ")
    assert "charge 30.00" in out
    out = desk.ok("order", "callback", n, "--not-reached")
    assert "attempt 1; it stays on the callback list" in out
    out = desk.ok("order", "callback", n, "--reached", "--unsatisfied", "--comment", "still drips")
    assert out.startswith(f"{n}: dispatched; team 水电班, 老李; done by ")
    assert "not satisfied: reopened, back to 水电班" in out
    show = desk.ok("order", "show", n)
    for needed in ("王芳", "13800001234", "kitchen tap leaking", "unsatisfied", "still drips"):
        assert needed in show
    steps = [line.split()[2] for line in show.splitlines() if line.strip().startswith("20")]
    assert steps == ["logged", "dispatched", "on_site", "done", "callback", "callback", "reopened"]


def test_a_duplicate_is_refused_unless_forced(desk: Desk) -> None:
    first = add(desk)
    err = desk.fails(
        "order", "add", "--unit", "3-1203", "--problem", "tap", "--category", "plumbing"
    )
    assert f"{first} (logged, logged " in err
    assert "--force" in err
    assert desk.rows("list", "orders") and len(desk.rows("list", "orders")) == 1
    result = desk(
        "order", "add", "--unit", "3-1203", "--problem", "tap", "--category", "plumbing", "--force"
    )
    assert result.exit_code == 0
    assert result.stdout.strip() != first
    assert "warning:" in result.stderr
    # another category of the same unit is no duplicate
    add_other = desk.ok(
        "order", "add", "--unit", "3-1203", "--problem", "light", "--category", "electrical"
    )
    assert add_other.strip().startswith("WO-")


def test_a_repeated_call_is_attached_to_the_open_order(desk: Desk) -> None:
    first = add(desk)
    call_id = desk.new_id(
        "call", "add", "--unit", "3-1203", "--caller", "王芳", "--category", "repair",
        "--matter", "the tap is still leaking",
    )  # fmt: skip
    out = desk.ok("order", "add", "--from-call", str(call_id), "--category", "plumbing", "--attach")
    assert out.strip() == first
    (call,) = desk.rows("list", "calls")
    assert (call["order_number"], call["state"]) == (first, "passed_on")
    assert len(desk.rows("list", "orders")) == 1


def test_an_order_from_a_call_takes_its_unit_matter_and_caller(desk: Desk) -> None:
    call_id = desk.new_id(
        "call", "add", "--unit", "0801", "--caller", "Li Lei", "--phone", "13900002222",
        "--category", "repair", "--matter", "shop door lock broken",
    )  # fmt: skip
    n = desk.ok("order", "add", "--from-call", str(call_id)).strip()
    show = desk.ok("order", "show", n)
    for needed in ("0801", "Li Lei", "13900002222", "shop door lock broken"):
        assert needed in show
    assert desk.fails("order", "add", "--from-call", str(call_id), "--force").find(n) > 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("order", "callback", "WO-20261124-999", "--reached"), 2, "--satisfied or --unsatisfied"),
        (("order", "callback", "{n}"), 2, "--reached or --not-reached"),
        (("order", "arrive", "{n}"), 1, "has not been dispatched yet"),
        (("order", "done", "{n}", "--charge", "-3"), 2, ""),
        (("order", "cancel", "{n}", "--reason", " "), 1, "reason is required"),
        (("order", "show", "WO-20261124-999"), 1, "There is no work order WO-20261124-999"),
        (("order", "show", "tap"), 1, "not a work order"),
        (
            ("order", "add", "--unit", "3-9999", "--problem", "x"),
            1,
            "unit 3-9999 is not in the directory",
        ),
        (("order", "add", "--problem", "x"), 2, "Which unit?"),
        (
            ("order", "add", "--unit", "0801", "--problem", "x", "--attach"),
            2,
            "--attach needs --from-call",
        ),
        (("order", "slip", "{n}", "--format", "pdf", "-o", "-"), 2, "needs a file"),
    ],
)
def test_mistakes_get_a_plain_message_and_no_traceback(
    desk: Desk, args: tuple[str, ...], code: int, message: str
) -> None:
    n = add(desk)
    err = desk.fails(*(a.replace("{n}", n) for a in args), code=code)
    assert message in err


def test_a_callback_on_a_cancelled_order_is_refused(desk: Desk) -> None:
    n = add(desk)
    assert desk.ok("order", "cancel", n, "--reason", "resident fixed it").startswith(
        f"{n}: cancelled"
    )
    err = desk.fails("order", "callback", n, "--reached", "--satisfied")
    assert err.strip() == (
        f"deskclerk: {n} was cancelled (resident fixed it); there is no finished job to call back about."
    )


def test_pause_resume_and_close(desk: Desk) -> None:
    n = add(desk)
    desk.ok("order", "dispatch", n)
    assert "paused (waiting for parts)" in desk.ok(
        "order", "pause", n, "--reason", "waiting for parts"
    )
    assert "paused" not in desk.ok("order", "resume", n)
    desk.ok("order", "arrive", n)
    desk.ok("order", "done", n)
    desk.ok("staff", "add", "Desk Clerk", "--role", "clerk")
    err = desk.fails("order", "close", n, "--reason", "resident away for a month")
    assert err.strip() == (
        "deskclerk: Only a supervisor can close an order without a callback; Desk Clerk is a "
        "clerk. Ask a supervisor."
    )
    desk.ok("staff", "add", "周主管", "--role", "supervisor")
    out = desk.ok("order", "close", n, "--reason", "resident away", "--clerk", "周主管")
    assert out.startswith(f"{n}: closed")
    err = desk.fails("order", "reopen", n, "--reason", "leaking again", "--clerk", "Zhou")
    assert "no staff member called Zhou" in err
    assert 'deskclerk staff add "Zhou" --role supervisor' in err
    out = desk.ok("order", "reopen", n, "--reason", "leaking again", "--clerk", "周主管")
    assert out.startswith(f"{n}: dispatched")


def test_slip_as_text_to_stdout_and_files(desk: Desk, tmp_path: Path) -> None:
    n = add(desk, "--team", "水电班", "--technician", "老李")
    result = desk("order", "slip", n, "-o", "-")
    assert result.exit_code == 0
    assert n in result.stdout and "王芳" in result.stdout and "老李" in result.stdout
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80
    assert result.stderr.strip() == n
    txt = tmp_path / "slip.txt"
    assert desk.ok("order", "slip", n, "-o", str(txt)).strip() == f"{n}: slip written to {txt}"
    assert txt.read_text(encoding="utf-8") == result.stdout
    assert os.stat(txt).st_mode & 0o777 == 0o600
    pdf = tmp_path / "slip.pdf"
    desk.ok("order", "slip", n, "--format", "pdf", "-o", str(pdf))
    assert os.stat(pdf).st_mode & 0o777 == 0o600
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert n in text and "王芳" in text
    # a folder that does not exist: a message, nothing half-written
    err = desk.fails("order", "slip", n, "-o", str(tmp_path / "nowhere" / "slip.txt"))
    assert "does not exist" in err


def test_without_team_the_order_stays_logged_and_the_team_is_suggested(desk: Desk) -> None:
    result = desk(
        "order", "add", "--unit", "3-1203", "--problem", "tap", "--category", "plumbing"
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    number = result.stdout.strip()
    assert number.startswith("WO-")
    hint = f"deskclerk order dispatch {number} --team 水电班"
    assert f"suggested team: 水电班 — dispatch with: {hint}" in result.stderr
    assert desk.rows("list", "orders")[0]["state"] == "logged"
    assert desk.ok(*hint.split()[1:]).startswith(f"{number}: dispatched; team 水电班")
    help_text = " ".join(desk.ok("order", "add", "--help").split())
    assert "stays logged until dispatched" in help_text
    assert "default: the one covering" not in help_text


def test_add_warns_when_the_team_named_does_not_cover_the_category(desk: Desk) -> None:
    desk.ok("team", "add", "电梯班 Lifts", "--categories", "lift")
    result = desk(
        "order", "add", "--unit", "3-1203", "--problem", "lift stuck on 12",
        "--category", "lift", "--team", "水电班",
    )  # fmt: skip
    assert result.exit_code == 0  # still created, and dispatched as asked
    n = result.stdout.strip()
    assert desk.rows("list", "orders")[0]["team_name"] == "水电班"
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning == [
        "warning: 水电班 does not cover lift work (it covers plumbing, electrical); 电梯班 Lifts "
        f"does: deskclerk order dispatch {n} --team '电梯班 Lifts' --reason REASON. "
        "The order was dispatched to 水电班 as asked."
    ]
    # a team of the category, or a general team, gets no warning
    for team, category in (("水电班", "plumbing"), ("General", "painting")):
        result = desk(
            "order", "add", "--unit", "0801", "--problem", "x", "--category", category,
            "--team", team, "--force",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "warning" not in result.stderr, result.stderr


def test_slip_for_a_narrow_printer_in_gb18030(desk: Desk, tmp_path: Path) -> None:
    n = add(desk, "--team", "水电班", "--technician", "老李")
    result = desk("order", "slip", n, "-o", "-", "--width", "32", "--encoding", "gb18030")
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("gb18030")
    assert "王芳" in text and "老李" in text and n in text
    assert max(cell_len(line) for line in text.splitlines()) == 32
    assert "王芳".encode() not in result.stdout_bytes  # not UTF-8
    out = tmp_path / "slip.txt"
    desk.ok("order", "slip", n, "-o", str(out), "--width", "40", "--encoding", "gb18030")
    assert max(cell_len(line) for line in out.read_bytes().decode("gb18030").splitlines()) == 40
    assert os.stat(out).st_mode & 0o777 == 0o600
    # a character the printer's encoding does not have: a plain message, no file
    desk.ok("order", "dispatch", n, "--technician", "老李🔧")
    err = desk.fails("order", "slip", n, "-o", str(tmp_path / "gbk.txt"), "--encoding", "gbk")
    assert err.startswith("deskclerk: The slip cannot be printed in GBK: '🔧' (U+1F527)")
    assert not (tmp_path / "gbk.txt").exists()
    assert "--width" in desk.fails("order", "slip", n, "-o", "-", "--width", "31", code=2)
