"""`deskclerk order add`: write up a repair as a work order (a duplicate is caught first)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskclerk.cli.common import clerk_name, context, fail, handle_errors, when
from deskclerk.cli.options import RECORD_ID_MAX, AtOpt, ClerkOpt, UnitOpt
from deskclerk.cli.order_parts import AddTeamOpt, TechnicianOpt, order_time, summary

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.orders import OrderPublic


@handle_errors
def add(
    typer_ctx: typer.Context,
    unit: UnitOpt = None,
    problem: Annotated[
        str | None,
        typer.Option(
            "--problem",
            help="What is broken (default with --from-call: the call's matter).",
            show_default=False,
        ),
    ] = None,
    category: Annotated[
        str, typer.Option("--category", help="Kind of work: plumbing, electrical, lift, general …")
    ] = "general",
    priority: Annotated[
        str, typer.Option("--priority", help="urgent 紧急, high 高, normal 普通, low 低.")
    ] = "normal",
    team: AddTeamOpt = None,
    technician: TechnicianOpt = "",
    from_call: Annotated[
        int | None,
        typer.Option(
            "--from-call",
            metavar="ID",
            min=1,
            max=RECORD_ID_MAX,
            help="Write up this call (its unit, matter and caller).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Log it even if the same repair is open already.")
    ] = False,
    attach: Annotated[
        bool,
        typer.Option(
            "--attach",
            help="If the same repair is open already, attach the call (--from-call) to it instead.",
        ),
    ] = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Write up a repair as a work order; prints its number.

    An open order for the same unit and category logged in the last few hours
    is most likely the same repair: the command says so and stops, unless
    --attach (the call joins that order) or --force (a second order).
    """
    from deskclerk.services import calls, orders
    from deskclerk.services.order_rows import STATE_WORDS

    ctx = context(typer_ctx)
    logged_at = when(ctx, at, "time the repair was reported")
    call = calls.get_call(ctx, from_call) if from_call is not None else None
    if attach and call is None:
        raise fail("--attach needs --from-call: it attaches that call to the open order.", 2)
    unit = unit or (call.unit_code if call else None)
    if not unit:
        raise fail("Which unit? Give --unit (e.g. --unit 3-1203).", 2)
    problem = problem if problem is not None else (call.matter if call else None)
    if not problem:
        raise fail("What is broken? Give --problem TEXT.", 2)
    same = orders.find_duplicate(ctx, unit, category)
    if same is not None and call is not None and attach:
        order = orders.attach_call(ctx, same.number, call.id, clerk=clerk_name(clerk))
        typer.echo(order.number)
        typer.echo(f"call {call.id} attached to {order.number}; no new order.", err=True)
        return
    if same is not None:
        seen = (
            f"{same.number} ({STATE_WORDS[same.state]}, logged {order_time(ctx, same.logged_at)}) "
            f"is open for unit {same.unit_code}, {same.category}: {same.description[:60]}"
        )
        if not force:
            hint = "--attach to attach the call to it" if call else "--from-call ID --attach"
            raise fail(f"{seen}. Use {hint}, or --force to log a second order.")
        typer.echo(f"warning: {seen}; logging a second order (--force).", err=True)
    order = orders.create_order(
        ctx,
        unit=unit,
        description=problem,
        clerk=clerk_name(clerk),
        category=category,
        priority=priority,
        team=team,
        technician=technician,
        call_id=call.id if call else None,
        logged_at=logged_at or (call.received_at if call else None),
    )
    typer.echo(order.number)
    typer.echo(summary(ctx, order), err=True)
    if not team:  # a team named takes what it is given (a general team, painting)
        _warn_if_unknown_kind(ctx, order)
    if order.state == "logged":
        _suggest(ctx, order)
    elif team:
        _warn_if_not_covering(ctx, order)


def _warn_if_unknown_kind(ctx: Context, order: OrderPublic) -> None:
    """Warn (the order stands) when no team takes this kind of work."""
    from deskclerk.services.orders import kinds_taken_instead

    kinds = kinds_taken_instead(ctx, order.category)
    if not kinds:
        return
    typer.echo(
        f"warning: no team takes {order.category!r} work (teams take: {', '.join(kinds)}); "
        f"if that is a slip, correct it: deskclerk amend order {order.number} category KIND "
        "--reason typo",
        err=True,
    )


def _warn_if_not_covering(ctx: Context, order: OrderPublic) -> None:
    """Warn (the order stands) when the team named does not take this kind of work."""
    from deskclerk.services import orders
    from deskclerk.services.directory import list_teams
    from deskclerk.services.orders import covers

    team = next((t for t in list_teams(ctx) if t.name == order.team_name), None)
    if team is None or covers(team, order.category):
        return
    takes = ", ".join(team.categories) or "no category yet"
    words = f"warning: {team.name} does not cover {order.category} work (it covers {takes})"
    better = orders.suggest_team(ctx, order.unit_code, order.category)
    if better is not None and better.id != team.id:
        words += (
            f"; {better.name} does: deskclerk order dispatch {order.number} "
            f"--team {_shell_word(better.name)} --reason REASON"
        )
    typer.echo(f"{words}. The order was dispatched to {team.name} as asked.", err=True)


def _suggest(ctx: Context, order: OrderPublic) -> None:
    """Name the team that covers a logged order, with the command that sends it."""
    from deskclerk.services import orders

    suggested = orders.suggest_team(ctx, order.unit_code, order.category)
    if suggested is None:
        typer.echo(
            f"no team covers {order.category} here; dispatch with: "
            f"deskclerk order dispatch {order.number} --team TEAM",
            err=True,
        )
        return
    typer.echo(
        f"suggested team: {suggested.name} — dispatch with: "
        f"deskclerk order dispatch {order.number} --team {_shell_word(suggested.name)}",
        err=True,
    )


def _shell_word(text: str) -> str:
    """`text` as one word for a shell: quoted only when it has to be (水电班 stays as it is)."""
    import re
    import shlex

    return text if re.fullmatch(r"[\w.,:/@%+=-]+", text) else shlex.quote(text)
