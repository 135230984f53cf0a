"""Pilot tests of the repair loop in the desk: dispatch, on site, done, callback, pause, slip."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from deskclerk.tui.app import DeskApp

from .conftest import settle
from .dataset import CLERK


def order_row(app: DeskApp) -> list[str]:
    """The cells of the first order in the Dispatch pane, as plain text."""
    return [str(c) for c in app.pane("dispatch").table.get_row_at(0)]


async def open_dispatch(pilot: Any) -> None:
    """F9, and wait until the Dispatch pane shows its orders."""
    await settle(pilot)
    await pilot.press("f9")
    await settle(pilot)
    for _ in range(100):
        if pilot.app.pane("dispatch").table.row_count:
            return
        await pilot.pause(0.05)
    raise AssertionError("the Dispatch pane shows no orders")


def the_order(ctx: Any) -> Any:
    from deskclerk.services.orders import list_orders

    return list_orders(ctx, limit=1).items[0]


async def test_dispatch_fills_in_the_suggested_team(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("d")
        await settle(pilot)
        form: Any = app.screen
        assert form.field("team").value == "Plumbing"
        assert "Suggested for plumbing: Plumbing" in str(form.query_one("#suggested").render())
        form.field("technician").value = "老张"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        order = the_order(desk_ctx)
        assert (order.state, order.team_name, order.technician) == (
            "dispatched",
            "Plumbing",
            "老张",
        )
        assert order_row(app)[4] == "dispatched"
        assert order_row(app)[6] == "Plumbing"


async def test_refused_step_stays_on_the_form_with_what_was_typed(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("c")  # a callback on an order not done yet
        await settle(pilot)
        form: Any = app.screen
        form.field("reached").value = "y"
        form.field("satisfied").value = "y"
        form.field("comment").value = "所有都好"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen == form  # still open (== keeps mypy from narrowing form)
        assert form.field("comment").value == "所有都好"
        assert "not done" in str(form.query_one("#form-error").render()).lower()
        assert the_order(desk_ctx).callback_attempts == 0


async def test_the_whole_loop_from_the_pane(desk_ctx: Any, clock: Any) -> None:
    from deskclerk.services.orders import order_events

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        clock.advance(minutes=10)
        await pilot.press("a")
        await settle(pilot)
        assert order_row(app)[4] == "on site"
        clock.advance(minutes=30)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*"80", "enter")
        await settle(pilot)
        order = the_order(desk_ctx)
        assert (order.state, order.charge) == ("done", 80.0)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y", "tab", "n", "tab", *"still drips", "enter")
        await settle(pilot)
        order = the_order(desk_ctx)
        assert order.state == "dispatched"  # not satisfied: back to the team
        assert order.reopened_count == 1
        assert order.callback_comment == "still drips"
        kinds = [e.kind for e in order_events(desk_ctx, order.id)]
        assert kinds[-2:] == ["callback", "reopened"]
        assert order_row(app)[4] == "dispatched"


async def test_pause_resume_cancel(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"waiting for parts", "enter")
        await settle(pilot)
        order = the_order(desk_ctx)
        assert order.paused and order.pause_reason == "waiting for parts"
        assert order_row(app)[4].endswith("‖")  # paused reads without colour
        await pilot.press("p")  # on a paused order: resume at once
        await settle(pilot)
        assert not the_order(desk_ctx).paused
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # no reason: refused on the form
        await settle(pilot)
        form: Any = app.screen
        assert "reason" in str(form.query_one("#form-error").render()).lower()
        await pilot.press(*"resident fixed it", "enter")
        await settle(pilot)
        order = the_order(desk_ctx)
        assert (order.state, order.cancel_reason) == ("cancelled", "resident fixed it")


async def test_order_flips_to_overdue_when_the_clock_passes_its_deadline(
    desk_ctx: Any, clock: Any
) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        row = order_row(app)
        assert row[0] == "·" and row[5] == "0h20"  # high priority, 40 of 60 minutes gone
        clock.advance(minutes=19, seconds=59)
        app._tick()  # the desk's once-a-second tick: a new minute redraws the marks
        await settle(pilot)
        assert order_row(app)[0] != "⚠"
        clock.advance(seconds=1)  # exactly at the deadline
        app.pane("dispatch").reload()
        await settle(pilot)
        row = order_row(app)
        assert row[0] == "⚠" and row[5] == "0h00"
        assert app.pane("dispatch").table.get_row_at(0)[0].style == "bold red"
        clock.advance(minutes=25)
        app._tick()
        await settle(pilot)
        assert order_row(app)[5] == "-0h25"
        assert "⚠1 late" in str(app.status.render())


async def test_by_time_left_puts_the_next_deadline_on_top(desk_ctx: Any) -> None:
    from deskclerk.services.orders import create_order

    create_order(desk_ctx, unit="0801", description="door squeaks", clerk=CLERK, priority="low")
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        assert order_row(app)[7] == "door squeaks"  # newest first
        await pilot.press("t")
        await settle(pilot)
        problems = [str(r[7]) for r in map(app.pane("dispatch").table.get_row_at, range(2))]
        assert problems == ["bathroom drain blocked", "door squeaks"]  # 20 min left before 24 h
        assert "by time left" in str(app.pane("dispatch").query_one(".pane-title").render())


async def test_print_slip_writes_private_files_and_says_where(
    desk_ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKCLERK_PRINT_DIR", str(tmp_path / "prints"))
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("s")
        await settle(pilot, timeout=20)
        number = the_order(desk_ctx).number
        txt = tmp_path / "prints" / f"{number}.txt"
        pdf = tmp_path / "prints" / f"{number}.pdf"
        assert number in txt.read_text(encoding="utf-8")
        assert pdf.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(txt.stat().st_mode) == 0o600
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
        said = [n.message for n in app._notifications]
        assert any(str(txt) in m for m in said)


async def test_reassign_needs_a_reason(desk_ctx: Any) -> None:
    from deskclerk.services.directory import add_team
    from deskclerk.services.orders import dispatch

    add_team(desk_ctx, "Building 3 crew", categories="plumbing", clerk=CLERK)
    dispatch(desk_ctx, the_order(desk_ctx).id, clerk=CLERK, team="Plumbing")
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("d")
        await settle(pilot)
        form: Any = app.screen
        assert form.field("team").value == "Plumbing"  # the current team stays filled in
        form.field("team").value = "Building 3 crew"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen == form
        assert "reason" in str(form.query_one("#form-error").render()).lower()
        assert form.field("team").value == "Building 3 crew"
        form.field("reason").value = "Plumbing all out on a burst main"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert the_order(desk_ctx).team_name == "Building 3 crew"
        assert order_row(app)[6] == "Building 3 crew"


async def test_not_reached_stays_waiting_and_a_supervisor_closes(desk_ctx: Any) -> None:
    from deskclerk.services.directory import add_staff
    from deskclerk.services.orders import arrive, dispatch, finish

    add_staff(desk_ctx, CLERK, role="supervisor", clerk=CLERK)  # only a supervisor closes
    ref = the_order(desk_ctx).id
    dispatch(desk_ctx, ref, clerk=CLERK, team="Plumbing")
    arrive(desk_ctx, ref, clerk=CLERK)
    finish(desk_ctx, ref, clerk=CLERK)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("n", "tab", "tab", *"no answer", "enter")
        await settle(pilot)
        order = the_order(desk_ctx)
        assert (order.state, order.callback_attempts) == ("done", 1)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press(*"resident moved out; confirmed by the landlord", "enter")
        await settle(pilot)
        order = the_order(desk_ctx)
        assert order.state == "closed"
        assert order_row(app)[4] == "closed"
