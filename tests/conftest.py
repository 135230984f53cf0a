"""Shared fixtures: a temporary database file, a frozen clock, a service context."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskclerk.clock import FrozenClock
from deskclerk.config import Settings

# 2026-11-24 10:00 in Shanghai: a Tuesday morning, shift A.
FROZEN_AT = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
TEST_TZ = "Asia/Shanghai"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Collect once and freeze what is left, so that pytest's own collections at the
    end skip it.

    A test process ends with some 1.7 million objects alive (Textual's and
    SQLAlchemy's caches from hundreds of apps and engines); pytest then collects
    garbage several times at 1.2-1.3 s each on a busy 2-core box, xdist's worker
    is not done 5 s after it was told to stop, and execnet interrupts it (a
    KeyboardInterrupt warning after the last test).
    """
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test away from the real user's config and database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("DESKCLERK_CONFIG", str(home / "no-config.toml"))
    monkeypatch.delenv("DESKCLERK_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(FROZEN_AT)


@pytest.fixture
def settings() -> Settings:
    return Settings(site_name="Test Gardens", timezone_name=TEST_TZ)


@pytest.fixture
def ctx(db_path: Path, clock: FrozenClock, settings: Settings) -> Iterator[object]:
    """A service context on a fresh, migrated database file."""
    from deskclerk.db import open_database
    from deskclerk.services.context import Context

    engine = open_database(f"sqlite:///{db_path}")
    yield Context(engine=engine, clock=clock, settings=settings)
    engine.dispose()
