"""The monthly service-quality report (服务质量报告) as Markdown, PDF or XLSX.

One `MonthlyReport` is gathered from services.stats, then drawn three ways:
Markdown with Unicode block bars, PDF with fpdf2 rectangles, XLSX with
native xlsxwriter charts.  Every file is written whole or not at all, 0600.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskclerk.errors import InvalidInput
from deskclerk.models import CATEGORY_ZH
from deskclerk.reports import charts
from deskclerk.services import stats
from deskclerk.timeparse import month_bounds

if TYPE_CHECKING:
    from fpdf import FPDF

    from deskclerk.services.context import Context

FORMATS = ("md", "pdf", "xlsx")
TITLE = "Service-quality report 服务质量报告"
OVERDUE_SHOWN = 50
COMPLAINTS_SHOWN = 20


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the monthly report shows, gathered once."""

    month: str  # 2026-11
    site: str
    zone: str
    tz: tzinfo
    since: datetime
    until: datetime
    made_at: datetime
    by_team: stats.Figures  # totals, team groups, the overdue list
    by_category: tuple[stats.OrderFigures, ...]
    days: tuple[stats.DayCount, ...]
    complaints: stats.Complaints

    @property
    def total(self) -> stats.OrderFigures:
        return self.by_team.orders

    @property
    def on_time(self) -> list[tuple[str, float | None, float | None]]:
        """(team, on-site rate, done rate) per team."""
        return [(g.group, g.on_site_rate, g.done_rate) for g in self.by_team.groups]


def build(ctx: Context, month: str) -> MonthlyReport:
    """Gather the report of `month` (YYYY-MM, local calendar month)."""
    since, until = month_bounds(month, ctx.tz)
    by_team = stats.figures(ctx, since=since, until=until, by="team", overdue_limit=OVERDUE_SHOWN)
    by_category = stats.figures(ctx, since=since, until=until, by="category", overdue_limit=0)
    return MonthlyReport(
        month=since.astimezone(ctx.tz).strftime("%Y-%m"),
        site=ctx.settings.site_name,
        zone=str(getattr(ctx.tz, "key", ctx.tz)),
        tz=ctx.tz,
        since=since,
        until=until,
        made_at=ctx.now(),
        by_team=by_team,
        by_category=by_category.groups,
        days=tuple(stats.daily_counts(ctx, since, until)),
        complaints=stats.complaints(ctx, since, until, limit=COMPLAINTS_SHOWN),
    )


# --- words and numbers shared by the three renderers -------------------------


def pct(value: float | None) -> str:
    """A rate as '92.5 %', or '–' when nothing was judged."""
    return "–" if value is None else f"{value * 100:.1f} %"


def span(value: timedelta | None) -> str:
    """A duration as '1 h 05 min' / '25 min' / '–'."""
    if value is None:
        return "–"
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"


def local(at: datetime | None, tz: tzinfo) -> str:
    return "" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def summary_rows(r: MonthlyReport) -> list[tuple[str, str]]:
    """(label, value) lines of the summary, the same in every format."""
    t = r.total
    return [
        ("Calls received 来电", f"{r.by_team.calls_total:,}"),
        ("Work orders logged 报修", f"{t.logged:,}"),
        ("closed 已关闭", f"{t.closed:,}"),
        ("cancelled 已取消", f"{t.cancelled:,}"),
        ("still open 未关闭", f"{t.open:,}"),
        ("Closure rate 报事关闭率", pct(t.closure_rate)),
        ("On-site on time 到场及时率", pct(t.on_site_rate)),
        ("Done on time 维修及时率", pct(t.done_rate)),
        ("Callback rate 回访率", pct(t.callback_rate)),
        ("Satisfaction 维修满意度", pct(t.satisfaction_rate)),
        ("Median time to on site 到场用时中位数", span(t.median_to_on_site)),
        ("Median time to done 完工用时中位数", span(t.median_to_done)),
        ("Overdue now 超时未完成", f"{r.by_team.overdue_total:,}"),
        ("Complaints 投诉", f"{r.complaints.total:,}"),
        ("Complaints replied in time 投诉及时回复率", pct(r.complaints.in_time_rate)),
    ]


GROUP_HEAD = (
    "logged",
    "closed",
    "closure",
    "on site in time",
    "done in time",
    "callback",
    "satisfied",
    "median on site",
    "median done",
    "overdue",
)


def group_cells(g: stats.OrderFigures) -> list[str]:
    return [
        f"{g.logged:,}",
        f"{g.closed:,}",
        pct(g.closure_rate),
        pct(g.on_site_rate),
        pct(g.done_rate),
        pct(g.callback_rate),
        pct(g.satisfaction_rate),
        span(g.median_to_on_site),
        span(g.median_to_done),
        f"{g.overdue:,}",
    ]


def category_label(category: str) -> str:
    zh = CATEGORY_ZH.get(category)
    return f"{category} {zh}" if zh else category


def day_label(day: date) -> str:
    return day.strftime("%m-%d %a")


# --- Markdown -------------------------------------------------------------


def _md_cell(text: object) -> str:
    """Text that stays inside one Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _md_table(head: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    aligns = ["---" if i < right_from else "---:" for i in range(len(head))]
    out = ["| " + " | ".join(_md_cell(h) for h in head) + " |", "| " + " | ".join(aligns) + " |"]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return out


def render_md(r: MonthlyReport) -> str:
    """The report as Markdown (charts as Unicode block bars in code blocks)."""
    tz = r.tz
    last_day = (r.until - timedelta(microseconds=1)).astimezone(tz).date()
    lines = [
        f"# {TITLE} — {r.month}",
        "",
        f"{_md_cell(r.site) + ' · ' if r.site else ''}"
        f"{r.since.astimezone(tz).date()} – {last_day} ({r.zone}) · made {local(r.made_at, tz)}",
        "",
        "## Summary 概要",
        "",
        *_md_table(["figure", "value"], [[a, b] for a, b in summary_rows(r)]),
        "",
        "## Calls by category 来电分类",
        "",
        *_md_table(
            ["category", "calls"],
            [[category_label(k), f"{v:,}"] for k, v in r.by_team.calls.items()],
        ),
        "",
        "## Per team 各维修班",
        "",
        *_md_table(["team", *GROUP_HEAD], [[g.group, *group_cells(g)] for g in r.by_team.groups]),
        "",
        "## Per category 各类别",
        "",
        *_md_table(["category", *GROUP_HEAD], [[g.group, *group_cells(g)] for g in r.by_category]),
        "",
        "## Orders per day 每日报修",
        "",
        "```text",
        *charts.hbars(
            [(day_label(d.day), float(d.orders)) for d in r.days], show=lambda v: f"{v or 0:.0f}"
        ),
        "```",
        "",
        "## On-time rate per team 各班及时率 (done clock)",
        "",
        "```text",
        *charts.hbars(
            [(team, done) for team, _, done in r.on_time],
            top=1.0,
            show=lambda v: pct(v),
        ),
        "```",
        "",
    ]
    lines += [
        f"- {_md_cell(team)}: on site {pct(site)}, done {pct(done)}"
        for team, site, done in r.on_time
    ]
    c = r.complaints
    lines += [
        "",
        "## Complaints 投诉",
        "",
        f"{c.total:,} complaints; {c.closed:,} closed; replied in time {c.in_time:,}, "
        f"late {c.late:,} ({pct(c.in_time_rate)}).",
        "",
    ]
    if c.items:
        lines += _md_table(
            ["received", "unit", "caller", "matter", "state", "in time"],
            [
                [
                    local(i.received_at, tz),
                    i.unit_code,
                    i.caller,
                    i.matter[:80],
                    i.state,
                    {True: "yes", False: "no", None: "pending"}[i.replied_in_time],
                ]
                for i in c.items
            ],
            right_from=99,
        )
    lines += ["", f"## Overdue now 超时未完成 ({r.by_team.overdue_total:,})", ""]
    if r.by_team.overdue:
        lines += _md_table(
            ["order", "unit", "team", "priority", "clock", "due", "late by"],
            [
                [
                    o.number,
                    o.unit_code,
                    o.team,
                    o.priority,
                    o.clock,
                    local(o.due, tz),
                    span(o.late_by),
                ]
                for o in r.by_team.overdue
            ],
            right_from=99,
        )
        if r.by_team.overdue_total > len(r.by_team.overdue):
            lines += ["", f"… and {r.by_team.overdue_total - len(r.by_team.overdue):,} more."]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


# --- PDF ------------------------------------------------------------------


def _pdf_heading(doc: FPDF, text: str) -> None:
    if doc.get_y() > doc.h - 50:
        doc.add_page()
    doc.ln(3)
    doc.set_font(size=12, style="B")
    doc.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(size=8, style="")


def _pdf_table(doc: FPDF, head: list[str], rows: list[list[str]], widths: list[float]) -> None:
    doc.set_font(size=7.5)
    with doc.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align="LEFT",
        line_height=4.2,
        first_row_as_headings=True,
        headings_style=_heading_style(),
    ) as table:
        for values in [head, *rows]:
            row = table.row()
            for value in values:
                row.cell(str(value))
    doc.set_font(size=8)


def _heading_style() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(230, 234, 242))


def render_pdf(r: MonthlyReport) -> FPDF:
    """The report as an A4 PDF document (CJK font from reports/pdf.py)."""
    from deskclerk.reports.pdf import pdf_document

    tz = r.tz
    doc = pdf_document(f"{TITLE} {r.month}", footer=f"{r.site} {r.month}".strip())
    doc.add_page()
    doc.set_font(size=15, style="B")
    doc.cell(0, 9, f"{TITLE} — {r.month}", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(size=9, style="")
    last_day = (r.until - timedelta(microseconds=1)).astimezone(tz).date()
    doc.cell(
        0,
        5,
        f"{r.site + ' · ' if r.site else ''}{r.since.astimezone(tz).date()} – {last_day} "
        f"({r.zone}) · made {local(r.made_at, tz)}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _pdf_heading(doc, "Summary 概要")
    _pdf_table(doc, ["figure", "value"], [list(row) for row in summary_rows(r)], [80, 40])

    _pdf_heading(doc, "Orders per day 每日报修")
    top = doc.get_y() + 3
    charts.pdf_columns(
        doc,
        doc.l_margin + 12,
        top,
        doc.epw - 14,
        40,
        [d.orders for d in r.days],
        [d.day.strftime("%m-%d") for d in r.days],
    )
    doc.set_xy(doc.l_margin, top + 46)

    _pdf_heading(doc, "On-time rate per team 各班及时率 (done clock)")
    bottom = charts.pdf_hbars(
        doc, doc.l_margin, doc.get_y() + 1, doc.epw, [(t, d) for t, _, d in r.on_time]
    )
    doc.set_xy(doc.l_margin, bottom + 2)

    widths = [26.0] + [15.8] * len(GROUP_HEAD)
    _pdf_heading(doc, "Per team 各维修班")
    _pdf_table(
        doc, ["team", *GROUP_HEAD], [[g.group, *group_cells(g)] for g in r.by_team.groups], widths
    )
    _pdf_heading(doc, "Per category 各类别")
    _pdf_table(
        doc, ["category", *GROUP_HEAD], [[g.group, *group_cells(g)] for g in r.by_category], widths
    )
    _pdf_heading(doc, "Calls by category 来电分类")
    _pdf_table(
        doc,
        ["category", "calls"],
        [[category_label(k), f"{v:,}"] for k, v in r.by_team.calls.items()],
        [50, 25],
    )
    c = r.complaints
    _pdf_heading(doc, "Complaints 投诉")
    doc.multi_cell(
        0,
        5,
        f"{c.total:,} complaints; {c.closed:,} closed; replied in time {c.in_time:,}, "
        f"late {c.late:,} ({pct(c.in_time_rate)}).",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if c.items:
        _pdf_table(
            doc,
            ["received", "unit", "caller", "matter", "state", "in time"],
            [
                [
                    local(i.received_at, tz),
                    i.unit_code,
                    i.caller,
                    i.matter[:120],
                    i.state,
                    {True: "yes", False: "no", None: "pending"}[i.replied_in_time],
                ]
                for i in c.items
            ],
            [26, 16, 22, 80, 18, 16],
        )
    _pdf_heading(doc, f"Overdue now 超时未完成 ({r.by_team.overdue_total:,})")
    if r.by_team.overdue:
        _pdf_table(
            doc,
            ["order", "unit", "team", "priority", "clock", "due", "late by"],
            [
                [
                    o.number,
                    o.unit_code,
                    o.team,
                    o.priority,
                    o.clock,
                    local(o.due, tz),
                    span(o.late_by),
                ]
                for o in r.by_team.overdue
            ],
            [32, 18, 30, 16, 16, 28, 22],
        )
    else:
        doc.cell(0, 5, "None.", new_x="LMARGIN", new_y="NEXT")
    return doc


# --- XLSX -----------------------------------------------------------------


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


# --- writing --------------------------------------------------------------


def default_path(month: str, fmt: str) -> Path:
    return Path(f"service-report-{month}.{fmt}")


def write_report(ctx: Context, month: str, fmt: str, path: Path | str) -> Path:
    """Build the report of `month` and write it to `path` in `fmt` (md, pdf, xlsx)."""
    from deskclerk.reports.files import atomic_file, atomic_write_text

    fmt = fmt.lower().strip()
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown format {fmt!r}: choose md, pdf or xlsx.")
    report = build(ctx, month)
    path = Path(path).expanduser()
    if fmt == "md":
        atomic_write_text(path, render_md(report))
    elif fmt == "pdf":
        from deskclerk.reports.pdf import write_pdf

        write_pdf(render_pdf(report), path)
    else:
        with atomic_file(path, "wb") as handle:
            render_xlsx(report, handle)
    return path
