"""What the desk's workers ask the services, in one place (runs in worker threads).

Nothing here is imported before the first frame is painted: SQLModel and the
services load inside these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from deskclerk.tui.messages import Counts

if TYPE_CHECKING:
    from deskclerk.clock import Clock
    from deskclerk.config import Settings
    from deskclerk.services.context import Context
    from deskclerk.services.first_page import FirstCalls
    from deskclerk.tui.early import EarlyCalls

COUNT_CAP = 999


@dataclass(frozen=True)
class Duty:
    """Who is on duty where: the status bar's left half."""

    site: str
    clerk: str
    shift: str


@dataclass(frozen=True)
class SiteTime:
    """The site's clock and zone before the Context exists: enough to show a page's times."""

    clock: Clock
    tz: tzinfo

    def now(self) -> datetime:
        return self.clock.now()

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)


def first_calls(
    db: str | None,
    given: Context | None,
    clock: Clock | None,
    settings: Settings | None,
    early: EarlyCalls | None = None,
) -> tuple[SiteTime | Context, FirstCalls] | None:
    """The newest calls straight from a SQLite file, before SQLAlchemy is imported.

    `early`: the read launch.py started while Textual loaded (run_desk's case: no
    clock or settings given).  None (use the services) for any other database, an
    older schema or any trouble: the services path then opens the database and
    says in words what is wrong.
    """
    if early is not None and given is None and clock is None and settings is None:
        got = early.wait()
        if got is None:
            return None
        from deskclerk.clock import SystemClock

        return SiteTime(SystemClock(), got[0].tz), got[1]
    try:
        from pathlib import Path

        from deskclerk.services.first_page import newest_calls, sqlite_file

        site_time: SiteTime | Context
        if given is not None:
            url = given.engine.url
            if url.get_backend_name() != "sqlite" or not url.database:
                return None
            path = sqlite_file(f"sqlite:///{Path(url.database).resolve()}")
            site_time = given
        else:
            from deskclerk.clock import SystemClock
            from deskclerk.config import database_url, load_settings

            settings = settings or load_settings()
            path = sqlite_file(database_url(db or settings.database))
            site_time = SiteTime(clock or SystemClock(), settings.tz)
        calls = newest_calls(path, site_time.now()) if path is not None else None
    except Exception:  # only a shortcut: the services path will report any real problem
        return None
    return (site_time, calls) if calls is not None else None


def open_desk_context(db: str | None, clock: Clock | None, settings: Settings | None) -> Context:
    """Open (and migrate) the database; the slow imports happen here, off the event loop."""
    from deskclerk.services.context import Context, open_context

    ctx = open_context(db, clock=clock)
    if settings is not None:
        ctx = Context(engine=ctx.engine, clock=ctx.clock, settings=settings)
    return ctx


def duty(ctx: Context) -> Duty:
    """Site name (database setting, else the config file) and the shift on duty."""
    from deskclerk.services.directory import get_setting
    from deskclerk.services.shifts import current_shift

    site = get_setting(ctx, "site_name") or ctx.settings.site_name
    shift = current_shift(ctx)
    return Duty(site, shift.clerk if shift else "", shift.name if shift else "")


def first_run(ctx: Context, site: str, clerk: str) -> Duty:
    """Record the site name and put the first clerk on duty."""
    from deskclerk.services.directory import set_setting
    from deskclerk.services.shifts import start_shift

    set_setting(ctx, "site_name", site, clerk=clerk)
    shift = start_shift(ctx, clerk)
    return Duty(site, shift.clerk, shift.name)


def change_clerk(ctx: Context, clerk: str, site: str) -> Duty:
    """Start `clerk`'s shift (ending the one on duty, in the history)."""
    from deskclerk.services.shifts import start_shift

    shift = start_shift(ctx, clerk)
    return Duty(site, shift.clerk, shift.name)


def clerk_names(ctx: Context) -> list[str]:
    """Names to suggest when a clerk takes over."""
    from deskclerk.services.directory import list_staff

    return [s.name for s in list_staff(ctx) if s.role in ("clerk", "supervisor")]


def changes(ctx: Context, after: int | None) -> tuple[int, frozenset[str]]:
    """The newest history mark and which kinds of record changed since `after`."""
    from deskclerk.db import session_scope
    from deskclerk.services.history import changes_since

    with session_scope(ctx.engine) as s:
        return changes_since(s, after)


def counts(ctx: Context) -> Counts:
    """Open and overdue work orders, visitors on site, callbacks due now."""
    from deskclerk.services.calls import callbacks_due
    from deskclerk.services.visits import on_site

    now = ctx.now()
    due = sum(1 for c in callbacks_due(ctx) if c.callback_due is not None and c.callback_due <= now)
    visitors = len(on_site(ctx))
    open_orders = overdue = 0
    capped = False
    try:
        from deskclerk.services.orders import urgent_first
    except ImportError:  # the orders service lands separately
        pass
    else:
        orders = urgent_first(ctx, limit=COUNT_CAP)
        open_orders = len(orders)
        overdue = sum(1 for o in orders if o.alert == "overdue")
        capped = open_orders >= COUNT_CAP
    return Counts(open_orders, overdue, visitors, due, capped)
