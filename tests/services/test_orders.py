"""Work orders: numbers, clocks on a frozen clock, states, dispatch, callbacks, lists.

The clock is frozen at 2026-11-24 10:00 Shanghai (02:00 UTC); tests move it.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from deskclerk.clock import FrozenClock
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotAllowed, NotFound
from deskclerk.models import WorkOrder
from deskclerk.services import calls, directory, order_writing, orders, search
from deskclerk.services.context import Context
from deskclerk.services.history import HistoryEntry, history_of
from deskclerk.services.tables import table_of

WO = table_of(WorkOrder)
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 local


@pytest.fixture
def site(ctx: Context) -> Context:
    directory.add_unit(ctx, "3-1203", building="3", area="north", clerk="ann")
    directory.add_unit(ctx, "0801", building="shops", area="south", clerk="ann")
    directory.add_resident(ctx, "3-1203", "王芳", "13800001234", clerk="ann")
    directory.add_resident(ctx, "3-1203", "Li Lei", "13900002222", is_owner=False, clerk="ann")
    directory.add_team(ctx, "Plumbing North", categories="plumbing", areas="north", clerk="ann")
    directory.add_team(ctx, "Plumbing", categories="plumbing", clerk="ann")
    directory.add_team(ctx, "Electrical", categories="electrical", clerk="ann")
    directory.add_team(ctx, "Handymen", categories="general", clerk="ann")
    directory.add_staff(ctx, "sue", role="supervisor", clerk="ann")
    return ctx


def clock_of(ctx: Context) -> FrozenClock:
    assert isinstance(ctx.clock, FrozenClock)
    return ctx.clock


def new(ctx: Context, **kw: object) -> orders.OrderPublic:
    args: dict[str, object] = {
        "unit": "3-1203",
        "description": "kitchen tap leaking",
        "clerk": "ann",
        "category": "plumbing",
        "priority": "urgent",
    }
    args.update(kw)
    return orders.create_order(ctx, **args)  # type: ignore[arg-type]


def stored(ctx: Context, order_id: int) -> sa.Row[tuple[object, ...]]:
    with session_scope(ctx.engine) as s:
        return s.execute(sa.select(WO).where(WO.c.id == order_id)).one()


def kinds(ctx: Context, ref: str) -> list[str]:
    return [e.kind for e in orders.order_events(ctx, ref)]


def to_done(ctx: Context, ref: str) -> orders.OrderPublic:
    orders.dispatch(ctx, ref, clerk="ann")
    orders.arrive(ctx, ref, clerk="ann")
    return orders.finish(ctx, ref, clerk="ann")


# --- numbers ----------------------------------------------------------------------------


def test_numbers_run_per_local_day(site: Context) -> None:
    assert new(site).number == "WO-20261124-001"
    assert new(site, unit="0801").number == "WO-20261124-002"
    # 01:00 on the 25th in Shanghai is still the 24th in UTC: the local day counts
    clock_of(site).set(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    assert new(site).number == "WO-20261125-001"
    # a back-filled order takes the next number of the day it was logged
    assert new(site, logged_at=T0 + timedelta(hours=1)).number == "WO-20261124-003"


def test_a_number_taken_by_another_desk_is_skipped(
    site: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = new(site)
    real = order_writing._last_sequence
    stale = iter([0])  # the first read misses the other desk's order, as a race would

    def last_sequence(s: object, prefix: str) -> int:
        return next(stale, None) or real(s, prefix)  # type: ignore[arg-type]

    monkeypatch.setattr(order_writing, "_last_sequence", last_sequence)
    second = new(site, unit="0801")
    assert (first.number, second.number) == ("WO-20261124-001", "WO-20261124-002")
    assert orders.get_order(site, second.number).unit_code == "0801"
    assert kinds(site, second.number) == ["logged"]


def test_an_order_is_found_by_number_or_id_and_unknown_ones_are_named(site: Context) -> None:
    o = new(site)
    assert orders.get_order(site, o.id).number == o.number
    assert orders.get_order(site, "wo-20261124-001").id == o.id
    assert orders.get_order(site, str(o.id)).id == o.id
    with pytest.raises(NotFound, match="WO-20261124-099"):
        orders.get_order(site, "WO-20261124-099")
    with pytest.raises(InvalidInput, match="not a work order"):
        orders.get_order(site, "kitchen")


# --- creating ---------------------------------------------------------------------------


def test_create_stores_clocks_resident_audit_and_search(site: Context) -> None:
    o = new(site, description="厨房水龙头漏水 kitchen tap")
    assert o.state == "logged"
    assert (o.resident_name, o.resident_phone) == ("王芳", "13800001234")  # the owner first
    assert o.on_site_due == T0 + timedelta(minutes=20)
    assert o.done_due == T0 + timedelta(hours=4)
    assert (o.clock, o.time_left, o.alert) == ("on site", timedelta(minutes=20), "")
    row = stored(site, o.id)
    assert row.on_site_due == T0 + timedelta(minutes=20)  # stored when the clock starts
    assert [h.action for h in history_of_order(site, o.id)] == ["create"]
    with session_scope(site.engine) as s:
        assert search.matching_ids(s, "order", "漏水", 10) == [o.id]
        assert search.matching_ids(s, "order", o.number, 10) == [o.id]
        indexed = s.execute(
            sa.text("SELECT body FROM search_order WHERE rowid = :id"), {"id": o.id}
        ).scalar()
        assert indexed == search.source_body(s, "order", o.id)


def history_of_order(ctx: Context, order_id: int) -> list[HistoryEntry]:
    with session_scope(ctx.engine) as s:
        return list(history_of(s, "order", order_id))


def test_create_refuses_bad_input_and_saves_nothing(site: Context) -> None:
    with pytest.raises(NotFound, match="unit 3-9999 is not in the directory"):
        new(site, unit="3-9999")
    with pytest.raises(InvalidInput, match="problem is required"):
        new(site, description="   ")
    with pytest.raises(InvalidInput, match="priority"):
        new(site, priority="asap")
    with pytest.raises(InvalidInput, match="in the future"):
        new(site, logged_at=T0 + timedelta(minutes=1))
    with pytest.raises(NotFound, match="no team called Nobody"):
        new(site, team="Nobody")
    assert orders.list_orders(site).items == []


def test_priority_accepts_chinese_words_and_prefixes(site: Context) -> None:
    assert new(site, priority="紧急").priority == "urgent"
    assert new(site, priority="hi").priority == "high"


def test_back_filled_order_runs_its_clocks_from_when_it_was_reported(site: Context) -> None:
    night = T0 - timedelta(hours=8)  # 02:00 local: the control room's call
    o = new(site, logged_at=night)
    assert o.logged_at == night
    assert o.recorded_at == T0
    assert o.on_site_due == night + timedelta(minutes=20)
    assert o.alert == "overdue"


def test_create_with_a_team_dispatches_at_once(site: Context) -> None:
    o = new(site, team="plumbing", technician="老李")
    assert (o.state, o.team_name, o.technician) == ("dispatched", "Plumbing", "老李")
    assert kinds(site, o.number) == ["logged", "dispatched"]
    with session_scope(site.engine) as s:
        assert search.matching_ids(s, "order", "老李", 10) == [o.id]


# --- the clocks -------------------------------------------------------------------------


def test_on_site_clock_breaches_exactly_at_the_deadline(site: Context) -> None:
    o = new(site)
    clock = clock_of(site)
    clock.set(T0 + timedelta(minutes=10) - timedelta(seconds=1))
    assert orders.get_order(site, o.id).alert == ""
    clock.set(T0 + timedelta(minutes=10))
    assert orders.get_order(site, o.id).alert == "50%"
    clock.set(T0 + timedelta(minutes=15))
    assert orders.get_order(site, o.id).alert == "75%"
    clock.set(T0 + timedelta(minutes=20) - timedelta(seconds=1))
    got = orders.get_order(site, o.id)
    assert (got.alert, got.time_left) == ("75%", timedelta(seconds=1))
    clock.set(T0 + timedelta(minutes=20))
    got = orders.get_order(site, o.id)
    assert (got.alert, got.time_left) == ("overdue", timedelta(0))


def test_done_clock_breaches_exactly_at_the_deadline(site: Context) -> None:
    o = new(site)
    orders.dispatch(site, o.number, clerk="ann")
    clock_of(site).advance(minutes=10)
    orders.arrive(site, o.number, clerk="ann")
    clock_of(site).set(T0 + timedelta(hours=4) - timedelta(seconds=1))
    got = orders.get_order(site, o.id)
    assert (got.clock, got.alert, got.time_left) == ("done", "75%", timedelta(seconds=1))
    clock_of(site).set(T0 + timedelta(hours=4))
    assert orders.get_order(site, o.id).alert == "overdue"
    done = orders.finish(site, o.number, clerk="ann")
    assert [e.detail for e in orders.order_events(site, o.number)][-1] == "late by 0 min"
    assert done.callback_due == T0 + timedelta(hours=52)


def test_same_day_clock_breaches_at_235959_local(site: Context) -> None:
    o = new(site, priority="normal")
    end = datetime(2026, 11, 24, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
    assert o.done_due == end
    orders.dispatch(site, o.number, clerk="ann")
    orders.arrive(site, o.number, clerk="ann")
    clock_of(site).set(end - timedelta(seconds=1))
    assert orders.get_order(site, o.id).alert == "75%"
    clock_of(site).set(end)
    assert orders.get_order(site, o.id).alert == "overdue"


def test_callback_clock_breaches_exactly_48_hours_after_done(site: Context) -> None:
    o = to_done(site, new(site).number)
    assert (o.clock, o.time_left) == ("callback", timedelta(hours=48))
    clock_of(site).set(T0 + timedelta(hours=48) - timedelta(seconds=1))
    assert orders.get_order(site, o.id).alert == "75%"
    clock_of(site).set(T0 + timedelta(hours=48))
    assert orders.get_order(site, o.id).alert == "overdue"


def test_pause_stops_the_clock_and_resume_moves_the_deadline_on(site: Context) -> None:
    o = new(site)
    clock = clock_of(site)
    clock.advance(minutes=12)
    p = orders.pause(site, o.number, clerk="ann", reason="waiting for the resident")
    assert (p.paused, p.pause_reason, p.time_left, p.alert) == (
        True, "waiting for the resident", timedelta(minutes=8), "50%",
    )  # fmt: skip
    clock.advance(hours=2)
    still = orders.get_order(site, o.id)
    assert (still.time_left, still.alert) == (timedelta(minutes=8), "50%")
    r = orders.resume(site, o.number, clerk="bob")
    assert (r.paused, r.pause_reason, r.paused_seconds) == (False, "", 7200)
    assert r.on_site_due == T0 + timedelta(hours=2, minutes=20)
    assert r.done_due == T0 + timedelta(hours=6)
    clock.set(T0 + timedelta(hours=2, minutes=20) - timedelta(seconds=1))
    assert orders.get_order(site, o.id).alert == "75%"
    clock.set(T0 + timedelta(hours=2, minutes=20))
    assert orders.get_order(site, o.id).alert == "overdue"
    events = orders.order_events(site, o.number)
    assert [e.kind for e in events] == ["logged", "paused", "resumed"]
    assert events[1].detail == "waiting for the resident"
    assert [h.action for h in history_of_order(site, o.id)] == ["create", "pause", "resume"]


def test_pause_and_resume_refuse_what_does_not_fit(site: Context) -> None:
    o = new(site)
    with pytest.raises(Conflict, match="is not paused"):
        orders.resume(site, o.number, clerk="ann")
    with pytest.raises(InvalidInput, match="reason for the pause is required"):
        orders.pause(site, o.number, clerk="ann", reason=" ")
    orders.pause(site, o.number, clerk="ann", reason="parts")
    with pytest.raises(Conflict, match="paused already since 10:00 \\(parts\\)"):
        orders.pause(site, o.number, clerk="ann", reason="parts")
    orders.resume(site, o.number, clerk="ann")
    done = to_done(site, o.number)
    with pytest.raises(Conflict, match="callback clock cannot be paused"):
        orders.pause(site, done.number, clerk="ann", reason="resident away")


def test_a_pause_after_arrival_does_not_excuse_a_late_arrival(site: Context) -> None:
    o = new(site)
    orders.dispatch(site, o.number, clerk="ann")
    clock = clock_of(site)
    clock.advance(minutes=25)  # 5 minutes late
    orders.arrive(site, o.number, clerk="ann")
    orders.pause(site, o.number, clerk="ann", reason="waiting for parts")
    clock.advance(hours=1)
    r = orders.resume(site, o.number, clerk="ann")
    row = stored(site, o.id)
    # the rule statistics use: on time if on_site_at < on_site_due + paused_seconds
    assert row.paused_seconds == 3600
    assert row.on_site_due + timedelta(seconds=row.paused_seconds) == T0 + timedelta(minutes=20)
    assert row.on_site_at >= row.on_site_due + timedelta(seconds=row.paused_seconds)
    # ... and the done clock did get the hour
    assert r.done_due == T0 + timedelta(hours=5)
    assert row.done_due + timedelta(seconds=row.paused_seconds) == r.done_due


def test_arriving_while_paused_ends_the_pause(site: Context) -> None:
    o = new(site)
    orders.dispatch(site, o.number, clerk="ann")
    orders.pause(site, o.number, clerk="ann", reason="resident not home")
    clock_of(site).advance(minutes=30)
    a = orders.arrive(site, o.number, clerk="ann")
    assert (a.paused, a.paused_seconds, a.state) == (False, 1800, "on_site")
    assert kinds(site, o.number)[-2:] == ["resumed", "on_site"]
    assert orders.order_events(site, o.number)[-1].detail == "on time"


# --- states -------------------------------------------------------------------------------


def test_the_whole_loop_with_callback_closes_the_order(site: Context) -> None:
    o = new(site)
    orders.dispatch(site, o.number, clerk="ann", technician="老李")
    clock_of(site).advance(minutes=15)
    orders.arrive(site, o.number, clerk="ann")
    clock_of(site).advance(hours=1)
    orders.finish(site, o.number, clerk="ann")
    assert [x.number for x in orders.callbacks_waiting(site)] == [o.number]
    clock_of(site).advance(hours=20)
    c = orders.record_callback(site, o.number, clerk="bob", reached=True, satisfied=True)
    assert (c.state, c.verdict, c.closed_at) == (
        "closed",
        "satisfied",
        T0 + timedelta(hours=21, minutes=15),
    )
    assert (c.clock, c.alert, c.time_left) == ("", "", None)
    assert orders.callbacks_waiting(site) == []
    assert kinds(site, o.number) == [
        "logged", "dispatched", "on_site", "done", "callback", "closed",
    ]  # fmt: skip
    states = [(h.old, h.new) for h in history_of_order(site, o.id) if h.action == "state"]
    assert states == [
        ("logged", "dispatched"), ("dispatched", "on_site"), ("on_site", "done"), ("done", "closed"),
    ]  # fmt: skip


def test_impossible_transitions_are_refused_in_plain_words(site: Context) -> None:
    o = new(site)
    with pytest.raises(Conflict, match="not been dispatched yet"):
        orders.arrive(site, o.number, clerk="ann")
    with pytest.raises(Conflict, match="not been dispatched yet"):
        orders.finish(site, o.number, clerk="ann")
    orders.dispatch(site, o.number, clerk="ann")
    with pytest.raises(Conflict, match="no arrival on record"):
        orders.finish(site, o.number, clerk="ann")
    with pytest.raises(Conflict, match="not done yet"):
        orders.close(site, o.number, clerk="sue", reason="resident moved out")
    done = to_done(site, new(site, unit="0801").number)
    msg = f"{done.number} is done already; record the callback or reopen it"
    for step in (orders.finish, orders.arrive):
        with pytest.raises(Conflict, match=msg):
            step(site, done.number, clerk="ann")
    with pytest.raises(Conflict, match=msg):
        orders.dispatch(site, done.number, clerk="ann", team="Electrical")
    with pytest.raises(Conflict, match="done already; record the callback or close it"):
        orders.cancel(site, done.number, clerk="ann", reason="no longer needed")


def test_cancel_needs_a_reason_and_ends_everything(site: Context) -> None:
    o = new(site)
    with pytest.raises(InvalidInput, match="reason is required"):
        orders.cancel(site, o.number, clerk="ann", reason="")
    c = orders.cancel(site, o.number, clerk="ann", reason="resident fixed it")
    assert (c.state, c.cancel_reason, c.cancelled_at, c.alert) == (
        "cancelled", "resident fixed it", T0, "",
    )  # fmt: skip
    with pytest.raises(Conflict, match="was cancelled \\(resident fixed it\\)"):
        orders.dispatch(site, o.number, clerk="ann")
    with pytest.raises(Conflict, match="was cancelled"):
        orders.cancel(site, o.number, clerk="ann", reason="again")


def test_a_callback_on_a_cancelled_order_is_refused(site: Context) -> None:
    o = new(site)
    orders.cancel(site, o.number, clerk="ann", reason="duplicate of WO-20261124-002")
    with pytest.raises(Conflict) as err:
        orders.record_callback(site, o.number, clerk="ann", reached=True, satisfied=True)
    assert str(err.value) == (
        "WO-20261124-001 was cancelled (duplicate of WO-20261124-002); "
        "there is no finished job to call back about."
    )
    assert kinds(site, o.number) == ["logged", "cancelled"]


def test_a_callback_before_the_job_is_done_is_refused(site: Context) -> None:
    o = new(site)
    orders.dispatch(site, o.number, clerk="ann")
    with pytest.raises(Conflict, match="not done yet \\(it is dispatched\\)"):
        orders.record_callback(site, o.number, clerk="ann", reached=False)


def test_back_filled_times_are_checked(site: Context) -> None:
    o = new(site, logged_at=T0 - timedelta(hours=8))
    orders.dispatch(site, o.number, clerk="ann", at=T0 - timedelta(hours=7, minutes=55))
    with pytest.raises(InvalidInput, match="in the future"):
        orders.arrive(site, o.number, clerk="ann", at=T0 + timedelta(minutes=5))
    with pytest.raises(InvalidInput, match="before the last step"):
        orders.arrive(site, o.number, clerk="ann", at=T0 - timedelta(hours=9))
    # a clerk types local times
    a = orders.arrive(site, o.number, clerk="ann", at="2026-11-24 02:10")
    assert a.on_site_at == T0 - timedelta(hours=7, minutes=50)
    events = orders.order_events(site, o.number)
    assert (events[-1].at, events[-1].recorded_at, events[-1].detail) == (
        a.on_site_at, T0, "on time",
    )  # fmt: skip
    d = orders.finish(site, o.number, clerk="ann", at="02:40")  # HH:MM is today, local
    assert d.done_at == T0 - timedelta(hours=7, minutes=20)
    assert d.callback_due == d.done_at + timedelta(hours=48)


def test_voided_orders_cannot_change(site: Context) -> None:
    o = new(site)
    with session_scope(site.engine, write=True) as s:
        s.execute(sa.update(WO).where(WO.c.id == o.id).values(voided_at=T0, void_reason="typo"))
    with pytest.raises(Conflict, match="voided \\(typo\\)"):
        orders.dispatch(site, o.number, clerk="ann")
    assert orders.list_orders(site).items == []
    assert [x.id for x in orders.list_orders(site, include_void=True).items] == [o.id]


# --- dispatch --------------------------------------------------------------------------------


def test_team_is_suggested_from_category_and_area(site: Context) -> None:
    assert orders.suggest_team(site, "3-1203", "plumbing").name == "Plumbing North"  # type: ignore[union-attr]
    assert orders.suggest_team(site, "0801", "plumbing").name == "Plumbing"  # type: ignore[union-attr]
    assert orders.suggest_team(site, "0801", "painting").name == "Handymen"  # type: ignore[union-attr]
    d = orders.dispatch(site, new(site).number, clerk="ann")
    assert d.team_name == "Plumbing North"


def test_no_team_for_the_work_is_a_clear_error(ctx: Context) -> None:
    directory.add_unit(ctx, "0801", clerk="ann")
    directory.add_team(ctx, "Lifts", categories="lift", clerk="ann")
    o = new(ctx, unit="0801", category="plumbing")
    assert orders.suggest_team(ctx, "0801", "plumbing") is None
    with pytest.raises(InvalidInput, match="No team covers plumbing work in unit 0801"):
        orders.dispatch(ctx, o.number, clerk="ann")


def test_redispatch_to_another_team_needs_a_reason_and_is_kept(site: Context) -> None:
    o = new(site)
    orders.dispatch(site, o.number, clerk="ann", team="Plumbing North")
    clock_of(site).advance(minutes=5)
    orders.arrive(site, o.number, clerk="ann")
    with pytest.raises(InvalidInput, match=r"Say why .* moves from Plumbing North to Electrical"):
        orders.dispatch(site, o.number, clerk="ann", team="Electrical")
    r = orders.dispatch(
        site,
        o.number,
        clerk="ann",
        team="electrical",
        technician="王师傅",
        reason="it is the socket",
    )
    assert (r.state, r.team_name, r.technician) == ("dispatched", "Electrical", "王师傅")
    assert r.on_site_at == T0 + timedelta(minutes=5)  # the first arrival stays
    last = orders.order_events(site, o.number)[-1]
    assert last.kind == "redispatched"
    assert last.detail == "from Plumbing North to Electrical, 王师傅: it is the socket"
    teams = [
        (h.old, h.new, h.reason) for h in history_of_order(site, o.id) if h.field_name == "team"
    ]
    assert teams == [("Plumbing North", "Electrical", "it is the socket")]
    with pytest.raises(Conflict, match="dispatched to Electrical, 王师傅 already"):
        orders.dispatch(site, o.number, clerk="ann", technician="王师傅")
    t = orders.dispatch(site, o.number, clerk="ann", technician="小张")
    assert t.technician == "小张"
    assert kinds(site, o.number)[-1] == "technician"


# --- callback and reopening ----------------------------------------------------------------


def test_not_reached_counts_the_attempt_and_stays_waiting(site: Context) -> None:
    o = to_done(site, new(site).number)
    clock_of(site).advance(hours=3)
    c = orders.record_callback(site, o.number, clerk="bob", reached=False, comment="no answer")
    assert (c.state, c.callback_attempts, c.verdict) == ("done", 1, "")
    c = orders.record_callback(site, o.number, clerk="bob", reached=False)
    assert c.callback_attempts == 2
    assert [x.number for x in orders.callbacks_waiting(site)] == [o.number]
    assert [e.detail for e in orders.order_events(site, o.number)][-2:] == [
        "not reached (attempt 1): no answer",
        "not reached (attempt 2)",
    ]
    with pytest.raises(InvalidInput, match="satisfied"):
        orders.record_callback(site, o.number, clerk="bob", reached=True)


def test_not_satisfied_reopens_and_restarts_the_done_clock(site: Context) -> None:
    o = new(site, priority="high")  # done within 4 h
    orders.dispatch(site, o.number, clerk="ann")
    clock = clock_of(site)
    clock.advance(minutes=30)
    orders.arrive(site, o.number, clerk="ann")
    clock.advance(hours=1)
    orders.finish(site, o.number, clerk="ann")
    clock.advance(hours=20)
    reopened_at = clock.now()
    r = orders.record_callback(
        site, o.number, clerk="bob", reached=True, satisfied=False, comment="still drips"
    )
    assert (r.state, r.team_name, r.reopened_count, r.verdict) == (
        "dispatched", "Plumbing North", 1, "unsatisfied",
    )  # fmt: skip
    assert (r.done_at, r.callback_due) == (None, None)
    assert r.on_site_at == T0 + timedelta(minutes=30)  # history kept, on-site clock settled
    # the done clock restarts from the reopening, 4 h long
    assert r.done_due == reopened_at + timedelta(hours=4)
    assert (r.clock, r.time_left, r.alert) == ("done", timedelta(hours=4), "")
    clock.advance(hours=2)
    assert orders.get_order(site, o.id).alert == "50%"
    clock.set(reopened_at + timedelta(hours=4) - timedelta(seconds=1))
    assert orders.get_order(site, o.id).alert == "75%"
    clock.set(reopened_at + timedelta(hours=4))
    assert orders.get_order(site, o.id).alert == "overdue"
    assert kinds(site, o.number) == [
        "logged", "dispatched", "on_site", "done", "callback", "reopened",
    ]  # fmt: skip
    # finishing before the team is back says so (not "no arrival on record")
    with pytest.raises(Conflict, match="reopened and the team is not back on site"):
        orders.finish(site, o.number, clerk="ann")
    # back to the team: on site again, done, called back satisfied
    orders.arrive(site, o.number, clerk="ann")
    orders.finish(site, o.number, clerk="ann")
    c = orders.record_callback(site, o.number, clerk="bob", reached=True, satisfied=True)
    assert (c.state, c.verdict, c.callback_attempts, c.reopened_count) == (
        "closed",
        "satisfied",
        2,
        1,
    )
    assert kinds(site, o.number)[-4:] == ["on_site", "done", "callback", "closed"]


def test_reopening_keeps_the_on_site_rule_true_after_pauses(site: Context) -> None:
    o = new(site)
    orders.dispatch(site, o.number, clerk="ann")
    orders.pause(site, o.number, clerk="ann", reason="resident out")
    clock = clock_of(site)
    clock.advance(minutes=40)
    orders.arrive(site, o.number, clerk="ann")  # 40 min after logging, 40 min paused: on time
    clock.advance(minutes=10)
    orders.finish(site, o.number, clerk="ann")
    orders.record_callback(site, o.number, clerk="bob", reached=True, satisfied=False)
    row = stored(site, o.id)
    assert row.paused_seconds == 0
    assert row.on_site_due + timedelta(seconds=row.paused_seconds) == T0 + timedelta(minutes=60)
    assert row.on_site_at < row.on_site_due + timedelta(seconds=row.paused_seconds)


def test_supervisor_close_and_reopen_need_a_reason(site: Context) -> None:
    o = to_done(site, new(site).number)
    with pytest.raises(InvalidInput, match="reason is required"):
        orders.close(site, o.number, clerk="sue", reason="")
    c = orders.close(site, o.number, clerk="sue", reason="resident unreachable after 3 tries")
    assert c.state == "closed"
    assert orders.order_events(site, o.number)[-1].detail == (
        "closed without callback: resident unreachable after 3 tries"
    )
    with pytest.raises(Conflict, match="closed already"):
        orders.record_callback(site, o.number, clerk="ann", reached=False)
    r = orders.reopen(site, o.number, clerk="sue", reason="leaking again")
    assert (r.state, r.reopened_count, r.closed_at) == ("dispatched", 1, None)


def test_only_a_supervisor_closes_or_reopens(site: Context) -> None:
    directory.add_staff(site, "李娜", role="clerk", clerk="ann")
    o = to_done(site, new(site).number)
    with pytest.raises(NotAllowed) as err:
        orders.close(site, o.number, clerk="李娜", reason="resident away")
    assert err.value.message == (
        "Only a supervisor can close an order without a callback; 李娜 is a clerk. "
        "Ask a supervisor."
    )
    with pytest.raises(NotFound) as missing:
        orders.close(site, o.number, clerk="Zhou Min", reason="resident away")
    assert "no staff member called Zhou Min" in missing.value.message
    assert 'deskclerk staff add "Zhou Min" --role supervisor' in missing.value.message
    assert orders.get_order(site, o.number).state == "done"  # nothing changed
    orders.close(site, o.number, clerk="SUE", reason="resident away")  # name case does not matter
    with pytest.raises(NotAllowed, match="Only a supervisor can reopen an order; 李娜 is a clerk"):
        orders.reopen(site, o.number, clerk="李娜", reason="leaking again")
    assert orders.get_order(site, o.number).state == "closed"
    assert [e.kind for e in orders.order_events(site, o.number)][-1] == "closed"
    directory.add_staff(site, "Élise Moreau", role="supervisor", clerk="ann")
    r = orders.reopen(site, o.number, clerk="élise moreau", reason="leaking again")
    assert r.state == "dispatched"  # the name's case does not matter beyond ASCII either
    other = to_done(site, new(site, unit="0801").number)
    assert orders.close(site, other.number, clerk="Élise Moreau", reason="gone").state == "closed"


def test_a_not_satisfied_callback_reopens_for_any_clerk(site: Context) -> None:
    o = to_done(site, new(site).number)  # "bob" is on no staff list
    r = orders.record_callback(site, o.number, clerk="bob", reached=True, satisfied=False)
    assert (r.state, r.reopened_count) == ("dispatched", 1)


# --- paid service --------------------------------------------------------------------------------


def test_charge_from_the_price_list_or_as_given(site: Context) -> None:
    site.settings = dataclasses.replace(site.settings, prices={"lock": 80.0})
    lock = new(site, category="lock", unit="0801")
    orders.dispatch(site, lock.number, clerk="ann", team="Handymen")
    orders.arrive(site, lock.number, clerk="ann")
    assert orders.finish(site, lock.number, clerk="ann").charge == 80.0
    tap = new(site)
    orders.dispatch(site, tap.number, clerk="ann")
    orders.arrive(site, tap.number, clerk="ann")
    with pytest.raises(InvalidInput, match="charge"):
        orders.finish(site, tap.number, clerk="ann", charge=-5)
    d = orders.finish(site, tap.number, clerk="ann", charge=35.5)
    assert d.charge == 35.5
    assert orders.order_events(site, tap.number)[-1].detail == "on time; charge 35.50"


# --- calls, duplicates --------------------------------------------------------------------------------


def test_order_from_call_copies_and_links(site: Context) -> None:
    clock_of(site).advance(minutes=-30)
    call = calls.log_call(
        site, caller="李娜", phone="13700003333", unit="3-1203", category="repair",
        matter="bathroom ceiling dripping", clerk="ann",
    )  # fmt: skip
    clock_of(site).set(T0)
    o = orders.order_from_call(site, call.id, clerk="bob", priority="high", category="plumbing")
    assert (o.unit_code, o.description, o.call_id) == (
        "3-1203",
        "bathroom ceiling dripping",
        call.id,
    )
    assert (o.resident_name, o.resident_phone) == ("李娜", "13700003333")
    # the clocks run from the call
    assert o.logged_at == T0 - timedelta(minutes=30)
    assert o.on_site_due == T0 + timedelta(minutes=30)
    c = calls.get_call(site, call.id)
    assert (c.order_id, c.order_number, c.state, c.passed_to) == (
        o.id, o.number, "passed_on", "Plumbing North",
    )  # fmt: skip
    with session_scope(site.engine) as s:
        changed = {(h.field_name, h.new, h.reason) for h in history_of(s, "call", call.id)}
    assert changed >= {
        ("order_id", str(o.id), f"work order {o.number}"),
        ("state", "passed_on", f"work order {o.number}"),
        ("passed_to", "Plumbing North", f"work order {o.number}"),
    }
    with pytest.raises(Conflict, match=f"belongs to work order {o.number} already"):
        orders.order_from_call(site, call.id, clerk="bob")


def test_order_from_a_call_without_unit_is_refused(site: Context) -> None:
    call = calls.log_call(site, caller="x", matter="lift stuck", clerk="ann", category="repair")
    with pytest.raises(InvalidInput, match=f"Call {call.id} has no unit"):
        orders.order_from_call(site, call.id, clerk="ann")
    with pytest.raises(NotFound, match="no call 999"):
        orders.order_from_call(site, 999, clerk="ann")


def test_duplicate_is_found_within_the_window_only(site: Context) -> None:
    o = new(site)
    assert orders.find_duplicate(site, "3-1203", "plumbing").id == o.id  # type: ignore[union-attr]
    assert orders.find_duplicate(site, "3-1203", "electrical") is None
    assert orders.find_duplicate(site, "0801", "plumbing") is None
    clock_of(site).advance(hours=4)
    assert orders.find_duplicate(site, "3-1203", "plumbing").id == o.id  # type: ignore[union-attr]
    clock_of(site).advance(seconds=1)
    assert orders.find_duplicate(site, "3-1203", "plumbing") is None
    # a cancelled order is no duplicate
    clock_of(site).set(T0)
    orders.cancel(site, o.number, clerk="ann", reason="mistake")
    assert orders.find_duplicate(site, "3-1203", "plumbing") is None


def test_attach_call_joins_the_existing_order(site: Context) -> None:
    o = new(site, team="Plumbing North")
    call = calls.log_call(
        site,
        caller="王芳",
        unit="3-1203",
        matter="tap still leaking!",
        clerk="bob",
        category="repair",
    )
    a = orders.attach_call(site, o.number, call.id, clerk="bob")
    assert a.call_id == call.id
    c = calls.get_call(site, call.id)
    assert (c.order_number, c.state, c.passed_to) == (o.number, "passed_on", "Plumbing North")
    assert (
        orders.order_events(site, o.number)[-1].detail
        == f"call {call.id}: 王芳: tap still leaking!"
    )
    with pytest.raises(Conflict, match="belongs to work order"):
        orders.attach_call(site, o.number, call.id, clerk="bob")


# --- lists -----------------------------------------------------------------------------------------


def test_list_pages_by_key_and_filters(site: Context) -> None:
    made = []
    for i in range(5):
        made.append(
            new(site, unit="0801" if i % 2 else "3-1203", logged_at=T0 - timedelta(minutes=5 - i))
        )
    orders.cancel(site, made[0].number, clerk="ann", reason="test")
    page = orders.list_orders(site, limit=2)
    assert [o.id for o in page.items] == [made[4].id, made[3].id]
    page2 = orders.list_orders(site, limit=2, before=page.next)
    assert [o.id for o in page2.items] == [made[2].id, made[1].id]
    page3 = orders.list_orders(site, limit=2, before=page2.next)
    assert ([o.id for o in page3.items], page3.next) == ([made[0].id], None)
    assert len(orders.list_orders(site, unit="0801").items) == 2
    assert [o.id for o in orders.list_orders(site, state="cancelled").items] == [made[0].id]
    assert len(orders.list_orders(site, open_only=True).items) == 4
    orders.dispatch(site, made[1].number, clerk="ann", team="Plumbing")
    assert [o.id for o in orders.list_orders(site, team="plumbing").items] == [made[1].id]
    with pytest.raises(InvalidInput, match="state"):
        orders.list_orders(site, state="lost")


def test_urgent_first_sorts_by_time_left_on_the_running_clock(site: Context) -> None:
    clock = clock_of(site)
    low = new(site, priority="low", unit="0801")  # on site within 24 h
    urgent = new(site)  # 20 min
    overdue = new(site, priority="urgent", logged_at=T0 - timedelta(hours=1))  # 40 min late
    paused = new(site, priority="urgent", logged_at=T0 - timedelta(minutes=15))  # 5 min left ...
    clock.advance(minutes=1)
    orders.pause(
        site, paused.number, clerk="ann", reason="resident away"
    )  # ... frozen at 4 min (80% used)
    done = to_done(site, new(site, priority="high", unit="0801").number)  # callback in 48 h
    closed = to_done(site, new(site, priority="high", unit="0801").number)
    orders.record_callback(site, closed.number, clerk="ann", reached=True, satisfied=True)
    clock.advance(hours=3)  # the pause holds; everyone else's clocks run
    got = orders.urgent_first(site)
    assert [o.number for o in got] == [
        overdue.number, urgent.number, paused.number, low.number, done.number,
    ]  # fmt: skip
    lefts = [o.time_left for o in got]
    assert lefts == sorted(lefts)  # type: ignore[type-var]
    assert [o.alert for o in got] == ["overdue", "overdue", "75%", "", ""]
    assert orders.urgent_first(site, limit=2) == got[:2]


def test_the_desk_sees_open_orders_in_the_caller_context(site: Context) -> None:
    o = new(site)
    ctx_ = directory.caller_context(site, unit="3-1203")
    assert [x.number for x in ctx_.open_orders] == [o.number]


def test_a_listed_order_is_a_whole_order_with_aware_utc_times(site: Context) -> None:
    made = new(site, logged_at=T0 - timedelta(minutes=30))
    orders.dispatch(site, made.number, clerk="ann")
    listed = orders.list_orders(site).items[0]
    # every field is there: replace() rebuilds the order through its constructor
    assert dataclasses.replace(listed) == listed == orders.get_order(site, made.number)
    assert listed.logged_at == T0 - timedelta(minutes=30)
    assert listed.logged_at.tzinfo is UTC and listed.dispatched_at is not None
    assert listed.dispatched_at.tzinfo is UTC
    assert listed.on_site_due == T0 - timedelta(minutes=10)  # urgent: 20 minutes
    assert (listed.alert, listed.time_left) == ("overdue", timedelta(minutes=-10))
