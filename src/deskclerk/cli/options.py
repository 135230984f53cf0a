"""Options several commands share, written once so their help reads the same everywhere.

Exit codes: a time that cannot be read (`--at 25:99`, `--since 2026-02-30`) is
an error in what was typed, like an unknown unit: a message on stderr and exit
1.  Exit 2 is kept for usage errors Typer finds before the command runs (an
unknown option, a missing required one, a value outside a fixed choice).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from deskclerk import cleaning
from deskclerk.cli.common import fail, when
from deskclerk.cli.output import Format

if TYPE_CHECKING:
    from deskclerk.services.context import Context

TIME_FORMS = "YYYY-MM-DD, 'YYYY-MM-DD HH:MM', HH:MM (today), today, yesterday, -2h"

RECORD_ID_MAX = cleaning.RECORD_ID_MAX  # the largest id the database can hold
LIMIT_MAX = 1_000_000_000  # the most rows a --limit may ask for (more is "all")


def at_time(ctx: Context, text: str | None, label: str) -> datetime | None:
    """A typed time (cli.common.when), with a plain message for one beyond the calendar."""
    try:
        return when(ctx, text, label)
    except (OverflowError, ValueError):
        raise fail(f"the {label} {text!r} is too far from today") from None


ClerkOpt = Annotated[
    str | None,
    typer.Option(
        "--clerk",
        metavar="NAME",
        help="Who does this (default: $DESKCLERK_CLERK, else your login name).",
        show_default=False,
    ),
]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="WHEN",
        help=f"When it happened, if not now (back-filling): {TIME_FORMS}.",
        show_default=False,
    ),
]
UnitOpt = Annotated[
    str | None,
    typer.Option(
        "--unit",
        metavar="UNIT",
        help="The unit, e.g. 3-1203 (must be in the directory).",
        show_default=False,
    ),
]
ReasonOpt = Annotated[
    str,
    typer.Option(
        "--reason", metavar="TEXT", help="Why: kept in the history for good.", show_default=False
    ),
]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", help="table (for people), csv or json (streamed, for programs)."),
]
