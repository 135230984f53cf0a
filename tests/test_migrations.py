"""Schema migrations: a new file reaches the head, an old one upgrades intact, a newer one is refused."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session, SQLModel

import deskclerk.db
import deskclerk.models  # registers the tables
from deskclerk.db import SCHEMA_HEAD, current_revision, open_database
from deskclerk.errors import StorageError
from deskclerk.services.context import Context
from deskclerk.services.history import verify_chain

FIXTURE = Path(__file__).parent / "fixtures" / "schema-0001.sql"


def _scripts() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(deskclerk.db.__file__).parent / "migrations"))
    return ScriptDirectory.from_config(cfg)


def _not_search(diff: object) -> bool:
    """Differences other than the full-text search tables (virtual tables Alembic cannot model)."""
    text = repr(diff)
    return "search_" not in text


def test_schema_head_is_the_newest_migration() -> None:
    assert _scripts().get_current_head() == SCHEMA_HEAD


def test_empty_database_upgrades_to_tables_matching_the_models(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, SQLModel.metadata) if _not_search(d)]
            tables = set(sa.inspect(conn).get_table_names())
        assert diffs == [], "models.py and the migrations disagree:\n" + "\n".join(map(repr, diffs))
        assert {"call", "visit", "work_order", "handover_note", "search_call"} <= tables
    finally:
        engine.dispose()


def _load_fixture(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    finally:
        conn.close()


def test_database_from_revision_0001_upgrades_with_its_records(
    tmp_path: Path, clock: object, settings: object
) -> None:
    path = tmp_path / "old.db"
    _load_fixture(path)
    engine = open_database(f"sqlite:///{path}")
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        backups = list(tmp_path.glob("old.before-*.bak"))
        assert len(backups) == 1, "a backup is taken before a migration touches the file"
        assert os.stat(backups[0]).st_mode & 0o777 == 0o600
        with sqlite3.connect(backups[0]) as old:
            assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)

        ctx = Context(engine=engine, clock=clock, settings=settings)  # type: ignore[arg-type]
        from deskclerk.services import directory, search

        shop = directory.get_unit(ctx, "0801")
        assert shop.code == "0801"  # the leading zero survived
        assert [r.name for r in shop.residents] == ["Emma Wilson"]
        flat = directory.get_unit(ctx, "3-1203")
        assert [(r.name, r.phone) for r in flat.residents] == [("王芳", "13800001234")]

        found = {(h.kind, h.title) for h in search.search(ctx, "王芳")}
        assert ("resident", "王芳") in found
        assert any(kind == "call" for kind, _ in found)
        assert any(h.kind == "order" for h in search.search(ctx, "漏水"))
        assert any(h.kind == "note" for h in search.search(ctx, "钥匙"))
        assert any(h.kind == "resident" for h in search.search(ctx, "1234"))
        with Session(engine) as s:
            assert verify_chain(s) == []
    finally:
        engine.dispose()


def _content(path: Path) -> str:
    """A digest of every schema statement and row of the database."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def test_database_from_a_newer_deskclerk_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    _load_fixture(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = _content(path)
    before_bytes = path.read_bytes()

    with pytest.raises(StorageError) as err:
        open_database(f"sqlite:///{path}")

    assert "newer deskclerk" in err.value.message
    assert "9999" in err.value.message
    assert _content(path) == before
    # byte for byte, the header too: the version is read before WAL is switched on
    assert path.read_bytes() == before_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.db"]  # no -wal, no -shm
    assert list(tmp_path.glob("*.bak")) == []
