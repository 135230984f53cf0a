"""The monthly report of the hand-built October 2026: Markdown, PDF (rendered), XLSX with charts."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.services import month_2026_10 as october

from deskclerk.clock import FrozenClock
from deskclerk.reports import charts, monthly
from deskclerk.reports.pdf import find_cjk_font


@pytest.fixture
def month(ctx: Any, clock: FrozenClock) -> Any:
    october.load(ctx.engine)
    clock.set(october.NOW)
    return ctx


def test_markdown_report_has_the_figures_charts_and_lists(month: Any) -> None:
    text = monthly.render_md(monthly.build(month, "2026-10"))
    assert text.startswith("# Service-quality report 服务质量报告 — 2026-10")
    assert "2026-10-01 – 2026-10-31 (Asia/Shanghai)" in text
    assert "| Work orders logged 报修 | 8 |" in text
    assert "| Closure rate 报事关闭率 | 42.9 % |" in text  # 3 of 7
    assert "| Satisfaction 维修满意度 | 75.0 % |" in text
    assert "| Median time to on site 到场用时中位数 | 18 min |" in text  # 17.5 min
    assert "| Plumbing 水电班 | 4 | 2 | 50.0 % |" in text
    assert "| Complaints replied in time 投诉及时回复率 | 50.0 % |" in text
    # orders per day as block bars: one line a day, 31 days
    chart = text.split("## Orders per day 每日报修")[1].split("```")[1]
    assert len(chart.strip("\n").splitlines()[1:]) == 31  # after the "text" tag
    assert "█" in chart
    # the overdue list, most overdue first
    overdue = text.split("## Overdue now 超时未完成 (3)")[1]
    assert overdue.index("WO-2") < overdue.index("WO-4") < overdue.index("WO-6")


def test_markdown_keeps_user_text_inside_its_cell(ctx: Any) -> None:
    from deskclerk.services import calls

    calls.log_call(ctx, caller="a|b", matter="line\nbreak | pipe", category="complaint", clerk="t")
    month = ctx.now().astimezone(ctx.tz).strftime("%Y-%m")
    text = monthly.render_md(monthly.build(ctx, month))
    row = next(line for line in text.splitlines() if "a\\|b" in line)
    assert "line break \\| pipe" in row and row.count(" | ") == 5


@pytest.mark.skipif(
    find_cjk_font() is None or shutil.which("pdftoppm") is None,
    reason="needs a CJK font and poppler",
)
def test_pdf_report_renders(month: Any, tmp_path: Path) -> None:
    path = monthly.write_report(month, "2026-10", "pdf", tmp_path / "october.pdf")
    assert os.stat(path).st_mode & 0o777 == 0o600
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 1
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "服务质量报告" in text and "Plumbing 水电班" in text
    assert "WO-4" in text and "42.9 %" in text


def test_xlsx_report_has_native_charts(month: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = monthly.write_report(month, "2026-10", "xlsx", tmp_path / "october.xlsx")
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2
    book = load_workbook(path)
    assert book.sheetnames == [
        "Summary",
        "Teams",
        "Categories",
        "Days",
        "Calls",
        "Complaints",
        "Overdue",
    ]
    teams = {row[0]: row for row in book["Teams"].iter_rows(min_row=2, values_only=True)}
    assert teams["Plumbing 水电班"][1:4] == (4, 2, 0)
    assert teams["Electrical"][5] == pytest.approx(1 / 3)  # on-site on time
    days = list(book["Days"].iter_rows(min_row=2, values_only=True))
    assert len(days) == 31 and days[30][2] == 1
    overdue = [row[0] for row in book["Overdue"].iter_rows(min_row=2, values_only=True)]
    assert overdue == ["WO-2", "WO-4", "WO-6"]


def test_unknown_format_and_month(month: Any, tmp_path: Path) -> None:
    from deskclerk.errors import InvalidInput

    with pytest.raises(InvalidInput, match="md, pdf or xlsx"):
        monthly.write_report(month, "2026-10", "docx", tmp_path / "x.docx")
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        monthly.write_report(month, "October", "md", tmp_path / "x.md")


def test_block_bars_line_up_with_wide_labels() -> None:
    lines = charts.hbars([("水电班", 4.0), ("Lifts", 2.0), ("none", 0.0)], width=8)
    assert [charts.cells(line.rsplit(" ", 1)[0]) for line in lines] == [15, 15, 15]
    assert lines[0].split()[1] == "████████" and lines[1].split()[1] == "████"
    assert charts.bar(1, 16, 2) == "▏"
    assert charts.sparkline([0, 1, 2, 4]) == " ▂▄█"


def test_markdown_escapes_user_text_and_says_when_the_list_is_cut(ctx: Any) -> None:
    from deskclerk.services import calls

    for n in range(monthly.COMPLAINTS_SHOWN + 1):
        calls.log_call(ctx, caller=f"resident {n}", matter="noise", category="complaint", clerk="t")
    calls.log_call(
        ctx,
        caller="<script>alert(1)</script>",
        matter="see [here](http://x.example) **now**",
        category="complaint",
        clerk="t",
    )
    month = ctx.now().astimezone(ctx.tz).strftime("%Y-%m")
    text = monthly.render_md(monthly.build(ctx, month))
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "[here](http" not in text and "**now**" not in text
    assert (
        f"Showing {monthly.COMPLAINTS_SHOWN} of {monthly.COMPLAINTS_SHOWN + 2} complaints." in text
    )
