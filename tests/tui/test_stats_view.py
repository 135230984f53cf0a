"""Pilot tests of the Stats view (F11): figures of a hand-built month, grouping, charts, palette."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from deskclerk.tui.app import DeskApp
from deskclerk.tui.screens.stats import StatsScreen, period_bounds

from .conftest import settle
from .dataset import CLERK


def build_month(ctx: Any) -> None:
    """November 2026 as of the 24th, 10:00: one order closed on time, one arrived late.

    - the dataset's high-priority drain (logged 09:20) goes to Plumbing, who arrive at
      10:00 (due 10:20) and finish at once; the resident is satisfied: closed.
    - an urgent power cut in 0801 logged 09:00 for Electric, on site at 10:00 (due
      09:20): late on site, not done yet.
    """
    from deskclerk.services import directory, orders

    directory.add_team(ctx, "Electric", categories="electrical", clerk=CLERK)
    drain = orders.list_orders(ctx, limit=1).items[0]
    orders.dispatch(ctx, drain.id, clerk=CLERK, team="Plumbing")
    orders.arrive(ctx, drain.id, clerk=CLERK)
    orders.finish(ctx, drain.id, clerk=CLERK)
    orders.record_callback(ctx, drain.id, clerk=CLERK, reached=True, satisfied=True)
    cut = orders.create_order(
        ctx,
        unit="0801",
        description="power out",
        clerk=CLERK,
        category="electrical",
        priority="urgent",
        team="Electric",
        logged_at=ctx.now() - timedelta(hours=1),
    )
    orders.arrive(ctx, cut.id, clerk=CLERK)


async def open_stats(pilot: Any) -> StatsScreen:
    await settle(pilot)
    await pilot.press("f11")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatsScreen)
    return screen


async def test_stats_by_team_with_charts(desk_ctx: Any) -> None:
    build_month(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        title = str(screen.query_one("#stats-title").render())
        assert "this month (2026-11-01 – 2026-11-24) · by team" in title
        rows = {r[0]: r[1:] for r in screen.rows()}
        # logged, closed, closure, on site, done, callback, satisfied, to site, to done, late
        assert rows["Plumbing"][:7] == ["1", "1", "100%", "100%", "100%", "100%", "100%"]
        assert rows["Plumbing"][7] == "0h40"  # 09:20 → 10:00
        assert rows["Electric"][:4] == ["1", "0", "0%", "0%"]
        assert rows["Electric"][7] == "1h00"
        assert rows["All"][:4] == ["2", "1", "50%", "50%"]
        chart = str(screen.query_one("#stats-charts").render())
        assert "Orders per day" in chart and "On-time rate per team" in chart
        today = next(line for line in chart.splitlines() if line.startswith("11-24"))
        assert "█" * 30 in today and today.endswith(" 2 / 1")  # the busiest day: a full bar
        quiet = next(line for line in chart.splitlines() if line.startswith("11-23"))
        assert "█" not in quiet and quiet.endswith(" 0 / 0")
        plumbing = next(line for line in chart.splitlines() if line.startswith("Plumbing"))
        assert "█" * 30 in plumbing and plumbing.endswith("100%")
        electric = next(line for line in chart.splitlines() if line.startswith("Electric"))
        assert "site" in electric and "█" not in electric and electric.endswith(" 0%")
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_grouping_and_period_keys(desk_ctx: Any) -> None:
    build_month(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("g")
        await settle(pilot)
        groups = [r[0] for r in screen.rows()]
        assert set(groups) == {"plumbing", "electrical", "All"}
        await pilot.press("g")
        await settle(pilot)
        assert [r[:2] for r in screen.rows()] == [[CLERK, "2"], ["All", "2"]]
        await pilot.press("p")  # last month: nothing logged
        await settle(pilot)
        assert "last month (2026-10-01 – 2026-10-31)" in str(
            screen.query_one("#stats-title").render()
        )
        assert screen.rows()[-1][:3] == ["All", "0", "0"]


async def test_stats_from_the_command_palette(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Stats" in {b.description for b, _ in app.command_bindings()}
        await pilot.press("ctrl+p", *"Stats")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)


def test_period_bounds() -> None:
    from datetime import date

    today = date(2026, 3, 1)
    assert period_bounds("today", today) == (today, date(2026, 3, 2))
    assert period_bounds("last month", today) == (date(2026, 2, 1), today)
    assert period_bounds("last 7 days", today) == (date(2026, 2, 23), date(2026, 3, 2))


async def test_custom_period_from_and_to(desk_ctx: Any) -> None:
    from deskclerk.tui.modals.period_form import PeriodForm

    build_month(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("c")
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, PeriodForm)
        # the period shown, to start from
        assert (form.field("since").value, form.field("until").value) == (
            "2026-11-01",
            "2026-11-24",
        )
        form.field("since").value = "2026-11-20"
        form.field("until").value = "2026-11-23"  # a date counts in full
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        title = str(screen.query_one("#stats-title").render())
        assert "Stats · 2026-11-20 – 2026-11-23 · by team" in title
        assert screen.rows()[-1][:3] == ["All", "0", "0"]  # everything was logged on the 24th
        chart = str(screen.query_one("#stats-charts").render())
        days = [line[:5] for line in chart.splitlines() if line[:3] == "11-"]
        assert days == ["11-20", "11-21", "11-22", "11-23"]

        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        form.field("since").value = "yesterday"
        form.field("until").value = ""  # now
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "2026-11-23 – 2026-11-24" in str(screen.query_one("#stats-title").render())
        assert screen.rows()[-1][:3] == ["All", "2", "1"]
        await pilot.press("p")  # back to the presets
        await settle(pilot)
        assert "today (2026-11-24 – 2026-11-24)" in str(screen.query_one("#stats-title").render())


async def test_custom_period_refusals_stay_on_the_form(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("c")
        await settle(pilot)
        form: Any = app.screen
        for since, until, words in (
            ("2026-02-30", "", "is not a time"),
            ("2026-11-20", "2026-11-10", "ends before it starts"),
            ("2024-01-01", "", "At most 400 days"),
        ):
            form.field("since").value = since
            form.field("until").value = until
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form
            assert words in str(form.query_one("#form-error").render())
            assert form.field("since").value == since
        await pilot.press("escape")  # typed: asks first
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert "this month" in str(screen.query_one("#stats-title").render())


async def test_custom_period_from_the_palette_and_in_help(desk_ctx: Any) -> None:
    from deskclerk.tui.modals.period_form import PeriodForm

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["C", "Stats: period from / to", "Stats view"] in rows
        await pilot.press("escape")
        await open_stats(pilot)
        await pilot.press("ctrl+p", *"period from")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PeriodForm)
