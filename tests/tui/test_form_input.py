"""The form's input lines: pastes, a masked ID number, Tab stops, and where an error
puts the cursor (fourth session's review of the desk)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input

from deskclerk.tui.app import DeskApp

from .conftest import settle


async def open_form(pilot: Any, key: str) -> Any:
    """The form a key opens on the desk, once the desk has settled."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


async def save(pilot: Any, form: Any) -> str:
    """Ctrl+S on `form`; what its error line says once the save is answered."""
    await pilot.press("ctrl+s")
    await settle(pilot)
    return str(form.query_one("#form-error").render())


async def test_a_pasted_note_keeps_every_line_and_no_control_characters(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f2")
        matter = form.field("matter")
        matter.focus()
        await pilot.pause()
        matter.post_message(
            events.Paste("卫生间漏水到楼下\n楼下2-1103也报了，\x1b[31m请一起看\t快\x07")
        )
        await settle(pilot)
        assert matter.value == "卫生间漏水到楼下 楼下2-1103也报了，请一起看 快"


async def test_the_id_number_is_masked_unless_the_clerk_is_typing_it(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f3")
        id_number = form.field("id_number")
        assert id_number.password  # masked at rest
        id_number.focus()
        await pilot.press(*"11010519491231002X")
        assert not id_number.password  # shown while typed
        await pilot.press("tab")
        await settle(pilot)
        assert id_number.password and id_number.value == "11010519491231002X"


async def test_tab_goes_from_field_to_field_with_no_stop_in_between(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f2")
        fields = len(form.query(Input))
        for _ in range(fields * 2):
            await pilot.press("tab")
            assert isinstance(app.focused, Input), app.focused


async def test_an_unknown_unit_puts_the_cursor_in_the_unit_field(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f3")
        form.field("visitor").value = "张三"
        form.field("unit").value = "9-9999"
        form.field("badge").focus()
        assert "9-9999" in await save(pilot, form)
        assert app.focused is form.field("unit")


async def test_a_bad_phone_and_a_callback_before_the_call_put_the_cursor_there(
    desk_ctx: Any,
) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f2")
        form.field("unit").value = "3-1203"
        form.field("caller").value = "Zoe"
        form.field("matter").value = "tap"
        form.field("callback_due").value = "yesterday"
        form.field("category").focus()
        assert "before the call came in" in await save(pilot, form)
        assert app.focused is form.field("callback_due")
        form.field("callback_due").value = ""
        form.field("phone").value = "abc"
        form.field("category").focus()
        assert "not a phone number" in await save(pilot, form)
        assert app.focused is form.field("phone")


async def test_a_clerk_not_on_the_staff_list_is_asked_about_before_taking_the_desk(
    desk_ctx: Any,
) -> None:
    from deskclerk.services.staff import add_staff
    from deskclerk.tui.modals.simple import ChoiceScreen

    for name in ("Amy Chen", "Lucy Wang"):
        add_staff(desk_ctx, name, role="clerk", clerk="setup")
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        async def take_over(typed: str, answer: str | None) -> None:
            await pilot.press("ctrl+o")
            await settle(pilot)
            app.screen.field("clerk").value = typed  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            if answer is not None:
                assert isinstance(app.screen, ChoiceScreen)
                assert f"{typed} is not on the staff list." in str(
                    app.screen.query_one(".confirm-question").render()
                )
                await pilot.press(answer)
                await settle(pilot)

        await take_over("lucy wang", None)  # the list's spelling, without asking
        assert app.clerk == "Lucy Wang"
        await take_over("amy", "1")  # "I am Amy Chen"
        assert app.clerk == "Amy Chen"
        await take_over("[/]", "y")  # a name off the list, chosen knowingly (and no markup)
        assert app.clerk == "[/]"
        await take_over("Zorro", "n")  # type it again: the form stays, nothing changed
        assert app.clerk == "[/]" and type(app.screen).__name__ == "ClerkForm"


async def test_search_puts_the_resident_first_and_says_when_more_match(desk_ctx: Any) -> None:
    from deskclerk.services.calls import log_call
    from deskclerk.tui.modals.search import RESULTS

    for i in range(RESULTS + 5):  # many calls from 王芳, all newer than her directory entry
        log_call(desk_ctx, caller="王芳", matter=f"call {i}", clerk="Amy Chen", unit="3-1203")
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press(*"王芳")
        await settle(pilot)
        screen: Any = app.screen
        assert screen.hits[0].kind == "resident" and len(screen.hits) == RESULTS
        state = str(screen.query_one("#search-state").render())
        assert state == f"The first {RESULTS} found; type more to narrow them down."


def test_the_outgoing_clerk_staying_on_is_still_on_the_staff_list() -> None:
    from deskclerk.tui.modals.forms import ClerkForm

    # after a signed handover the one who signed is not suggested, but still on the list
    form = ClerkForm("Site", ["Lucy Wang"], incoming=True, staff=["Amy Chen", "Lucy Wang"])
    assert form.staff_name("amy chen") == "Amy Chen"
    assert form.staff_name("Amy Chen") == "Amy Chen"


async def test_a_work_kind_no_team_takes_is_asked_about_first(desk_ctx: Any) -> None:
    from deskclerk.services.orders import list_orders
    from deskclerk.tui.modals.simple import ChoiceScreen

    before = len(list_orders(desk_ctx).items)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f4")
        form.field("unit").value = "0801"
        form.field("description").value = "roof leaks"
        form.field("category").value = "plumbng"  # the team takes plumbing, repair
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert "No team takes 'plumbng' work" in app.screen.question
        await pilot.press("n")  # change it: nothing saved, the cursor in the work kind
        await settle(pilot)
        assert app.screen is form and app.focused is form.field("category")
        assert len(list_orders(desk_ctx).items) == before
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")  # keep it knowingly: saved as typed
        await settle(pilot)
        orders = list_orders(desk_ctx).items
        assert len(orders) == before + 1 and orders[0].category == "plumbng"
        form = await open_form(pilot, "f4")  # a kind a team takes, typed loosely: no question
        form.field("unit").value = "0801"
        form.field("description").value = "tap drips"
        form.field("category").value = "  Plumbing "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)
        assert list_orders(desk_ctx).items[0].category == "plumbing"


def test_a_deadline_typed_wrong_is_answered_with_the_forms_a_deadline_takes(
    desk_ctx: Any,
) -> None:
    import pytest

    from deskclerk.errors import InvalidInput
    from deskclerk.tui.modals.forms import parse_due

    with pytest.raises(InvalidInput) as bad:
        parse_due(desk_ctx, "25:99", "callback time")
    assert "16:00, +2h, +3d" in bad.value.message and "yesterday" not in bad.value.message
    for far in ("+99999999999d", "+100000d", "+" + "9" * 5000 + "d"):
        with pytest.raises(InvalidInput):
            parse_due(desk_ctx, far, "callback time")
    assert parse_due(desk_ctx, "+2h", "callback time") is not None


async def test_closing_a_call_still_owed_a_callback_asks_first(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls
    from deskclerk.tui.modals.simple import ConfirmScreen

    def states() -> dict[str, str]:
        return {c.caller: c.state for c in list_calls(desk_ctx).items}

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")  # the newest call, "[/]": a complaint owed a callback
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Close call" in app.screen.question and "[/]" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert states()["[/]"] != "closed"
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert states()["[/]"] == "closed"
        await pilot.press("down", "d")  # 王芳's call: nothing owed, closed at once
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert states()["王芳"] == "closed"


async def test_closing_an_answered_complaint_does_not_ask(desk_ctx: Any) -> None:
    from deskclerk.services.calls import get_call, log_call
    from deskclerk.tui.modals.simple import ConfirmScreen

    # a complaint gets a callback time, but answered on the spot nothing is owed
    call = log_call(desk_ctx, caller="Zed", matter="noise", clerk="Amy Chen",
                    category="complaint", answer="told them the quiet hours")  # fmt: skip
    assert call.callback_due is not None and call.state == "answered"
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")  # the newest call: Zed's
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert get_call(desk_ctx, call.id).state == "closed"


async def test_the_dispatch_team_column_widens_on_a_wide_terminal(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        pane = app.pane("dispatch")

        def team_width() -> int:
            return next(c.width for c in pane.table.ordered_columns if str(c.label) == "Team")

        assert team_width() == 26
        last = pane.table.ordered_columns[-1]
        assert last.width >= 30  # the problem keeps at least its own width
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert team_width() == 10
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert team_width() == 26


async def test_an_answer_about_an_open_order_holds_only_for_that_unit(desk_ctx: Any) -> None:
    from deskclerk.services.orders import create_order
    from deskclerk.tui.modals.simple import ChoiceScreen

    create_order(desk_ctx, unit="0801", description="leak", clerk="Amy Chen", category="plumbing")
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f4")
        form.field("unit").value = "0801"
        form.field("description").value = "another leak"
        form.field("category").value = "plumbing"
        form.field("priority").value = "bogus"  # refused after the question is answered
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("c")  # create anyway
        await settle(pilot)
        assert app.screen is form and "priority" in str(form.query_one("#form-error").render())
        form.field("unit").value = "3-1203"  # another unit with an open plumbing order
        form.field("priority").value = "normal"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)  # asked again, not created unseen
