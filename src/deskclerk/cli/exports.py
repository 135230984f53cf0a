"""`deskclerk export calls|visitors|orders|notes|all`: a register to CSV, XLSX or JSON, streamed.

Exports are records: voided records are included (a `voided` column says
which), ID numbers are masked, times are the site's local time.  `all` with
XLSX gives one workbook with a sheet per register; with CSV or JSON, -o names
a folder that gets one file per register.  See reports/export.py for the
formula-safety and encoding choices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deskclerk.cli.common import check_outputs, context, fail, handle_errors, when
from deskclerk.cli.options import TIME_FORMS

app = typer.Typer(no_args_is_help=True)

FORMATS = ("csv", "xlsx", "json")
HELP = {
    "calls": "Export the calls (来电) received in the period.",
    "visitors": "Export the visits (访客) signed in in the period.",
    "orders": "Export the work orders (派工单) logged in the period.",
    "notes": "Export the handover notes (交接) written in the period.",
    "all": "Export every register: one XLSX workbook with a sheet each, or a folder of CSV/JSON files.",
}

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="csv, xlsx or json (default: from the -o file's ending, else csv).",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="The file to write (for `all` in csv/json: a folder).",
        show_default=False,
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help=f"From this time on: {TIME_FORMS}.", show_default=False),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="Before this time (same forms as --since).", show_default=False),
]


def _format(fmt: str | None, output: Path, register: str) -> str:
    """The format asked for, else the one the file's ending names, else CSV."""
    if str(output) == "-" or (str(output) in ("", ".") and register != "all"):
        raise fail(
            "give -o a file to write (an export is a file; `deskclerk list` prints to the "
            "terminal)",
            2,
        )
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in FORMATS or not suffix or register == "all":  # `all`: maybe a folder
            return suffix if suffix in FORMATS else "csv"
        raise fail(
            f"{output} does not end in .csv, .xlsx or .json: name the file so, or add "
            "--format csv|xlsx|json",
            2,
        )
    fmt = fmt.lower().strip()
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}: choose csv, xlsx or json", 2)
    return fmt


ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace files that exist already.", show_default=False)
]


def _targets(register: str, fmt: str, output: Path) -> list[Path]:
    """The files an export writes: one, or one per register in the folder `output`."""
    from deskclerk.services.exports import REGISTER_NAMES

    target = output.expanduser()
    if register == "all" and fmt != "xlsx":
        return [target / f"{name}.{fmt}" for name in REGISTER_NAMES]
    return [target]


def _command(register: str) -> None:
    @handle_errors
    def export_command(
        ctx: typer.Context,
        output: OutOpt,
        fmt: FormatOpt = None,
        since: SinceOpt = None,
        until: UntilOpt = None,
        force: ForceOpt = False,
    ) -> None:
        from deskclerk.reports.export import export

        chosen = _format(fmt, output, register)
        check_outputs(ctx, _targets(register, chosen, output), force=force)
        desk = context(ctx, reading=True)
        start, end = when(desk, since, "--since"), when(desk, until, "--until")
        if start and end and start >= end:
            raise fail("--since must be before --until")
        for written in export(desk, register, chosen, output, since=start, until=end):
            noun = written.register if written.rows != 1 else written.register.rstrip("s")
            typer.echo(f"{written.path}: {written.rows:,} {noun}")

    export_command.__doc__ = (
        f"{HELP[register]}\n\nVoided records are included (column 'voided'); ID numbers "
        "are masked; times are the site's local time.  An existing file is not replaced "
        "unless --force."
    )
    app.command(register)(export_command)


for _register in ("calls", "visitors", "orders", "notes", "all"):
    _command(_register)
