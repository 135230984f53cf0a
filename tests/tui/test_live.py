"""Another desk (a second process) saves a call: this desk shows it within 2 seconds."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

from deskclerk.tui.app import DeskApp

from .conftest import settle

SECOND_DESK = """
import sys
from deskclerk.db import make_engine
from deskclerk.services.calls import log_call
from deskclerk.services.context import Context
from deskclerk.config import Settings
ctx = Context(engine=make_engine(sys.argv[1]), settings=Settings(timezone_name="Asia/Shanghai"))
log_call(ctx, caller="Second Desk", matter="lift stuck on 9", clerk="Bob", unit="3-1203",
         category="help")
"""


async def test_another_process_insert_shows_within_two_seconds(desk_ctx: Any) -> None:
    app = DeskApp(context=desk_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        url = str(desk_ctx.engine.url)
        subprocess.run([sys.executable, "-c", SECOND_DESK, url], check=True, timeout=30)
        loop = asyncio.get_running_loop()
        saved_at = loop.time()
        table = app.pane("calls").table
        while loop.time() - saved_at < 2.0:
            cells = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
            if "Second Desk" in cells:
                break
            await pilot.pause(0.05)
        else:
            raise AssertionError("the other desk's call did not show within 2 s")


async def test_the_launch_read_shows_the_newest_calls_and_misses_no_later_save(
    desk_ctx: Any, db_path: Any
) -> None:
    """`deskclerk` reads the newest calls while Textual loads; a save after that read still shows."""
    from deskclerk.services.calls import log_call
    from deskclerk.tui.early import EarlyCalls

    early = EarlyCalls(str(db_path))
    first = early.wait()
    assert first is not None and [c.caller for c in first[1].items] == ["[/]", "王芳"]
    log_call(desk_ctx, caller="After The Read", matter="door", clerk="Bob", unit="3-1203")
    app = DeskApp(str(db_path), early=early, poll_seconds=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.pane("calls").table
        loop = asyncio.get_running_loop()
        end = loop.time() + 3.0
        while loop.time() < end:
            callers = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
            if callers[:1] == ["After The Read"]:
                break
            await pilot.pause(0.05)
        else:
            raise AssertionError(f"the save after the launch read did not show: {callers}")
        assert callers[1:] == ["[/]", "王芳"]
