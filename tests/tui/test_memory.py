"""`deskclerk` loads with Python's collector off; the desk turns it back on once loaded."""

from __future__ import annotations

import gc
from typing import Any

from deskclerk.tui.app import DeskApp

from .conftest import settle


async def test_the_collector_is_back_on_once_the_desk_has_loaded(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    gc.disable()  # as `deskclerk` does before it imports the desk
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.pause(1.2)  # the panes are in; a second later the desk settles
            assert gc.isenabled()
            app.settle_memory()  # once only: a second call changes nothing
            assert gc.isenabled()
    finally:
        gc.enable()


def test_the_desk_entry_turns_the_collector_off_only_for_the_desk(monkeypatch: Any) -> None:
    from deskclerk import launch

    seen: list[bool] = []
    monkeypatch.setattr("sys.argv", ["deskclerk", "--help"])
    monkeypatch.setattr("deskclerk.cli.main", lambda: seen.append(gc.isenabled()))
    launch.main()
    assert seen == [True]  # the command line keeps its collector
