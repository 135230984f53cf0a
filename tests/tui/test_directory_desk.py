"""Pilot tests of adding to the directory from the desk: F12, the palette, and the call form."""

from __future__ import annotations

from typing import Any

from deskclerk.tui.app import DeskApp
from deskclerk.tui.modals.call_form import CallForm
from deskclerk.tui.modals.directory_form import DirectoryForm

from .conftest import settle


def residents(ctx: Any, code: str) -> list[tuple[str, str]]:
    from deskclerk.services.directory import get_unit

    return [(r.name, r.phone) for r in get_unit(ctx, code).residents]


def error_text(form: Any) -> str:
    return str(form.query_one("#form-error").render())


async def test_f12_adds_a_unit_with_its_resident(desk_ctx: Any) -> None:
    from deskclerk.services.directory import get_unit

    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, DirectoryForm)
        await pilot.press(*"5-0202", "tab", "5", "tab", *"east", "tab", *"[b]陈静", "tab")
        await pilot.press(*"139 0000 1111", "tab", "enter")
        await settle(pilot)
        assert app.screen is not form
        unit = get_unit(desk_ctx, "5-0202")
        assert (unit.building, unit.area) == ("5", "east")
        assert residents(desk_ctx, "5-0202") == [("[b]陈静", "139 0000 1111")]
        assert "Unit 5-0202 added, with [b]陈静." in str(app.status.render())


async def test_a_resident_for_a_listed_unit_and_the_refusals(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f12", *"3-1203", "ctrl+s")  # listed already, nobody named
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, DirectoryForm)
        assert "3-1203 is in the directory already" in error_text(form)
        assert form.field("name").has_focus and form.field("unit").value == "3-1203"
        form.field("name").value = "李强"
        form.field("phone").value = "call me"  # not a phone number
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "phone" in error_text(form).lower()
        assert form.field("name").value == "李强"  # nothing typed is lost
        form.field("phone").value = "13700007777"
        form.field("owner").value = "n"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        assert ("李强", "13700007777") in residents(desk_ctx, "3-1203")
        assert "李强 added to unit 3-1203." in str(app.status.render())


async def test_building_typed_for_a_listed_unit_is_not_dropped_silently(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f12", *"0801", "tab", "9", "tab", "tab", *"Ann", "ctrl+s")
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, DirectoryForm)
        assert "0801 is listed already (building 8, area south)" in error_text(form)
        assert form.field("building").has_focus
        form.field("building").value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        assert ("Ann", "") in residents(desk_ctx, "0801")


async def test_esc_on_a_half_filled_directory_form_asks_first(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f12", *"7-0101", "escape")
        await settle(pilot)
        assert "Discard" in str(app.screen.query_one(".confirm-question").render())
        await pilot.press("n")  # keep editing
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, DirectoryForm) and form.field("unit").value == "7-0101"


async def test_directory_from_the_command_palette(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"add resident")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DirectoryForm)


async def test_a_call_for_a_unit_not_listed_adds_it_and_carries_on(desk_ctx: Any) -> None:
    from deskclerk.services.calls import list_calls

    before = len(list_calls(desk_ctx, limit=50).items)
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"13611112222", "tab", *"3-9999", "tab", *"赵六", "tab")
        await pilot.press(*"repair", "tab", *"door lock broken")
        await settle(pilot)
        call: Any = app.screen
        assert isinstance(call, CallForm)
        assert "Unit 3-9999: not listed." in str(call.query_one("#lookup").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        question = str(app.screen.query_one(".confirm-question").render())
        assert "unit 3-9999 is not in the directory — add it or pick another" in question
        await pilot.press("a")  # add it now
        await settle(pilot)
        form: Any = app.screen
        assert isinstance(form, DirectoryForm)
        assert (form.field("unit").value, form.field("name").value) == ("3-9999", "赵六")
        assert form.field("phone").value == "13611112222"
        assert form.field("building").has_focus
        assert "then the call is saved" in str(form.query_one(".form-title").render())
        await pilot.press("3", "ctrl+s")
        await settle(pilot)
        assert residents(desk_ctx, "3-9999") == [("赵六", "13611112222")]
        # the call was saved as typed, with no second Ctrl+S
        assert not isinstance(app.screen, (CallForm, DirectoryForm))
        calls = list_calls(desk_ctx, limit=50).items
        assert len(calls) == before + 1
        assert (calls[0].unit_code, calls[0].matter) == ("3-9999", "door lock broken")


async def test_picking_another_unit_keeps_the_call_as_typed(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "tab", *"3-9999", "tab", *"赵六", "tab", "tab", *"noise")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("n")  # pick another unit
        await settle(pilot)
        call: Any = app.screen
        assert isinstance(call, CallForm)
        assert "3-9999 is not in the directory" in error_text(call)
        assert call.field("unit").has_focus and call.field("matter").value == "noise"
        call.field("unit").value = "0801"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CallForm)
