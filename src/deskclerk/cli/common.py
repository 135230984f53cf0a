"""What every command shares: opening the database, reporting errors, reading times."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer

if TYPE_CHECKING:
    from deskclerk.services.context import Context

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` on stderr and return the Exit to raise."""
    typer.echo(f"deskclerk: {message}", err=True)
    return typer.Exit(code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn errors a user can cause into a message on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from deskclerk.errors import DeskError

        try:
            return func(*args, **kwargs)
        except DeskError as exc:
            raise fail(exc.message) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except RuntimeError as exc:
            if "home directory" not in str(exc):
                raise
            # Path.expanduser on "~nosuchuser/…"
            raise fail("a path starts with ~ and a user this computer does not know") from None
        except OverflowError:  # a number or date beyond what can be stored or computed
            raise fail("a number or date given is out of range: nothing was done") from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            raise fail(f"cannot use{where}: {exc.strerror or exc}") from None
        except Exception as exc:
            reason = database_error_text(exc)
            if reason is None:
                raise
            if is_write_error(exc):
                raise fail(f"the database refused the save ({reason}): nothing was saved") from None
            raise fail(f"the database could not be read: {reason}") from None

    return wrapper


def database_error_text(exc: BaseException) -> str | None:
    """What the database said, if `exc` is a SQLAlchemy error; None for anything else.

    SQLAlchemy is looked up in sys.modules rather than imported: if it was never
    loaded, the error cannot be one of its own (and `--help` stays fast).
    """
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is None or not isinstance(exc, sa_exc.SQLAlchemyError):
        return None
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc).split("\n", 1)[0]
    return text or type(exc).__name__


_WRITING = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "COMMIT")


def is_write_error(exc: BaseException) -> bool:
    """True if the failed statement was writing (INSERT, UPDATE, … or the commit)."""
    statement = str(getattr(exc, "statement", None) or "").lstrip().upper()
    return statement.startswith(_WRITING)


def db_option(ctx: typer.Context) -> str | None:
    """The --db given before the command (`deskclerk --db F call add …`)."""
    obj: Any = ctx.find_root().obj or {}
    return obj.get("db")


def database_url_of(ctx: typer.Context) -> str:
    """The URL the command would open (--db, $DESKCLERK_DB, the settings), without opening it."""
    from deskclerk.config import database_url, load_settings

    settings = load_settings()  # a settings file that cannot be read is said first
    return database_url(db_option(ctx) or settings.database)


def database_file(ctx: typer.Context) -> Path | None:
    """The SQLite file the command would open (None for a server database), resolved."""
    from deskclerk.db import sqlite_path

    path = sqlite_path(database_url_of(ctx))
    return None if path is None else path.expanduser().resolve()


def database_files(ctx: typer.Context) -> set[Path]:
    """The database file the command uses and SQLite's files beside it (resolved)."""
    path = database_file(ctx)
    if path is None:
        return set()
    return {path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))}


def check_outputs(ctx: typer.Context, paths: Iterable[Path], *, force: bool) -> None:
    """Stop before a command writes over the database (or SQLite's files beside it),
    or over a file that exists already unless `force`."""
    paths = [Path(p).expanduser() for p in paths]
    protected = database_files(ctx)
    for path in paths:
        if path.resolve() in protected:
            raise fail(f"{path} is the database or one of its files: choose another file")
    taken = [p for p in paths if p.exists() and not p.is_dir()]
    if taken and not force:
        names = ", ".join(str(p) for p in taken)
        raise fail(
            f"{names} {'exists' if len(taken) == 1 else 'exist'} already: "
            "choose another name or add --force to replace"
        )


def context(ctx: typer.Context, *, reading: bool = False) -> Context:
    """Open (and migrate) the database the command should use.

    `reading`: the command only reads, so a database file named by --db,
    $DESKCLERK_DB or the settings that is not there is refused rather than made
    (a mistyped name would show an empty desk: "calls: none").  The default file
    is made on first use, whatever the command.
    """
    from deskclerk.services.context import open_context

    if reading:
        from deskclerk.config import default_database_path

        path = database_file(ctx)
        if path is not None and not path.exists() and path != default_database_path().resolve():
            raise fail(
                f"there is no database at {path}: check the name (the desk, or a command "
                "that saves, makes a new one there)"
            )
    return open_context(db_option(ctx))


def when(ctx: Context, text: str | None, label: str) -> datetime | None:
    """A --since/--until/--at value in the site's time zone, or None if not given."""
    if text is None:
        return None
    from deskclerk.timeparse import parse_when

    return parse_when(text, ctx.tz, ctx.now(), label)


def clerk_name(given: str | None) -> str:
    """The clerk a command acts as: --clerk, else $DESKCLERK_CLERK, else the login name."""
    import getpass
    import os

    from deskclerk.cleaning import clean_name

    name = given or os.environ.get("DESKCLERK_CLERK") or getpass.getuser()
    return clean_name(name, "clerk's name")


def open_desk(db: str | None) -> None:
    """Open the full-screen desk (imports Textual only now)."""
    try:
        from deskclerk.tui.app import run_desk
    except ImportError:  # pragma: no cover - while the desk is being built
        raise fail("The desk is not built yet; use the commands (deskclerk --help).") from None
    run_desk(db)
