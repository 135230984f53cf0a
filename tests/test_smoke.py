"""The database opens at the current schema, private to its owner."""

from __future__ import annotations

import os
from pathlib import Path

from deskclerk.db import SCHEMA_HEAD, current_revision


def test_new_database_is_at_head_and_private(ctx: object, db_path: Path) -> None:
    assert current_revision(ctx.engine) == SCHEMA_HEAD  # type: ignore[attr-defined]
    assert os.stat(db_path).st_mode & 0o777 == 0o600
