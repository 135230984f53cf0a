"""Pilot tests of the supervisor's close (k) and reopen (r) from the Dispatch pane."""

from __future__ import annotations

from typing import Any

import pytest

from deskclerk.errors import DeskError
from deskclerk.tui.app import DeskApp
from deskclerk.tui.modals.order_actions import CloseForm, ReopenForm

from .conftest import settle
from .dataset import CLERK
from .test_dispatch_flow import open_dispatch, order_row, the_order

BOSS = "Zhou Min 周敏"


def done_order(ctx: Any) -> int:
    """The dataset's order, done and waiting for its callback; a supervisor on the staff."""
    from deskclerk.services.directory import add_staff
    from deskclerk.services.orders import arrive, dispatch, finish

    add_staff(ctx, BOSS, role="supervisor", clerk=CLERK)
    ref = the_order(ctx).id
    dispatch(ctx, ref, clerk=CLERK, team="Plumbing")
    arrive(ctx, ref, clerk=CLERK)
    finish(ctx, ref, clerk=CLERK)
    return int(ref)


def error_text(form: Any) -> str:
    return str(form.query_one("#form-error").render())


async def test_close_asks_reason_and_supervisor_then_reopen(desk_ctx: Any) -> None:
    from deskclerk.services.orders import order_events

    ref = done_order(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("k")
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, CloseForm)
        assert form.field("supervisor").value == CLERK  # the clerk on duty to start with
        assert form.field("reason").has_focus, form.focused
        assert BOSS in str(form.query_one("#supervisors").render())
        await pilot.press("enter")  # no reason: refused, on the form
        await settle(pilot)
        assert app.screen is form and "reason" in error_text(form).lower()
        await pilot.press("shift+tab", "ctrl+u", *"Zhou", "right", "tab")  # the suggestion
        assert form.field("supervisor").value == BOSS
        await pilot.press(*"tenant moved out", "enter")
        await settle(pilot)
        assert app.screen is not form
        order = the_order(desk_ctx)
        assert order.state == "closed"
        assert order_row(app)[4] == "closed"
        closing = [e for e in order_events(desk_ctx, ref) if e.kind == "closed"][-1]
        assert closing.clerk == BOSS and "tenant moved out" in closing.detail

        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReopenForm)
        form.field("supervisor").value = BOSS
        await pilot.press(*"leak is back", "enter")
        await settle(pilot)
        order = the_order(desk_ctx)
        assert (order.state, order.reopened_count) == ("dispatched", 1)
        assert order_row(app)[4] == "dispatched"
        assert "reopened" in str(app.status.render())


async def test_a_refused_close_shows_the_message_and_keeps_what_was_typed(
    desk_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskclerk.services import orders

    done_order(desk_ctx)

    def refuse(ctx: Any, ref: Any, *, clerk: str, reason: str) -> Any:
        raise DeskError(f"Only a supervisor can close an order; {clerk} is a clerk.")

    monkeypatch.setattr(orders, "close", refuse)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("k", *"no answer for a week", "enter")
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, CloseForm)  # still open
        assert f"{CLERK} is a clerk" in error_text(form)
        assert form.field("reason").value == "no answer for a week"
        assert the_order(desk_ctx).state == "done"
        await pilot.press("escape")  # something typed: asks first
        await settle(pilot)
        assert "Discard" in str(app.screen.query_one(".confirm-question").render())


async def test_reopen_is_offered_only_on_the_dispatch_pane(desk_ctx: Any) -> None:
    done_order(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")  # on the Calls pane: nothing happens
        await settle(pilot)
        assert not isinstance(app.screen, ReopenForm)
        assert "Reopen order" not in {b.description for b, _ in app.command_bindings()}
        await open_dispatch(pilot)
        assert "Reopen order" in {b.description for b, _ in app.command_bindings()}


async def test_the_services_refusal_of_a_clerk_shows_on_the_form(desk_ctx: Any) -> None:
    staff = pytest.importorskip("deskclerk.services.staff")
    if not hasattr(staff, "require_supervisor"):
        pytest.skip("the services do not check the supervisor yet")
    done_order(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dispatch(pilot)
        await pilot.press("k", *"gone abroad", "enter")  # the clerk on duty is no supervisor
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, CloseForm)
        assert CLERK in error_text(form) and "supervisor" in error_text(form)
        assert form.field("reason").value == "gone abroad"
        assert the_order(desk_ctx).state == "done"
