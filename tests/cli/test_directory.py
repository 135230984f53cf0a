"""`deskclerk unit|resident|team|staff …` and loading units from a spreadsheet's CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from .desk import Desk

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "units-sample.csv"


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    return Desk(db_path, monkeypatch)


def test_units_keep_leading_zeros_and_duplicates_are_refused(desk: Desk) -> None:
    desk.new_id("unit", "add", "0801", "--building", "Tower", "--area", "east")
    desk.new_id("unit", "add", "3-1203")
    assert "already" in desk.fails("unit", "add", "0801")
    assert "not a unit number" in desk.fails("unit", "add", "08 01!")
    codes = [u["code"] for u in desk.rows("unit", "list")]
    assert codes == ["0801", "3-1203"]
    assert [u["code"] for u in desk.rows("unit", "list", "--prefix", "3-")] == ["3-1203"]


def test_residents_are_found_by_unit_phone_tail_and_name(desk: Desk) -> None:
    desk.ok("unit", "add", "3-1203")
    rid = desk.new_id(
        "resident", "add", "--unit", "3-1203", "--name", "王芳", "--phone", "13800001234"
    )
    for query in ("3-1203", "1234", "13800001234", "王芳"):
        (found,) = desk.rows("resident", "find", query)
        assert (found["id"], found["name"], found["phone"]) == (rid, "王芳", "13800001234"), query
    assert "王芳" in desk.ok("resident", "find", "1234")
    assert desk.rows("resident", "find", "9999") == []
    err = desk.fails("resident", "add", "--unit", "3-9999", "--name", "x")
    assert "unit 3-9999 is not in the directory" in err
    assert "phone number" in desk.fails(
        "resident", "add", "--unit", "3-1203", "--name", "x", "--phone", "call me"
    )


def test_teams_and_staff(desk: Desk) -> None:
    desk.new_id("team", "add", "Plumbing A", "--categories", "plumbing,drains", "--areas", "north")
    (team,) = desk.rows("team", "list")
    assert (team["name"], team["categories"], team["areas"]) == (
        "Plumbing A", ["plumbing", "drains"], ["NORTH"],
    )  # fmt: skip
    desk.new_id("staff", "add", "Lao Zhang", "--role", "technician", "--team", "Plumbing A")
    desk.new_id("staff", "add", "Wang Min", "--role", "supervisor")
    techs = desk.rows("staff", "list", "--role", "technician")
    assert [(s["name"], s["team_name"]) for s in techs] == [("Lao Zhang", "Plumbing A")]
    assert "role" in desk.fails("staff", "add", "Bob", "--role", "janitor")
    assert "no team" in desk.fails("staff", "add", "Bob", "--team", "Nobody")


def test_staff_pin_is_asked_hidden_and_stored_hashed(desk: Desk) -> None:
    result = desk(
        "staff", "add", "Wang Min", "--role", "supervisor", "--pin-prompt", input="4821\n4821\n"
    )
    assert result.exit_code == 0, result.output
    assert "4821" not in result.output
    from deskclerk.services.context import open_context
    from deskclerk.services.directory import check_pin

    ctx = open_context(str(desk.db_path))
    assert check_pin(ctx, "Wang Min", "4821")
    assert not check_pin(ctx, "Wang Min", "0000")
    bad = desk("staff", "add", "Li", "--pin-prompt", input="12\n12\n")
    assert bad.exit_code == 1 and "4 to 12 digits" in bad.stderr


def test_import_the_sample_file_then_again(desk: Desk) -> None:
    out = desk.ok("unit", "import", str(SAMPLE))
    assert out.strip() == (
        "5 unit(s) added, 0 already in the directory; 4 resident(s) added, 0 already there"
    )
    units = {u["code"]: u for u in desk.rows("unit", "list")}
    assert sorted(units) == ["0801", "1-0101", "1-0102", "2-0801", "3-1203"]
    assert units["0801"]["building"] == "Tower"
    assert [r["name"] for r in units["1-0101"]["residents"]] == ["王芳", "Li Lei"]
    again = desk.ok("unit", "import", str(SAMPLE))
    assert again.strip() == (
        "0 unit(s) added, 5 already in the directory; 0 resident(s) added, 4 already there"
    )


def test_import_with_a_bad_line_saves_nothing_and_names_every_bad_line(
    desk: Desk, tmp_path: Path
) -> None:
    bad = tmp_path / "units.csv"
    bad.write_text("1-0101,1,north\n1 01 01!,1,north\n1-0103,1,north,,13800001234\n1-0104\n")
    err = desk.fails("unit", "import", str(bad))
    assert "nothing was saved" in err
    assert "line 2:" in err and "line 3:" in err and "line 1:" not in err
    assert not desk.db_path.exists()  # nothing was saved, not even an empty file
    assert "no file" in desk.fails("unit", "import", str(tmp_path / "missing.csv"))


def test_import_a_gb18030_file_from_chinese_excel(desk: Desk, tmp_path: Path) -> None:
    gbk = tmp_path / "units-gbk.csv"
    gbk.write_bytes("房号,楼栋,区域,住户,电话\n5-0101,5,西区,刘洋,13700001111\n".encode("gb18030"))
    desk.ok("unit", "import", str(gbk))
    (unit,) = desk.rows("unit", "list")
    assert (unit["code"], unit["area"], unit["residents"][0]["name"]) == ("5-0101", "西区", "刘洋")
