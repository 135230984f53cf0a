"""Pilot tests of the desk: each pane's main flow, checked on screen and in the database."""

from __future__ import annotations

from typing import Any

from deskclerk.tui.app import DeskApp

from .conftest import settle
from .dataset import CLERK


def rows(app: DeskApp, pane: str) -> list[list[str]]:
    """The cells of a pane's table as plain text."""
    table = app.pane(pane).table
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_opens_with_newest_first_and_marks(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        calls = rows(app, "calls")
        assert [r[3] for r in calls] == ["[/]", "王芳"]  # newest first, markup shown literally
        assert calls[0][0] == "⚠"  # the overdue callback is marked without colour
        assert app.clerk == CLERK and "Test Gardens" in str(app.status.render())
        visits = rows(app, "visitors")
        assert visits[1][3] == "[bold red]x"


async def test_log_a_call(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"13800001234")
        await pilot.pause(0.3)  # the caller lookup waits for the typing to stop
        await settle(pilot)
        form = app.screen
        assert form.field("unit").value == "3-1203"  # type: ignore[attr-defined]
        assert form.field("caller").value == "王芳"  # type: ignore[attr-defined]
        assert "kitchen tap leaking" in str(form.query_one("#lookup").render())
        form.field("category").value = "inquiry"  # type: ignore[attr-defined]
        form.field("matter").value = "water stop times"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, type(form))
        saved = list_calls(desk_ctx, limit=5).items[0]
        assert (saved.matter, saved.unit_code, saved.taken_by) == (
            "water stop times",
            "3-1203",
            CLERK,
        )
        assert rows(app, "calls")[0][5] == "water stop times"


async def test_refused_save_keeps_the_form(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        form: Any = app.screen
        form.field("unit").value = "9-9999"
        form.field("caller").value = "Zoe"
        form.field("matter").value = "something"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("n")  # the desk offers to add the unit: pick another instead
        await settle(pilot)
        assert app.screen is form
        assert form.field("matter").value == "something"
        assert "9-9999" in str(form.query_one("#form-error").render())


async def test_escape_on_a_half_filled_form_asks(desk_ctx: Any) -> None:
    from deskclerk.tui.modals.simple import ConfirmScreen

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.press(*"Bob")
        form = app.screen
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is form and form.field("visitor").value == "Bob"  # type: ignore[attr-defined]
        await pilot.press("escape", "y")
        assert not hasattr(app.screen, "field")


async def test_call_to_work_order(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")  # the older call: 王芳's leaking tap
        await pilot.press("w")
        await settle(pilot)
        form: Any = app.screen
        assert form.field("description").value == "kitchen tap leaking"
        assert form.field("unit").value == "3-1203"
        await pilot.press("ctrl+s")
        await settle(pilot)
        call = list_calls(desk_ctx, limit=5).items[1]
        assert call.order_number
        assert app.active == "dispatch"
        assert any("kitchen tap leaking" in r[7] for r in rows(app, "dispatch"))


async def test_visitor_in_and_out(desk_ctx: Any) -> None:
    from deskclerk.services.visits import list_visits

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.press(*"张伟", "tab", *"3-1203", "enter")
        await pilot.press(*"王芳", "enter", *"repair", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        newest = list_visits(desk_ctx, limit=1).items[0]
        assert (newest.visitor, newest.on_site) == ("张伟", True)
        assert app.active == "visitors"
        assert rows(app, "visitors")[0][3] == "张伟"
        await pilot.press("o")
        await settle(pilot)
        assert list_visits(desk_ctx, limit=1).items[0].on_site is False
        assert rows(app, "visitors")[0][2] != "in"


async def test_add_a_note(desk_ctx: Any) -> None:
    from deskclerk.services.notes import list_notes

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5", *"Boiler check at 14:00", "ctrl+s")
        await settle(pilot)
        assert list_notes(desk_ctx, limit=1).items[0].text == "Boiler check at 14:00"
        assert app.active == "handover"
        assert rows(app, "handover")[0][4] == "Boiler check at 14:00"


async def test_search_by_last_four_digits_and_chinese_name(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6", *"5678")
        await settle(pilot)
        found = [h.title for h in app.screen.hits]  # type: ignore[attr-defined]
        assert "[bold red]x" in found
        await pilot.press(*["backspace"] * 4, *"王芳")
        await settle(pilot)
        hits = app.screen.hits  # type: ignore[attr-defined]
        assert any(h.kind == "call" and h.title == "王芳" for h in hits)
        call_index = next(i for i, h in enumerate(hits) if h.kind == "call")
        await pilot.press("down", *["down"] * call_index, "enter")
        await settle(pilot)
        assert app.active == "calls"
        assert app.pane("calls").current().caller == "王芳"


async def test_quick_line_makes_a_repair_and_its_order(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"3-1203 repair shower broken @plumb !2h")
        await settle(pilot)
        preview = str(app.query_one("#quick-preview").render())
        assert "王芳" in preview and "Plumbing" in preview
        await pilot.press("enter")
        await settle(pilot)
        call = list_calls(desk_ctx, limit=1).items[0]
        assert (call.matter, call.category, call.caller) == ("shower broken", "repair", "王芳")
        assert call.order_number
        assert app.query_one("#quick-input").value == ""  # type: ignore[attr-defined]


async def test_a_line_begun_before_the_desk_has_opened_keeps_the_focus(desk_ctx: Any) -> None:
    """The newest calls show before the database is fully open; a clerk may start typing."""
    from deskclerk.tui.messages import DeskOpened

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"3-1203 inq")
        app.post_message(DeskOpened(desk_ctx, "Test Gardens", CLERK, "A"))  # arriving late
        await pilot.pause()
        await pilot.press(*"uiry tap")
        assert app.quick.input.has_focus
        assert app.quick.input.value == "3-1203 inquiry tap"


async def test_a_line_typed_before_the_database_opened_is_looked_up_then(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ctx, app.ctx = app.ctx, None  # as while the database is still opening
        await pilot.press("colon", *"3-1203 inquiry water bill")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.quick.resolved is None  # nothing to look it up with yet
        app._use_context(ctx)  # type: ignore[arg-type]
        await settle(pilot)
        assert "王芳" in str(app.query_one("#quick-preview").render())
        await pilot.press("enter")
        await settle(pilot)
        assert list_calls(desk_ctx, limit=1).items[0].matter == "water bill"


async def test_quick_line_shows_unknown_words(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"9-9999 repair tap @nobody")
        await settle(pilot)
        preview = str(app.query_one("#quick-preview").render())
        assert "no such team" in preview and "9-9999" in preview
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#quick-input").value  # type: ignore[attr-defined]


async def test_first_run_asks_site_and_clerk(ctx: Any) -> None:
    from dataclasses import replace

    from deskclerk.services.shifts import current_shift

    ctx.settings = replace(ctx.settings, site_name="")
    app = DeskApp(context=ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No calls yet" in str(app.pane("calls").query_one(".pane-empty").render())
        await pilot.press(*"Lakeside", "tab", *"Bo", "enter")
        await settle(pilot)
        assert app.site == "Lakeside" and app.clerk == "Bo"
        shift = current_shift(ctx)
        assert shift is not None and shift.clerk == "Bo"


async def test_small_screen_switches_panes_large_shows_all(desk_ctx: Any) -> None:
    def in_front(app: DeskApp) -> list[str]:
        """Panes whose title can be seen (the others are covered or off screen)."""
        seen = []
        for pane in app.panes():
            region = pane.query_one(".pane-title").region
            if region.area and app.screen.get_widget_at(region.x, region.y)[0] is not None:
                widget = app.screen.get_widget_at(region.x, region.y)[0]
                if pane in widget.ancestors_with_self:
                    seen.append(str(pane.id))
        return seen

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert in_front(app) == ["calls"]
        await pilot.press("f9")
        assert in_front(app) == ["dispatch"]
        assert app.focused is app.pane("dispatch").table
        await pilot.press("alt+2")
        assert in_front(app) == ["visitors"]
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert in_front(app) == ["calls", "visitors", "dispatch", "handover"]


async def test_keymap_remaps_and_help_lists_it(desk_ctx: Any) -> None:
    from dataclasses import replace

    from deskclerk.tui.modals.call_form import CallForm
    from deskclerk.tui.modals.simple import HelpScreen

    desk_ctx.settings = replace(desk_ctx.settings, keymap={"desk.log_call": "f12"})
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        assert isinstance(app.screen, CallForm)
        await pilot.press("escape", "f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("DataTable")
        keys = {
            str(table.get_row_at(i)[1]): str(table.get_row_at(i)[0])  # type: ignore[attr-defined]
            for i in range(table.row_count)
        }  # type: ignore[attr-defined]
        assert keys["Call"] == "F12" and keys["Sign out"] == "O"


async def test_palette_runs_the_same_actions(desk_ctx: Any) -> None:
    from deskclerk.tui.modals.forms import VisitorForm

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        commands = {b.description for b, _ in app.command_bindings()}
        assert {"Call", "Visitor", "Search", "Help", "→ Work order"} <= commands
        await pilot.press("ctrl+p", *"Visitor")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VisitorForm)


async def test_record_opens_on_enter_with_id_masked(desk_ctx: Any) -> None:
    from deskclerk.tui.modals.simple import RecordScreen

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8", "down", "enter")
        assert isinstance(app.screen, RecordScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "[bold red]x" in shown
        assert "110101199001011234" not in shown and "1234" in shown


def log_old_calls(ctx: Any, count: int) -> None:
    """`count` calls of two days ago, a minute apart: C0 the oldest."""
    from datetime import timedelta

    from deskclerk.services.calls import log_call

    start = ctx.now() - timedelta(days=2)
    for i in range(count):
        log_call(
            ctx,
            caller=f"C{i}",
            matter="old call",
            clerk=CLERK,
            category="other",
            received_at=start + timedelta(minutes=i),
        )


async def test_next_page_is_fetched_near_the_end(desk_ctx: Any) -> None:
    log_old_calls(desk_ctx, 130)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.pane("calls").table
        assert table.row_count == 100  # a window, not the register
        await pilot.press(*["pagedown"] * 6)
        await settle(pilot)
        assert table.row_count == 132
        assert str(table.get_row_at(131)[3]) == "C0"


async def test_a_database_that_cannot_open_is_said_in_words(tmp_path: Any) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    app = DeskApp(str(bad))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if app.status.state == "not open":
                break
        assert app.status.state == "not open"
        await pilot.press("f2")
        assert not hasattr(app.screen, "field")  # no form on a desk with no database
        assert any("not open" in n.message for n in app._notifications)


async def test_a_quick_line_call_is_put_on_top_at_once_and_the_pages_still_join(
    desk_ctx: Any,
) -> None:
    """The saved call is drawn from what the service returned; the reload after it
    redraws nothing, and the next page still starts right after the last row shown."""
    from deskclerk.services.calls import list_calls

    log_old_calls(desk_ctx, 130)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.pane("calls")
        clears = []
        clear = pane.table.clear

        def counted(columns: bool = False) -> Any:
            clears.append(columns)
            return clear(columns)

        pane.table.clear = counted  # type: ignore[method-assign]
        await pilot.press("colon", *"3-1203 inquiry lift noise")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert clears == []  # the reload after the save found the page already on screen
        table = pane.table
        assert table.row_count == 100
        assert [str(c) for c in table.get_row_at(0)][2:4] == ["3-1203", "王芳"]
        assert str(table.get_row_at(0)[5]) == "lift noise" and table.cursor_row == 0
        await pilot.press("escape", *["pagedown"] * 6)
        await settle(pilot)
        listed = [tuple(str(c) for c in table.get_row_at(i))[3::2] for i in range(table.row_count)]
        every = [(c.caller, c.matter) for c in list_calls(desk_ctx, limit=1000).items]
        assert listed == every and len(every) == 133  # no row twice, none left out


async def test_enter_right_after_the_matter_saves_with_the_lookup_of_the_unit(
    desk_ctx: Any,
) -> None:
    """The lookup of an earlier prefix with the same unit and category still holds."""
    from dataclasses import replace

    from deskclerk.services.calls import list_calls

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"3-1203 inquiry water")
        await settle(pilot)
        looked = app.quick.resolved
        assert looked is not None and looked.resident == "王芳"
        # as if the last keystrokes came faster than the lookup of the whole line
        app.quick.resolved = replace(looked, line="3-1203 inquiry wat")
        await pilot.press("enter")
        await settle(pilot)
        saved = list_calls(desk_ctx, limit=1).items[0]
        assert (saved.matter, saved.caller) == ("water", "王芳")
