"""The newest calls, read in a thread while Textual loads (launch.py starts it for the desk).

No Textual and no SQLAlchemy here: the read (services/first_page.py) runs
beside the main thread's imports, so the page is ready when the first frame is.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskclerk.config import Settings
    from deskclerk.services.first_page import FirstCalls


class EarlyCalls:
    """Reads the first page of calls of `db` in a daemon thread, started at once."""

    def __init__(self, db: str | None) -> None:
        self.db = db
        self.result: tuple[Settings, FirstCalls] | None = None
        self._thread = threading.Thread(target=self._read, name="first-calls", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            from deskclerk.clock import SystemClock
            from deskclerk.config import database_url, load_settings
            from deskclerk.services.first_page import newest_calls, sqlite_file

            settings = load_settings()
            path = sqlite_file(database_url(self.db or settings.database))
            calls = newest_calls(path, SystemClock().now()) if path is not None else None
        except Exception:  # only a shortcut: the desk's own opening reports real problems
            return
        if calls is not None:
            self.result = (settings, calls)

    def wait(self, timeout: float = 2.0) -> tuple[Settings, FirstCalls] | None:
        """The settings read and the page, or None (the desk then reads through the services)."""
        self._thread.join(timeout)
        return None if self._thread.is_alive() else self.result
