"""Two desks saving at the same moment: every record is kept and no clerk sees an error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from deskclerk.db import session_scope
from deskclerk.services.history import verify_chain

PER_DESK = 500

# One desk: open the database, say "ready", wait for "go", then log calls as fast
# as it can through the service, counting anything that reached the clerk as an error.
DESK = """
import json, sys, time
from deskclerk.services.context import open_context
from deskclerk.services.calls import log_call

db, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
ctx = open_context(db)
print("ready", flush=True)
sys.stdin.readline()
ids, errors = [], []
began = time.time()
for i in range(count):
    try:
        call = log_call(ctx, caller=f"王芳 {tag}{i}", phone="13800001234", category="inquiry",
                        matter=f"parking fee question {tag}-{i}", clerk=f"desk {tag}")
        ids.append(call.id)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
ended = time.time()
print(json.dumps({"ids": ids, "errors": errors[:5], "error_count": len(errors),
                  "began": began, "ended": ended}), flush=True)
"""


@pytest.mark.slow
def test_two_desks_save_500_calls_each_at_once(ctx: object, db_path: Path) -> None:
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", DESK, str(db_path), tag, str(PER_DESK)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    ]
    try:
        for desk in desks:
            assert desk.stdout is not None
            assert desk.stdout.readline().strip() == "ready", desk.stderr
        for desk in desks:  # both start together
            assert desk.stdin is not None
            desk.stdin.write("go\n")
            desk.stdin.flush()
        results = []
        for desk in desks:
            out, err = desk.communicate(timeout=120)
            assert desk.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for desk in desks:
            if desk.poll() is None:
                desk.kill()
                desk.wait()

    assert [r["error_count"] for r in results] == [0, 0], [r["errors"] for r in results]
    ids = [i for r in results for i in r["ids"]]
    # Both desks were saving at once: each began before the other had finished.  (Which
    # ids each got is up to SQLite's busy handler: one desk may win every turn of a
    # short burst while the other waits, which is fine as long as the wait ends in a save.)
    a, b = results
    assert a["began"] < b["ended"] and b["began"] < a["ended"], "the two desks overlapped"
    assert len(ids) == len(set(ids)) == 2 * PER_DESK

    engine = ctx.engine  # type: ignore[attr-defined]
    with session_scope(engine) as s:
        rows = s.execute(sa.text("SELECT id, taken_by FROM call")).all()
        created = s.execute(
            sa.text("SELECT count(*) FROM audit WHERE entity = 'call' AND action = 'create'")
        ).scalar()
        assert verify_chain(s) == []  # two writers never forked the history
    assert sorted(r.id for r in rows) == sorted(ids)
    assert sum(r.taken_by == "desk A" for r in rows) == PER_DESK
    assert created == 2 * PER_DESK
