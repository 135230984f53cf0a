"""The monthly service-quality report as an A4 PDF (fpdf2; charts drawn as rectangles)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskclerk.reports import charts
from deskclerk.reports.monthly import (
    GROUP_HEAD,
    TITLE,
    MonthlyReport,
    category_label,
    group_cells,
    local,
    pct,
    span,
    summary_rows,
)

if TYPE_CHECKING:
    from fpdf import FPDF


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


def render_pdf(r: MonthlyReport, font: Path | None = None) -> FPDF:
    """The report as an A4 PDF document (the CJK font of reports/pdf.py, or `font`)."""
    from deskclerk.reports.pdf import pdf_document

    tz = r.tz
    doc = pdf_document(f"{TITLE} {r.month}", footer=f"{r.site} {r.month}".strip(), font=font)
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
