"""The monthly service-quality report as a workbook with native xlsxwriter charts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from deskclerk.reports.monthly import TITLE, MonthlyReport, category_label, local, summary_rows
from deskclerk.services import stats


def render_xlsx(r: MonthlyReport, handle: Any) -> None:
    """The report as a workbook written to the open binary `handle`, with native charts."""
    import xlsxwriter

    tz = r.tz
    book = xlsxwriter.Workbook(
        handle,
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    percent = book.add_format({"num_format": "0.0%"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day_fmt = book.add_format({"num_format": "yyyy-mm-dd ddd"})

    def naive(at: datetime) -> datetime:
        return at.astimezone(tz).replace(tzinfo=None)

    def put(sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
        """Write by type; text always as text (never a formula)."""
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, fmt)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, naive(value), fmt or stamp)
        elif isinstance(value, date):
            sheet.write_datetime(
                row, col, datetime(value.year, value.month, value.day), fmt or day_fmt
            )
        elif isinstance(value, timedelta):
            sheet.write_number(row, col, round(value.total_seconds() / 60, 1), fmt)
        else:
            sheet.write_string(row, col, str(value), fmt)

    summary = book.add_worksheet("Summary")
    summary.set_column(0, 0, 40)
    summary.set_column(1, 1, 16)
    summary.write_string(0, 0, f"{TITLE} — {r.month}", title)
    summary.write_string(1, 0, f"{r.site} ({r.zone}), made {local(r.made_at, tz)}".strip())
    for i, (label, text) in enumerate(summary_rows(r), start=3):
        summary.write_string(i, 0, label)
        summary.write_string(i, 1, text)

    head = [
        "logged", "closed", "cancelled", "closure rate", "on-site rate", "done rate",
        "callback rate", "satisfaction", "median to on site (min)", "median to done (min)", "overdue",
    ]  # fmt: skip

    def group_sheet(name: str, first: str, groups: tuple[stats.OrderFigures, ...]) -> Any:
        sheet = book.add_worksheet(name)
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, len(head), 13)
        for col, text in enumerate([first, *head]):
            sheet.write_string(0, col, text, bold)
        for row, g in enumerate(groups, start=1):
            values: list[object] = [
                g.group, g.logged, g.closed, g.cancelled, g.closure_rate, g.on_site_rate,
                g.done_rate, g.callback_rate, g.satisfaction_rate, g.median_to_on_site,
                g.median_to_done, g.overdue,
            ]  # fmt: skip
            for col, value in enumerate(values):
                put(sheet, row, col, value, percent if 4 <= col <= 8 else None)
        return sheet

    teams = group_sheet("Teams", "team", r.by_team.groups)
    group_sheet("Categories", "category", r.by_category)

    if r.by_team.groups:
        chart = book.add_chart({"type": "bar"})
        n = len(r.by_team.groups)
        for col, name in ((5, "on site on time"), (6, "done on time")):
            chart.add_series(
                {
                    "name": name,
                    "categories": ["Teams", 1, 0, n, 0],
                    "values": ["Teams", 1, col, n, col],
                }
            )
        chart.set_title({"name": "On-time rate per team 各班及时率"})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
        chart.set_size({"width": 640, "height": 80 + 40 * n})
        teams.insert_chart(n + 3, 0, chart)

    days = book.add_worksheet("Days")
    days.set_column(0, 0, 16)
    for col, text in enumerate(["day", "calls", "orders logged", "orders done"]):
        days.write_string(0, col, text, bold)
    for row, d in enumerate(r.days, start=1):
        put(days, row, 0, d.day)
        put(days, row, 1, d.calls)
        put(days, row, 2, d.orders)
        put(days, row, 3, d.done)
    if r.days:
        chart = book.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "orders logged 每日报修",
                "categories": ["Days", 1, 0, len(r.days), 0],
                "values": ["Days", 1, 2, len(r.days), 2],
            }
        )
        chart.set_title({"name": "Orders per day 每日报修"})
        chart.set_x_axis({"num_format": "mm-dd"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 760, "height": 320})
        days.insert_chart(1, 5, chart)

    calls = book.add_worksheet("Calls")
    calls.set_column(0, 0, 18)
    calls.write_string(0, 0, "category", bold)
    calls.write_string(0, 1, "calls", bold)
    for row, (category, count) in enumerate(r.by_team.calls.items(), start=1):
        calls.write_string(row, 0, category_label(category))
        calls.write_number(row, 1, count)

    c = r.complaints
    complaints = book.add_worksheet("Complaints")
    complaints.set_column(0, 0, 17)
    complaints.set_column(3, 3, 50)
    complaints.write_string(
        0, 0, f"{c.total} complaints; {c.closed} closed; in time {c.in_time}, late {c.late}"
    )
    for col, text in enumerate(
        ["received", "unit", "caller", "matter", "state", "reply due", "in time"]
    ):
        complaints.write_string(2, col, text, bold)
    for row, item in enumerate(c.items, start=3):
        values2: list[object] = [
            item.received_at, item.unit_code, item.caller, item.matter, item.state,
            item.reply_due, item.replied_in_time,
        ]  # fmt: skip
        for col, value in enumerate(values2):
            put(complaints, row, col, value)

    overdue = book.add_worksheet("Overdue")
    overdue.set_column(0, 0, 18)
    overdue.set_column(5, 6, 17)
    for col, text in enumerate(
        ["order", "unit", "team", "priority", "clock", "due", "logged", "late by (min)"]
    ):
        overdue.write_string(0, col, text, bold)
    for row, o in enumerate(r.by_team.overdue, start=1):
        values3: list[object] = [
            o.number, o.unit_code, o.team, o.priority, o.clock, o.due, o.logged_at, o.late_by,
        ]  # fmt: skip
        for col, value in enumerate(values3):
            put(overdue, row, col, value)
    book.close()
