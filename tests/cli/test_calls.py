"""`deskclerk call …`: logging a call and following it up, and what bad input gets."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskclerk.cleaning import TEXT_MAX, clean_name, clean_text

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "3-1203", "--building", "3", "--area", "north")
    return d


def add_call(desk: Desk, *extra: str) -> int:
    return desk.new_id(
        "call", "add", "--unit", "3-1203", "--caller", "王芳", "--phone", "13800001234",
        "--category", "repair", "--matter", "kitchen tap leaking", *extra,
    )  # fmt: skip


def test_add_prints_the_id_and_the_call_is_listed_as_typed(desk: Desk) -> None:
    call_id = add_call(desk, "--at", "2025-11-24 07:40")
    (row,) = desk.rows("list", "calls")
    assert row["id"] == call_id
    assert row["caller"] == "王芳"
    assert row["unit_code"] == "3-1203"
    assert row["category"] == "repair"
    assert row["matter"] == "kitchen tap leaking"
    assert row["taken_by"] == "Desk Clerk"
    assert row["state"] == "open"
    # --at is the site's wall-clock time (Asia/Shanghai in these tests)
    assert row["received_at"] == "2025-11-24T07:40:00+08:00"


def test_unknown_unit_is_refused_with_a_message_and_nothing_saved(desk: Desk) -> None:
    err = desk.fails("call", "add", "--unit", "3-9999", "--caller", "x", "--matter", "leak")
    assert "unit 3-9999 is not in the directory" in err
    assert desk.rows("list", "calls") == []


def test_ten_thousand_character_matter_is_refused(desk: Desk) -> None:
    err = desk.fails("call", "add", "--caller", "x", "--matter", "a" * 10_000)
    assert "10,000 characters" in err
    assert desk.rows("list", "calls") == []


@pytest.mark.parametrize("bad", ["garbage", "2026-13-45", "25:99", "-2x", ""])
def test_malformed_time_is_a_clear_error_with_exit_1(desk: Desk, bad: str) -> None:
    err = desk.fails("call", "add", "--caller", "x", "--matter", "y", "--at", bad)
    assert err.startswith("deskclerk: The time of the call")
    assert "YYYY-MM-DD" in err
    assert desk.rows("list", "calls") == []


def test_a_time_in_the_future_is_refused(desk: Desk) -> None:
    err = desk.fails("call", "add", "--caller", "x", "--matter", "y", "--at", "2099-01-01")
    assert "in the future" in err


def test_missing_required_option_is_a_usage_error(desk: Desk) -> None:
    result = desk("call", "add", "--caller", "x")
    assert result.exit_code == 2
    assert "--matter" in result.output


def test_unknown_category_is_refused(desk: Desk) -> None:
    err = desk.fails("call", "add", "--caller", "x", "--matter", "y", "--category", "weather")
    assert "not one of" in err


def test_chinese_category_word_is_understood(desk: Desk) -> None:
    desk.ok("call", "add", "--caller", "x", "--matter", "noise at night", "--category", "投诉")
    (row,) = desk.rows("list", "calls")
    assert row["category"] == "complaint"
    assert row["callback_due"], "a complaint gets a reply deadline"


def test_answer_pass_close_and_show_with_history(desk: Desk) -> None:
    call_id = add_call(desk)
    assert desk.ok("call", "answer", str(call_id), "--answer", "plumber at 3pm").strip() == (
        f"call {call_id}: answered"
    )
    before = datetime.now().astimezone()
    desk.ok("call", "pass", str(call_id), "--to", "Lao Zhang", "--callback-due", "+4h")
    (row,) = desk.rows("list", "calls")
    assert row["state"] == "passed_on"
    assert row["passed_to"] == "Lao Zhang"
    due = datetime.fromisoformat(row["callback_due"])
    assert before + timedelta(hours=4) - timedelta(minutes=1) < due
    assert due < before + timedelta(hours=4, minutes=1)
    desk.ok("call", "close", str(call_id), "--note", "fixed")

    shown = desk.ok("call", "show", str(call_id))
    for expected in ("王芳", "kitchen tap leaking", "plumber at 3pm", "Lao Zhang", "closed"):
        assert expected in shown
    history = shown[shown.index("history") :]
    assert "create" in history and "answered" in history and "passed_on" in history
    assert "fixed" in history  # the closing note is kept as the reason


def test_closing_twice_and_unknown_call_are_errors(desk: Desk) -> None:
    call_id = add_call(desk)
    desk.ok("call", "close", str(call_id))
    assert "closed already" in desk.fails("call", "close", str(call_id))
    assert "no call 999" in desk.fails("call", "show", "999")
    assert desk("call", "show", "abc").exit_code == 2


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(caller=st.text(max_size=120), matter=st.text(max_size=300))
def test_any_typed_text_is_saved_cleaned_or_refused_plainly(
    desk: Desk, caller: str, matter: str
) -> None:
    result = desk("call", "add", "--caller", caller, "--matter", matter)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 1:
        assert result.stderr.startswith("deskclerk: ") and result.stdout == ""
        return
    call_id = int(result.stdout)
    row = next(r for r in desk.rows("list", "calls", "--limit", "5") if r["id"] == call_id)
    assert row["caller"] == clean_name(caller, "caller's name")
    assert row["matter"] == clean_text(matter, "matter", max_length=TEXT_MAX, multiline=True)
