"""What every service call needs: the engine, the clock and the site settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy.engine import Engine

from deskclerk.clock import Clock, SystemClock
from deskclerk.config import Settings


@dataclass
class Context:
    """Injected into every service function; never created at import time."""

    engine: Engine
    clock: Clock = field(default_factory=SystemClock)
    settings: Settings = field(default_factory=Settings)

    def now(self) -> datetime:
        """The present instant, aware UTC."""
        return self.clock.now()

    @property
    def tz(self) -> tzinfo:
        return self.settings.tz

    def local(self, at: datetime) -> datetime:
        """An instant in the site's time zone, for showing and for day boundaries."""
        return at.astimezone(self.tz)


def open_context(db: str | None = None, *, clock: Clock | None = None) -> Context:
    """Open (and migrate) the database named by --db / $DESKCLERK_DB / the settings."""
    from deskclerk.config import database_url, load_settings
    from deskclerk.db import open_database

    settings = load_settings()
    engine = open_database(database_url(db or settings.database))
    return Context(engine=engine, clock=clock or SystemClock(), settings=settings)
