"""The service figures: a hand-built month (October 2026) against hand-computed values,
and the same rules through the orders service on a frozen clock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from tests.services import month_2026_10 as october

from deskclerk.clock import FrozenClock
from deskclerk.errors import InvalidInput
from deskclerk.services import stats
from deskclerk.timeparse import month_bounds


@pytest.fixture
def month(ctx: Any, clock: FrozenClock) -> Any:
    october.load(ctx.engine)
    clock.set(october.NOW)
    return ctx


def _october(ctx: Any) -> tuple[Any, Any]:
    return month_bounds(october.MONTH, ctx.tz)


def test_october_totals_match_the_hand_computed_figures(month: Any) -> None:
    since, until = _october(month)
    f = stats.figures(month, since=since, until=until)
    o = f.orders
    # WO-1,2,3,4,5,6,7,10 (WO-8 is November, WO-9 September, WO-11 voided)
    assert o.logged == 8
    assert (o.closed, o.cancelled, o.open) == (3, 1, 4)  # closed: 1, 3, 7; cancelled: 5
    assert o.closure_rate == pytest.approx(3 / 7)
    # on site: in time 1, 3 (paused), 6, 10; late 2 (at the due instant), 4 (never came), 7
    assert (o.on_site_on_time, o.on_site_late) == (4, 3)
    assert o.on_site_rate == pytest.approx(4 / 7)
    # done: in time 1, 3 (paused), 7; late 2, 4 (waiting, past due), 6 (reopened clock); 10 paused
    assert (o.done_on_time, o.done_late) == (3, 3)
    assert o.done_rate == pytest.approx(0.5)
    # done at least once: 1, 2, 3, 7 and the reopened 6; called back 1, 3, 6, 7; satisfied 1, 3, 7
    assert (o.done, o.called_back, o.satisfied) == (5, 4, 3)
    assert o.callback_rate == pytest.approx(4 / 5)
    assert o.satisfaction_rate == pytest.approx(3 / 4)
    # to site: 15, 20, 30, 10, 40, 10 min -> 17.5; to done: 180, 300, 250, 90 min -> 215
    assert o.median_to_on_site == timedelta(minutes=17, seconds=30)
    assert o.median_to_done == timedelta(minutes=215)
    # overdue now: 2 (callback), 4 (on site), 6 (done); not 10 (its pause runs)
    assert o.overdue == 3
    assert f.overdue_total == 3
    assert [(x.number, x.clock) for x in f.overdue] == [
        ("WO-2", "callback"),
        ("WO-4", "on site"),
        ("WO-6", "done"),
    ]
    assert f.overdue[1].late_by == october.NOW - october.t(10, 10, 9, 20)
    assert f.calls == {
        "repair": 3,
        "complaint": 2,
        "inquiry": 1,
        "help": 0,
        "suggestion": 0,
        "other": 0,
    }
    assert f.calls_total == 6


def test_october_by_team(month: Any) -> None:
    since, until = _october(month)
    f = stats.figures(month, since=since, until=until, by="team")
    teams = {g.group: g for g in f.groups}
    assert set(teams) == {"Plumbing 水电班", "Electrical"}
    plumbing, electrical = teams["Plumbing 水电班"], teams["Electrical"]
    # WO-1, 2, 3, 10
    assert (plumbing.logged, plumbing.closed, plumbing.cancelled) == (4, 2, 0)
    assert (plumbing.on_site_on_time, plumbing.on_site_late) == (3, 1)
    assert (plumbing.done_on_time, plumbing.done_late) == (2, 1)
    assert (plumbing.done, plumbing.called_back, plumbing.satisfied, plumbing.overdue) == (
        3,
        2,
        2,
        1,
    )
    assert plumbing.median_to_on_site == timedelta(minutes=17, seconds=30)
    assert plumbing.median_to_done == timedelta(minutes=250)
    # WO-4, 5, 6, 7
    assert (electrical.logged, electrical.closed, electrical.cancelled) == (4, 1, 1)
    assert electrical.closure_rate == pytest.approx(1 / 3)
    assert (electrical.on_site_on_time, electrical.on_site_late) == (1, 2)
    assert (electrical.done_on_time, electrical.done_late) == (1, 2)
    assert (electrical.done, electrical.called_back, electrical.satisfied) == (2, 2, 1)
    assert electrical.overdue == 2
    assert electrical.median_to_on_site == timedelta(minutes=25)
    assert electrical.median_to_done == timedelta(minutes=90)
    # the groups add up to the whole
    assert f.orders.logged == 8 and f.orders.overdue == 3
    assert f.orders.median_to_on_site == timedelta(minutes=17, seconds=30)


def test_october_by_clerk_and_category(month: Any) -> None:
    since, until = _october(month)
    by_clerk = stats.figures(month, since=since, until=until, by="clerk")
    assert {g.group: g.logged for g in by_clerk.groups} == {"小李": 4, "Anna": 4}
    by_category = stats.figures(month, since=since, until=until, by="category")
    assert {g.group: g.closed for g in by_category.groups} == {"plumbing": 2, "electrical": 1}


def test_daily_counts_use_local_days(month: Any) -> None:
    since, until = _october(month)
    days = stats.daily_counts(month, since, until)
    assert [d.day for d in days][:2] == [date(2026, 10, 1), date(2026, 10, 2)]
    assert len(days) == 31
    per_day = {d.day.day: d.orders for d in days if d.orders}
    # WO-7 was logged at 23:30 local on the 31st (15:30 UTC): it belongs to the 31st
    assert per_day == {1: 1, 2: 1, 3: 1, 10: 1, 11: 1, 12: 1, 20: 1, 31: 1}
    assert sum(d.calls for d in days) == 6
    # done per day counts when the job was done: WO-7 was done at 01:00 on 1 November
    assert {d.day.day: d.done for d in days if d.done} == {1: 1, 2: 1, 3: 1}


def test_on_time_by_team(month: Any) -> None:
    since, until = _october(month)
    rows = {r.team: r for r in stats.on_time_by_team(month, since, until)}
    assert rows["Plumbing 水电班"].on_site_rate == pytest.approx(3 / 4)
    assert rows["Electrical"].done_rate == pytest.approx(1 / 3)


def test_complaints(month: Any) -> None:
    since, until = _october(month)
    c = stats.complaints(month, since, until)
    assert (c.total, c.closed, c.in_time, c.late) == (2, 1, 1, 1)
    assert [i.replied_in_time for i in c.items] == [False, True]  # newest first


def test_an_empty_period_has_no_rates(ctx: Any) -> None:
    f = stats.figures(ctx, by="team")
    assert f.orders.logged == 0 and f.groups == ()
    assert f.orders.closure_rate is None and f.orders.on_site_rate is None
    assert f.orders.median_to_done is None


def test_unknown_grouping_is_refused(ctx: Any) -> None:
    with pytest.raises(InvalidInput, match="team, category or clerk"):
        stats.figures(ctx, by="colour")


def test_the_orders_service_and_the_figures_agree_on_the_deadline(
    ctx: Any, clock: FrozenClock
) -> None:
    """Through the orders service: arriving exactly at the due instant is late."""
    from deskclerk.services import directory, orders

    directory.add_unit(ctx, "3-1203", clerk="t")
    directory.add_team(ctx, "Plumbing", categories="plumbing", clerk="t")
    start = clock.now()
    on_time = orders.create_order(
        ctx, unit="3-1203", description="tap", clerk="小李", category="plumbing",
        priority="urgent", team="Plumbing",
    )  # fmt: skip
    at_due = orders.create_order(
        ctx, unit="3-1203", description="pipe", clerk="小李", category="plumbing",
        priority="urgent", team="Plumbing",
    )  # fmt: skip
    assert at_due.state == "dispatched"  # a team given: dispatched at once
    assert at_due.on_site_due is not None
    clock.advance(minutes=10)
    orders.arrive(ctx, on_time.number, clerk="t")
    clock.set(at_due.on_site_due)
    orders.arrive(ctx, at_due.number, clerk="t")
    clock.advance(minutes=30)
    orders.finish(ctx, on_time.number, clerk="t")
    orders.record_callback(ctx, on_time.number, clerk="t", reached=True, satisfied=True)

    f = stats.figures(ctx, since=start - timedelta(hours=1), by="team")
    total = f.orders
    assert (total.logged, total.closed) == (2, 1)
    assert (total.on_site_on_time, total.on_site_late) == (1, 1)
    assert (total.done_on_time, total.done_late) == (1, 0)  # the other is still within its clock
    assert (total.done, total.called_back, total.satisfied) == (1, 1, 1)
    assert total.median_to_on_site == timedelta(minutes=15)  # 10 and 20 minutes
    assert f.groups[0].group == "Plumbing"


def test_daily_counts_over_more_than_a_year(month: Any) -> None:
    """Long periods are counted a year of days per query; the totals stay the same."""
    since, until = _october(month)
    days = stats.daily_counts(month, since - timedelta(days=400), until + timedelta(days=30))
    assert len(days) == 31 + 400 + 30
    assert sum(d.orders for d in days) == 10  # October's 8, WO-8 (November), WO-9 (September)
    assert sum(d.calls for d in days) == 7  # October's 6 and the one on 1 November


def test_complaint_replies_follow_the_desk(ctx: Any, clock: FrozenClock) -> None:
    """Closed in time, closed late, answered (no reply time kept), still open past due."""
    from deskclerk.services import calls

    start = clock.now()
    made = [
        calls.log_call(ctx, caller=f"c{i}", matter="noise", category="complaint", clerk="t")
        for i in range(4)
    ]
    calls.close_call(ctx, made[0].id, clerk="t")
    calls.answer_call(ctx, made[2].id, "we sent a guard", clerk="t")
    clock.advance(hours=25)  # past the 24 h reply deadline
    calls.close_call(ctx, made[1].id, clerk="t")
    c = stats.complaints(ctx, start, clock.now())
    assert (c.total, c.closed, c.in_time, c.late) == (4, 2, 1, 2)
    by_caller = {i.caller: i.replied_in_time for i in c.items}
    assert by_caller == {"c0": True, "c1": False, "c2": None, "c3": False}


def test_time_to_done_of_a_reopened_order_runs_to_its_last_finish(
    ctx: Any, clock: FrozenClock
) -> None:
    """Through the orders service: reopening takes the done time back until the next finish."""
    from deskclerk.services import directory, orders

    directory.add_unit(ctx, "3-1203", clerk="t")
    directory.add_team(ctx, "Plumbing", categories="plumbing", clerk="t")
    start = clock.now()
    made = orders.create_order(
        ctx, unit="3-1203", description="tap", clerk="t", category="plumbing",
        priority="high", team="Plumbing",
    )  # fmt: skip
    clock.advance(minutes=12, seconds=30)
    orders.arrive(ctx, made.number, clerk="t")
    clock.advance(minutes=47, seconds=30)
    orders.finish(ctx, made.number, clerk="t")
    f = stats.figures(ctx, since=start)
    assert (f.orders.median_to_on_site, f.orders.median_to_done) == (
        timedelta(minutes=12, seconds=30),
        timedelta(hours=1),
    )
    orders.record_callback(ctx, made.number, clerk="t", reached=True, satisfied=False)
    assert stats.figures(ctx, since=start).orders.median_to_done is None
    clock.advance(hours=2)
    orders.arrive(ctx, made.number, clerk="t")
    orders.finish(ctx, made.number, clerk="t")
    f = stats.figures(ctx, since=start)
    assert (f.orders.median_to_on_site, f.orders.median_to_done) == (
        timedelta(minutes=12, seconds=30),  # the first arrival stays
        timedelta(hours=3),
    )


def test_orders_with_no_team_get_their_own_medians_not_the_totals(
    ctx: Any, clock: FrozenClock
) -> None:
    """A group whose key is None ("no team") must not be given the whole period's medians."""
    from deskclerk.services import directory, orders

    directory.add_unit(ctx, "3-1203", clerk="t")
    directory.add_team(ctx, "Plumbing", categories="plumbing", clerk="t")
    start = clock.now()
    teamed = orders.create_order(
        ctx, unit="3-1203", description="tap", clerk="t", category="plumbing", team="Plumbing"
    )
    orders.create_order(ctx, unit="3-1203", description="door", clerk="t")  # no team, never on site
    clock.advance(minutes=40)
    orders.arrive(ctx, teamed.number, clerk="t")

    f = stats.figures(ctx, since=start - timedelta(hours=1), by="team")
    by_name = {g.group: g for g in f.groups}
    assert by_name["Plumbing"].median_to_on_site == timedelta(minutes=40)
    no_team = next(g for name, g in by_name.items() if name != "Plumbing")
    assert no_team.median_to_on_site is None
    assert f.orders.median_to_on_site == timedelta(minutes=40)


def _medians(f: Any) -> list[tuple[str, Any, Any]]:
    rows = [("all", f.orders.median_to_on_site, f.orders.median_to_done)]
    return rows + [(g.group, g.median_to_on_site, g.median_to_done) for g in f.groups]


@pytest.mark.parametrize("by", [None, "team", "category", "clerk"])
def test_medians_read_from_the_indexes_equal_the_sorted_durations(
    month: Any, monkeypatch: pytest.MonkeyPatch, by: str | None
) -> None:
    """Large groups walk the duration indexes (stats_medians.WALK_FROM); small ones sort.
    Forcing the walk on the hand-built month must give the same medians."""
    from deskclerk.services import stats_medians

    since, until = _october(month)
    sorted_in_python = stats.figures(month, since=since, until=until, by=by)
    monkeypatch.setattr(stats_medians, "WALK_FROM", 1)
    walks: list[tuple[str, Any]] = []
    walk = stats_medians._walk

    def counted_walk(conn: Any, name: str, n: int, *args: Any) -> Any:
        walks.append((name, args[2:]))
        return walk(conn, name, n, *args)

    monkeypatch.setattr(stats_medians, "_walk", counted_walk)
    walked = stats.figures(month, since=since, until=until, by=by)
    assert _medians(walked) == _medians(sorted_in_python)
    # both clocks of the whole month walked; per team too (Plumbing, Electrical)
    names = [name for name, _ in walks]
    expected = 3 if by == "team" else 1
    assert (names.count("to_site_us"), names.count("to_done_us")) == (expected, expected)
    assert walked.orders.median_to_on_site == timedelta(minutes=17, seconds=30)
    assert walked.orders.median_to_done == timedelta(minutes=215)


def test_walked_medians_are_exact_to_the_microsecond_and_keep_no_team_apart(
    ctx: Any, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two durations whose mean ends in half a second; an order with no team (never on site)."""
    from deskclerk.services import directory, orders, stats_medians

    monkeypatch.setattr(stats_medians, "WALK_FROM", 1)
    directory.add_unit(ctx, "3-1203", clerk="t")
    directory.add_team(ctx, "Plumbing", categories="plumbing", clerk="t")
    start = clock.now()
    first = orders.create_order(
        ctx, unit="3-1203", description="tap", clerk="t", category="plumbing", team="Plumbing"
    )
    second = orders.create_order(
        ctx, unit="3-1203", description="pipe", clerk="t", category="plumbing", team="Plumbing"
    )
    orders.create_order(ctx, unit="3-1203", description="door", clerk="t")
    clock.advance(minutes=10, microseconds=400_000)
    orders.arrive(ctx, first.number, clerk="t")
    clock.advance(minutes=10, seconds=1, microseconds=200_000)
    orders.arrive(ctx, second.number, clerk="t")

    f = stats.figures(ctx, since=start - timedelta(hours=1), by="team")
    by_name = {g.group: g for g in f.groups}
    # 10:00.4 and 20:01.6 -> 15:01.0 exactly; whole seconds would make it 15:00.5 -> 15:00
    assert by_name["Plumbing"].median_to_on_site == timedelta(minutes=15, seconds=1)
    no_team = next(g for name, g in by_name.items() if name != "Plumbing")
    assert no_team.logged == 1 and no_team.median_to_on_site is None
    assert f.orders.median_to_on_site == timedelta(minutes=15, seconds=1)
    ungrouped = stats.figures(ctx, since=start - timedelta(hours=1))
    assert ungrouped.orders.median_to_on_site == timedelta(minutes=15, seconds=1)


def test_a_walked_group_without_a_team_gets_its_own_median(
    ctx: Any, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An order whose team was taken off after the visit: the 'no team' group walks
    the team index with team_id IS NULL."""
    import sqlalchemy as sa

    from deskclerk.services import directory, orders, stats_medians

    monkeypatch.setattr(stats_medians, "WALK_FROM", 1)
    directory.add_unit(ctx, "3-1203", clerk="t")
    directory.add_team(ctx, "Plumbing", categories="plumbing", clerk="t")
    start = clock.now()
    made = [
        orders.create_order(
            ctx, unit="3-1203", description=d, clerk="t", category="plumbing", team="Plumbing"
        )
        for d in ("tap", "pipe", "drain")
    ]
    for minutes, order in zip((10, 20, 40), made, strict=True):
        clock.set(start + timedelta(minutes=minutes))
        orders.arrive(ctx, order.number, clerk="t")
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE work_order SET team_id = NULL WHERE number = :n"),
            {"n": made[2].number},
        )
    f = stats.figures(ctx, since=start - timedelta(hours=1), by="team")
    by_name = {g.group: g.median_to_on_site for g in f.groups}
    assert by_name == {"Plumbing": timedelta(minutes=15), stats.NO_TEAM: timedelta(minutes=40)}
    assert f.orders.median_to_on_site == timedelta(minutes=20)


@pytest.mark.parametrize("by", [None, "team", "category", "clerk"])
def test_figures_read_at_once_equal_the_figures_read_one_by_one(
    month: Any, monkeypatch: pytest.MonkeyPatch, by: str | None
) -> None:
    """The queries run at once on their own connections (stats_together); with no
    snapshot to be had they run one after the other on one: the same figures."""
    from deskclerk.services import stats_together

    since, until = _october(month)
    at_once = stats.figures(month, since=since, until=until, by=by)
    monkeypatch.setattr(stats_together, "ATTEMPTS", 0)
    one_by_one = stats.figures(month, since=since, until=until, by=by)
    assert at_once == one_by_one
    # the orders are counted in two halves of the period and added up: as in one
    from deskclerk.services import stats_sql

    halves = stats_sql.halves(since, until)
    assert len(halves) == 2 and halves[0][1] == halves[1][0]
    monkeypatch.setattr(stats_sql, "halves", lambda since, until: [(since, until)])
    assert stats.figures(month, since=since, until=until, by=by) == at_once


def test_a_save_while_the_figures_open_their_reads_is_in_every_figure_or_in_none(
    month: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that lands between two connections' first reads: the connections are
    opened again, so every query reads the same snapshot (here: with the save)."""
    import sqlalchemy as sa

    from deskclerk.services import stats_together
    from deskclerk.services.stats_sql import WO

    since, until = _october(month)
    before = stats.figures(month, since=since, until=until)
    opened: list[Any] = []
    open_read = stats_together._open_read

    def open_then_save(conn: Any) -> None:
        open_read(conn)
        opened.append(conn)
        if len(opened) == 1:  # another desk voids an order of the month, after this read
            with month.engine.begin() as other:
                number = sa.select(sa.func.min(WO.c.number)).where(
                    WO.c.voided_at.is_(None), WO.c.logged_at >= since, WO.c.logged_at < until
                )
                other.execute(
                    sa.update(WO).where(WO.c.number == number.scalar_subquery()),
                    {"voided_at": october.NOW},
                )

    monkeypatch.setattr(stats_together, "_open_read", open_then_save)
    during = stats.figures(month, since=since, until=until)
    assert len(opened) > 4  # the first attempt's four reads, then a second attempt
    monkeypatch.setattr(stats_together, "_open_read", open_read)
    assert during == stats.figures(month, since=since, until=until)
    assert during.orders.logged == before.orders.logged - 1


def test_a_failing_query_read_together_is_raised_and_every_connection_returned(
    ctx: Any,
) -> None:
    from deskclerk.services.stats_together import read_together

    def fails(conn: Any) -> None:
        raise InvalidInput("no such figure")

    for jobs in ([fails, lambda conn: 1], [lambda conn: 1, fails]):
        with pytest.raises(InvalidInput, match="no such figure"):
            read_together(ctx.engine, jobs)
        assert ctx.engine.pool.checkedout() == 0
    assert read_together(ctx.engine, [lambda c: 1, lambda c: 2], then=lambda c, f: sum(f)) == [
        1,
        2,
        3,
    ]
