"""`deskclerk order show` and `order slip`: one order in full, and the slip (派工单) to print."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from deskclerk.cli.common import check_outputs, context, fail, handle_errors
from deskclerk.cli.order_parts import Ref


@handle_errors
def show(typer_ctx: typer.Context, ref: Ref) -> None:
    """Show one order in full, with every step it went through."""
    from deskclerk.cli.output import local_time, print_lines, print_table
    from deskclerk.services import orders
    from deskclerk.services.order_rows import STATE_WORDS

    ctx = context(typer_ctx, reading=True)
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
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file if it exists.", show_default=False)
    ] = False,
) -> None:
    """Print the work order slip (派工单) the technician takes along.

    An existing file is not replaced unless --force."""
    import sys

    from deskclerk.reports.files import atomic_write_bytes
    from deskclerk.reports.slip import slip_bytes, slip_pdf, slip_text
    from deskclerk.services import orders

    if output == "-" and fmt == "pdf":
        raise fail("A PDF slip needs a file: -o slip.pdf.", 2)
    if output != "-":
        check_outputs(typer_ctx, [Path(output)], force=force)
    ctx = context(typer_ctx, reading=True)
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
