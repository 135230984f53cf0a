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


def test_a_reader_elsewhere_neither_waits_for_the_load_nor_stops_it(tmp_path: Path) -> None:
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


def test_a_file_left_with_a_hot_journal_opens_rolled_back(tmp_path: Path) -> None:
    """A writer in rollback-journal mode (another SQLite tool) died midway: the
    read-only look at the revision must not refuse the file."""
    import shutil

    from deskclerk.db import SCHEMA_HEAD, current_revision, open_database

    made = tmp_path / "made.db"
    _context(made).engine.dispose()  # created at the head revision
    writer = sqlite3.connect(made, isolation_level=None)
    writer.execute("PRAGMA journal_mode = DELETE")
    writer.execute("PRAGMA cache_size = 10")  # pages spill into the file midway
    writer.execute("BEGIN")
    writer.executemany(
        "INSERT INTO unit (code, building, area, note, created_at, active) "
        "VALUES (?, '', '', '', '2026-11-24 02:00:00.000000', 1)",
        [(f"9-{n:04d}",) for n in range(3000)],
    )
    crashed = tmp_path / "crashed.db"  # the file and its journal as a crash leaves them
    shutil.copy(made, crashed)
    shutil.copy(f"{made}-journal", f"{crashed}-journal")
    writer.rollback()
    writer.close()

    engine = open_database(f"sqlite:///{crashed}")  # not "attempt to write a readonly database"
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("SELECT count(*) FROM unit").scalar() == 0
    finally:
        engine.dispose()


def test_a_connection_whose_settings_do_not_come_back_is_not_pooled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_load, "RESTORE_PRAGMAS", ("cache_size = -2000",))  # keys stay off
    ctx = _context(tmp_path / "demo.db")
    make_demo(ctx, days=2, seed=1, units=40)
    with ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


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
