"""The demo's load settings: references still hold, and the file ends in WAL mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.test_demo import _context, _rows

from deskclerk.services import demo_load
from deskclerk.services.demo import make_demo


def _file_mode(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


@pytest.mark.parametrize("parallel", [False, True])
def test_every_reference_the_demo_makes_holds(tmp_path: Path, parallel: bool) -> None:
    ctx = _context(tmp_path / "demo.db")
    make_demo(ctx, days=6, seed=13, units=90, parallel=parallel)
    make_demo(ctx, days=3, seed=14, units=90, force=True)  # into records already there
    assert _rows(ctx, "SELECT count(*) FROM order_event")[0][0] > 0
    assert _rows(ctx, "PRAGMA foreign_key_check") == []
    # and the connection went back to checking them
    assert _rows(ctx, "PRAGMA foreign_keys") == [(1,)]


def test_an_empty_file_loads_with_a_rollback_journal_and_ends_in_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = demo_load.load_settings

    def spy(conn, *, empty):  # type: ignore[no-untyped-def]
        manager = real(conn, empty=empty)

        class Spy:
            def __enter__(self) -> bool:
                seen.append(manager.__enter__())
                return seen[-1]

            def __exit__(self, *exc: object) -> None:
                manager.__exit__(*exc)

        return Spy()

    monkeypatch.setattr("deskclerk.services.demo.load_settings", spy)
    path = tmp_path / "demo.db"
    ctx = _context(path)
    make_demo(ctx, days=3, seed=2, units=40)
    assert seen == [True]
    assert _file_mode(path) == "wal"
    assert not Path(f"{path}-journal").exists()
    assert _rows(ctx, "PRAGMA journal_mode") == [("wal",)]
    assert _rows(ctx, "PRAGMA integrity_check") == [("ok",)]


def test_a_file_open_elsewhere_loads_in_wal_mode_without_waiting(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    ctx = _context(path)
    other = sqlite3.connect(path)  # another desk with the file open, mid-read
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM call").fetchone()
    try:
        summary = make_demo(ctx, days=3, seed=2, units=40)
    finally:
        other.rollback()
        other.close()
    assert summary.total_seconds < 20  # did not sit out the 30 s busy timeout
    assert _file_mode(path) == "wal"
    assert _rows(ctx, "SELECT count(*) FROM call")[0][0] == summary.counts["call"]


def _die_midway(path: str) -> None:
    """make_demo in a child that dies (as under kill -9) after its first batch."""
    import os

    from deskclerk.services import demo_bulk

    real = demo_bulk.DatabaseSink.__call__
    batches: list[int] = []

    def write_then_die(self: demo_bulk.DatabaseSink, batch: object) -> None:
        real(self, batch)  # type: ignore[arg-type]
        batches.append(1)
        if len(batches) == 1:
            os._exit(9)

    demo_bulk.DatabaseSink.__call__ = write_then_die  # type: ignore[method-assign]
    # a small page cache, so pages spill into the file before the end, as in a large demo
    demo_load.LOAD_PRAGMAS = ("cache_size = -200", *demo_load.LOAD_PRAGMAS[1:])
    make_demo(_context(Path(path)), days=60, seed=3, units=300, parallel=False)


def test_a_demo_killed_midway_leaves_a_file_that_opens_empty(tmp_path: Path) -> None:
    import multiprocessing

    from deskclerk.db import SCHEMA_HEAD, current_revision, open_database

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork")
    path = tmp_path / "demo.db"
    _context(path).engine.dispose()  # created at the head revision, as the CLI would
    child = multiprocessing.get_context("fork").Process(target=_die_midway, args=(str(path),))
    child.start()
    child.join()
    assert child.exitcode == 9
    assert Path(f"{path}-journal").exists()  # the rollback journal of the load, left behind

    engine = open_database(f"sqlite:///{path}")  # not "attempt to write a readonly database"
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            for table in ("unit", "call", "audit", "search_call"):
                assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
    finally:
        engine.dispose()


def test_the_cycle_collector_is_paused_for_the_demo_and_back_after(tmp_path: Path) -> None:
    import gc

    from deskclerk.services import demo_bulk

    states: list[bool] = []
    real = demo_bulk.DatabaseSink.__call__

    def watch(self: demo_bulk.DatabaseSink, batch: object) -> None:
        states.append(gc.isenabled())
        real(self, batch)  # type: ignore[arg-type]

    ctx = _context(tmp_path / "demo.db")
    assert gc.isenabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_bulk.DatabaseSink, "__call__", watch)
        make_demo(ctx, days=2, seed=1, units=40)
    assert states and not any(states)
    assert gc.isenabled()
    gc.disable()  # and a caller that had it off keeps it off
    try:
        make_demo(_context(tmp_path / "other.db"), days=2, seed=1, units=40)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_search_tables_get_their_default_hash_size_back(tmp_path: Path) -> None:
    from deskclerk.services.demo_load import SEARCH_HASH
    from deskclerk.services.search import REGISTERS

    ctx = _context(tmp_path / "demo.db")
    make_demo(ctx, days=2, seed=1, units=40)
    for kind in REGISTERS:
        rows = _rows(ctx, f"SELECT v FROM search_{kind}_config WHERE k = 'hashsize'")
        assert rows == [(SEARCH_HASH,)], kind
