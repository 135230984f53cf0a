"""A desk killed at any moment (power cut, kill -9) loses nothing it said was saved."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from deskclerk.db import session_scope
from deskclerk.services.history import verify_chain

ROUNDS = 20

# A desk that logs calls for ever, printing each id only after log_call returned.
WRITER = """
import sys
from deskclerk.services.context import open_context
from deskclerk.services.calls import log_call

ctx = open_context(sys.argv[1])
print("open", flush=True)
i = 0
while True:
    i += 1
    call = log_call(ctx, caller="李娜", phone="13912345678", unit=None, category="help",
                    matter=f"locked out, round {sys.argv[2]} call {i}", clerk="night desk")
    print(call.id, flush=True)
"""


@pytest.mark.slow
def test_calls_reported_saved_survive_sigkill(ctx: object, db_path: Path) -> None:
    rng = random.Random(20261124)
    reported: list[int] = []
    for round_no in range(ROUNDS):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), str(round_no)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        try:
            if round_no % 5 == 4:
                os.kill(writer.pid, signal.SIGKILL)  # while it is still opening the file
            else:
                assert writer.stdout.readline().strip() == "open"
                for _ in range(rng.randint(1, 40)):
                    line = writer.stdout.readline()
                    assert line, writer.stderr.read() if writer.stderr else ""
                    reported.append(int(line))
                os.kill(writer.pid, signal.SIGKILL)  # somewhere inside the next save
            writer.wait(timeout=30)
            # What it printed before dying was saved too.
            reported.extend(int(line) for line in writer.stdout.read().split())
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
            writer.stdout.close()
            if writer.stderr is not None:
                writer.stderr.close()
        assert writer.returncode == -signal.SIGKILL

    assert len(reported) > ROUNDS  # the writers did save things
    ctx.engine.dispose()  # type: ignore[attr-defined]
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        raw.close()
    with session_scope(ctx.engine) as s:  # type: ignore[attr-defined]
        saved = {row[0] for row in s.execute(sa.text("SELECT id FROM call"))}
        audited = {
            row[0]
            for row in s.execute(
                sa.text("SELECT entity_id FROM audit WHERE entity = 'call' AND action = 'create'")
            )
        }
        problems = verify_chain(s)
    missing = sorted(set(reported) - saved)
    assert missing == [], f"reported saved but lost: {missing}"
    assert saved == audited, "a call and its history entry are saved together or not at all"
    assert problems == []
