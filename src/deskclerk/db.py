"""The database: engine set-up (pragmas, BEGIN IMMEDIATE), migrations, sessions, backups."""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from deskclerk.errors import StorageError

# The newest schema revision this version of deskclerk knows.  A test checks it
# equals the head of the Alembic scripts; the desk compares against it without
# importing Alembic when the database is already current.
SCHEMA_HEAD = "0004"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")
BUSY_TIMEOUT_MS = 30_000


def sqlite_path(url: str | sa.URL) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and memory."""
    u = sa.make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _create_private_file(path: Path) -> None:
    """Create the database file readable by the owner only (0600) before SQLite does."""
    if path.is_dir():
        raise StorageError(
            f"{path} is a folder, not a database file: name a file, e.g. {path / 'deskclerk.db'}."
        )
    if not path.parent.is_dir():
        from deskclerk.config import default_database_path

        # Only our own data folder is made on first run: a mistyped --db folder
        # must not quietly start an empty desk that seems to have lost its records.
        if path.parent != default_database_path().parent:
            raise StorageError(f"The folder {path.parent} does not exist: check the database path.")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except PermissionError:
        pass


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`, set up for durable, concurrent use by several desks.

    SQLite: WAL journal, foreign keys, a busy timeout, full fsync on commit, and
    writes begin with BEGIN IMMEDIATE (take the write lock first, wait for it
    under the busy timeout) instead of failing half-way with "database is locked".
    Nothing is migrated here: call `prepare_database`.
    """
    try:
        path = sqlite_path(url)
    except sa.exc.ArgumentError:
        raise StorageError(f"{url!r} is neither a file name nor a database URL.") from None
    if path is not None:
        try:
            _create_private_file(path)
        except OSError as exc:
            raise StorageError(f"Cannot create the database file {path}: {exc.strerror}.") from None
        engine = sa.create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        _setup_sqlite(engine)
        return engine
    if url.startswith("sqlite"):
        raise StorageError("An in-memory database cannot be shared between threads; use a file.")
    try:
        return sa.create_engine(url, echo=echo, pool_pre_ping=True)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        shown = sa.make_url(url).render_as_string(hide_password=True)
        postgres = url.startswith(("postgresql", "postgres:"))
        hint = (
            "For PostgreSQL install deskclerk[postgres]."
            if postgres
            else "deskclerk keeps its records in a SQLite file or on PostgreSQL (postgresql://…)."
        )
        raise StorageError(f"Cannot use the database {shown!r}: {exc}. {hint}") from None


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


_WRITERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _writer(engine: Engine) -> Engine:
    """The engine's write-lock-first view, made once per engine (every save uses it)."""
    writer = _WRITERS.get(engine)
    if writer is None:
        writer = _WRITERS[engine] = engine.execution_options(sqlite_begin="IMMEDIATE")
    return writer


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session whose work is committed when the block ends, rolled back on error.

    `write=True` takes the write lock at the start (BEGIN IMMEDIATE on SQLite), so
    two desks saving at once queue instead of failing.  The commit has returned,
    and so the record is on disk, before the caller tells anyone it is saved.
    """
    bind: Any = _writer(engine) if write else engine
    session = Session(bind=bind, expire_on_commit=False, autoflush=False)
    try:
        yield session
        session.commit()
    except sa.exc.DBAPIError as exc:
        # any refusal of the database (locked, full, a constraint, a damaged file),
        # worded by what the block was doing: saving, or only reading
        session.rollback()
        raise (_storage_error(exc) if write else _read_error(exc)) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _read_error(exc: sa.exc.DBAPIError) -> StorageError:
    """A read that failed (e.g. a column missing): nothing was being saved."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return StorageError(f"the database could not be read: {text}")


def _storage_error(exc: sa.exc.DBAPIError) -> StorageError:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    low = text.lower()
    if "full" in low:
        return StorageError(
            "The disk is full: the record was NOT saved. Free some space and save again."
        )
    if "locked" in low or "busy" in low:
        return StorageError(
            "Another desk held the database too long: the record was NOT saved. Save again."
        )
    if "readonly" in low or "read-only" in low:
        return StorageError("The database file is read-only: the record was NOT saved.")
    if "unable to open" in low or "disk i/o" in low:
        return StorageError(
            f"The database file cannot be written ({text}): the record was NOT saved."
        )
    return StorageError(f"The database refused the save ({text}): the record was NOT saved.")


# --- migrations -------------------------------------------------------------


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the database, or None for an empty one."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            if sa.inspect(conn).get_table_names():
                return "unversioned"
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def prepare_database(engine: Engine, *, backup_dir: Path | None = None) -> Path | None:
    """Bring the database to the current schema; return the backup taken, if any.

    An empty database is created at the head revision.  An older one is backed
    up first, then upgraded.  A database written by a newer deskclerk is refused.
    """
    path = sqlite_path(engine.url)
    try:
        # A SQLite file is looked at read-only first: the engine's first connection
        # switches it to WAL (a header byte), and a file we refuse stays as it was.
        rev = _peek_revision(path) if path is not None else current_revision(engine)
    except sa.exc.DatabaseError as exc:
        raise StorageError(f"The database cannot be opened: {exc.orig}.") from None
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"The database cannot be opened: {exc}.") from None
    _refuse_unknown(rev)
    if rev == SCHEMA_HEAD:
        return None
    backup = None
    if rev is not None and path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target_dir = backup_dir or path.parent
        backup = target_dir / f"{path.stem}.before-{SCHEMA_HEAD}.{stamp}.bak"
        backup_sqlite(engine, backup)
    _upgrade(engine)
    return backup


def _peek_revision(path: Path) -> str | None:
    """`current_revision` of a SQLite file, read without changing a byte of it (but
    for rolling back what a writer that died midway left in a rollback journal)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        return _read_revision(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_READONLY_ROLLBACK":
            raise
    # A writer in rollback-journal mode (the demo loads that way) died midway and
    # left its journal: opened read-write, SQLite rolls the file back to its last
    # commit, as any open would, and the revision is read from that.
    return _read_revision(sqlite3.connect(path))


def _read_revision(conn: sqlite3.Connection) -> str | None:
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            return "unversioned" if tables else None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    finally:
        conn.close()


def _refuse_unknown(rev: str | None) -> None:
    """Refuse a file that is not a deskclerk database, or one of a newer deskclerk."""
    if rev == "unversioned":
        raise StorageError(
            "This file is not a deskclerk database (it has tables but no schema version)."
        )
    if rev is not None and rev not in KNOWN_REVISIONS:
        raise StorageError(
            f"This database was written by a newer deskclerk (schema {rev}; this one knows up to "
            f"{SCHEMA_HEAD}). Upgrade deskclerk to open it; nothing was changed."
        )


def _upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_database(url: str) -> Engine:
    """make_engine + prepare_database: what the desk and the CLI call first."""
    engine = make_engine(url)
    prepare_database(engine)
    return engine


def backup_sqlite(engine: Engine, dest: Path) -> Path:
    """A consistent copy of a live SQLite database, readable by the owner only.

    Uses SQLite's online backup (desks may keep writing meanwhile) into a file
    created 0600, written beside the target and moved into place.
    """
    src = sqlite_path(engine.url)
    if src is None:
        raise StorageError("Backups are made of SQLite files; for PostgreSQL use pg_dump.")
    dest = Path(dest)
    if not dest.parent.is_dir():
        raise StorageError(
            f"Cannot write the backup {dest}: the folder {dest.parent} does not exist."
        )
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        source = sqlite3.connect(str(src), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            target = sqlite3.connect(str(tmp))
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
        finally:
            source.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as exc:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StorageError(f"Cannot write the backup {dest}: {reason.lower()}.") from None
    return dest
