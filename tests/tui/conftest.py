"""Fixtures of the desk tests: a filled database and a way to wait for the desk."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from .dataset import build


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests on a fresh event loop (no async plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


@pytest.fixture
def desk_ctx(ctx: Any) -> Any:
    """The shared `ctx` with the small fixed dataset in it."""
    build(ctx)
    return ctx


async def settle(pilot: Any, timeout: float = 5.0) -> None:
    """Let the desk's workers finish and their messages land."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    quiet = 0
    while loop.time() < end:
        await app.workers.wait_for_complete()
        await pilot.pause()
        ready = (
            app.ctx is not None
            and all(p.loaded for p in app.panes())
            and app.status.counts is not None
            and not any(w.is_running for w in app.workers)
        )
        quiet = quiet + 1 if ready else 0
        if quiet >= 2:  # twice in a row: the messages the workers posted have landed
            await pilot.pause()
            return
    raise AssertionError("the desk did not settle")
