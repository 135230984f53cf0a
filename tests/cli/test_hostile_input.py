"""What a hostile or careless command line met (fourth session's review): out-of-range
dates and numbers, outputs over the database or an existing file, a unit code read as
an id, formulas in list CSV, a voided order's slip, names differing in case only."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from rich.cells import cell_len

from deskclerk.cli import app

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "3-1203", "--area", "north")
    d.ok("team", "add", "Plumbing North 水电一班", "--categories", "plumbing")
    return d


def call(desk: Desk, *extra: str) -> int:
    return desk.new_id(
        "call", "add", "--unit", "3-1203", "--caller", "王芳", "--phone", "13800001234",
        "--category", "repair", "--matter", "kitchen tap leaking", *extra,
    )  # fmt: skip


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at", ["0001-01-01", "0026-11-24", "1969-12-31 23:00", "-99999999h", "-999999999999h"]
)
def test_a_time_outside_the_years_a_desk_keeps_is_refused(desk: Desk, at: str) -> None:
    err = desk.fails("call", "add", "--unit", "3-1203", "--caller", "x", "--matter", "m",
                     "--at", at)  # fmt: skip
    assert f"{at!r} is not a date a desk keeps: the year must be between 1970 and 2199" in err
    assert desk.rows("list", "calls") == []


def test_a_callback_due_in_year_9999_is_refused_and_exports_keep_working(
    desk: Desk, tmp_path: Path
) -> None:
    err = desk.fails("call", "add", "--unit", "3-1203", "--caller", "x", "--matter", "m",
                     "--callback-due", "9999-12-31 23:59")  # fmt: skip
    assert "year must be between 1970 and 2199" in err
    n = call(desk)
    err = desk.fails("amend", "call", str(n), "callback_due", "9999-12-31", "--reason", "typo")
    assert "year must be between 1970 and 2199" in err
    for fmt in ("csv", "xlsx", "json"):
        assert desk.ok("export", "calls", "-o", str(tmp_path / f"c.{fmt}")).endswith(": 1 call\n")


def test_a_filter_date_out_of_range_is_refused(desk: Desk) -> None:
    assert "year must be" in desk.fails("list", "calls", "--since", "0001-01-01")


@pytest.mark.parametrize(
    ("month", "says"),
    [("9999-12", "year must be between 1970 and 2199"), ("26-11", "write YYYY-MM")],
)
def test_a_month_out_of_range_or_without_its_century_is_refused(
    desk: Desk, month: str, says: str
) -> None:
    assert says in desk.fails("report", "monthly", "--month", month)


def test_a_callback_before_the_call_came_in_is_refused_when_passing_on_and_amending(
    desk: Desk,
) -> None:
    n = call(desk, "--at", "-2h")
    err = desk.fails("call", "pass", str(n), "--to", "周建国", "--callback-due", "-3h")
    assert "before the call came in" in err
    err = desk.fails("amend", "call", str(n), "callback_due", "2020-01-01", "--reason", "x")
    assert "before the call came in" in err
    assert desk.rows("list", "calls")[0]["state"] == "open"  # nothing half-saved
    desk.ok("call", "pass", str(n), "--to", "周建国", "--callback-due", "-1h")


# --- numbers -------------------------------------------------------------------------

HUGE = "99999999999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ("order", "show", HUGE),
        ("order", "dispatch", HUGE, "--team", "Plumbing"),
        ("history", "order", HUGE),
        ("history", "call", HUGE),
        ("amend", "call", HUGE, "matter", "x", "--reason", "y"),
    ],
)
def test_an_id_too_large_for_any_record_is_not_found(desk: Desk, args: tuple[str, ...]) -> None:
    err = desk.fails(*args)
    assert "Traceback" not in err and ("no work order" in err or "not a record" in err), err


@pytest.mark.parametrize(
    "args",
    [
        ("unit", "list", "--limit", HUGE),
        ("list", "calls", "--limit", HUGE),
        ("handover", "start", "--shift", "9223372036854775808"),
        ("handover", "report", "--id", "9223372036854775808"),
        ("order", "add", "--unit", "3-1203", "--problem", "x", "--from-call", HUGE),
    ],
)
def test_a_number_option_out_of_range_is_a_usage_error(desk: Desk, args: tuple[str, ...]) -> None:
    result = desk(*args)
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output and "Traceback" not in result.output


# --- outputs -------------------------------------------------------------------------


@pytest.mark.parametrize("end", ["", "-wal", "-shm"])
def test_no_export_or_backup_writes_over_the_database_or_its_files(
    desk: Desk, db_path: Path, end: str
) -> None:
    call(desk)
    target = f"{db_path}{end}"
    err = desk.fails("export", "calls", "-o", target, "--format", "csv", "--force")
    assert "is the database or one of its files" in err
    err = desk.fails("backup", "-o", target, "--force")
    assert "is the database or one of its files" in err
    err = desk.fails("report", "monthly", "--month", "2026-10", "-o", target, "--force")
    assert "is the database or one of its files" in err
    assert len(desk.rows("list", "calls")) == 1  # the database is whole
    with sqlite3.connect(db_path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_slip_and_handover_sheet_do_not_replace_a_file_unless_forced(
    desk: Desk, tmp_path: Path
) -> None:
    number = desk.ok("order", "add", "--unit", "3-1203", "--problem", "tap").strip()
    desk.ok("handover", "start")
    keep = tmp_path / "keep.txt"
    keep.write_text("the clerk's own notes")
    assert "exists already" in desk.fails("order", "slip", number, "-o", str(keep))
    assert "exists already" in desk.fails("handover", "report", "-o", str(keep))
    assert keep.read_text() == "the clerk's own notes"
    desk.ok("order", "slip", number, "-o", str(keep), "--force")
    assert number in keep.read_text()
    desk.ok("handover", "report", "-o", str(keep), "--force")
    assert "交接" in keep.read_text() or "handover" in keep.read_text().lower()


@pytest.mark.parametrize("out", ["-", "", "q.pdf"])
def test_an_export_needs_a_file_whose_format_it_knows(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = desk("export", "calls", "-o", out)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "-").exists() and not (tmp_path / "q.pdf").exists()
    desk.ok("export", "calls", "-o", "q.pdf", "--format", "csv")  # asked for: as asked


def test_an_empty_db_option_is_refused_not_taken_as_the_default(desk: Desk) -> None:
    result = desk.runner.invoke(app, ["--db", " ", "list", "calls"])
    assert result.exit_code == 2 and "--db is empty" in result.output


def test_a_demo_refused_for_its_size_leaves_no_file(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = Desk(db_path, monkeypatch)
    assert "Days must be between" in d.fails("demo", "--days", "-5")
    assert not db_path.exists()


# --- units by code ---------------------------------------------------------------------


def test_a_unit_is_amended_voided_and_traced_by_its_code_never_by_an_id(desk: Desk) -> None:
    for code in ("1-101", "1-102", "1-103", "1-104", "1-105", "1-106", "1-107", "1-108",
                 "1-109", "1-110", "1-111", "1-112"):  # fmt: skip
        desk.ok("unit", "add", code)
    desk.ok("unit", "add", "0012")  # id 14; the unit with id 12 is 1-111
    assert desk.ok("amend", "unit", "0012", "building", "Shop B", "--reason", "moved").startswith(
        "unit 0012: building amended"
    )
    units = {u["code"]: u for u in desk.rows("unit", "list")}
    assert units["0012"]["building"] == "Shop B" and units["1-111"]["building"] != "Shop B"
    assert "Shop B" in desk.ok("history", "unit", "0012")
    assert "unit 12 is not in the directory" in desk.fails("void", "unit", "12", "--reason", "x")
    assert "unit 0801 is not in the directory" in desk.fails(
        "void", "unit", "0801", "--reason", "x"
    )


# --- list CSV, slips, names --------------------------------------------------------------


def test_list_csv_carries_no_formula(desk: Desk) -> None:
    desk.ok("call", "add", "--unit", "3-1203", "--caller", '=HYPERLINK("http://x","y")',
            "--phone", "+86 138 0000 1234", "--category", "repair", "--matter", "@SUM(1)")  # fmt: skip
    row = next(csv.DictReader(io.StringIO(desk.ok("list", "calls", "--format", "csv"))))
    assert row["caller"] == '\'=HYPERLINK("http://x","y")'
    assert row["matter"] == "'@SUM(1)"
    assert row["phone"] == "+86 138 0000 1234"  # a phone number as typed stays readable
    found = next(csv.DictReader(io.StringIO(desk.ok("search", "HYPERLINK", "--format", "csv"))))
    assert found["title"].startswith("'=")


def test_a_voided_orders_slip_says_so(desk: Desk) -> None:
    number = desk.ok("order", "add", "--unit", "3-1203", "--problem", "tap").strip()
    desk.ok("void", "order", number, "--reason", "entered twice")
    slip = desk.ok("order", "slip", number, "-o", "-")
    assert "VOIDED: entered twice" in slip
    assert slip.splitlines()[3].strip() == "*** 已作废 VOID: do not dispatch ***"  # under the title
    narrow = desk.ok("order", "slip", number, "-o", "-", "--width", "32")
    assert all(cell_len(line) <= 32 for line in narrow.splitlines())
    assert "已作废 VOID: do not dispatch" in narrow.splitlines()[3]  # on one line


def test_team_and_staff_names_may_not_differ_in_case_only(desk: Desk) -> None:
    err = desk.fails("team", "add", "plumbing north 水电一班", "--categories", "plumbing")
    assert "There is a team called Plumbing North 水电一班 already" in err
    desk.ok("staff", "add", "Amy Chen", "--role", "supervisor")
    assert "Amy Chen is on the staff list already" in desk.fails(
        "staff", "add", "amy chen", "--role", "clerk"
    )
    number = desk.ok("order", "add", "--unit", "3-1203", "--problem", "tap", "--team",
                     "Plumbing North 水电一班").strip()  # fmt: skip
    assert number.startswith("WO-")


def test_a_database_other_than_sqlite_or_postgresql_is_named_plainly(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = Desk(db_path, monkeypatch)
    result = d.runner.invoke(app, ["--db", "mysql://clerk@localhost/desk", "list", "calls"])
    assert result.exit_code == 1
    assert "a SQLite file or on PostgreSQL" in result.stderr
    assert "deskclerk[postgres]" not in result.stderr


def test_an_import_naming_one_unit_with_two_areas_saves_nothing(desk: Desk, tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("5-0101,5,west,刘洋,13700001111\n5-0101,,,Li Lei,\n5-0101,5,east,Tom,\n")
    err = desk.fails("unit", "import", str(units))
    assert "line 3: unit 5-0101 has area 'east' here and 'west' on line 1" in err
    assert "line 2" not in err  # blank building and area: the same unit, another resident
    assert not desk.db_path.exists() or "5-0101" not in {
        u["code"] for u in desk.rows("unit", "list")
    }


def test_an_import_takes_a_units_building_from_whichever_line_gives_it(
    desk: Desk, tmp_path: Path
) -> None:
    units = tmp_path / "units.csv"
    units.write_text("5-0101,,,刘洋,13700001111\n5-0101,5,west,Li Lei,\n")
    assert desk.ok("unit", "import", str(units)).startswith("1 unit(s) added")
    unit = {u["code"]: u for u in desk.rows("unit", "list")}["5-0101"]
    assert (unit["building"], unit["area"]) == ("5", "west")
    assert sorted(r["name"] for r in unit["residents"]) == ["Li Lei", "刘洋"]


def test_the_same_resident_is_not_listed_twice_at_a_unit(desk: Desk) -> None:
    desk.ok("resident", "add", "--unit", "3-1203", "--name", "王芳", "--phone", "13800001234")
    err = desk.fails(
        "resident", "add", "--unit", "3-1203", "--name", "王芳", "--phone", "13800001234"
    )
    assert "王芳 (13800001234) is listed at unit 3-1203 already" in err
    err = desk.fails(  # the same phone typed with spaces
        "resident", "add", "--unit", "3-1203", "--name", "王芳", "--phone", "138 0000 1234"
    )
    assert "is listed at unit 3-1203 already" in err
    desk.ok("resident", "add", "--unit", "3-1203", "--name", "王芳", "--phone", "13900009999")


def test_a_mistyped_database_name_is_refused_by_a_command_that_only_reads(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call(desk)
    typo = tmp_path / "dsek.db"
    for args in (["list", "calls"], ["search", "王芳"], ["stats"], ["unit", "list"],
                 ["export", "calls", "-o", str(tmp_path / "c.csv")]):  # fmt: skip
        result = desk.runner.invoke(app, ["--db", str(typo), *args])
        assert result.exit_code == 1, (args, result.output)
        assert f"there is no database at {typo}" in result.stderr
    assert not typo.exists()
    monkeypatch.setenv("DESKCLERK_DB", str(typo))
    assert desk.runner.invoke(app, ["list", "calls"]).exit_code == 1
    # a command that saves makes it: a new site starts so
    assert desk.runner.invoke(app, ["unit", "add", "1-101"]).exit_code == 0
    assert typo.exists()


def test_export_all_into_the_current_folder(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call(desk)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    desk.ok("export", "all", "-o", ".")
    assert (out / "calls.csv").exists()
    assert desk("export", "calls", "-o", ".").exit_code == 2  # one register: a file


def test_the_year_bound_is_the_sites_year(desk: Desk) -> None:
    # the site is in Asia/Shanghai: its 1970-01-01 00:00 is 1969 in UTC, and still allowed
    desk.ok("list", "calls", "--since", "1970-01-01")
    assert "year must be" in desk.fails("list", "calls", "--until", "2200-01-01")


def test_a_path_under_an_unknown_users_home_is_a_clear_error(desk: Desk) -> None:
    err = desk.fails("export", "calls", "-o", "~nosuchuser123/x.csv")
    assert "a user this computer does not know" in err


def test_list_csv_keeps_every_phone_column_readable(desk: Desk) -> None:
    desk.ok("resident", "add", "--unit", "3-1203", "--name", "王芳", "--phone", "+86 138 0000 1234")
    desk.ok("order", "add", "--unit", "3-1203", "--problem", "tap")
    row = next(csv.DictReader(io.StringIO(desk.ok("list", "orders", "--format", "csv"))))
    assert row["resident_phone"] == "+86 138 0000 1234"


def test_a_work_kind_no_team_takes_is_warned_about(desk: Desk) -> None:
    result = desk("order", "add", "--unit", "3-1203", "--problem", "tap", "--category", "plumbng")
    assert result.exit_code == 0  # the order stands
    assert "warning: no team takes 'plumbng' work (teams take: plumbing)" in result.stderr
    number = result.stdout.strip()
    desk.ok("amend", "order", number, "category", "plumbing", "--reason", "typo")
    result = desk("order", "add", "--unit", "3-1203", "--problem", "door", "--category", "plumbing",
                  "--force")  # fmt: skip
    assert "no team takes" not in result.stderr
