"""The figures' independent queries run at once, each on its own pooled connection.

SQLite (and any server database) works on a query without holding Python's
GIL, so on two cores the figures take about as long as their longest query,
not the sum of all of them.  The CPU spent is the same (a little more).

What the queries see:

- **SQLite**: every connection opens its read transaction (one cheap read)
  before any query runs, and `PRAGMA data_version` of a further connection is
  read before and after: unchanged, nothing was committed in between, so every
  connection reads the same snapshot, exactly as one read transaction would.
  If a save came in between, they are opened again (a few times), and failing
  that the queries run one after the other on one connection.
- **Other databases** (PostgreSQL): each query reads its own committed view,
  as each statement of one READ COMMITTED transaction already did: a save
  that lands while the figures are read may show in one figure and not yet in
  another, as in two figures read a moment apart.  Work that needs its own
  numbers to agree (a median's size and its walk) runs as one job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from deskclerk.services.stats_sql import TEAM

Job = Callable[[sa.Connection], Any]
Then = Callable[[sa.Connection, list[Any]], Any]

ATTEMPTS = 3  # tries at one snapshot for every connection before reading one by one

_pool: ThreadPoolExecutor | None = None
_pool_made = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The figures' worker threads, made on first use (two desks' figures share them)."""
    global _pool
    with _pool_made:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="figures")
        return _pool


def _data_version(conn: sa.Connection) -> int:
    """SQLite's count of saves by other connections, read outside any transaction."""
    raw = conn.connection.driver_connection
    assert raw is not None
    return int(raw.execute("PRAGMA data_version").fetchone()[0])


def _open_read(conn: sa.Connection) -> None:
    """Begin the connection's read transaction: its snapshot is taken by a first read."""
    conn.execute(sa.select(sa.func.count()).select_from(TEAM)).scalar()


@contextmanager
def _connections(engine: Engine, n: int) -> Iterator[list[sa.Connection] | None]:
    """`n` connections reading one snapshot, or None where that cannot be had (SQLite
    kept being written to); on other databases, `n` connections."""
    with ExitStack() as stack:
        if engine.dialect.name != "sqlite":
            yield [stack.enter_context(engine.connect()) for _ in range(n)]
            return
        witness = stack.enter_context(engine.connect())  # never begins a transaction
        for _ in range(ATTEMPTS):
            with ExitStack() as attempt:
                before = _data_version(witness)
                conns = [attempt.enter_context(engine.connect()) for _ in range(n)]
                for conn in conns:
                    _open_read(conn)
                if _data_version(witness) == before:
                    stack.enter_context(attempt.pop_all())
                    yield conns
                    return
        yield None


def read_together(engine: Engine, jobs: list[Job], then: Then | None = None) -> list[Any]:
    """Each job's result, the jobs run at once on their own connections (see above),
    the first on the calling thread; `then(conn, results)`, if given, runs last on
    the first job's connection (the same snapshot on SQLite) and its result is added."""
    with _connections(engine, len(jobs)) as conns:
        if conns is None:
            with engine.connect() as conn:  # one read transaction, one job after another
                found = [job(conn) for job in jobs]
                return [*found, then(conn, found)] if then else found
        futures: list[Future[Any]] = [
            _executor().submit(job, conn) for job, conn in zip(jobs[1:], conns[1:], strict=True)
        ]
        try:
            first = jobs[0](conns[0])
        finally:
            for future in futures:  # never leave a query running on a closing connection
                future.exception()
        found = [first, *(future.result() for future in futures)]
        return [*found, then(conns[0], found)] if then else found
