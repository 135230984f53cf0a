"""The demo drawn in a worker process: the same rows as drawn here, and all or nothing."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest
from tests.test_demo import _context, _dump, _rows

from deskclerk.db import session_scope
from deskclerk.errors import StorageError
from deskclerk.services import demo_make, search
from deskclerk.services.context import Context
from deskclerk.services.demo import make_demo
from deskclerk.services.history import verify_chain

SEARCH = [f"search_{kind}" for kind in search.REGISTERS]


def _search_text(ctx: Context) -> list[Any]:
    return [_rows(ctx, f"SELECT rowid, body FROM {name} ORDER BY rowid") for name in SEARCH]


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork the worker (so what a test patches here reaches it), where the OS can."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork")
    monkeypatch.setattr(demo_make, "start_method", lambda: "fork")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_draws_the_same_rows_as_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setattr(demo_make, "start_method", lambda: method)
    here, there = _context(tmp_path / "here.db"), _context(tmp_path / "there.db")
    days: list[int] = []
    make_demo(here, days=5, seed=21, units=80, parallel=False)
    summary = make_demo(
        there, days=5, seed=21, units=80, parallel=True, progress=lambda d, n: days.append(d)
    )
    assert _dump(here) == _dump(there)
    assert _search_text(here) == _search_text(there)
    assert days[-1] == 5  # progress came back from the worker
    assert summary.counts["call"] == _rows(there, "SELECT count(*) FROM call")[0][0] > 0
    with session_scope(there.engine) as s:
        assert verify_chain(s) == []


def test_search_text_made_with_the_rows_is_what_a_rebuild_makes(tmp_path: Path) -> None:
    ctx = _context(tmp_path / "demo.db")
    summary = make_demo(ctx, days=4, seed=5, units=60)
    made = _search_text(ctx)
    assert summary.indexed == sum(len(rows) for rows in made) > 0
    with ctx.engine.begin() as conn:
        search.rebuild_index(conn)
    assert _search_text(ctx) == made
    caller, call_id = _rows(ctx, "SELECT caller, id FROM call ORDER BY id DESC LIMIT 1")[0]
    hits = search.search(ctx, caller, kinds=("call",))
    assert call_id in [hit.id for hit in hits]


def test_a_failing_worker_keeps_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: None
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("drawing went wrong")

    monkeypatch.setattr(demo_make, "generate", broken)
    ctx = _context(tmp_path / "demo.db")
    with pytest.raises(StorageError) as err:
        make_demo(ctx, days=3, seed=1, units=40, parallel=True)
    assert "nothing was kept" in err.value.message
    assert "drawing went wrong" in err.value.message
    assert _rows(ctx, "SELECT count(*) FROM audit")[0][0] == 0


def test_a_worker_killed_midway_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: None
) -> None:
    real = demo_make.generate

    def dies(plan: demo_make.Plan, sink: Any, *args: Any) -> Any:
        def then_die(batch: Any) -> None:
            sink(batch)
            os._exit(9)  # as SIGKILL would: no word to the writer

        return real(plan, then_die, *args)

    monkeypatch.setattr(demo_make, "generate", dies)
    ctx = _context(tmp_path / "demo.db")
    with pytest.raises(StorageError) as err:
        make_demo(ctx, days=3, seed=1, units=40, parallel=True)
    assert "stopped before it finished" in err.value.message
    for table in ("unit", "call", "visit", "audit", "search_call"):
        assert _rows(ctx, f"SELECT count(*) FROM {table}")[0][0] == 0, table


def test_a_failing_write_stops_the_worker_and_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlalchemy as sa

    from deskclerk.services import demo_bulk

    written: list[int] = []

    def full_disk(self: demo_bulk.DatabaseSink, batch: Any) -> None:
        written.append(1)
        if len(written) == 2:
            raise sa.exc.OperationalError("INSERT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(demo_bulk.DatabaseSink, "__call__", full_disk)
    before = set(multiprocessing.active_children())
    ctx = _context(tmp_path / "demo.db")
    with pytest.raises(StorageError) as err:
        make_demo(ctx, days=40, seed=1, units=300, parallel=True)
    assert "disk is full" in err.value.message and "nothing was kept" in err.value.message
    assert set(multiprocessing.active_children()) <= before  # the worker was stopped
    assert _rows(ctx, "SELECT count(*) FROM audit")[0][0] == 0


def _plan(units: int = 300, days: int = 60) -> demo_make.Plan:
    from datetime import UTC

    from tests.test_demo import NOW, TZ

    from deskclerk.config import Settings
    from deskclerk.services.demo_site import Existing, local_midnight
    from deskclerk.services.history import GENESIS

    tables = ("unit", "resident", "team", "staff", "shift", "work_order", "order_event",
              "call", "visit", "handover_note")  # fmt: skip
    return demo_make.Plan(
        seed=1, days=days, unit_count=units, tz=TZ, now=int(NOW.timestamp()),
        settings=Settings(site_name="Demo", timezone_name="Asia/Shanghai"),
        first=local_midnight(TZ, NOW.astimezone(UTC), days - 1),
        ids=dict.fromkeys(tables, 1), history=(1, GENESIS),
        existing=Existing({}, set(), {}), fast=True,
    )  # fmt: skip


def _stuck_writer(pid_file: str) -> None:
    """A writer that takes the first batch and never reads again (then gets killed)."""
    import time

    def sink(batch: Any) -> None:
        Path(pid_file).write_text(str(multiprocessing.active_children()[0].pid))
        time.sleep(120)

    demo_make.in_worker(_plan(), sink)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has stopped (its new parent may never reap it)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_worker_stops_when_the_writer_is_killed(tmp_path: Path) -> None:
    import signal
    import time

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork")
    pid_file = tmp_path / "worker.pid"
    writer = multiprocessing.get_context("fork").Process(
        target=_stuck_writer, args=(str(pid_file),)
    )
    writer.start()
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the writer never got a batch"
        time.sleep(0.05)
    worker = int(pid_file.read_text())
    try:
        assert _running(worker)
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)  # as a kill -9 of `deskclerk demo`
        writer.join()
        deadline = time.monotonic() + 20
        while _running(worker):
            assert time.monotonic() < deadline, "the worker outlived its writer"
            time.sleep(0.05)
    finally:
        if _running(worker):
            os.kill(worker, signal.SIGKILL)  # (it holds pytest's output open)
