"""`deskclerk export …`: files written, formats, folders for `all`, and clear failures."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    d.ok("unit", "add", "0801")
    d.ok(
        "call", "add", "--unit", "0801", "--caller", '=HYPERLINK("http://x","y")',
        "--phone", "013800001234", "--matter", "厨房漏水", "--at", "2026-11-02 09:00",
    )  # fmt: skip
    d.ok("call", "add", "--caller", "王芳", "--matter", "lift stuck", "--at", "2026-10-30 09:00")
    d.ok("visitor", "in", "--name", "李雷", "--unit", "0801", "--at", "2026-11-02 10:00")
    return d


def test_export_calls_to_xlsx_by_the_file_ending(desk: Desk, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "calls.xlsx"
    printed = desk.ok("export", "calls", "-o", str(out), "--since", "2026-11-01")
    assert printed.strip() == f"{out}: 1 call"
    assert os.stat(out).st_mode & 0o777 == 0o600
    sheet = load_workbook(out)["calls"]
    row = [c for c in sheet[2]]
    assert row[4].value == '=HYPERLINK("http://x","y")' and row[4].data_type == "s"
    assert row[3].value == "0801" and row[5].value == "013800001234"
    assert row[1].is_date


def test_export_csv_and_json(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "calls.txt"
    desk.ok("export", "calls", "--format", "csv", "-o", str(out))
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    # oldest first: the 10-30 call, then the 11-02 one
    assert len(rows) == 3 and rows[2][4] == '\'=HYPERLINK("http://x","y")'
    out = tmp_path / "visitors.json"
    desk.ok("export", "visitors", "-o", str(out))
    data: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    assert data[0]["visitor"] == "李雷" and data[0]["time_in"] == "2026-11-02T10:00:00+08:00"


def test_export_all(desk: Desk, tmp_path: Path) -> None:
    printed = desk.ok("export", "all", "-o", str(tmp_path / "all.xlsx"))
    assert "2 calls" in printed and "1 visitor" in printed and "0 orders" in printed
    folder = tmp_path / "out"
    desk.ok("export", "all", "--format", "json", "-o", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == [
        "calls.json", "notes.json", "orders.json", "visitors.json",
    ]  # fmt: skip
    err = desk.fails("export", "all", "--format", "csv", "-o", str(tmp_path / "all.csv"))
    assert "one file per register: give a folder" in err


def test_unwritable_path_says_so(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskclerk.reports import files

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    target = tmp_path / "y.xlsx"
    err = desk.fails("export", "calls", "-o", str(target))
    assert err.strip() == f"deskclerk: cannot write {target}: permission denied"
    assert not target.exists()


def test_bad_input(desk: Desk, tmp_path: Path) -> None:
    assert "unknown format" in desk.fails("export", "calls", "-f", "pdf", "-o", "x.pdf", code=2)
    assert "not a time" in desk.fails("export", "calls", "-o", "x.csv", "--since", "soon")
    err = desk.fails(
        "export", "calls", "-o", str(tmp_path / "x.csv"), "--since", "2026-11-02",
        "--until", "2026-11-01",
    )  # fmt: skip
    assert "--since must be before --until" in err
    assert "does not exist" in desk.fails("export", "notes", "-o", str(tmp_path / "no/x.csv"))
    desk.fails("export", "calls", code=2)  # -o is required


def test_an_existing_file_is_not_replaced_without_force(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "calls.csv"
    out.write_text("my own notes\n", encoding="utf-8")
    err = desk.fails("export", "calls", "-o", str(out))
    assert f"{out} exists already" in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    assert desk.ok("export", "calls", "-o", str(out), "--force").strip() == f"{out}: 2 calls"
    assert out.read_text(encoding="utf-8-sig").startswith("id,")
    folder = tmp_path / "out"
    desk.ok("export", "all", "--format", "json", "-o", str(folder))
    err = desk.fails("export", "all", "--format", "json", "-o", str(folder))
    assert str(folder / "calls.json") in err and "exist already" in err
    desk.ok("export", "all", "--format", "json", "-o", str(folder), "--force")


def test_export_all_csv_in_two_processes(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskclerk.reports import csv_parts

    one, two = tmp_path / "one", tmp_path / "two"
    printed = desk.ok("export", "all", "--format", "csv", "-o", str(one))
    monkeypatch.setattr(csv_parts, "PARALLEL_FROM", 0)  # a worker even for three rows
    monkeypatch.setattr(csv_parts, "PROCESSES", 2)
    assert desk.ok("export", "all", "--format", "csv", "-o", str(two)) == printed.replace(
        str(one), str(two)
    )
    names = ["calls.csv", "notes.csv", "orders.csv", "visitors.csv"]
    assert sorted(p.name for p in two.iterdir()) == names  # no part left
    for name in names:
        assert (two / name).read_bytes() == (one / name).read_bytes()
        assert os.stat(two / name).st_mode & 0o777 == 0o600
