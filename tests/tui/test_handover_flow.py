"""Pilot tests of the shift handover in the desk: A ends the shift and signs, B takes over."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from deskclerk.tui.app import DeskApp

from .conftest import settle
from .dataset import CLERK

NEXT = "Bob Li"


def status(app: DeskApp) -> str:
    return str(app.status.render())


async def sign_as_a(pilot: Any, remark: str = "spare keys in drawer 2") -> Any:
    """On the Handover pane: e, the sheet builds, a remark, Ctrl+S."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("f10")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    form = app.screen
    assert form.query_one("#sheet").row_count >= 5  # calls, order, visitors, note
    await pilot.press(*remark)
    await pilot.press("ctrl+s")
    await settle(pilot)
    if type(app.screen).__name__ == "ClerkForm":  # signed: the desk asks who takes over
        await pilot.press("escape")  # A stays at the desk for now
        await settle(pilot)
    return form


async def switch_to_b(pilot: Any) -> None:
    await pilot.press("ctrl+o")
    await settle(pilot)
    await pilot.press(*NEXT, "enter")
    await settle(pilot)
    assert pilot.app.clerk == NEXT


async def test_a_signs_b_acknowledges_and_the_status_bar_follows(desk_ctx: Any) -> None:
    from deskclerk.services.handover import last_sheet, pending

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await sign_as_a(pilot)
        assert app.screen is not form
        [waiting] = pending(desk_ctx)
        assert waiting.outgoing == CLERK
        # beside a long message the mark is short, but says the handover waits, and how far
        assert f"⇄ handover (0/{waiting.items})" in status(app)
        app.status.clear_message()
        assert f"handover {waiting.id} pending (0/{waiting.items})" in status(app)
        sheet = last_sheet(desk_ctx)
        assert sheet is not None and [i.text for i in sheet.section("remarks")] == [
            "spare keys in drawer 2"
        ]

        await switch_to_b(pilot)
        received = str(app.pane("handover").query_one("#received").render())
        assert f"Received: handover {waiting.id} from {CLERK}" in received
        assert "PENDING" in received and "□" in received  # unacknowledged, without colour
        # the outgoing clerk's remark is the sheet's last item, but the first one shown
        first_item = received.splitlines()[2]
        assert "spare keys in drawer 2" in first_item, received

        await pilot.press("k")
        await settle(pilot)
        await pilot.press("ctrl+s")  # nothing marked: every item
        await settle(pilot)
        assert pending(desk_ctx) == []
        sheet = last_sheet(desk_ctx)
        assert sheet is not None and sheet.state == "acknowledged" and sheet.incoming == NEXT
        assert "✓ handover" in status(app)  # beside the message, shortened to fit 100 columns
        app.status.clear_message()  # the message goes after a few seconds: the mark in full
        assert f"handover {waiting.id} acknowledged" in status(app)
        assert "pending" not in status(app)
        received = str(app.pane("handover").query_one("#received").render())
        assert f"acknowledged by {NEXT}" in received and "□" not in received


async def test_item_by_item_with_a_query(desk_ctx: Any) -> None:
    from deskclerk.services.handover import last_sheet

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_as_a(pilot)
        await switch_to_b(pilot)
        await pilot.press("k")
        await settle(pilot)
        form: Any = app.screen
        form.query_one("#sheet").focus()
        await pilot.press("down", "space")  # mark item 2 only
        await pilot.press("ctrl+s")
        await settle(pilot)
        sheet = last_sheet(desk_ctx)
        assert sheet is not None and sheet.state == "pending"
        taken = [i.no for i in sheet.items if i.acknowledged_at is not None]
        assert taken == [2]
        assert f"(1/{len(sheet.items)})" in status(app)

        await pilot.press("k")
        await settle(pilot)
        await pilot.press(*"who has the lift key?", "enter")  # a query on item 1
        form = app.screen
        assert "who has the lift key?" in str(form.query_one("#sheet").get_row_at(0)[4])
        await pilot.press("ctrl+s")
        await settle(pilot)
        sheet = last_sheet(desk_ctx)
        assert sheet is not None and sheet.state == "acknowledged"
        assert sheet.items[0].query == "who has the lift key?"


async def test_a_wrong_pin_is_refused_on_the_form_and_keeps_the_remark(
    desk_ctx: Any, settings: Any
) -> None:
    from deskclerk.services.context import Context
    from deskclerk.services.directory import add_staff
    from deskclerk.services.handover import pending

    add_staff(desk_ctx, CLERK, pin="4321", clerk=CLERK)
    ctx = Context(
        engine=desk_ctx.engine, clock=desk_ctx.clock, settings=replace(settings, pins=True)
    )
    app = DeskApp(context=ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f10", "e")
        await settle(pilot)
        form: Any = app.screen
        assert form.field("pin").password  # not shown as typed
        await pilot.press(*"lift 2 noisy", "tab", "tab", *"1111", "enter")
        await settle(pilot)
        assert app.screen == form  # still open (== keeps mypy from narrowing form)
        assert "PIN" in str(form.query_one("#form-error").render())
        assert form.field("remark").value == "lift 2 noisy"
        assert pending(ctx) == []
        form.field("pin").value = "4321"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [h.outgoing for h in pending(ctx)] == [CLERK]


async def test_b_cannot_take_over_their_own_sheet(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_as_a(pilot)
        await pilot.press("k")  # still A at the desk: nothing received
        await settle(pilot)
        assert not hasattr(app.screen, "field")
        said = [n.message for n in app._notifications]
        assert any("No handover is waiting for you" in m for m in said)


async def test_print_the_sheet(
    desk_ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKCLERK_PRINT_DIR", str(tmp_path / "prints"))
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_as_a(pilot)
        await pilot.press("p")
        await settle(pilot, timeout=30)
        files = sorted((tmp_path / "prints").iterdir())
        assert [f.suffix for f in files] == [".pdf", ".txt"]
        assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
        assert "spare keys in drawer 2" in files[1].read_text(encoding="utf-8")
        said = [n.message for n in app._notifications]
        assert any(str(files[0]) in m for m in said)
