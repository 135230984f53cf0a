"""`deskclerk call …`: log an incoming call and follow it up (answer, pass on, close, show)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from deskclerk.cli.common import clerk_name, context, fail, handle_errors
from deskclerk.cli.options import RECORD_ID_MAX, TIME_FORMS, AtOpt, ClerkOpt, UnitOpt, at_time

if TYPE_CHECKING:
    from deskclerk.services.context import Context

app = typer.Typer(no_args_is_help=True)

CallId = Annotated[
    int, typer.Argument(metavar="ID", help="The call's number.", min=1, max=RECORD_ID_MAX)
]
DueOpt = Annotated[
    str | None,
    typer.Option(
        "--callback-due",
        metavar="WHEN",
        help=f"When the caller was promised an answer: {TIME_FORMS}, or +4h / +2d from now.",
        show_default=False,
    ),
]
_AHEAD = re.compile(r"^\+\s*(\d+)\s*([mhd])$")
_SPANS = {"m": "minutes", "h": "hours", "d": "days"}


def due(ctx: Context, text: str | None) -> datetime | None:
    """A promised callback time: as `when`, or `+4h` / `+30m` / `+2d` from now."""
    if text is None:
        return None
    m = _AHEAD.match(text.strip().lower())
    if m:
        amount, unit = int(m.group(1)), m.group(2)
        try:
            return ctx.now() + timedelta(**{_SPANS[unit]: amount})
        except OverflowError:
            raise fail(f"the callback time {text!r} is too far ahead") from None
    return at_time(ctx, text, "callback time")


@app.command("add")
@handle_errors
def add(
    typer_ctx: typer.Context,
    matter: Annotated[
        str,
        typer.Option(
            "--matter", metavar="TEXT", help="What it is about (事由).", show_default=False
        ),
    ],
    caller: Annotated[
        str, typer.Option("--caller", metavar="NAME", help="The caller's name.", show_default=False)
    ],
    phone: Annotated[
        str, typer.Option("--phone", metavar="PHONE", help="A number to call back.")
    ] = "",
    unit: UnitOpt = None,
    category: Annotated[
        str,
        typer.Option(
            "--category",
            metavar="CATEGORY",
            help="repair 报修, complaint 投诉, inquiry 咨询, help 求助, suggestion 建议, other.",
        ),
    ] = "other",
    passed_to: Annotated[
        str, typer.Option("--passed-to", metavar="NAME", help="Whom it was passed to, if anyone.")
    ] = "",
    callback_due: DueOpt = None,
    answer: Annotated[
        str, typer.Option("--answer", metavar="TEXT", help="The answer given on the spot.")
    ] = "",
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Log an incoming call or walk-in request; prints its number.

    A complaint without --callback-due gets the site's reply deadline.
    """
    from deskclerk.services.calls import log_call

    ctx = context(typer_ctx)
    call = log_call(
        ctx,
        caller=caller,
        matter=matter,
        clerk=clerk_name(clerk),
        phone=phone,
        unit=unit,
        category=category,
        passed_to=passed_to,
        callback_due=due(ctx, callback_due),
        answer=answer,
        received_at=at_time(ctx, at, "time of the call"),
    )
    typer.echo(call.id)


@app.command("answer")
@handle_errors
def answer(
    typer_ctx: typer.Context,
    call_id: CallId,
    text: Annotated[
        str,
        typer.Option(
            "--answer", metavar="TEXT", help="The answer given to the caller.", show_default=False
        ),
    ],
    clerk: ClerkOpt = None,
) -> None:
    """Record the answer given to the caller; the call becomes "answered"."""
    from deskclerk.services.calls import answer_call

    call = answer_call(context(typer_ctx), call_id, text, clerk=clerk_name(clerk))
    typer.echo(f"call {call.id}: {call.state}")


@app.command("pass")
@handle_errors
def pass_(
    typer_ctx: typer.Context,
    call_id: CallId,
    to: Annotated[
        str,
        typer.Option("--to", metavar="NAME", help="Who owns it from now on.", show_default=False),
    ],
    callback_due: DueOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """Pass a call on to someone named (they own it from now: 首问负责)."""
    from deskclerk.services.calls import pass_on

    ctx = context(typer_ctx)
    call = pass_on(ctx, call_id, to, clerk=clerk_name(clerk), callback_due=due(ctx, callback_due))
    typer.echo(f"call {call.id}: passed on to {call.passed_to}")


@app.command("close")
@handle_errors
def close(
    typer_ctx: typer.Context,
    call_id: CallId,
    note: Annotated[
        str, typer.Option("--note", metavar="TEXT", help="How it ended (kept in the history).")
    ] = "",
    clerk: ClerkOpt = None,
) -> None:
    """Close a call: nothing more is owed to the caller."""
    from deskclerk.services.calls import close_call

    call = close_call(context(typer_ctx), call_id, clerk=clerk_name(clerk), note=note)
    typer.echo(f"call {call.id}: {call.state}")


@app.command("show")
@handle_errors
def show(typer_ctx: typer.Context, call_id: CallId) -> None:
    """Show one call in full, with its history."""
    from deskclerk.cli.admin import history_columns
    from deskclerk.cli.output import local_time, print_lines, print_table
    from deskclerk.services import records
    from deskclerk.services.calls import get_call

    ctx = context(typer_ctx, reading=True)
    call = get_call(ctx, call_id)
    tz = ctx.tz
    lines: list[tuple[str, object]] = [
        ("call", call.id),
        ("received", local_time(call.received_at, tz)),
        ("recorded", local_time(call.recorded_at, tz)),
        ("caller", call.caller),
        ("phone", call.phone),
        ("unit", call.unit_code),
        ("category", call.category),
        ("matter", call.matter),
        ("taken by", call.taken_by),
        ("state", call.state + (f" ({call.attention})" if call.attention else "")),
        ("passed to", call.passed_to),
        ("callback due", local_time(call.callback_due, tz)),
        ("answer", call.answer),
        ("work order", call.order_number),
    ]
    if call.voided:
        lines.append(("VOID", call.void_reason))
    print_lines([(label, value) for label, value in lines if value not in ("", None)])
    typer.echo("")
    print_table(history_columns(ctx), records.history(ctx, "call", call.id), title="history")
