"""`deskclerk unit|resident|team|staff …`: the directory the desk looks callers up in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deskclerk.cli.common import clerk_name, context, handle_errors
from deskclerk.cli.options import LIMIT_MAX, ClerkOpt, FormatOpt
from deskclerk.cli.output import emit

unit_app = typer.Typer(no_args_is_help=True)
resident_app = typer.Typer(no_args_is_help=True)
team_app = typer.Typer(no_args_is_help=True)
staff_app = typer.Typer(no_args_is_help=True)


# --- units --------------------------------------------------------------------


@unit_app.command("add")
@handle_errors
def unit_add(
    typer_ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The unit number, e.g. 3-1203 or 0801.")],
    building: Annotated[str, typer.Option("--building", help="The building it is in.")] = "",
    area: Annotated[
        str, typer.Option("--area", help="The maintenance area (decides the team).")
    ] = "",
    clerk: ClerkOpt = None,
) -> None:
    """Add a unit to the directory; prints its id."""
    from deskclerk.services.directory import add_unit

    unit = add_unit(context(typer_ctx), code, building=building, area=area, clerk=clerk_name(clerk))
    typer.echo(unit.id)


@unit_app.command("list")
@handle_errors
def unit_list(
    typer_ctx: typer.Context,
    prefix: Annotated[
        str, typer.Option("--prefix", help="Only units whose number starts with this.")
    ] = "",
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=LIMIT_MAX, help="At most this many.")
    ] = 100,
    fmt: FormatOpt = "table",
) -> None:
    """Units in number order, with their residents."""
    from deskclerk.services.directory import UnitPublic, find_units

    ctx = context(typer_ctx, reading=True)
    columns = (
        ("unit", lambda u: u.code),
        ("building", lambda u: u.building),
        ("area", lambda u: u.area),
        ("residents", lambda u: "; ".join(f"{r.name} {r.phone}".strip() for r in u.residents)),
    )
    units = find_units(ctx, prefix, limit=limit)
    emit(fmt, units, cls=UnitPublic, columns=columns, tz=ctx.tz, title="units")


@unit_app.command("import")
@handle_errors
def unit_import(
    typer_ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="Rows of code,building,area[,resident,phone] (a header row is allowed).",
        ),
    ],
    clerk: ClerkOpt = None,
) -> None:
    """Load units (and residents) from a spreadsheet saved as CSV.

    The whole file is checked first: if any line is wrong, every wrong line is
    listed and nothing is saved.  Units and residents already in the directory
    are left as they are, so importing the same file again adds only what is new.
    """
    from deskclerk.cli.unit_import import import_rows, read_rows

    rows = read_rows(file)
    ctx = context(typer_ctx)
    result = import_rows(ctx, rows, clerk=clerk_name(clerk))
    typer.echo(result.summary())


# --- residents ------------------------------------------------------------------


@resident_app.command("add")
@handle_errors
def resident_add(
    typer_ctx: typer.Context,
    unit: Annotated[
        str, typer.Option("--unit", help="The unit they live or work in.", show_default=False)
    ],
    name: Annotated[str, typer.Option("--name", help="Their name.", show_default=False)],
    phone: Annotated[str, typer.Option("--phone", help="Their phone number.")] = "",
    tenant: Annotated[bool, typer.Option("--tenant", help="A tenant, not the owner.")] = False,
    clerk: ClerkOpt = None,
) -> None:
    """Add a resident with a phone number to a unit; prints their id."""
    from deskclerk.services.directory import add_resident

    resident = add_resident(
        context(typer_ctx), unit, name, phone, is_owner=not tenant, clerk=clerk_name(clerk)
    )
    typer.echo(resident.id)


@resident_app.command("find")
@handle_errors
def resident_find(
    typer_ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="A unit number, a phone number or its last 4 digits, a name.")
    ],
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=LIMIT_MAX, help="At most this many.")
    ] = 20,
    fmt: FormatOpt = "table",
) -> None:
    """Find residents by unit, phone (or its last 4 digits) or name."""
    from deskclerk.services.directory import ResidentPublic, lookup

    ctx = context(typer_ctx, reading=True)
    columns = (
        ("id", lambda r: r.id),
        ("unit", lambda r: r.unit_code),
        ("name", lambda r: r.name),
        ("phone", lambda r: r.phone),
        ("", lambda r: "owner" if r.is_owner else "tenant"),
    )
    found = lookup(ctx, text, limit=limit)
    emit(fmt, found, cls=ResidentPublic, columns=columns, tz=ctx.tz, title="residents")


# --- teams --------------------------------------------------------------------


@team_app.command("add")
@handle_errors
def team_add(
    typer_ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The team's name, e.g. 'Plumbing A'.")],
    categories: Annotated[
        str,
        typer.Option(
            "--categories", help="Kinds of work it does, comma-separated: plumbing,electrical."
        ),
    ] = "",
    areas: Annotated[
        str, typer.Option("--areas", help="Unit areas it covers, comma-separated (none: all).")
    ] = "",
    clerk: ClerkOpt = None,
) -> None:
    """Add a maintenance team; prints its id."""
    from deskclerk.services.directory import add_team

    team = add_team(
        context(typer_ctx), name, categories=categories, areas=areas, clerk=clerk_name(clerk)
    )
    typer.echo(team.id)


@team_app.command("list")
@handle_errors
def team_list(typer_ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    """The maintenance teams and what they cover."""
    from deskclerk.services.directory import TeamPublic, list_teams

    ctx = context(typer_ctx, reading=True)
    columns = (
        ("id", lambda t: t.id),
        ("team", lambda t: t.name),
        ("work", lambda t: ", ".join(t.categories)),
        ("areas", lambda t: ", ".join(t.areas) or "all"),
    )
    emit(fmt, list_teams(ctx), cls=TeamPublic, columns=columns, tz=ctx.tz, title="teams")


# --- staff --------------------------------------------------------------------


@staff_app.command("add")
@handle_errors
def staff_add(
    typer_ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Their name as it appears on records.")],
    role: Annotated[str, typer.Option("--role", help="clerk, supervisor or technician.")] = "clerk",
    team: Annotated[
        str | None,
        typer.Option("--team", help="The team a technician belongs to.", show_default=False),
    ] = None,
    phone: Annotated[str, typer.Option("--phone", help="Their phone number.")] = "",
    pin_prompt: Annotated[
        bool,
        typer.Option("--pin-prompt", help="Ask for a PIN (4-12 digits, not shown as typed)."),
    ] = False,
    clerk: ClerkOpt = None,
) -> None:
    """Add a clerk, supervisor or technician; prints their id."""
    from deskclerk.services.directory import add_staff

    ctx = context(typer_ctx)
    pin = None
    if pin_prompt:
        pin = typer.prompt("PIN", hide_input=True, confirmation_prompt=True).strip()
    person = add_staff(
        ctx, name, role=role, team=team, phone=phone, pin=pin, clerk=clerk_name(clerk)
    )
    typer.echo(person.id)


@staff_app.command("list")
@handle_errors
def staff_list(
    typer_ctx: typer.Context,
    role: Annotated[
        str | None,
        typer.Option("--role", help="Only clerks, supervisors or technicians.", show_default=False),
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """The staff, by name."""
    from deskclerk.services.directory import StaffPublic, list_staff

    ctx = context(typer_ctx, reading=True)
    columns = (
        ("id", lambda p: p.id),
        ("name", lambda p: p.name),
        ("role", lambda p: p.role),
        ("team", lambda p: p.team_name),
        ("phone", lambda p: p.phone),
    )
    emit(fmt, list_staff(ctx, role), cls=StaffPublic, columns=columns, tz=ctx.tz, title="staff")
