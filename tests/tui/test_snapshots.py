"""Snapshots of the main screen at 80×24 and 160×48, frozen clock, fixed small dataset.

The dataset has a Chinese name (王芳) and markup-looking names (`[bold red]x`,
`[/]`) that must show literally.  Update with `pytest --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

from deskclerk.tui.app import DeskApp

from .conftest import settle


async def _ready(pilot: Any) -> None:
    await settle(pilot)


def _desk(ctx: Any) -> DeskApp:
    # no poll or tick during the shot: nothing may move
    return DeskApp(context=ctx, poll_seconds=3600, tick_seconds=3600)


def test_main_screen_80x24(desk_ctx: Any, snap_compare: Any) -> None:
    assert snap_compare(_desk(desk_ctx), terminal_size=(80, 24), run_before=_ready)


def test_main_screen_160x48(desk_ctx: Any, snap_compare: Any) -> None:
    assert snap_compare(_desk(desk_ctx), terminal_size=(160, 48), run_before=_ready)


def test_visitors_pane_80x24(desk_ctx: Any, snap_compare: Any) -> None:
    assert snap_compare(_desk(desk_ctx), terminal_size=(80, 24), press=["f8"], run_before=_ready)
