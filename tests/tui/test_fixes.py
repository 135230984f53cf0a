"""Defects an acceptance tester found in the desk, each checked the way the clerk met it."""

from __future__ import annotations

from typing import Any

from deskclerk.tui.app import DeskApp

from .conftest import settle


async def test_discard_confirm_is_readable_and_enter_keeps_editing(desk_ctx: Any) -> None:
    from textual.widgets import Button

    from deskclerk.tui.modals.simple import ConfirmScreen

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "1", "2")
        form: Any = app.screen
        await pilot.press("escape")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        box = confirm.query_one(".confirm-box")
        assert box.size.width >= 40 and box.size.height >= 5  # not a tiny empty box
        question = confirm.query_one(".confirm-question")
        assert "Discard what you typed?" in str(question.render())
        assert question.size.width >= len("Discard what you typed?")
        labels = [str(b.label) for b in confirm.query(Button)]
        assert any("Keep editing" in label for label in labels)
        assert any("Discard" in label for label in labels)
        assert all(b.size.width > 4 for b in confirm.query(Button))
        await pilot.press("enter")  # the safe answer
        assert app.screen is form and form.field("phone").value == "12"
        await pilot.press("escape", "escape")
        assert app.screen is form
        await pilot.press("escape", "y")
        assert not hasattr(app.screen, "field")


async def test_call_found_by_last_digits_saves_the_whole_phone(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"1234")
        await pilot.pause(0.3)  # the lookup waits for the typing to stop
        await settle(pilot)
        form: Any = app.screen
        assert form.field("caller").value == "王芳"
        assert form.field("phone").value == "13800001234"  # shown before saving
        form.field("matter").value = "water stop times"
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = list_calls(desk_ctx, limit=5).items[0]
        assert (saved.matter, saved.phone) == ("water stop times", "13800001234")


async def test_call_with_a_full_number_keeps_what_was_typed(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"13800001234")
        await pilot.pause(0.3)
        await settle(pilot)
        form: Any = app.screen
        assert form.field("phone").value == "13800001234"
        assert form.field("caller").value == "王芳"


def open_orders(ctx: Any) -> list[Any]:
    from deskclerk.services.orders import list_orders

    return list_orders(ctx, unit="3-1203", open_only=True).items


async def test_new_order_for_an_open_repair_asks_first(desk_ctx: Any) -> None:
    from textual.widgets import Button

    from deskclerk.tui.modals.simple import ChoiceScreen

    before = open_orders(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        form: Any = app.screen
        form.field("unit").value = "3-1203"
        form.field("description").value = "bathroom drain still blocked"
        form.field("category").value = "plumbing"
        await pilot.press("ctrl+s")
        await settle(pilot)
        choice = app.screen
        assert isinstance(choice, ChoiceScreen)
        assert before[0].number in choice.question
        box = choice.query_one(".confirm-box").region
        for button in choice.query(Button):  # every answer readable, none cut off
            assert box.contains_region(button.region)
            assert len(str(button.label)) <= button.size.width
        await pilot.press("escape")  # cancel: nothing written, the form is kept
        await settle(pilot)
        assert app.screen is form and len(open_orders(desk_ctx)) == len(before)
        assert "Not saved" in str(form.query_one("#form-error").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("c")  # create anyway
        await settle(pilot)
        assert not hasattr(app.screen, "field")
        assert len(open_orders(desk_ctx)) == len(before) + 1


async def test_call_to_order_can_attach_to_the_open_order(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls

    existing = open_orders(desk_ctx)[0]
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "w")  # 王芳's leaking tap
        await settle(pilot)
        form: Any = app.screen
        form.field("category").value = "plumbing"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")  # attach
        await settle(pilot)
        assert not hasattr(app.screen, "field")
        call = list_calls(desk_ctx, limit=5).items[1]
        assert call.order_number == existing.number
        assert len(open_orders(desk_ctx)) == 1


def area_teams(ctx: Any) -> None:
    from deskclerk.services.directory import add_team

    add_team(ctx, "Plumbing North 水电一班", categories="plumbing", areas="north", clerk="Amy Chen")
    add_team(ctx, "Plumbing South 水电二班", categories="plumbing", areas="south", clerk="Amy Chen")
    add_team(ctx, "Handyman South", categories="general", areas="south", clerk="Amy Chen")


async def test_quick_line_team_narrowed_by_the_units_area(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls
    from deskclerk.services.orders import get_order

    area_teams(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"0801 repair kitchen tap leaking @plumbing !4h")
        await settle(pilot)
        preview = str(app.query_one("#quick-preview").render())
        assert "✗" not in preview and "Plumbing South 水电二班" in preview
        assert "caller assumed [bold red]x" in preview  # the resident it assumed, as typed
        await pilot.press("enter")
        await settle(pilot)
        call = list_calls(desk_ctx, limit=1).items[0]
        order = get_order(desk_ctx, call.order_number)
        assert (order.team_name, order.state, order.category) == (
            "Plumbing South 水电二班",
            "dispatched",
            "plumbing",
        )


async def test_quick_line_without_team_shows_and_uses_the_suggested_one(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls
    from deskclerk.services.orders import get_order

    area_teams(desk_ctx)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"0801 repair door lock broken")
        await settle(pilot)
        preview = str(app.query_one("#quick-preview").render())
        assert "suggested team Handyman South" in preview and "on site by" in preview
        await pilot.press("enter")
        await settle(pilot)
        call = list_calls(desk_ctx, limit=1).items[0]
        assert get_order(desk_ctx, call.order_number).team_name == "Handyman South"


async def test_quick_line_repair_of_an_open_order_asks_first(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls
    from deskclerk.tui.modals.simple import ChoiceScreen

    area_teams(desk_ctx)
    existing = open_orders(desk_ctx)[0]
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"3-1203 repair kitchen tap leaking @plumbing !4h")
        await settle(pilot)
        box = app.query_one("#quick-preview")
        shown = "".join(s.text for y in range(box.size.height) for s in [box.render_line(y)])
        assert existing.number in shown  # on screen at 80 columns, not cut off
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("a")
        await settle(pilot)
        call = list_calls(desk_ctx, limit=1).items[0]
        assert call.matter == "kitchen tap leaking" and call.order_number == existing.number
        assert len(open_orders(desk_ctx)) == 1


async def test_end_of_shift_items_readable_at_80x24(desk_ctx: Any) -> None:
    from textual.widgets import DataTable

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.pause()
        table = app.screen.query_one("#sheet", DataTable)
        assert table.row_count >= 5
        item = list(table.columns.values())[-1]
        assert str(item.label) == "Item" and item.width >= 40
        assert table.region.right <= 80 and table.size.width >= 60
        lines = [
            "".join(s.text for s in table.render_line(y))
            for y in range(1, min(6, table.size.height))
        ]
        assert any("call" in line and len(line.strip()) > 20 for line in lines), lines


async def test_signing_the_handover_asks_for_the_incoming_clerk(desk_ctx: Any) -> None:
    from deskclerk.tui.modals.forms import ClerkForm

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+s")  # sign as Amy Chen
        await settle(pilot)
        prompt: Any = app.screen
        assert isinstance(prompt, ClerkForm)
        assert "Incoming clerk" in str(prompt.query_one(".form-title").render())
        await pilot.press(*"Bob Li", "enter")
        await settle(pilot)
        assert app.clerk == "Bob Li" and "Bob Li" in str(app.status.render())


async def test_on_duty_message_does_not_cover_the_help(desk_ctx: Any) -> None:
    from deskclerk.tui.modals.simple import HelpScreen

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*"Bob Li", "enter")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Bob Li is on duty." in str(app.status.render())
        box = app.screen.query_one(".help-box").region
        toasts = [t.region for t in app.screen.query("Toast") if t.display]
        assert not any(box.overlaps(t) for t in toasts)


async def test_dispatch_shows_the_order_number_at_80_columns(desk_ctx: Any) -> None:
    from deskclerk.services.orders import list_orders

    number = list_orders(desk_ctx, limit=1).items[0].number
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        table = app.pane("dispatch").table
        first = [str(c) for c in table.get_row_at(0)]
        assert first[1] == "…-" + number.rsplit("-", 1)[1]
        shown = "".join(s.text for s in table.render_line(1))
        assert first[1] in shown and "bathroom" in shown


async def test_a_pane_switch_redraws_no_scrollbar_and_the_bars_still_follow_the_rows(
    desk_ctx: Any,
) -> None:
    """A switch moves a layer, which lays the screen out again; Textual would redraw every
    table's scrollbar then, in a frame of its own.  Rows added still move the bar."""
    from datetime import timedelta

    from deskclerk.services.calls import log_call

    start = desk_ctx.now() - timedelta(days=2)
    for i in range(130):
        log_call(
            desk_ctx,
            caller=f"C{i}",
            matter="old",
            clerk="Ann",
            received_at=start + timedelta(minutes=i),
        )
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.pane("calls").table
        bar = table.vertical_scrollbar
        assert bar.window_virtual_size == table.virtual_size.height > 100
        redrawn: list[str] = []
        for pane in app.panes():
            scrollbar = pane.table.vertical_scrollbar
            scrollbar.refresh = (  # type: ignore[method-assign]
                lambda *a, name=str(pane.id), **k: redrawn.append(name)
            )
        for key in ("f8", "f9", "f10", "f7"):
            await pilot.press(key)
            await pilot.pause()
        assert redrawn == []
        del bar.refresh  # back to the class's own
        await pilot.press(*["pagedown"] * 6)
        await settle(pilot)
        assert table.row_count == 132
        assert bar.window_virtual_size == table.virtual_size.height


async def test_a_pane_switch_draws_the_screen_once(desk_ctx: Any) -> None:
    """The focus moving to the new pane's table no longer repaints the whole screen a
    second time in the same frame (the layer change lays it out and draws it anyway)."""
    from deskclerk.tui.status import StatusBar

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        drawn: list[int] = []
        status = app.status
        draw = StatusBar.render_lines

        def counted(crop: Any) -> Any:
            drawn.append(1)
            return draw(status, crop)

        status.render_lines = counted  # type: ignore[method-assign]
        await pilot.press("f8")
        await pilot.pause()
        assert app.focused is app.pane("visitors").table
        assert len(drawn) == 1


async def test_a_pane_switch_draws_no_table_line_again(desk_ctx: Any) -> None:
    """The focus moving between the stacked tables of a small screen changes nothing
    drawn: Textual's repaint for it is skipped, so every table keeps its drawn lines."""
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        drawn: list[str] = []
        for pane in app.panes():
            table = pane.table
            draw = table.render_line

            def counted(y: int, name: str = str(pane.id), draw: Any = draw) -> Any:
                drawn.append(name)
                return draw(y)

            table.render_line = counted  # type: ignore[method-assign]
        for key in ("f8", "f9", "f10", "f7"):
            await pilot.press(key)
            await pilot.pause()
        assert app.focused is app.pane("calls").table
        assert drawn == []


async def test_the_focus_still_shows_on_the_table_it_leaves(desk_ctx: Any) -> None:
    """Leaving a shown table (for the quick line, or another pane of the 2×2 layout)
    still draws it unfocused, and the table the focus comes to focused."""
    from textual.geometry import Region

    def picture(table: Any) -> list[str]:
        lines = table.render_lines(Region(0, 0, *table.size))
        return [repr(list(line)) for line in lines]

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        calls = app.pane("calls").table
        lit = picture(calls)
        await pilot.press("colon")
        await pilot.pause()
        assert app.focused is app.quick.input
        assert not calls.has_class("-lit") and picture(calls) != lit
        await pilot.press("escape", "f7")
        await pilot.pause()
        assert app.focused is calls and picture(calls) == lit

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls, visitors = app.pane("calls").table, app.pane("visitors").table
        lit, unlit = picture(calls), picture(visitors)
        await pilot.press("f8")
        await pilot.pause()
        assert app.focused is visitors
        assert visitors.has_class("-lit") and not calls.has_class("-lit")
        assert picture(calls) != lit and picture(visitors) != unlit
