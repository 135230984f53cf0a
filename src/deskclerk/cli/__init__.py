"""The command line: `deskclerk` opens the desk; sub-commands script the office.

Keep this import light: `deskclerk --help` must answer in well under 150 ms, so
no module here imports SQLModel, openpyxl or Textual at the top; commands import
what they need when they run.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from deskclerk import __version__

app = typer.Typer(
    name="deskclerk",
    help="A keyboard-first desk for property-management front desks.\n\n"
    "With no command, opens the desk on the default database.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# (module, attribute, name, help) — each module defines a Typer sub-app.
_SUBAPPS = (
    ("deskclerk.cli.calls", "app", "call", "Log and follow up incoming calls."),
    ("deskclerk.cli.visitors", "app", "visitor", "Sign visitors in and out."),
    ("deskclerk.cli.orders", "app", "order", "Work orders: add, dispatch, done, callback, slip."),
    ("deskclerk.cli.notes", "app", "note", "Handover notes for the next shift."),
    ("deskclerk.cli.directory", "unit_app", "unit", "The directory of units."),
    ("deskclerk.cli.directory", "resident_app", "resident", "Residents and their phones."),
    ("deskclerk.cli.directory", "team_app", "team", "Maintenance teams."),
    ("deskclerk.cli.directory", "staff_app", "staff", "Clerks, supervisors, technicians."),
    ("deskclerk.cli.listing", "app", "list", "List a register (newest first)."),
    ("deskclerk.cli.exports", "app", "export", "Export a register to CSV, XLSX or JSON."),
    ("deskclerk.cli.reports", "report_app", "report", "Printable reports (monthly)."),
    (
        "deskclerk.cli.handover",
        "app",
        "handover",
        "Shift handover: start, sign, acknowledge, print.",
    ),
)

for _module, _attr, _name, _help in _SUBAPPS:
    app.add_typer(getattr(importlib.import_module(_module), _attr), name=_name, help=_help)

# Single commands that live in their own modules.
importlib.import_module("deskclerk.cli.admin").register(app)
importlib.import_module("deskclerk.cli.reports").register(app)
importlib.import_module("deskclerk.cli.demo").register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deskclerk {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database file, or an SQLAlchemy URL (postgresql://…). "
            "Default: $DESKCLERK_DB, else a file in your data directory.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Open the desk, or run a command."""
    if db is not None and not db.strip():
        from deskclerk.cli.common import fail

        raise fail("--db is empty: give a database file or URL, or leave --db out", 2)
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        from deskclerk.cli.common import open_desk

        open_desk(db)


def main() -> None:
    """Entry point of the `deskclerk` script."""
    app()
