"""The desk's first page read without SQLAlchemy is the page `list_calls` gives, or nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from deskclerk.db import SCHEMA_HEAD
from deskclerk.models import CallState
from deskclerk.services import calls, orders, records
from deskclerk.services.call_public import WAITING
from deskclerk.services.first_page import newest_calls, schema_head, sqlite_file
from deskclerk.services.history import changes_since
from deskclerk.services.paging import Page

from .dataset import CLERK, build


def _fill(ctx: Any, n: int) -> None:
    """Calls in every state the list shows: waiting, due, overdue, answered, closed, voided, ordered."""
    build(ctx)
    now = ctx.now()
    for i in range(n):
        call = calls.log_call(
            ctx,
            caller=f"Caller {i}",
            matter=f"matter {i}",
            clerk=CLERK,
            unit="3-1203" if i % 3 else None,
            category="repair",
            callback_due=now + timedelta(minutes=40 * (i % 5) - 60) if i % 2 else None,
            received_at=now - timedelta(hours=2, minutes=i, seconds=i % 7),
        )
        if i % 7 == 1:
            calls.answer_call(ctx, call.id, "told them", clerk=CLERK)
        elif i % 7 == 2:
            calls.close_call(ctx, call.id, clerk=CLERK)
        elif i % 7 == 3:
            records.void(ctx, "call", call.id, reason="typed twice", clerk=CLERK)
        elif i % 7 == 4:
            orders.create_order(
                ctx, unit="3-1203", description=f"fix {i}", clerk=CLERK, call_id=call.id
            )


def test_the_page_and_its_cursor_are_the_services_own(ctx: Any, db_path: Path) -> None:
    _fill(ctx, 30)
    got = newest_calls(db_path, ctx.now(), limit=10)
    assert got is not None
    want = calls.list_calls(ctx, limit=10)
    assert Page(got.items, got.next) == want
    assert {c.attention for c in got.items} >= {"overdue", "callback due", ""}
    assert any(c.order_number for c in got.items)
    # the mark is the newest history entry, read in the same snapshot
    with ctx.engine.connect() as conn:
        from sqlmodel import Session

        assert got.mark == changes_since(Session(bind=conn), None)[0]


def test_a_short_register_has_no_next_page(ctx: Any, db_path: Path) -> None:
    build(ctx)
    got = newest_calls(db_path, ctx.now())
    assert got is not None
    assert got.next is None
    assert Page(got.items, got.next) == calls.list_calls(ctx)


def test_anything_unusual_is_left_to_the_services(ctx: Any, db_path: Path, tmp_path: Path) -> None:
    build(ctx)
    assert sqlite_file(f"sqlite:///{tmp_path / 'missing.db'}") is None  # nothing is created
    assert not (tmp_path / "missing.db").exists()
    assert sqlite_file("postgresql+psycopg://desk@host/desk") is None
    assert sqlite_file(f"sqlite:///{db_path}?mode=ro") is None
    assert sqlite_file(f"sqlite:///{db_path}") == db_path
    ctx.engine.dispose()
    with sqlite3.connect(db_path) as conn:  # a schema this code was not written for
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert newest_calls(db_path, ctx.now()) is None
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert newest_calls(tmp_path / "junk.db", ctx.now()) is None


def test_its_copies_of_the_schema_facts_stay_true() -> None:
    assert schema_head() == SCHEMA_HEAD
    assert (CallState.open.value, CallState.passed_on.value) == WAITING


def test_the_read_imports_no_sqlalchemy() -> None:
    code = (
        "import sys; import deskclerk.services.first_page, deskclerk.tui.early; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'sqlmodel', 'textual', 'pydantic')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"
