"""`deskclerk stats` (the service figures) and `deskclerk report monthly` (服务质量报告)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from deskclerk.cli.common import check_outputs, context, fail, handle_errors, when
from deskclerk.cli.options import TIME_FORMS

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.stats import Figures

report_app = typer.Typer(no_args_is_help=True)

By = Literal["category", "team", "clerk"]
StatsFormat = Literal["table", "json"]
ReportFormat = Literal["md", "pdf", "xlsx"]


def _month_start(desk: Context) -> datetime:
    """Midnight of the first day of this month, site time."""
    from deskclerk.timeparse import parse_when

    local = desk.now().astimezone(desk.tz)
    return parse_when(local.strftime("%Y-%m-01"), desk.tz, desk.now(), "--since")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _span(value: timedelta | None) -> str:
    from deskclerk.reports.monthly import span

    return span(value)


def _figures_json(figures: Figures, desk: Context) -> dict[str, Any]:
    def iso(at: datetime | None) -> str | None:
        return None if at is None else at.astimezone(desk.tz).isoformat()

    return {
        "since": iso(figures.since),
        "until": iso(figures.until),
        "now": iso(figures.now),
        "by": figures.by,
        "calls": {"total": figures.calls_total, "by_category": figures.calls},
        "orders": figures.orders.as_dict(),
        "groups": [g.as_dict() for g in figures.groups],
        "overdue_total": figures.overdue_total,
        "overdue": [
            {
                "number": o.number,
                "unit": o.unit_code,
                "category": o.category,
                "priority": o.priority,
                "team": o.team,
                "state": o.state,
                "clock": o.clock,
                "due": iso(o.due),
                "late_by_minutes": round(o.late_by.total_seconds() / 60, 1),
                "logged_at": iso(o.logged_at),
            }
            for o in figures.overdue
        ],
    }


def _print_figures(figures: Figures, desk: Context, overdue_shown: int) -> None:
    from deskclerk.cli.output import print_lines, print_table
    from deskclerk.models import CATEGORY_ZH
    from deskclerk.reports.monthly import local
    from deskclerk.services.stats import period_label

    t = figures.orders
    print_lines(
        [
            ("period", period_label(figures.since, figures.until, desk)),
            ("calls", f"{figures.calls_total:,}  "
             + ", ".join(f"{k} {CATEGORY_ZH.get(k, '')} {v:,}" for k, v in figures.calls.items() if v)),
            ("orders logged", f"{t.logged:,} (closed {t.closed:,}, cancelled {t.cancelled:,}, open {t.open:,})"),
            ("closure rate", _pct(t.closure_rate)),
            ("on-site on time", f"{_pct(t.on_site_rate)} ({t.on_site_on_time:,} of {t.on_site_on_time + t.on_site_late:,})"),
            ("done on time", f"{_pct(t.done_rate)} ({t.done_on_time:,} of {t.done_on_time + t.done_late:,})"),
            ("callback rate", f"{_pct(t.callback_rate)} ({t.called_back:,} of {t.done:,} done)"),
            ("satisfaction", f"{_pct(t.satisfaction_rate)} ({t.satisfied:,} of {t.called_back:,})"),
            ("median to on site", _span(t.median_to_on_site)),
            ("median to done", _span(t.median_to_done)),
            ("overdue now", f"{figures.overdue_total:,}"),
        ]
    )  # fmt: skip
    if figures.by:
        typer.echo("")
        print_table(
            [
                (figures.by, lambda g: g.group),
                ("logged", lambda g: f"{g.logged:,}"),
                ("closed", lambda g: f"{g.closed:,}"),
                ("closure", lambda g: _pct(g.closure_rate)),
                ("on site in time", lambda g: _pct(g.on_site_rate)),
                ("done in time", lambda g: _pct(g.done_rate)),
                ("callback", lambda g: _pct(g.callback_rate)),
                ("satisfied", lambda g: _pct(g.satisfaction_rate)),
                ("median on site", lambda g: _span(g.median_to_on_site)),
                ("median done", lambda g: _span(g.median_to_done)),
                ("overdue", lambda g: f"{g.overdue:,}"),
            ],
            figures.groups,
            title=f"by {figures.by}",
        )
    if figures.overdue and overdue_shown:
        typer.echo("")
        print_table(
            [
                ("order", lambda o: o.number),
                ("unit", lambda o: o.unit_code),
                ("team", lambda o: o.team),
                ("priority", lambda o: o.priority),
                ("clock", lambda o: o.clock),
                ("due", lambda o: local(o.due, desk.tz)),
                ("late by", lambda o: _span(o.late_by)),
            ],
            figures.overdue[:overdue_shown],
            title=f"overdue ({figures.overdue_total:,}; most overdue first)",
        )


def register(app: typer.Typer) -> None:
    """Add the top-level report commands (stats) to `app`."""

    @app.command("stats")
    @handle_errors
    def stats_command(
        ctx: typer.Context,
        since: Annotated[
            str | None,
            typer.Option(
                "--since",
                help=f"From this time on ({TIME_FORMS}); default: the 1st of this month.",
                show_default=False,
            ),
        ] = None,
        until: Annotated[
            str | None,
            typer.Option("--until", help="Before this time; default: now.", show_default=False),
        ] = None,
        by: Annotated[
            By | None,
            typer.Option("--by", help="Also per category, team or clerk.", show_default=False),
        ] = None,
        fmt: Annotated[StatsFormat, typer.Option("--format", help="table or json.")] = "table",
        overdue: Annotated[
            int, typer.Option("--overdue", min=0, help="Overdue orders to list (table).")
        ] = 20,
    ) -> None:
        """The service figures: calls by category; work orders logged, closed, closure rate,
        on-time rate per clock, callback rate, satisfaction, median times, overdue orders.

        Orders count in the period they were logged.  See `deskclerk report monthly`
        for the printable report.
        """
        from deskclerk.services import stats

        desk = context(ctx, reading=True)
        start = when(desk, since, "--since") if since else _month_start(desk)
        end = when(desk, until, "--until") if until else desk.now()
        if start is not None and end is not None and start >= end:
            raise fail("--since must be before --until")
        figures = stats.figures(desk, since=start, until=end, by=by)
        if fmt == "json":
            typer.echo(json.dumps(_figures_json(figures, desk), ensure_ascii=False, indent=2))
        else:
            _print_figures(figures, desk, overdue)


@report_app.command("monthly")
@handle_errors
def monthly_command(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option("--month", help="YYYY-MM (default: last month).", show_default=False),
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="md, pdf or xlsx.")] = "md",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write; '-' prints Markdown. Default: service-report-YYYY-MM.<format>.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file if it exists.", show_default=False)
    ] = False,
) -> None:
    """The monthly service-quality report (服务质量报告): the figures per team and
    category, complaints, orders per day, on-time rate per team, the overdue list.

    A month that has not begun is refused; this month gives the figures so far
    (with a warning).  An existing file is not replaced unless --force."""
    desk = context(ctx, reading=True)
    if month is None:
        first = _month_start(desk)
        month = (first - timedelta(days=1)).astimezone(desk.tz).strftime("%Y-%m")
    month = _check_month(desk, month)
    to_screen = output is not None and str(output) == "-"
    if to_screen and fmt != "md":
        raise fail("-o - prints Markdown only; give a file for pdf or xlsx", 2)
    from deskclerk.reports import monthly

    if to_screen:
        typer.echo(monthly.render_md(monthly.build(desk, month)), nl=False)
        return
    target = output or monthly.default_path(month, fmt)
    check_outputs(ctx, [target], force=force)
    path = monthly.write_report(desk, month, fmt, target)
    typer.echo(str(path))


def _check_month(desk: Context, month: str) -> str:
    """`month` as YYYY-MM; refused if it has not begun, with a warning if it is not over.

    A report of a month to come would be all zeros and could be filed as if it
    were real, so it is refused; this month's figures so far are useful (a
    manager checking mid-month), but they will still change, which is said.
    """
    from deskclerk.timeparse import month_bounds

    since, until = month_bounds(month, desk.tz)  # a clear message for a malformed month
    name = since.astimezone(desk.tz).strftime("%Y-%m")
    now = desk.now()
    today = now.astimezone(desk.tz).strftime("%Y-%m-%d")
    if since > now:
        raise fail(
            f"{name} has not begun yet (today is {today}): there is nothing to report; "
            "choose a month that has begun"
        )
    if until > now:
        typer.echo(
            f"deskclerk: {name} is not over yet: the report has its figures up to now "
            f"({today}), and they will still change.",
            err=True,
        )
    return name
