"""`deskclerk visitor …`: signing in and out, who is on site, ID numbers masked and purged."""

from __future__ import annotations

from pathlib import Path

import pytest

from .desk import Desk

ID_NUMBER = "110101199003071234"


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "0801")
    return d


def sign_in(desk: Desk, name: str = "Li Lei", *extra: str) -> int:
    return desk.new_id("visitor", "in", "--name", name, "--unit", "0801", *extra)


def test_sign_in_and_out(desk: Desk) -> None:
    visit_id = sign_in(desk, "Li Lei", "--purpose", "delivery", "--badge", "B-07", "--at", "-5m")
    (row,) = desk.rows("visitor", "on-site")
    assert (row["id"], row["visitor"], row["badge"], row["on_site"]) == (
        visit_id,
        "Li Lei",
        "B-07",
        True,
    )
    out = desk.ok("visitor", "out", str(visit_id))
    assert out.startswith(f"visit {visit_id}: out at ")
    assert desk.rows("visitor", "on-site") == []
    (row,) = desk.rows("list", "visitors")
    assert row["time_out"] is not None and row["on_site"] is False


def test_signing_out_twice_is_refused(desk: Desk) -> None:
    visit_id = sign_in(desk)
    desk.ok("visitor", "out", str(visit_id))
    assert "signed out already" in desk.fails("visitor", "out", str(visit_id))
    assert "no visit 42" in desk.fails("visitor", "out", "42")


def test_id_number_is_masked_in_table_and_data_output(desk: Desk) -> None:
    sign_in(desk, "张伟", "--id-number", ID_NUMBER)
    for args in (("list", "visitors"), ("visitor", "on-site")):
        table = desk.ok(*args)
        assert "张伟" in table
        assert ID_NUMBER not in table
        assert "1234" in table  # the last digits stay, to tell documents apart
    for fmt in ("json", "csv"):
        assert ID_NUMBER not in desk.ok("list", "visitors", "--format", fmt)
    (row,) = desk.rows("list", "visitors")
    assert row["id_masked"].endswith("1234") and "*" in row["id_masked"]


def test_purge_blanks_old_id_numbers(desk: Desk) -> None:
    sign_in(desk, "Old Visitor", "--id-number", ID_NUMBER, "--at", "2025-01-02 10:00")
    sign_in(desk, "New Visitor", "--id-number", "310101198001011111")
    assert desk.ok("visitor", "purge-ids", "--older-than", "30").strip() == "1 ID number blanked"
    rows = {r["visitor"]: r for r in desk.rows("list", "visitors")}
    assert rows["Old Visitor"]["id_masked"] == ""
    assert rows["New Visitor"]["id_masked"] != ""
    assert desk("visitor", "purge-ids", "--older-than", "-1").exit_code == 2


def test_markup_looking_names_are_shown_as_typed(desk: Desk) -> None:
    sign_in(desk, "[/]")
    sign_in(desk, "[bold red]Eve[/]")
    table = desk.ok("visitor", "on-site")
    assert "[/]" in table
    assert "[bold red]Eve[/]" in table
    names = {r["visitor"] for r in desk.rows("list", "visitors")}
    assert names == {"[/]", "[bold red]Eve[/]"}


def test_unknown_unit_and_empty_name(desk: Desk) -> None:
    err = desk.fails("visitor", "in", "--name", "X", "--unit", "9-9999")
    assert "unit 9-9999 is not in the directory" in err
    assert "required" in desk.fails("visitor", "in", "--name", "   ")
    assert desk.rows("list", "visitors") == []
