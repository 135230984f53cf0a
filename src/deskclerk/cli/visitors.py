"""`deskclerk visitor …`: sign visitors in and out, see who is on site, purge old ID numbers."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from deskclerk.cli.common import clerk_name, context, handle_errors
from deskclerk.cli.options import RECORD_ID_MAX, AtOpt, ClerkOpt, FormatOpt, UnitOpt, at_time

app = typer.Typer(no_args_is_help=True)


def _text(flag: str, help_text: str, metavar: str = "TEXT") -> Any:
    return typer.Option(flag, metavar=metavar, help=help_text, show_default=False)


@app.command("in")
@handle_errors
def sign_in(
    typer_ctx: typer.Context,
    name: Annotated[str, _text("--name", "The visitor's name.", "NAME")],
    unit: UnitOpt = None,
    host: Annotated[str, _text("--host", "The person visited.", "NAME")] = "",
    purpose: Annotated[str, _text("--purpose", "Why they came: delivery, repair, guest…")] = "",
    badge: Annotated[str, _text("--badge", "The badge or pass handed out.")] = "",
    plate: Annotated[str, _text("--plate", "The vehicle's plate.")] = "",
    id_number: Annotated[
        str, _text("--id-number", "ID document number (masked when shown, purged later).")
    ] = "",
    phone: Annotated[str, _text("--phone", "The visitor's phone number.", "PHONE")] = "",
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Sign a visitor in; prints the visit's number."""
    from deskclerk.services.visits import sign_in as sign_visitor_in

    ctx = context(typer_ctx)
    visit = sign_visitor_in(
        ctx,
        visitor=name,
        clerk=clerk_name(clerk),
        unit=unit,
        host=host,
        purpose=purpose,
        badge=badge,
        plate=plate,
        id_number=id_number,
        phone=phone,
        time_in=at_time(ctx, at, "time in"),
    )
    typer.echo(visit.id)


@app.command("out")
@handle_errors
def sign_out(
    typer_ctx: typer.Context,
    visit_id: Annotated[
        int, typer.Argument(metavar="ID", help="The visit's number.", min=1, max=RECORD_ID_MAX)
    ],
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Sign a visitor out."""
    from deskclerk.cli.output import local_time
    from deskclerk.services.visits import sign_out as sign_visitor_out

    ctx = context(typer_ctx)
    visit = sign_visitor_out(
        ctx, visit_id, clerk=clerk_name(clerk), time_out=at_time(ctx, at, "time out")
    )
    typer.echo(f"visit {visit.id}: out at {local_time(visit.time_out, ctx.tz)}")


@app.command("on-site")
@handle_errors
def on_site(typer_ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    """Visitors signed in and not yet out, longest on site first."""
    from deskclerk.cli.listing import visit_columns
    from deskclerk.cli.output import emit
    from deskclerk.services.visits import VisitPublic
    from deskclerk.services.visits import on_site as visitors_on_site

    ctx = context(typer_ctx, reading=True)
    emit(
        fmt,
        visitors_on_site(ctx),
        cls=VisitPublic,
        columns=visit_columns(ctx.tz),
        tz=ctx.tz,
        title="on site",
    )


@app.command("purge-ids")
@handle_errors
def purge_ids(
    typer_ctx: typer.Context,
    older_than: Annotated[
        int | None,
        typer.Option(
            "--older-than",
            min=0,
            max=100 * 366,
            metavar="DAYS",
            help="Blank ID numbers of visits older than this many days "
            "(default: the site's retention period, 30 days unless set).",
            show_default=False,
        ),
    ] = None,
    clerk: ClerkOpt = None,
) -> None:
    """Blank the ID-document numbers kept longer than the retention period; prints how many."""
    from deskclerk.services.visits import purge_id_numbers

    ctx = context(typer_ctx)
    count = purge_id_numbers(ctx, older_than_days=older_than, clerk=clerk_name(clerk))
    typer.echo(f"{count} ID number{'s' if count != 1 else ''} blanked")
