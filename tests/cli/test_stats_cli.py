"""`deskclerk stats` and `deskclerk report monthly` on the hand-built October 2026."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.services import month_2026_10 as october

from deskclerk.db import open_database

from .desk import Desk


@pytest.fixture
def desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    d = Desk(db_path, monkeypatch)
    engine = open_database(f"sqlite:///{db_path}")
    october.load(engine)
    engine.dispose()
    return d


OCTOBER = ("--since", "2026-10-01", "--until", "2026-11-01")


def test_stats_json(desk: Desk) -> None:
    data = json.loads(desk.ok("stats", *OCTOBER, "--format", "json", "--by", "team"))
    assert data["since"] == "2026-10-01T00:00:00+08:00"
    assert data["calls"]["total"] == 6 and data["calls"]["by_category"]["complaint"] == 2
    orders = data["orders"]
    assert (orders["logged"], orders["closed"], orders["cancelled"]) == (8, 3, 1)
    assert orders["on_site_rate"] == pytest.approx(4 / 7)
    assert orders["median_to_on_site_minutes"] == 17.5
    assert {g["group"] for g in data["groups"]} == {"Plumbing 水电班", "Electrical"}
    assert [o["number"] for o in data["overdue"]] == ["WO-2", "WO-4", "WO-6"]


def test_stats_table(desk: Desk) -> None:
    out = desk.ok("stats", *OCTOBER, "--by", "team")
    assert "closure rate" in out and "42.9 %" in out
    assert "Plumbing 水电班" in out and "WO-4" in out
    assert "orders logged" in desk.ok("stats")  # this month so far: works on no data too


def test_stats_bad_input(desk: Desk) -> None:
    assert "not a time" in desk.fails("stats", "--since", "whenever")
    desk.fails("stats", "--by", "colour", code=2)


def test_report_monthly(desk: Desk, tmp_path: Path) -> None:
    out = desk.ok("report", "monthly", "--month", "2026-10", "-o", "-")
    assert out.startswith("# Service-quality report 服务质量报告 — 2026-10")
    target = tmp_path / "october.xlsx"
    assert desk.ok(
        "report", "monthly", "--month", "2026-10", "-f", "xlsx", "-o", str(target)
    ).strip() == str(target)
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert "YYYY-MM" in desk.fails("report", "monthly", "--month", "10/2026", "-o", "-")
    desk.fails("report", "monthly", "-f", "pdf", "-o", "-", code=2)


def test_report_monthly_keeps_an_existing_file_unless_force(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / "october.md"
    target.write_text("last month's notes\n")
    err = desk.fails("report", "monthly", "--month", "2026-10", "-o", str(target))
    assert "exists already" in err and "--force" in err
    assert target.read_text() == "last month's notes\n"
    desk.ok("report", "monthly", "--month", "2026-10", "-o", str(target), "--force")
    assert target.read_text().startswith("# Service-quality report")


def test_report_monthly_refuses_a_month_to_come_and_warns_on_this_month(
    desk: Desk, tmp_path: Path
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    this_month = now.strftime("%Y-%m")
    next_year = f"{now.year + 1}-01"
    err = desk.fails("report", "monthly", "--month", next_year, "-o", str(tmp_path / "n.md"))
    assert f"{next_year} has not begun yet" in err
    assert not (tmp_path / "n.md").exists()
    result = desk("report", "monthly", "--month", this_month, "-o", str(tmp_path / "now.md"))
    assert result.exit_code == 0, result.output
    assert f"{this_month} is not over yet" in result.stderr
    assert (tmp_path / "now.md").exists()
