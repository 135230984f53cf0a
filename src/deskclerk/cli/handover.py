"""`deskclerk handover …`: build the sheet, remark, sign, acknowledge, print."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskclerk.cli.common import check_outputs, clerk_name, context, fail, handle_errors, when
from deskclerk.cli.options import RECORD_ID_MAX, ClerkOpt

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.handover import SheetPublic

app = typer.Typer(no_args_is_help=True)

IdArg = Annotated[
    int,
    typer.Argument(
        metavar="ID", help="The handover's number (printed by `start`).", min=1, max=RECORD_ID_MAX
    ),
]
PinOpt = Annotated[
    bool,
    typer.Option("--pin-prompt", help="Ask for the PIN (asked anyway when the site uses PINs)."),
]


def _pin(ctx: Context, asked: bool) -> str | None:
    if not (asked or ctx.settings.pins):
        return None
    return str(typer.prompt("PIN", hide_input=True, err=True))


def _summary(sheet: SheetPublic) -> list[str]:
    from deskclerk.reports.handover import HEADINGS

    lines = []
    for name, (english, _chinese) in HEADINGS.items():
        items = sheet.section(name)
        if not items:
            continue
        overdue = sum(1 for i in items if i.attention == "overdue")
        near = sum(1 for i in items if i.attention == "near deadline")
        flags = [f"{overdue} overdue"] if overdue else []
        flags += [f"{near} near deadline"] if near else []
        lines.append(f"  {english}: {len(items)}" + (f" ({', '.join(flags)})" if flags else ""))
    return lines or ["  nothing open to hand over"]


@app.command("start")
@handle_errors
def start(
    typer_ctx: typer.Context,
    clerk: ClerkOpt = None,
    shift: Annotated[
        int | None,
        typer.Option(
            "--shift",
            help="The shift's number (default: the one on duty).",
            min=1,
            max=RECORD_ID_MAX,
        ),
    ] = None,
) -> None:
    """End your shift: build the handover sheet from the open records (prints its number)."""
    from deskclerk.services.handover import start_handover

    sheet = start_handover(context(typer_ctx), clerk=clerk_name(clerk), shift_id=shift)
    typer.echo(f"handover {sheet.id} (draft) · {sheet.shift_label} · {sheet.outgoing}")
    for line in _summary(sheet):
        typer.echo(line)
    typer.echo(
        f"review it: deskclerk handover report --id {sheet.id}; "
        f"add a remark: deskclerk handover remark {sheet.id} TEXT; "
        f"then: deskclerk handover sign {sheet.id}"
    )


@app.command("remark")
@handle_errors
def remark(
    typer_ctx: typer.Context,
    handover_id: IdArg,
    text: Annotated[
        str, typer.Argument(help="Keys, equipment, anything the next shift must know.")
    ],
    clerk: ClerkOpt = None,
) -> None:
    """Add a free-text remark to a sheet not signed yet."""
    from deskclerk.services.handover import add_remark

    sheet = add_remark(context(typer_ctx), handover_id, text, clerk=clerk_name(clerk))
    typer.echo(f"handover {sheet.id}: remark added as item {sheet.items[-1].no}")


@app.command("sign")
@handle_errors
def sign(
    typer_ctx: typer.Context,
    handover_id: IdArg,
    clerk: ClerkOpt = None,
    pin_prompt: PinOpt = False,
) -> None:
    """Sign the sheet as the outgoing clerk (brought up to date first, then frozen)."""
    from deskclerk.services.handover import sign as sign_sheet
    from deskclerk.services.handover_fingerprint import short

    ctx = context(typer_ctx)
    who = clerk_name(clerk)
    sheet = sign_sheet(ctx, handover_id, clerk=who, pin=_pin(ctx, pin_prompt))
    at = ctx.local(sheet.signed_at or ctx.now()).strftime("%H:%M")
    typer.echo(
        f"handover {sheet.id} signed by {sheet.outgoing} at {at} · {len(sheet.items)} items · "
        f"fingerprint {short(sheet.fingerprint)}"
    )
    typer.echo(f"the incoming clerk acknowledges it: deskclerk handover ack {sheet.id}")


def _queries(extra: list[str]) -> list[tuple[int, str]]:
    """`--query N COMMENT` pairs from the words Typer left over (it has no 2-value lists)."""
    out, rest = [], list(extra)
    while rest:
        word = rest.pop(0)
        if word != "--query" or len(rest) < 2:
            raise fail(f'unexpected {word!r}: write --query N "comment" after the ID', 2)
        number, comment = rest.pop(0), rest.pop(0)
        if not number.isdigit():
            raise fail(f"--query {number!r}: give the item number, then the comment", 2)
        out.append((int(number), comment))
    return out


ACK_EPILOG = """\b
Queries, after the ID (repeat for more):
  --query N "COMMENT"  ask about item N; it still counts as received
Example:
  deskclerk handover ack 12 --item 1 --query 3 "which drawer?"
"""


@app.command(
    "ack",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    epilog=ACK_EPILOG,
)
@handle_errors
def ack(
    typer_ctx: typer.Context,
    handover_id: IdArg,
    clerk: ClerkOpt = None,
    item: Annotated[
        list[int] | None,
        typer.Option(
            "--item", metavar="N", help="Acknowledge only item N (repeat for more).", min=1
        ),
    ] = None,
    pin_prompt: PinOpt = False,
) -> None:
    """Acknowledge a signed sheet as the incoming clerk: all items, or the ones given.

    Query an item with --query N "comment" (repeat for more); it counts as received.
    """
    from deskclerk.services.handover import acknowledge, sheet

    query = _queries(typer_ctx.args)
    ctx = context(typer_ctx)
    numbers = {i.no: i.id for i in sheet(ctx, handover_id).items}

    def item_id(n: int) -> int:
        if n not in numbers:
            raise fail(f"handover {handover_id} has no item {n} (it has {len(numbers)})")
        return numbers[n]

    chosen = [item_id(n) for n in item] if item else None
    queries = {item_id(n): comment for n, comment in (query or [])}
    who = clerk_name(clerk)
    done = acknowledge(
        ctx, handover_id, clerk=who, pin=_pin(ctx, pin_prompt), items=chosen, queries=queries
    )
    if done.acknowledged_at is not None:
        at = ctx.local(done.acknowledged_at).strftime("%H:%M")
        typer.echo(f"handover {done.id} acknowledged by {done.incoming} at {at}")
    else:
        typer.echo(
            f"handover {done.id}: {len(done.items) - done.unacknowledged} of {len(done.items)} "
            f"items acknowledged by {done.incoming}; {done.unacknowledged} still to acknowledge"
        )


@app.command("pending")
@handle_errors
def pending(typer_ctx: typer.Context) -> None:
    """Signed sheets the incoming clerk has not acknowledged yet."""
    from deskclerk.services.handover import pending as waiting

    ctx = context(typer_ctx, reading=True)
    rows = waiting(ctx)
    if not rows:
        typer.echo("no handover is waiting to be acknowledged")
        return
    for h in rows:
        at = ctx.local(h.signed_at).strftime("%Y-%m-%d %H:%M") if h.signed_at else ""
        shift = f"shift {h.shift_name}" if h.shift_name else "outside the pattern"
        typer.echo(
            f"handover {h.id} · {shift} · signed by {h.outgoing} at {at} · "
            f"{h.acknowledged_items} of {h.items} items acknowledged"
            + (f" by {h.incoming}" if h.incoming else "")
        )


def _day(ctx: Context, text: str) -> date:
    from deskclerk.timeparse import parse_date

    if text.strip().lower() in ("today", "yesterday"):
        return ctx.local(when(ctx, text, "date") or ctx.now()).date()
    return parse_date(text, "date")


@app.command("report")
@handle_errors
def report(
    typer_ctx: typer.Context,
    last: Annotated[
        bool, typer.Option("--last", help="The last signed sheet (the default).")
    ] = False,
    handover_id: Annotated[
        int | None,
        typer.Option("--id", help="The sheet with this number.", min=1, max=RECORD_ID_MAX),
    ] = None,
    shift: Annotated[
        int | None,
        typer.Option(
            "--shift", help="The sheet of the shift with this number.", min=1, max=RECORD_ID_MAX
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Every sheet started that day (or today, yesterday).",
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="txt (80 columns), md (e-mail), html or pdf (A4).")
    ] = "txt",
    output: Annotated[
        str, typer.Option("-o", "--output", help="The file to write; - for the terminal.")
    ] = "-",
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file if it exists.", show_default=False)
    ] = False,
) -> None:
    """Print a handover sheet, with what is still open now (the supervisor's morning read).

    An existing file is not replaced unless --force."""
    from deskclerk.reports.handover import FORMATS, render
    from deskclerk.services import handover

    if fmt not in FORMATS:
        raise fail(f"the format {fmt!r} is not one of: {', '.join(FORMATS)}", 2)
    if sum(x is not None for x in (handover_id, shift, day)) + last > 1:
        raise fail("give one of --last, --id, --shift, --date", 2)
    if fmt == "pdf" and output == "-":
        raise fail("a PDF does not go to the terminal: give a file with -o handover.pdf", 2)
    if output != "-":
        check_outputs(typer_ctx, [Path(output)], force=force)
    ctx = context(typer_ctx, reading=True)
    if handover_id is not None:
        sheets = [handover.sheet(ctx, handover_id)]
    elif shift is not None:
        sheets = [handover.sheet_for_shift(ctx, shift)]
    elif day is not None:
        sheets = handover.sheets_for_date(ctx, _day(ctx, day))
        if not sheets:
            raise fail(f"no handover sheet was started on {day}")
    else:
        found = handover.last_sheet(ctx)
        if found is None:
            raise fail("no handover sheet has been started yet: deskclerk handover start")
        sheets = [found]
    data = render(sheets, fmt)
    if output == "-":
        typer.echo(data.decode("utf-8"), nl=False)
        return
    from deskclerk.reports.files import atomic_write_bytes

    path = atomic_write_bytes(Path(output), data)
    which = ", ".join(str(s.id) for s in sheets)
    typer.echo(f"handover {which} written to {path}")
