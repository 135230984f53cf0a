"""The monthly service-quality report (服务质量报告) as Markdown, PDF or XLSX.

One `MonthlyReport` is gathered from services.stats, then drawn three ways:
Markdown with Unicode block bars (here), PDF with fpdf2 rectangles
(monthly_pdf.py), XLSX with native xlsxwriter charts (monthly_xlsx.py).
Every file is written whole or not at all, 0600.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from deskclerk.errors import InvalidInput
from deskclerk.models import CATEGORY_ZH
from deskclerk.reports import charts
from deskclerk.services import stats
from deskclerk.timeparse import month_bounds

if TYPE_CHECKING:
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


class _Md(str):
    """Text already escaped for Markdown (what a user typed, made literal)."""


def _md_user(text: object) -> _Md:
    """What a user typed (names, matters, units) as literal Markdown on one line.

    The handover report's escaping: no HTML, links, emphasis or table breaks.
    """
    from deskclerk.reports.handover import md_escape

    return _Md(md_escape(" ".join(str(text).split())))


def _md_cell(text: object) -> str:
    """Text that stays inside one Markdown table cell."""
    if isinstance(text, _Md):
        return str(text)
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
        f"{_md_user(r.site) + ' · ' if r.site else ''}"
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
        *_md_table(
            ["team", *GROUP_HEAD], [[_md_user(g.group), *group_cells(g)] for g in r.by_team.groups]
        ),
        "",
        "## Per category 各类别",
        "",
        *_md_table(
            ["category", *GROUP_HEAD], [[_md_user(g.group), *group_cells(g)] for g in r.by_category]
        ),
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
        f"- {_md_user(team)}: on site {pct(site)}, done {pct(done)}"
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
                    _md_user(i.unit_code),
                    _md_user(i.caller),
                    _md_user(i.matter if len(i.matter) <= 80 else i.matter[:79] + "…"),
                    i.state,
                    {True: "yes", False: "no", None: "pending"}[i.replied_in_time],
                ]
                for i in c.items
            ],
            right_from=99,
        )
        if c.total > len(c.items):
            lines += ["", f"Showing {len(c.items):,} of {c.total:,} complaints."]
    lines += ["", f"## Overdue now 超时未完成 ({r.by_team.overdue_total:,})", ""]
    if r.by_team.overdue:
        lines += _md_table(
            ["order", "unit", "team", "priority", "clock", "due", "late by"],
            [
                [
                    o.number,
                    _md_user(o.unit_code),
                    _md_user(o.team),
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


# --- writing --------------------------------------------------------------


def default_path(month: str, fmt: str) -> Path:
    return Path(f"service-report-{month}.{fmt}")


def write_report(ctx: Context, month: str, fmt: str, path: Path | str) -> Path:
    """Build the report of `month` and write it to `path` in `fmt` (md, pdf, xlsx)."""
    from deskclerk.reports.files import atomic_file, atomic_write_text

    fmt = fmt.lower().strip()
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown format {fmt!r}: choose md, pdf or xlsx.")
    warm_up = None
    if fmt == "pdf":  # read fpdf2 and the print font while the database answers
        from deskclerk.reports.pdf import start_warm_up

        warm_up = start_warm_up()
    report = build(ctx, month)
    path = Path(path).expanduser()
    if fmt == "md":
        atomic_write_text(path, render_md(report))
    elif fmt == "pdf":
        from deskclerk.reports.monthly_pdf import render_pdf
        from deskclerk.reports.pdf import render_with_quick_font, write_pdf

        if warm_up is not None:
            warm_up.join()
        write_pdf(render_with_quick_font(lambda font: render_pdf(report, font)), path)
    else:
        from deskclerk.reports.monthly_xlsx import render_xlsx

        with atomic_file(path, "wb") as handle:
            render_xlsx(report, handle)
    return path
