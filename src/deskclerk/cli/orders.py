"""`deskclerk order …`: write up, dispatch and follow a work order to its callback; print its slip.

`add` is in order_add, `show` and `slip` in order_views; the steps are here.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deskclerk.cli import order_add, order_views
from deskclerk.cli.common import clerk_name, context, fail, handle_errors, when
from deskclerk.cli.options import AtOpt, ClerkOpt, ReasonOpt
from deskclerk.cli.order_parts import Ref, TeamOpt, TechnicianOpt, say

app = typer.Typer(no_args_is_help=True)
app.command("add")(order_add.add)


@app.command("dispatch")
@handle_errors
def dispatch(
    typer_ctx: typer.Context,
    ref: Ref,
    team: TeamOpt = None,
    technician: TechnicianOpt = "",
    reason: Annotated[
        str, typer.Option("--reason", help="Why it moves to another team (required then).")
    ] = "",
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Send the order to a team (the suggested one unless --team) and optionally a technician."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    order = orders.dispatch(
        ctx,
        ref,
        clerk=clerk_name(clerk),
        team=team,
        technician=technician,
        reason=reason,
        at=when(ctx, at, "dispatch time"),
    )
    say(ctx, order)


@app.command("arrive")
@handle_errors
def arrive(typer_ctx: typer.Context, ref: Ref, at: AtOpt = None, clerk: ClerkOpt = None) -> None:
    """The team is on site (now, or --at when it was)."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    order = orders.arrive(ctx, ref, clerk=clerk_name(clerk), at=when(ctx, at, "arrival time"))
    say(ctx, order)


@app.command("done")
@handle_errors
def done(
    typer_ctx: typer.Context,
    ref: Ref,
    at: AtOpt = None,
    charge: Annotated[
        float | None,
        typer.Option(
            "--charge",
            min=0,
            help="Paid service (有偿服务): the charge (default: the price list's).",
            show_default=False,
        ),
    ] = None,
    clerk: ClerkOpt = None,
) -> None:
    """The job is done; the order waits for its callback (回访)."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    order = orders.finish(
        ctx, ref, clerk=clerk_name(clerk), at=when(ctx, at, "time the job was done"), charge=charge
    )
    say(ctx, order)
    if order.charge:
        typer.echo(f"charge {order.charge:.2f}")


@app.command("callback")
@handle_errors
def callback(
    typer_ctx: typer.Context,
    ref: Ref,
    reached: Annotated[
        bool | None,
        typer.Option(
            "--reached/--not-reached", help="Did the resident answer?", show_default=False
        ),
    ] = None,
    satisfied: Annotated[
        bool | None,
        typer.Option(
            "--satisfied/--unsatisfied",
            help="The resident's verdict (when reached).",
            show_default=False,
        ),
    ] = None,
    comment: Annotated[str, typer.Option("--comment", help="What the resident said.")] = "",
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Record the call-back (回访): not reached counts an attempt; not satisfied reopens."""
    from deskclerk.services import orders

    if reached is None:
        raise fail("Say --reached or --not-reached.", 2)
    if reached and satisfied is None:
        raise fail("The resident was reached: say --satisfied or --unsatisfied.", 2)
    ctx = context(typer_ctx)
    order = orders.record_callback(
        ctx,
        ref,
        clerk=clerk_name(clerk),
        reached=reached,
        satisfied=satisfied if reached else None,
        comment=comment,
        at=when(ctx, at, "callback time"),
    )
    say(ctx, order)
    if not reached:
        typer.echo(f"attempt {order.callback_attempts}; it stays on the callback list")
    elif order.state == "dispatched":
        typer.echo(f"not satisfied: reopened, back to {order.team_name}")


@app.command("cancel")
@handle_errors
def cancel(typer_ctx: typer.Context, ref: Ref, reason: ReasonOpt, clerk: ClerkOpt = None) -> None:
    """Cancel an order that is not done, with a reason."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    say(ctx, orders.cancel(ctx, ref, clerk=clerk_name(clerk), reason=reason))


SupervisorOpt = Annotated[
    str | None,
    typer.Option(
        "--clerk",
        metavar="NAME",
        help=(
            "The supervisor doing it, as on the staff list (default: $DESKCLERK_CLERK, else "
            "your login name)."
        ),
        show_default=False,
    ),
]


@app.command("close")
@handle_errors
def close(
    typer_ctx: typer.Context, ref: Ref, reason: ReasonOpt, clerk: SupervisorOpt = None
) -> None:
    """Supervisor: close a done order without a callback, with a reason."""
    _supervisors_step(typer_ctx, "close", ref, reason, clerk)


@app.command("reopen")
@handle_errors
def reopen(
    typer_ctx: typer.Context, ref: Ref, reason: ReasonOpt, clerk: SupervisorOpt = None
) -> None:
    """Supervisor: send a done or closed order back to its team, with a reason."""
    _supervisors_step(typer_ctx, "reopen", ref, reason, clerk)


def _supervisors_step(
    typer_ctx: typer.Context, step: str, ref: str, reason: str, clerk: str | None
) -> None:
    """close or reopen: the service refuses anyone but a supervisor on the staff list."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    run = orders.close if step == "close" else orders.reopen
    say(ctx, run(ctx, ref, clerk=clerk_name(clerk), reason=reason))


@app.command("pause")
@handle_errors
def pause(
    typer_ctx: typer.Context,
    ref: Ref,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why: waiting for the resident, for parts …", show_default=False
        ),
    ],
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Stop the order's clocks while waiting for the resident or for parts."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    order = orders.pause(
        ctx, ref, clerk=clerk_name(clerk), reason=reason, at=when(ctx, at, "time of the pause")
    )
    say(ctx, order)


@app.command("resume")
@handle_errors
def resume(typer_ctx: typer.Context, ref: Ref, at: AtOpt = None, clerk: ClerkOpt = None) -> None:
    """End the pause: the clocks run again, their deadlines moved on by the pause."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    order = orders.resume(
        ctx, ref, clerk=clerk_name(clerk), at=when(ctx, at, "time the work went on")
    )
    say(ctx, order)


app.command("show")(order_views.show)
app.command("slip")(order_views.slip)
