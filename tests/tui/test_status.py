"""The status bar keeps clerk, time and every live count on screen at 80 columns."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult

from deskclerk.tui.messages import Counts
from deskclerk.tui.status import StatusBar, short_handover, short_site


class Bar(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")


def fill(bar: StatusBar) -> None:
    bar.site = "翠湖花园 Green Lake Gardens"
    bar.clerk = "Lucy Wang"
    bar.shift = "Day 白班"
    bar.now = datetime(2026, 11, 24, 9, 5, tzinfo=UTC)
    bar.tz = UTC
    bar.counts = Counts(open_orders=35, overdue_orders=7, on_site=5, callbacks_due=3)
    bar.handover = "⇄ handover 12 pending (0/7)"


def shown(bar: StatusBar) -> str:
    return str(bar.render())


async def test_at_80_columns_the_parts_shorten_and_every_count_stays() -> None:
    app = Bar()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(StatusBar)
        fill(bar)
        bar.show()
        await pilot.pause()
        text = shown(bar)
        # a long shift name is the last thing to give way; the counts never do
        assert text == "翠湖花园 · Lucy Wang · 09:05 │ WO 35 ⚠7 · 5 in · ☎3 │ ⇄ handover (0/7)"
        bar.shift = "A"
        bar.show()
        await pilot.pause()
        assert shown(bar).startswith("翠湖花园 · Lucy Wang (A) · 09:05 │ WO 35 ⚠7 · 5 in · ☎3 │")


async def test_a_wide_bar_says_it_all_in_full() -> None:
    app = Bar()
    async with app.run_test(size=(160, 24)) as pilot:
        bar = app.query_one(StatusBar)
        fill(bar)
        bar.show()
        await pilot.pause()
        assert shown(bar) == (
            "翠湖花园 Green Lake Gardens · Lucy Wang (Day 白班) · Tue 09:05 │ WO 35 open ⚠7 late"
            " · 5 in · ☎3 due │ ⇄ handover 12 pending (0/7)"
        )


async def test_a_message_stands_in_for_the_counts_then_goes() -> None:
    app = Bar()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(StatusBar)
        fill(bar)
        bar.say("Call 1204 logged.", seconds=0.05)
        await pilot.pause()
        assert "✓ Call 1204 logged." in shown(bar) and "WO 35" not in shown(bar)
        await pilot.pause(0.2)
        assert bar.message == "" and "WO 35" in shown(bar)


def test_short_forms() -> None:
    assert short_site("翠湖花园 Green Lake Gardens") == "翠湖花园"
    assert short_site("Green Lake Gardens 翠湖花园") == "Green Lake Gardens"
    assert short_site("A very long English estate name") == "A very long Eng…"
    assert short_site("[bold]x") == "[bold]x"
    assert short_handover("⇄ handover 3 pending (2/7)") == "⇄ handover (2/7)"
    assert short_handover("✓ handover 3 acknowledged") == "✓ handover"


async def test_a_long_message_shows_its_start_on_a_narrow_bar() -> None:
    app = Bar()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(StatusBar)
        fill(bar)
        bar.say("Call 1204 logged and work order WO-20261124-007 dispatched to Plumbing North.")
        await pilot.pause()
        assert shown(bar).startswith(
            "翠湖花园 · Lucy Wang · 09:05 │ ⇄ handover (0/7) │ ✓ Call 1204 logged"
        )
