"""`deskclerk note …`: handover notes for the next shift."""

from __future__ import annotations

from typing import Annotated

import typer

from deskclerk.cli.common import clerk_name, context, handle_errors
from deskclerk.cli.options import RECORD_ID_MAX, AtOpt, ClerkOpt, UnitOpt, at_time

app = typer.Typer(no_args_is_help=True)


@app.command("add")
@handle_errors
def add(
    typer_ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="What the next shift must know or do.")],
    priority: Annotated[
        str, typer.Option("--priority", help="urgent, high, normal or low.")
    ] = "normal",
    unit: UnitOpt = None,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Write a handover note (it belongs to the shift on duty); prints its number."""
    from deskclerk.services.notes import add_note

    ctx = context(typer_ctx)
    note = add_note(
        ctx,
        text,
        clerk=clerk_name(clerk),
        priority=priority,
        unit=unit,
        written_at=at_time(ctx, at, "time written"),
    )
    typer.echo(note.id)


@app.command("resolve")
@handle_errors
def resolve(
    typer_ctx: typer.Context,
    note_id: Annotated[
        int, typer.Argument(metavar="ID", help="The note's number.", min=1, max=RECORD_ID_MAX)
    ],
    clerk: ClerkOpt = None,
) -> None:
    """Mark a note as dealt with."""
    from deskclerk.services.notes import resolve_note

    note = resolve_note(context(typer_ctx), note_id, clerk=clerk_name(clerk))
    typer.echo(f"note {note.id}: resolved")
