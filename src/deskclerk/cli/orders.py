"""`deskclerk order …`: write up, dispatch and follow a work order to its callback; print its slip."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import typer

from deskclerk.cli.common import clerk_name, context, fail, handle_errors, when
from deskclerk.cli.options import AtOpt, ClerkOpt, ReasonOpt, UnitOpt

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.orders import OrderPublic

app = typer.Typer(no_args_is_help=True)

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


def _time(ctx: Context, at: object) -> str:
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
            words.append(f"{order.clock} by {_time(ctx, at)}{mark}")
    return "; ".join(words)


def _say(ctx: Context, order: OrderPublic) -> None:
    typer.echo(summary(ctx, order))


@app.command("add")
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
            f"{same.number} ({STATE_WORDS[same.state]}, logged {_time(ctx, same.logged_at)}) "
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
    if order.state == "logged":
        _suggest(ctx, order)
    elif team:
        _warn_if_not_covering(ctx, order)


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
    _say(ctx, order)


@app.command("arrive")
@handle_errors
def arrive(typer_ctx: typer.Context, ref: Ref, at: AtOpt = None, clerk: ClerkOpt = None) -> None:
    """The team is on site (now, or --at when it was)."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    order = orders.arrive(ctx, ref, clerk=clerk_name(clerk), at=when(ctx, at, "arrival time"))
    _say(ctx, order)


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
    _say(ctx, order)
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
    _say(ctx, order)
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
    _say(ctx, orders.cancel(ctx, ref, clerk=clerk_name(clerk), reason=reason))


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
    _say(ctx, run(ctx, ref, clerk=clerk_name(clerk), reason=reason))


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
    _say(ctx, order)


@app.command("resume")
@handle_errors
def resume(typer_ctx: typer.Context, ref: Ref, at: AtOpt = None, clerk: ClerkOpt = None) -> None:
    """End the pause: the clocks run again, their deadlines moved on by the pause."""
    from deskclerk.services import orders

    ctx = context(typer_ctx)
    order = orders.resume(
        ctx, ref, clerk=clerk_name(clerk), at=when(ctx, at, "time the work went on")
    )
    _say(ctx, order)


@app.command("show")
@handle_errors
def show(typer_ctx: typer.Context, ref: Ref) -> None:
    """Show one order in full, with every step it went through."""
    from deskclerk.cli.output import local_time, print_lines, print_table
    from deskclerk.services import orders
    from deskclerk.services.order_rows import STATE_WORDS

    ctx = context(typer_ctx)
    order = orders.get_order(ctx, ref)
    tz = ctx.tz
    left = ""
    if order.time_left is not None:
        minutes = int(order.time_left.total_seconds() // 60)
        left = (
            f"{order.clock}: {minutes} min left"
            if minutes >= 0
            else f"{order.clock}: {-minutes} min OVERDUE"
        )
        if order.alert and order.alert != "overdue":
            left += f" ({order.alert} used)"
    lines: list[tuple[str, object]] = [
        ("order", order.number),
        ("state", STATE_WORDS.get(order.state, order.state)),
        ("clock", left),
        (
            "paused",
            f"since {local_time(order.paused_since, tz)}: {order.pause_reason}"
            if order.paused
            else "",
        ),
        ("unit", order.unit_code),
        ("resident", order.resident_name),
        ("phone", order.resident_phone),
        ("category", order.category),
        ("priority", order.priority),
        ("problem", order.description),
        ("team", order.team_name),
        ("technician", order.technician),
        ("from call", order.call_id),
        ("logged", f"{local_time(order.logged_at, tz)} by {order.logged_by}"),
        ("dispatched", local_time(order.dispatched_at, tz)),
        ("on site by", local_time(order.on_site_due, tz)),
        ("on site", local_time(order.on_site_at, tz)),
        ("done by", local_time(order.done_due, tz)),
        ("done", local_time(order.done_at, tz)),
        ("callback by", local_time(order.callback_due, tz)),
        ("callbacks", order.callback_attempts or ""),
        ("verdict", order.verdict),
        ("comment", order.callback_comment),
        ("reopened", order.reopened_count or ""),
        ("charge", f"{order.charge:.2f}" if order.charge else ""),
        ("closed", local_time(order.closed_at, tz)),
        (
            "cancelled",
            f"{local_time(order.cancelled_at, tz)}: {order.cancel_reason}"
            if order.cancelled_at
            else "",
        ),
    ]
    if order.voided:
        lines.append(("VOID", order.void_reason))
    print_lines([(label, value) for label, value in lines if value not in ("", None)])
    typer.echo("")
    print_table(
        (
            ("when", lambda e: local_time(e.at, tz)),
            ("step", lambda e: e.kind),
            ("who", lambda e: e.clerk),
            ("detail", lambda e: e.detail),
            ("recorded", lambda e: local_time(e.recorded_at, tz) if e.recorded_at != e.at else ""),
        ),
        orders.order_events(ctx, order.id),
        title="steps",
    )


@app.command("slip")
@handle_errors
def slip(
    typer_ctx: typer.Context,
    ref: Ref,
    output: Annotated[
        str,
        typer.Option(
            "-o", "--output", help="The file to write; - prints the text slip.", show_default=False
        ),
    ],
    fmt: Annotated[
        Literal["txt", "pdf"],
        typer.Option(
            "--format", help="txt for a receipt or dot-matrix printer (80 columns), pdf (A5)."
        ),
    ] = "txt",
    width: Annotated[
        int,
        typer.Option(
            "--width", min=32, max=200, help="Columns of the text slip (32 for 58 mm paper)."
        ),
    ] = 80,
    encoding: Annotated[
        Literal["utf-8", "gb18030", "gbk"],
        typer.Option("--encoding", help="The text slip's encoding: what the printer expects."),
    ] = "utf-8",
) -> None:
    """Print the work order slip (派工单) the technician takes along."""
    import sys

    from deskclerk.reports.files import atomic_write_bytes
    from deskclerk.reports.slip import slip_bytes, slip_pdf, slip_text
    from deskclerk.services import orders

    if output == "-" and fmt == "pdf":
        raise fail("A PDF slip needs a file: -o slip.pdf.", 2)
    ctx = context(typer_ctx)
    order = orders.get_order(ctx, ref)
    site = ctx.settings.site_name
    if fmt == "pdf":
        atomic_write_bytes(output, slip_pdf(order, site_name=site, tz=ctx.tz, printed_at=ctx.now()))
    else:
        text = slip_text(order, site_name=site, tz=ctx.tz, printed_at=ctx.now(), width=width)
        data = slip_bytes(text, encoding)
        if output == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            typer.echo(order.number, err=True)
            return
        atomic_write_bytes(output, data)
    typer.echo(f"{order.number}: slip written to {output}")
