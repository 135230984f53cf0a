"""Top-level commands for looking after the data: where, backup, check, search, amend, void, history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from deskclerk.cli.common import (
    clerk_name,
    context,
    database_files,
    database_url_of,
    db_option,
    fail,
    handle_errors,
)
from deskclerk.cli.options import RECORD_ID_MAX, ClerkOpt, FormatOpt, ReasonOpt
from deskclerk.cli.output import Column, emit

if TYPE_CHECKING:
    from deskclerk.services.context import Context

Kind = Literal["call", "visit", "order", "note", "unit", "resident"]


SQLITE_HEADER = b"SQLite format 3\x00"


def _existing_file(url: str) -> Path | None:
    """The SQLite file behind `url` (None for a server database); an error if it is missing."""
    from deskclerk.db import sqlite_path

    path = sqlite_path(url)
    if path is None:
        return None
    if path.is_dir():
        raise fail(f"{path} is a folder, not a database file")
    if not path.is_file():
        raise fail(f"there is no database at {path} (see `deskclerk where`)")
    return path


def _record_id(ctx: Context, kind: str, ref: str) -> int:
    """A record id typed by a clerk; a work order may also be given by its number, and
    a unit is given by its code (0012 is unit 0012, never the unit with id 12)."""
    text = ref.strip()
    if kind == "unit":
        from deskclerk.db import session_scope
        from deskclerk.services.directory import unit_ref

        with session_scope(ctx.engine) as s:
            found = unit_ref(s, text, active_only=False)
        if found is None:
            raise fail("give the unit's code, e.g. 3-1203")
        return found[0]
    if text.isdigit() and 0 < int(text) <= RECORD_ID_MAX:
        return int(text)
    if kind == "order":
        from deskclerk.services.orders import get_order

        return get_order(ctx, text).id
    raise fail(f"{ref!r} is not a record number: give the {kind}'s id, e.g. 12")


def where(
    typer_ctx: typer.Context,
) -> None:
    """Show which database and settings file this command line uses."""
    import os

    import sqlalchemy as sa

    from deskclerk.config import config_path, database_url, load_settings
    from deskclerk.db import sqlite_path
    from deskclerk.errors import DeskError

    settings_file = config_path()
    configured: str | None = None
    problem = ""
    try:
        configured = load_settings(settings_file).database
        state = "in use" if settings_file.exists() else "not present: the defaults are in use"
    except DeskError as exc:
        state = "cannot be read: fix it, or the desk will not open"
        problem = exc.message
    given = db_option(typer_ctx)
    url = database_url(given or configured)
    if given:
        source = "--db"
    elif os.environ.get("DESKCLERK_DB"):
        source = "$DESKCLERK_DB"
    else:
        source = "settings file" if configured else "default"
    path = sqlite_path(url)
    if path is None:
        shown = sa.make_url(url).render_as_string(hide_password=True)
        typer.echo(f"database: {shown} ({source})")
    else:
        exists = "exists" if path.is_file() else "not created yet"
        typer.echo(f"database: {path} ({source}; {exists})")
    typer.echo(f"settings: {settings_file} ({state})")
    if problem:
        typer.echo(f"  {problem}")


@handle_errors
def backup(
    typer_ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Where to write the copy. Default: a timestamped file beside the database.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Make a consistent copy of the database while desks keep working (readable by you only)."""
    from datetime import datetime

    from deskclerk.db import backup_sqlite, make_engine

    url = database_url_of(typer_ctx)
    source = _existing_file(url)
    if source is None:
        raise fail("backups are made of database files; for a PostgreSQL server use pg_dump")
    with source.open("rb") as head:
        if head.read(16) not in (SQLITE_HEADER, b""):
            raise fail(f"{source} is not a deskclerk database: nothing to back up")
    if output is None:
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        output = source.with_name(f"{source.stem}.backup-{stamp}{source.suffix or '.db'}")
    output = output.expanduser()
    if output.resolve() in database_files(typer_ctx):
        raise fail(f"{output} is the database or one of its files: choose another file")
    if output.is_dir():
        raise fail(f"{output} is a folder: give a file name for the backup")
    if not output.parent.is_dir():
        raise fail(f"the folder {output.parent} does not exist")
    if output.exists() and not force:
        raise fail(f"{output} exists already: choose another name or add --force")
    engine = make_engine(url)
    try:
        done = backup_sqlite(engine, output)
    finally:
        engine.dispose()
    typer.echo(str(done))


@handle_errors
def check(typer_ctx: typer.Context) -> None:
    """Check the database file, its links, and that no history entry was changed.

    Prints each problem found and exits 1.  Records of a signed handover corrected
    through the history since are listed under "Changed after handover" and leave
    the exit code 0; "all good" is printed when nothing at all is found.
    """
    import sys

    from deskclerk.db import is_sqlite, session_scope
    from deskclerk.services.history import verify_chain

    _existing_file(database_url_of(typer_ctx))
    ctx = context(typer_ctx)
    problems: list[str] = []

    def doing(step: str) -> None:  # a million records take ~12 s: say what is being read
        if sys.stderr.isatty():
            print(f"\r\x1b[K{step}…", end="", file=sys.stderr, flush=True)

    try:
        with ctx.engine.connect() as conn:
            doing("Checking the file")
            if is_sqlite(ctx.engine):
                for (line,) in conn.exec_driver_sql("PRAGMA integrity_check").fetchall():
                    if line != "ok":
                        problems.append(f"database file: {line}")
                for table, rowid, parent, _ in conn.exec_driver_sql(
                    "PRAGMA foreign_key_check"
                ).fetchall():
                    problems.append(
                        f"{table} row {rowid}: points at a {parent} that does not exist"
                    )
            entries = conn.exec_driver_sql("SELECT count(*) FROM audit").scalar() or 0
        doing(f"Checking the history ({entries:,} entries)")
        with session_scope(ctx.engine) as s:
            problems.extend(verify_chain(s))
        doing("Checking the signed handovers")
        notices, changed = _handover_findings(ctx)
        problems.extend(changed)
    finally:
        if sys.stderr.isatty():  # the progress line goes before the findings (or an error)
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)
    for problem in problems:
        typer.echo(problem)
    if notices:
        if problems:
            typer.echo("")
        typer.echo(CHANGED_AFTER_HANDOVER)
        for notice in notices:
            typer.echo(f"  {notice}")
    if problems:
        raise fail(f"{len(problems)} problem(s) found")
    history_state = f"the history ({entries:,} entries) is unchanged"
    if notices:
        typer.echo(
            f"no problem: the file is intact, {history_state}; "
            f"{len(notices)} correction(s) after handover, each recorded in the history"
        )
    else:
        typer.echo(f"all good: the file is intact and {history_state}")


CHANGED_AFTER_HANDOVER = "Changed after handover (recorded in the history):"


def _handover_findings(ctx: Context) -> tuple[list[str], list[str]]:
    """Signed handover sheets whose listed records changed since: (notices, problems)."""
    from deskclerk.services.handover_fingerprint import fingerprint_findings

    return fingerprint_findings(ctx)


@handle_errors
def search(
    typer_ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Unit, name, phone (or its last 4 digits), words.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many.")] = 50,
    fmt: FormatOpt = "table",
) -> None:
    """Find calls, visits, work orders, notes and residents across the registers."""
    from deskclerk.cli.output import local_time
    from deskclerk.services.search import SearchHit
    from deskclerk.services.search import search as run_search

    ctx = context(typer_ctx, reading=True)
    hits = run_search(ctx, text, limit=limit)
    columns = (
        ("kind", lambda h: h.kind),
        ("id", lambda h: h.id),
        ("when", lambda h: local_time(h.at, ctx.tz)),
        ("unit", lambda h: h.unit),
        ("what", lambda h: h.title),
        ("detail", lambda h: h.detail),
    )
    emit(fmt, hits, cls=SearchHit, columns=columns, tz=ctx.tz, title=f"found for {text!r}")


@handle_errors
def amend(
    typer_ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(help="call, visit, order, note, unit or resident.")],
    ref: Annotated[
        str,
        typer.Argument(metavar="ID", help="The record's id (an order's WO number, a unit's code)."),
    ],
    field: Annotated[str, typer.Argument(help="The field to correct, e.g. matter or phone.")],
    value: Annotated[str, typer.Argument(help="The corrected value.")],
    reason: ReasonOpt,
    clerk: ClerkOpt = None,
) -> None:
    """Correct one field of a record; the old value and the reason stay in its history."""
    from deskclerk.services import records

    ctx = context(typer_ctx)
    record_id = _record_id(ctx, kind, ref)
    records.amend(ctx, kind, record_id, field, value, reason=reason, clerk=clerk_name(clerk))
    typer.echo(f"{kind} {ref.strip()}: {field} amended")


@handle_errors
def void(
    typer_ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(help="call, visit, order, note, unit or resident.")],
    ref: Annotated[
        str,
        typer.Argument(metavar="ID", help="The record's id (an order's WO number, a unit's code)."),
    ],
    reason: ReasonOpt,
    clerk: ClerkOpt = None,
) -> None:
    """Void a record entered by mistake: it stays, marked void, hidden from lists."""
    from deskclerk.services import records

    ctx = context(typer_ctx)
    record_id = _record_id(ctx, kind, ref)
    records.void(ctx, kind, record_id, reason=reason, clerk=clerk_name(clerk))
    typer.echo(f"{kind} {ref.strip()}: voided")


@handle_errors
def history(
    typer_ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(help="call, visit, order, note, unit or resident.")],
    ref: Annotated[
        str,
        typer.Argument(metavar="ID", help="The record's id (an order's WO number, a unit's code)."),
    ],
    fmt: FormatOpt = "table",
) -> None:
    """Show who did what to a record, and when, oldest first."""
    from deskclerk.services import records
    from deskclerk.services.history import HistoryEntry

    ctx = context(typer_ctx, reading=True)
    record_id = _record_id(ctx, kind, ref)
    entries = records.history(ctx, kind, record_id)
    if not entries:
        raise fail(f"there is no history for {kind} {ref.strip()}")
    emit(
        fmt,
        entries,
        cls=HistoryEntry,
        columns=history_columns(ctx),
        tz=ctx.tz,
        title=f"history of {kind} {ref.strip()}",
    )


def history_columns(ctx: Context) -> tuple[Column, ...]:
    """The table columns of a record's history (also used by `call show`)."""
    from deskclerk.cli.output import local_time

    return (
        ("when", lambda e: local_time(e.at, ctx.tz)),
        ("who", lambda e: e.actor),
        ("did", lambda e: e.action),
        ("field", lambda e: e.field_name),
        ("was", lambda e: e.old),
        ("now", lambda e: e.new),
        ("reason", lambda e: e.reason),
    )


def register(app: typer.Typer) -> None:
    """Add this module's top-level commands to `app`."""
    app.command("where")(where)
    app.command("backup")(backup)
    app.command("check")(check)
    app.command("search")(search)
    app.command("amend")(amend)
    app.command("void")(void)
    app.command("history")(history)
