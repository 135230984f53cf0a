"""The Stats view: the service figures of a period by team, category or clerk, with charts.

Figures come from services.stats in a worker; the charts are Unicode block bars
(reports.charts) in a Static, so they read in any terminal and without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from deskclerk.errors import DeskError
from deskclerk.tui.keys import STATS_BINDINGS

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.stats import DayCount, Figures, OrderFigures, TeamOnTime

PERIODS = ("today", "last 7 days", "last 30 days", "this month", "last month")
GROUPINGS = ("team", "category", "clerk")
COLUMNS = (  # 100 columns wide with the cell padding
    ("Group", 12),
    ("Logged", 6),
    ("Closed", 6),
    ("Closure", 7),
    ("On site", 7),
    ("Done", 5),
    ("Callbk", 6),
    ("Satisf", 6),
    ("To site", 7),
    ("To done", 7),
    ("Late", 4),
)
BAR_WIDTH = 30


def period_bounds(name: str, today: date) -> tuple[date, date]:
    """The local days [first, end) of a named period that ends with `today`."""
    if name == "today":
        return today, today + timedelta(days=1)
    if name == "last 7 days":
        return today - timedelta(days=6), today + timedelta(days=1)
    if name == "last 30 days":
        return today - timedelta(days=29), today + timedelta(days=1)
    first = today.replace(day=1)
    if name == "this month":
        return first, today + timedelta(days=1)
    if name == "last month":
        return (first - timedelta(days=1)).replace(day=1), first
    raise ValueError(f"unknown period {name!r}")


def percent(value: float | None) -> str:
    """`93%`, or `–` when nothing was judged."""
    return "–" if value is None else f"{value:.0%}"


def minutes(span: timedelta | None) -> str:
    """`1h05`, or `–`."""
    if span is None:
        return "–"
    total = int(span.total_seconds() // 60)
    return f"{total // 60}h{total % 60:02d}"


def figure_cells(group: OrderFigures, label: str | None = None) -> tuple[Text | str, ...]:
    """One row of the figures table."""
    return (
        Text(label if label is not None else group.group, no_wrap=True, overflow="ellipsis"),
        str(group.logged),
        str(group.closed),
        percent(group.closure_rate),
        percent(group.on_site_rate),
        percent(group.done_rate),
        percent(group.callback_rate),
        percent(group.satisfaction_rate),
        minutes(group.median_to_on_site),
        minutes(group.median_to_done),
        Text(str(group.overdue), style="bold red" if group.overdue else ""),
    )


@dataclass(frozen=True)
class StatsData:
    """What the view shows for one period and grouping."""

    label: str
    figures: Figures
    days: list[DayCount]
    teams: list[TeamOnTime]


def load(
    ctx: Context, period: str, by: str, bounds: tuple[datetime, datetime] | None = None
) -> StatsData:
    """Read the figures, the orders per day and the on-time rates (worker thread);
    `bounds` [since, until) for a custom period, else the named `period`."""
    from deskclerk.services import stats
    from deskclerk.timeparse import day_bounds

    if bounds is not None:
        since, until = bounds
    else:
        today = ctx.local(ctx.now()).date()
        first, end = period_bounds(period, today)
        since = day_bounds(first, ctx.tz)[0]
        until = day_bounds(end, ctx.tz)[0]
    figures = stats.figures(ctx, since=since, until=until, by=by, overdue_limit=5)
    days = stats.daily_counts(ctx, since, until)
    teams = stats.on_time_by_team(ctx, since, until)
    return StatsData(stats.period_label(since, until, ctx), figures, days, teams)


def rate_style(value: float | None) -> str:
    if value is None:
        return "dim"
    return "green" if value >= 0.9 else "yellow" if value >= 0.7 else "bold red"


def charts(data: StatsData) -> Text:
    """Orders per day and on-time rate per team as block bars; the overdue list below."""
    from deskclerk.reports.charts import bar, cells, pad

    text = Text()
    text.append("Orders per day", style="bold")
    text.append("  (█ logged · number: logged / done)\n")
    top = max((d.orders for d in data.days), default=0)
    for day in data.days:
        drawn = bar(day.orders, top, BAR_WIDTH)
        text.append(f"{day.day:%m-%d %a} ")
        text.append(drawn.ljust(BAR_WIDTH), style="cyan")
        text.append(f" {day.orders} / {day.done}\n")
    text.append("\nOn-time rate per team", style="bold")
    text.append("  (on site · done; █ = 100%)\n")
    width = min(16, max((cells(t.team) for t in data.teams), default=8))
    if not data.teams:
        text.append("no orders in this period\n", style="italic")
    for team in data.teams:
        for clock, value in (("site", team.on_site_rate), ("done", team.done_rate)):
            text.append(f"{pad(team.team if clock == 'site' else '', width)} {clock} ")
            text.append(bar(value or 0, 1.0, BAR_WIDTH).ljust(BAR_WIDTH), style=rate_style(value))
            text.append(f" {percent(value)}\n")
    f = data.figures
    text.append(
        f"\nOverdue now: {f.overdue_total}", style="bold red" if f.overdue_total else "bold"
    )
    for late in f.overdue:
        text.append("\n  ⚠ ", style="bold red")
        text.append(f"{late.number} {late.unit_code} {late.team} · {late.clock} ")
        text.append(f"late by {minutes(late.late_by)}")
    return text


class StatsScreen(Screen[None]):
    """F11: closure, on-time, callback and satisfaction rates, and the charts."""

    BINDINGS: ClassVar[list[BindingType]] = list(STATS_BINDINGS)

    def __init__(self) -> None:
        super().__init__(classes="stats-screen")
        self.period = "this month"
        self.by = "team"
        self.bounds: tuple[datetime, datetime] | None = None  # the custom period
        self.data: StatsData | None = None

    def compose(self) -> ComposeResult:
        yield Static("Stats", id="stats-title", markup=False)
        with VerticalScroll(id="stats-body"):
            table: DataTable[Any] = DataTable(id="stats-table", cursor_type="row")
            for label, width in COLUMNS:
                table.add_column(label, width=width)
            yield table
            yield Static("loading…", id="stats-charts", markup=False)
        yield Static(
            "p: period · c: from / to · g: by team / category / clerk · Esc: back",
            classes="form-help",
        )

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        """Read the figures for the chosen period and grouping."""
        ctx = getattr(self.app, "ctx", None)
        if ctx is None:
            self.query_one("#stats-charts", Static).update("The database is still opening.")
            return
        self._load(ctx, self.period, self.by, self.bounds)

    @work(thread=True, exit_on_error=False, exclusive=True, group="stats")
    def _load(
        self, ctx: Context, period: str, by: str, bounds: tuple[datetime, datetime] | None
    ) -> None:
        try:
            data = load(ctx, period, by, bounds)
        except DeskError as exc:
            self.app.call_from_thread(self._failed, exc.message)
        else:
            self.app.call_from_thread(self._show, data)

    def _failed(self, message: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#stats-charts", Static).update(Text(message, style="bold red"))

    def _show(self, data: StatsData) -> None:
        if not self.is_attached:  # closed before the figures came
            return
        self.data = data
        period = data.label if self.bounds else f"{self.period} ({data.label})"
        title = Text(f"Stats · {period} · by {self.by}", style="bold")
        self.query_one("#stats-title", Static).update(title)
        table = self.query_one(DataTable)
        table.clear()
        for group in data.figures.groups:
            table.add_row(*figure_cells(group), key=f"g:{group.group}")
        table.add_row(*figure_cells(data.figures.orders, "All"), key="all")
        self.query_one("#stats-charts", Static).update(charts(data))

    def rows(self) -> list[list[str]]:
        """The figures table as plain text (the group first)."""
        table = self.query_one(DataTable)
        return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]

    def action_next_period(self) -> None:
        """Today, 7 days, 30 days, this month, last month."""
        at = PERIODS.index(self.period) if self.period in PERIODS else -1
        self.period = PERIODS[(at + 1) % len(PERIODS)]
        self.bounds = None
        self.reload()

    def action_custom_period(self) -> None:
        """From one date to another, typed as the CLI takes them."""
        from deskclerk.tui.modals.period_form import PeriodForm

        first = last = None
        ctx = getattr(self.app, "ctx", None)
        if self.data is not None and ctx is not None:
            f = self.data.figures
            if f.since is not None and f.until is not None:
                first = ctx.local(f.since).date()
                last = ctx.local(f.until - timedelta(microseconds=1)).date()
        self.app.push_screen(PeriodForm(first, last), self._period_chosen)

    def _period_chosen(self, bounds: tuple[datetime, datetime] | None) -> None:
        if bounds is not None:
            self.period, self.bounds = "custom", bounds
            self.reload()

    def action_next_grouping(self) -> None:
        """By team, by category, by clerk."""
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
