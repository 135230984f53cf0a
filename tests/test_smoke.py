"""The database opens at the current schema, private to its owner."""

from __future__ import annotations

import os
from pathlib import Path

from deskclerk.db import SCHEMA_HEAD, current_revision


def test_new_database_is_at_head_and_private(ctx: object, db_path: Path) -> None:
    assert current_revision(ctx.engine) == SCHEMA_HEAD  # type: ignore[attr-defined]
    assert os.stat(db_path).st_mode & 0o777 == 0o600


def test_a_mistyped_folder_is_refused_not_created(tmp_path: Path) -> None:
    import pytest

    from deskclerk.db import make_engine
    from deskclerk.errors import StorageError

    missing = tmp_path / "no-such-folder" / "desk.db"
    with pytest.raises(StorageError, match="does not exist"):
        make_engine(f"sqlite:///{missing}")
    assert not missing.parent.exists()


def test_the_default_data_folder_is_made_on_first_run() -> None:
    from deskclerk.config import database_url, default_database_path
    from deskclerk.db import open_database

    engine = open_database(database_url(None))
    assert default_database_path().exists()
    assert default_database_path().parent.stat().st_mode & 0o777 == 0o700
    engine.dispose()
