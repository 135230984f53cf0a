"""CSV lines built by SQLite (reports/csv_sql.py) are byte for byte the portable writer's."""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from deskclerk.config import Settings
from deskclerk.errors import DeskError
from deskclerk.reports import csv_parts, csv_sql
from deskclerk.reports import export as export_mod
from deskclerk.reports.export import export
from deskclerk.services.context import Context

# Cells that need the formula guard, quotes, both, or neither.
AWKWARD = [
    '=HYPERLINK("http://x","y")', "-1+1 厨房漏水", "+86 138 0000 1234", "+cmd|' /C calc'!A0",
    "@SUM(A1)", "\tx", "\rx", "a, b", 'say "hi"', "line one\nline two", "cr\r", "王芳", "",
    "(021) 5555-1234", "-", "3-1203", " padded ", "x,=1", "'quoted'", "a\r\nb",
]  # fmt: skip


# Text columns given the awkward values straight in the database (as an old or
# imported file may hold them; the services would refuse some of them).
TEXT_COLUMNS = {
    "call": ("caller", "phone", "matter", "taken_by", "passed_to", "answer", "void_reason"),
    "visit": ("visitor", "phone", "host", "purpose", "badge", "plate", "id_number", "clerk"),
    "handover_note": ("text", "clerk", "resolved_by"),
    "work_order": ("description", "technician", "cancel_reason", "callback_comment"),
}


def _fill(ctx: Any) -> None:
    """Every register, with awkward text in every text column."""
    from deskclerk.services import calls, directory, notes, orders, records, visits

    directory.add_unit(ctx, "0801", clerk="t")
    directory.add_team(ctx, "Plumbing 水电班", categories="plumbing", clerk="t")
    for i in range(len(AWKWARD)):
        unit = "0801" if i % 2 else None
        calls.log_call(ctx, caller="c", matter="m", unit=unit, category="complaint", clerk="小李")
        visits.sign_in(
            ctx, visitor="v", unit="0801", purpose="p", clerk="小李",
            id_number="110101199001011234" if i % 3 else None,
        )  # fmt: skip
        notes.add_note(ctx, "n", clerk="小李", unit=unit)
    orders.create_order(
        ctx, unit="0801", description="tap", clerk="小李", category="plumbing",
        team="Plumbing 水电班",
    )  # fmt: skip
    records.void(ctx, "call", 1, reason="typed twice", clerk="小李")
    with ctx.engine.begin() as conn:
        for table, columns in TEXT_COLUMNS.items():
            ids = [r[0] for r in conn.execute(sa.text(f"SELECT id FROM {table} ORDER BY id"))]
            for n, record_id in enumerate(ids):
                for k, column in enumerate(columns):
                    value = AWKWARD[(n + k) % len(AWKWARD)]
                    if column == "id_number" and n % 3:
                        value = value * 3  # long enough to be masked in part
                    conn.execute(
                        sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                        {"v": value, "id": record_id},
                    )


def _shift_times(ctx: Any) -> None:
    """Spread the records over a year (summer time both ways) with odd microseconds."""
    start = datetime(2026, 1, 1, 6, 59, 59, 999_999, tzinfo=UTC)
    with ctx.engine.begin() as conn:
        for table, column in (
            ("call", "received_at"), ("call", "recorded_at"), ("call", "callback_due"),
            ("visit", "time_in"), ("visit", "time_out"), ("handover_note", "written_at"),
        ):  # fmt: skip
            ids = [r[0] for r in conn.execute(sa.text(f"SELECT id FROM {table}"))]
            for n, record_id in enumerate(ids):
                at = start + timedelta(days=17 * n, hours=n)
                stamp = at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                conn.execute(
                    sa.text(f"UPDATE {table} SET {column} = :at WHERE id = :id"),
                    {"at": stamp, "id": record_id},
                )
        # one time far outside the data's span, one stored without microseconds
        conn.execute(
            sa.text("UPDATE call SET closed_at = '1999-03-28 01:30:00.000000' WHERE id = 2")
        )
        conn.execute(sa.text("UPDATE call SET closed_at = '2026-03-08 07:00:00' WHERE id = 3"))


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kathmandu"])
@pytest.mark.parametrize("batch", [1000, 3])
def test_sql_lines_equal_the_portable_writer(
    ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zone: str, batch: int
) -> None:
    _fill(ctx)
    _shift_times(ctx)
    real = csv_sql.stream_lines
    monkeypatch.setattr(
        csv_sql, "stream_lines", lambda *a, **k: real(*a, **{**k, "batch": batch})
    )  # small batches: clean ones written as built, others remade line by line
    local = Context(
        engine=ctx.engine, clock=ctx.clock, settings=Settings(site_name="T", timezone_name=zone)
    )
    for in_sql, folder in ((True, tmp_path / "sql"), (False, tmp_path / "python")):
        monkeypatch.setattr(export_mod, "CSV_IN_SQL", in_sql)
        written = export(local, "all", "csv", folder)
        assert [w.rows for w in written] == [20, 20, 1, 20]
    for name in ("calls", "visitors", "orders", "notes"):
        fast = (tmp_path / "sql" / f"{name}.csv").read_bytes()
        assert fast == (tmp_path / "python" / f"{name}.csv").read_bytes(), name
        assert (tmp_path / "sql" / f"{name}.csv").stat().st_mode & 0o777 == 0o600
    assert not list((tmp_path / "sql").glob(".*"))  # no temporary file left behind


def test_a_period(ctx: Any, tmp_path: Path) -> None:
    _fill(ctx)
    since = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert export(ctx, "calls", "csv", tmp_path / "a.csv", since=since)[0].rows == 20
    assert export(ctx, "calls", "csv", tmp_path / "b.csv", until=since)[0].rows == 0
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 21 and {len(r) for r in rows} == {17}  # line breaks stay inside cells
    callers = [r[4] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x","y")' in callers and "line one\nline two" in callers


def test_zone_spans_find_summer_time_to_the_second() -> None:
    spans = csv_sql.zone_spans(
        ZoneInfo("America/New_York"),
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert spans == [
        (datetime(2026, 1, 1, tzinfo=UTC), -5 * 3600),
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), -4 * 3600),
        (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), -5 * 3600),
    ]


def _export_bytes(ctx: Any, what: str, folder: Path) -> dict[str, bytes]:
    target = folder if what == "all" else folder / f"{what}.csv"
    folder.mkdir()
    export(ctx, what, "csv", target)
    files = sorted(p for p in folder.iterdir())
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in files)
    assert not [p for p in files if p.name.startswith(".")]  # no part left behind
    return {p.name: p.read_bytes() for p in files}


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_two_processes_write_the_bytes_one_process_writes(
    ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    _fill(ctx)
    _shift_times(ctx)
    monkeypatch.setattr(csv_parts, "_start_method", lambda: method)
    monkeypatch.setattr(csv_parts, "PROCESSES", 2)
    one = _export_bytes(ctx, "all", tmp_path / "one")
    monkeypatch.setattr(csv_parts, "PARALLEL_FROM", 0)
    with ctx.engine.connect() as conn:
        shares = csv_parts.plan(conn, ["calls", "visitors", "orders", "notes"], None, None, 2)
    assert len(shares) == 2 and shares[0][-1][0] == shares[1][0][0] == "visitors"  # cut in two
    assert _export_bytes(ctx, "all", tmp_path / "two") == one
    assert _export_bytes(ctx, "calls", tmp_path / "calls") == {"calls.csv": one["calls.csv"]}


def test_a_failing_part_leaves_no_file(
    ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(ctx)
    _shift_times(ctx)
    monkeypatch.setattr(csv_parts, "_start_method", lambda: "fork")  # the patch reaches the worker
    monkeypatch.setattr(csv_parts, "PROCESSES", 2)
    monkeypatch.setattr(csv_parts, "PARALLEL_FROM", 0)
    real, parent = csv_parts.write_lines, os.getpid()
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "calls.csv").write_text("last month's export")
    for failing in ("worker", "parent"):

        def broken(
            engine: Any, name: str, times: Any, handle: Any, failing: str = failing, **period: Any
        ) -> int:
            if (os.getpid() == parent) == (failing == "parent") and name == "visitors":
                handle.write("1,half a line")
                raise OSError(28, "No space left on device")
            return real(engine, name, times, handle, **period)

        monkeypatch.setattr(csv_parts, "write_lines", broken)
        with pytest.raises(DeskError, match=r"visitors\.csv: no space left on device"):
            export(ctx, "all", "csv", folder)
        assert [p.name for p in folder.iterdir()] == ["calls.csv"], failing
        assert (folder / "calls.csv").read_text() == "last month's export"
