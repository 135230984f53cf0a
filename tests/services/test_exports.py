"""Exports: real date cells, text that stays text, masked IDs, voided rows kept, whole files only."""

from __future__ import annotations

import csv
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from deskclerk.errors import DeskError
from deskclerk.reports import csv_parts
from deskclerk.reports import export as export_mod
from deskclerk.reports.export import csv_phone, csv_safe, export
from deskclerk.services.exports import REGISTERS, stream_rows
from deskclerk.services.local_times import LocalTimes

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def desk(ctx: Any) -> Any:
    """A desk with a call from a formula-named caller, a voided call, a visit, an order, a note."""
    from deskclerk.services import calls, directory, notes, orders, records, visits

    directory.add_unit(ctx, "0801", clerk="t")
    directory.add_team(ctx, "Plumbing 水电班", categories="plumbing", clerk="t")
    calls.log_call(
        ctx, caller=FORMULA, phone="013800001234", unit="0801", category="complaint",
        matter="-1+1 厨房漏水", clerk="小李",
    )  # fmt: skip
    calls.log_call(ctx, caller="王芳", phone="+86 138 0000 1234", matter="@SUM(A1)", clerk="小李")
    mistake = calls.log_call(ctx, caller="Wrong", matter="typed twice", clerk="小李")
    records.void(ctx, "call", mistake.id, reason="typed twice", clerk="小李")
    visits.sign_in(
        ctx, visitor="Li Lei", unit="0801", purpose="delivery", id_number="110101199001011234",
        clerk="小李",
    )  # fmt: skip
    orders.create_order(
        ctx, unit="0801", description="kitchen tap 水龙头", clerk="小李", category="plumbing",
        team="Plumbing 水电班",
    )  # fmt: skip
    notes.add_note(ctx, "check the pump 水泵", clerk="小李", unit="0801")
    return ctx


def _sheet_rows(path: Path, name: str) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [tuple(cell for cell in row) for row in book[name].iter_rows()]


def test_xlsx_has_date_cells_text_cells_and_no_formulas(desk: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "all.xlsx"
    written = export(desk, "all", "xlsx", path)
    assert [(w.register, w.rows) for w in written] == [
        ("calls", 3), ("visitors", 1), ("orders", 1), ("notes", 1),
    ]  # fmt: skip
    assert os.stat(path).st_mode & 0o777 == 0o600
    book = load_workbook(path)
    assert book.sheetnames == ["calls", "visitors", "orders", "notes"]
    sheet = book["calls"]
    header = [c.value for c in sheet[1]]
    col = {label.split(" ")[0]: i for i, label in enumerate(header)}
    assert "voided (voided records are kept: an export is a record)" in header
    first = sheet[2]
    received = first[col["received"]]
    assert received.is_date and isinstance(received.value, datetime)
    # the frozen clock is 10:00 in Shanghai
    assert received.value.replace(microsecond=0) == datetime(2026, 11, 24, 10, 0)
    caller = first[col["caller"]]
    assert caller.value == FORMULA and caller.data_type == "s"
    unit, phone = first[col["unit"]], first[col["phone"]]
    assert (unit.value, unit.data_type) == ("0801", "s")
    assert (phone.value, phone.data_type) == ("013800001234", "s")
    assert first[col["matter"]].value == "-1+1 厨房漏水"
    voided = [row[col["voided"]].value for row in sheet.iter_rows(min_row=2)]
    assert voided == [False, False, True]
    visit = book["visitors"][2]
    assert "110***********1234" in [c.value for c in visit]
    assert "110101199001011234" not in [c.value for c in visit]
    with zipfile.ZipFile(path) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if "worksheets/" in n)
    assert "<f>" not in sheets  # not a single formula anywhere


def test_csv_is_utf8_with_bom_and_formula_safe(desk: Any, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    export(desk, "calls", "csv", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    first, second, voided = rows
    assert first["caller 来电人"] == "'" + FORMULA
    assert first["matter 事由"] == "'-1+1 厨房漏水"
    assert first["phone 电话"] == "013800001234"
    assert first["unit 房号"] == "0801"
    assert first["received 来电时间 (Asia/Shanghai)"] == "2026-11-24 10:00:00"
    assert second["phone 电话"] == "+86 138 0000 1234"  # a phone number stays readable
    assert second["matter 事由"] == "'@SUM(A1)"
    assert second["caller 来电人"] == "王芳"
    assert [r["voided (voided records are kept: an export is a record)"] for r in rows] == [
        "no", "no", "yes",
    ]  # fmt: skip
    assert voided["void reason"] == "typed twice"
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_json_is_an_array_with_offsets(desk: Any, tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    export(desk, "orders", "json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data) == 1
    order = data[0]
    assert order["number"].startswith("WO-20261124-")
    assert order["logged_at"] == "2026-11-24T10:00:00+08:00"
    assert order["team"] == "Plumbing 水电班" and order["unit"] == "0801"
    assert order["voided"] is False and order["done_at"] is None
    assert list(order) == [c.key for c in REGISTERS["orders"].columns]


def test_all_as_csv_writes_a_folder(desk: Any, tmp_path: Path) -> None:
    folder = tmp_path / "november"
    written = export(desk, "all", "csv", folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "calls.csv", "notes.csv", "orders.csv", "visitors.csv",
    ]  # fmt: skip
    assert [w.rows for w in written] == [3, 1, 1, 1]
    with pytest.raises(DeskError, match="give a folder"):
        export(desk, "all", "json", tmp_path / "november.json")


def test_since_until_select_by_when_it_happened(desk: Any, tmp_path: Path) -> None:
    before = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert export(desk, "calls", "csv", tmp_path / "a.csv", until=before)[0].rows == 0
    assert export(desk, "calls", "csv", tmp_path / "b.csv", since=before)[0].rows == 3


def test_a_failed_export_leaves_no_file(
    desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "calls.xlsx"
    target_csv = tmp_path / "calls.csv"

    def broken(*args: Any, **kwargs: Any) -> Any:
        yield from stream_rows(desk.engine, "calls")
        raise OSError(5, "Input/output error")

    def broken_lines(engine: Any, name: str, times: Any, handle: Any, **period: Any) -> int:
        handle.write("1,half a line")
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(export_mod, "stream_rows", broken)
    monkeypatch.setattr(csv_parts, "write_lines", broken_lines)  # CSV built by SQLite
    for path, fmt in ((target, "xlsx"), (target_csv, "csv")):
        with pytest.raises(DeskError, match="cannot write"):
            export(desk, "calls", fmt, path)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("desk.db")] == []


def test_an_existing_file_survives_a_failed_export(
    desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "calls.csv"
    target.write_text("last month's export")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(export_mod, "stream_rows", broken)

    def broken_lines(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(csv_parts, "write_lines", broken_lines)
    for in_sql in (True, False):
        monkeypatch.setattr(export_mod, "CSV_IN_SQL", in_sql)
        with pytest.raises(RuntimeError):
            export(desk, "calls", "csv", target)
    assert target.read_text() == "last month's export"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_all_is_whole_or_nothing_across_registers(
    desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    folder = tmp_path / "november"
    folder.mkdir()
    (folder / f"calls.{fmt}").write_text("last month's calls")
    real = export_mod.stream_rows

    def orders_fail(engine: Any, name: str, **period: Any) -> Any:
        if name == "orders":  # the third register, after calls and visitors were written
            raise OSError(28, "No space left on device")
        yield from real(engine, name, **period)

    monkeypatch.setattr(export_mod, "stream_rows", orders_fail)
    monkeypatch.setattr(export_mod, "CSV_IN_SQL", False)  # the portable writer
    with pytest.raises(DeskError, match="no space left on device"):
        export(desk, "all", fmt, folder)
    assert sorted(p.name for p in folder.iterdir()) == [f"calls.{fmt}"]  # no part, no new file
    assert (folder / f"calls.{fmt}").read_text() == "last month's calls"
    monkeypatch.setattr(export_mod, "stream_rows", real)
    written = export(desk, "all", fmt, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(w.path.name for w in written)
    assert all((w.path.stat().st_mode & 0o777) == 0o600 for w in written)


def test_an_unwritable_folder_is_reported_plainly(
    desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskclerk.reports import files

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    target = tmp_path / "y.xlsx"
    with pytest.raises(DeskError) as err:
        export(desk, "calls", "xlsx", target)
    assert str(err.value) == f"cannot write {target}: permission denied"
    with pytest.raises(DeskError, match="does not exist"):
        export(desk, "calls", "csv", tmp_path / "no" / "such.csv")


def test_stream_rows_reads_in_batches(desk: Any) -> None:
    rows = list(stream_rows(desk.engine, "calls", batch=1))
    assert len(rows) == 3
    assert [len(r) for r in rows] == [len(REGISTERS["calls"].columns)] * 3


def test_csv_cells_that_could_run_as_formulas_get_an_apostrophe() -> None:
    for text in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert csv_safe(text) == "'" + text
    assert csv_safe("王芳") == "王芳" and csv_safe("") == "" and csv_safe(None) == ""
    assert csv_phone("+86 138 0000 1234") == "+86 138 0000 1234"
    assert csv_phone("(021) 5555-1234") == "(021) 5555-1234"
    assert csv_phone("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert csv_phone("+86 138\n") == "'+86 138\n"  # not a bare number: a line follows


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata", "UTC"])
def test_local_times_fast_path_agrees_with_zoneinfo(zone: str) -> None:
    tz = ZoneInfo(zone)
    times = LocalTimes(tz)
    # around New York's DST change (2026-03-08 07:00 UTC) and a plain day
    for stored in (
        "2026-03-08 06:59:59.500000",
        "2026-03-08 07:00:00.000000",
        "2026-11-24 02:00:00.000000",
        "2026-11-24 02:00:00",
        datetime(2026, 11, 24, 2, 0),
    ):
        aware = (
            (datetime.fromisoformat(stored) if isinstance(stored, str) else stored)
            .replace(tzinfo=UTC)
            .astimezone(tz)
        )
        assert times.text(stored) == aware.strftime("%Y-%m-%d %H:%M:%S")
        assert times.iso(stored) == aware.isoformat(timespec="seconds")
        naive = aware.replace(tzinfo=None)
        serial = (naive - datetime(1899, 12, 30)).total_seconds() / 86400
        assert times.excel(stored) == pytest.approx(serial, abs=1e-9)


def test_xlsx_text_is_escaped_and_read_back_exactly(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from deskclerk.reports.xlsx_stream import SheetSpec, write_workbook

    texts = ['a & b <c> "d"', "_x0041_ stays", " padded ", "bell\x07", "王芳\nline two"]
    times = LocalTimes(ZoneInfo("Asia/Shanghai"))
    path = tmp_path / "t.xlsx"
    with path.open("wb") as handle:
        write_workbook(
            handle, [SheetSpec("t", ["text"], [10], ["text"], [(t,) for t in texts])], times
        )
    got = [row[0] for row in load_workbook(path)["t"].iter_rows(min_row=2, values_only=True)]
    # Excel and LibreOffice decode _xHHHH_ escapes; openpyxl shows them as stored, so a
    # literal "_x0041_" is stored escaped (else Excel would show "A"), and so is the bell
    assert got == [texts[0], "_x005F_x0041_ stays", texts[2], "bell_x0007_", texts[4]]


@pytest.mark.parametrize(("limit", "sheets"), [(3, ["calls", "calls (2)"]), (4, ["calls"])])
def test_xlsx_continues_on_a_new_sheet_past_excels_row_limit(
    desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int, sheets: list[str]
) -> None:
    from openpyxl import load_workbook

    from deskclerk.reports import xlsx_stream

    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", limit)  # the header and limit-1 rows a sheet
    written = export(desk, "calls", "xlsx", tmp_path / "calls.xlsx")
    assert written[0].rows == 3
    book = load_workbook(tmp_path / "calls.xlsx")
    assert book.sheetnames == sheets
    assert sum(book[name].max_row - 1 for name in sheets) == 3
