"""What the `deskclerk order …` commands share: the order argument, team and
technician options, and the one-line summary of an order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.orders import OrderPublic

Ref = Annotated[
    str,
    typer.Argument(metavar="WO-NUMBER", help="The order's number (WO-20261124-007) or its id."),
]
TeamOpt = Annotated[
    str | None,
    typer.Option(
        "--team",
        help="The team (default: the one covering the category and area).",
        show_default=False,
    ),
]
AddTeamOpt = Annotated[
    str | None,
    typer.Option(
        "--team",
        help=(
            "Dispatch to this team at once.  Without it the order stays logged until "
            "dispatched; the team covering the category and area is suggested."
        ),
        show_default=False,
    ),
]
TechnicianOpt = Annotated[
    str, typer.Option("--technician", help="The technician sent, if known.", show_default=False)
]


def order_time(ctx: Context, at: object) -> str:
    """An instant as the site's local date and time."""
    from datetime import datetime

    assert isinstance(at, datetime)
    return at.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")


def summary(ctx: Context, order: OrderPublic) -> str:
    """One line: number, state, team, and the clock running now."""
    from deskclerk.services.order_rows import STATE_WORDS

    words = [f"{order.number}: {STATE_WORDS.get(order.state, order.state)}"]
    if order.team_name and order.state in ("dispatched", "on_site"):
        words.append(
            f"team {order.team_name}" + (f", {order.technician}" if order.technician else "")
        )
    if order.paused:
        words.append(f"paused ({order.pause_reason})")
    if order.clock and order.time_left is not None:
        due = {"on site": order.on_site_due, "done": order.done_due, "callback": order.callback_due}
        at = due.get(order.clock)
        mark = f" [{order.alert.upper()}]" if order.alert else ""
        if at is not None:
            words.append(f"{order.clock} by {order_time(ctx, at)}{mark}")
    return "; ".join(words)


def say(ctx: Context, order: OrderPublic) -> None:
    """Print the order's one-line summary."""
    typer.echo(summary(ctx, order))
