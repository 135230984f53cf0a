"""`deskclerk list calls|visitors|orders|notes`: a register newest first, as a table, CSV or JSON.

Tables are for people (times in the site's zone, ID numbers masked); CSV and
JSON stream every field to stdout for programs, a page at a time, so `--all`
on a million rows never holds them all.  For a spreadsheet use `deskclerk
export`, which also guards cells against formulas.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskclerk.cli.common import context, fail, handle_errors
from deskclerk.cli.options import LIMIT_MAX, TIME_FORMS, FormatOpt, UnitOpt, at_time
from deskclerk.cli.output import Column, emit, pages, short_time

if TYPE_CHECKING:
    from deskclerk.services.context import Context

app = typer.Typer(no_args_is_help=True)

SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", metavar="WHEN", help=f"From this time on: {TIME_FORMS}.", show_default=False
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="WHEN",
        help="Before this time (same forms as --since).",
        show_default=False,
    ),
]
LimitOpt = Annotated[
    int, typer.Option("--limit", metavar="N", min=1, max=LIMIT_MAX, help="Show the newest N.")
]
AllOpt = Annotated[bool, typer.Option("--all", help="Show every record, not only the newest N.")]
VoidOpt = Annotated[bool, typer.Option("--voided", help="Include voided records.")]


def _flag(text: str, mark: str) -> str:
    return f"{text} ({mark})" if mark else text


def call_columns(tz: tzinfo) -> tuple[Column, ...]:
    """What a table of calls shows."""
    return (
        ("id", lambda c: c.id),
        ("received", lambda c: short_time(c.received_at, tz)),
        ("unit", lambda c: c.unit_code),
        ("caller", lambda c: c.caller),
        ("phone", lambda c: c.phone),
        ("category", lambda c: c.category),
        ("matter", lambda c: c.matter),
        ("state", lambda c: _flag(c.state, c.attention) + (" VOID" if c.voided else "")),
        ("passed to", lambda c: c.passed_to),
        ("callback due", lambda c: short_time(c.callback_due, tz)),
    )


def visit_columns(tz: tzinfo) -> tuple[Column, ...]:
    """What a table of visits shows (the ID number only masked)."""
    return (
        ("id", lambda v: v.id),
        ("in", lambda v: short_time(v.time_in, tz)),
        ("out", lambda v: short_time(v.time_out, tz) or ("overstayed" if v.overstayed else "")),
        ("visitor", lambda v: v.visitor + (" VOID" if v.voided else "")),
        ("unit", lambda v: v.unit_code),
        ("host", lambda v: v.host),
        ("purpose", lambda v: v.purpose),
        ("badge", lambda v: v.badge),
        ("plate", lambda v: v.plate),
        ("ID", lambda v: v.id_masked),
        ("phone", lambda v: v.phone),
    )


def order_columns(tz: tzinfo) -> tuple[Column, ...]:
    """What a table of work orders shows."""
    return (
        ("number", lambda o: o.number),
        ("logged", lambda o: short_time(o.logged_at, tz)),
        ("unit", lambda o: o.unit_code),
        ("category", lambda o: o.category),
        ("priority", lambda o: o.priority),
        ("problem", lambda o: o.description),
        ("state", lambda o: _flag(o.state, o.alert)),
        ("team", lambda o: o.team_name),
        ("technician", lambda o: o.technician),
    )


def note_columns(tz: tzinfo) -> tuple[Column, ...]:
    """What a table of handover notes shows."""
    return (
        ("id", lambda n: n.id),
        ("written", lambda n: short_time(n.written_at, tz)),
        ("priority", lambda n: n.priority),
        ("unit", lambda n: n.unit_code),
        ("note", lambda n: n.text + (" VOID" if n.voided else "")),
        ("by", lambda n: n.clerk),
        ("resolved", lambda n: short_time(n.resolved_at, tz)),
    )


def _window(
    typer_ctx: typer.Context, since: str | None, until: str | None
) -> tuple[Context, datetime | None, datetime | None]:
    """The context and the [since, until) instants a list command was given."""
    ctx = context(typer_ctx, reading=True)
    start = at_time(ctx, since, "start time (--since)")
    end = at_time(ctx, until, "end time (--until)")
    if start is not None and end is not None and end <= start:
        raise fail("--until must be later than --since")
    return ctx, start, end


@app.command("calls")
@handle_errors
def calls(
    typer_ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    unit: UnitOpt = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            metavar="STATE",
            help="open, answered, passed_on or closed.",
            show_default=False,
        ),
    ] = None,
    limit: LimitOpt = 50,
    everything: AllOpt = False,
    voided: VoidOpt = False,
    fmt: FormatOpt = "table",
) -> None:
    """Calls, newest first."""
    from deskclerk.services.calls import CallPublic, list_calls

    ctx, start, end = _window(typer_ctx, since, until)

    def page(**paging: Any) -> Any:
        return list_calls(
            ctx, since=start, until=end, unit=unit, state=state, include_void=voided, **paging
        )

    rows = pages(page, limit=limit, everything=everything)
    emit(fmt, rows, cls=CallPublic, columns=call_columns(ctx.tz), tz=ctx.tz, title="calls")


@app.command("visitors")
@handle_errors
def visitors(
    typer_ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    unit: UnitOpt = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            metavar="STATE",
            help="on-site: only visitors not yet signed out.",
            show_default=False,
        ),
    ] = None,
    limit: LimitOpt = 50,
    everything: AllOpt = False,
    voided: VoidOpt = False,
    fmt: FormatOpt = "table",
) -> None:
    """Visits, newest first (ID numbers masked)."""
    from deskclerk.services.visits import VisitPublic, list_visits

    on_site_only = False
    if state is not None:
        if state.strip().lower().replace("_", "-") not in ("on-site", "in"):
            raise fail(f"the state {state!r} is not one a visit has: use on-site")
        on_site_only = True

    ctx, start, end = _window(typer_ctx, since, until)

    def page(**paging: Any) -> Any:
        return list_visits(
            ctx,
            since=start,
            until=end,
            unit=unit,
            on_site_only=on_site_only,
            include_void=voided,
            **paging,
        )

    rows = pages(page, limit=limit, everything=everything)
    emit(fmt, rows, cls=VisitPublic, columns=visit_columns(ctx.tz), tz=ctx.tz, title="visits")


@app.command("orders")
@handle_errors
def orders(
    typer_ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    unit: UnitOpt = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            metavar="STATE",
            help="logged, dispatched, on_site, done, closed, cancelled; or open (not finished).",
            show_default=False,
        ),
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Only this team's orders.", show_default=False)
    ] = None,
    limit: LimitOpt = 50,
    everything: AllOpt = False,
    voided: VoidOpt = False,
    fmt: FormatOpt = "table",
) -> None:
    """Work orders, newest first."""
    from deskclerk.services.orders import OrderPublic, list_orders

    open_only = state is not None and state.strip().lower() == "open"

    ctx, start, end = _window(typer_ctx, since, until)

    def page(**paging: Any) -> Any:
        return list_orders(
            ctx,
            since=start,
            until=end,
            unit=unit,
            state=None if open_only else state,
            team=team,
            open_only=open_only,
            include_void=voided,
            **paging,
        )

    rows = pages(page, limit=limit, everything=everything)
    emit(fmt, rows, cls=OrderPublic, columns=order_columns(ctx.tz), tz=ctx.tz, title="work orders")


@app.command("notes")
@handle_errors
def notes(
    typer_ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    unit: UnitOpt = None,
    state: Annotated[
        str | None,
        typer.Option("--state", metavar="STATE", help="open or resolved.", show_default=False),
    ] = None,
    limit: LimitOpt = 50,
    everything: AllOpt = False,
    voided: VoidOpt = False,
    fmt: FormatOpt = "table",
) -> None:
    """Handover notes, newest first."""
    from deskclerk.services.notes import NotePublic, list_notes

    keep = None
    if state is not None:
        wanted = state.strip().lower()
        if wanted not in ("open", "resolved"):
            raise fail(f"the state {state!r} is not one a note has: use open or resolved")
        keep = (
            (lambda n: n.resolved_at is None)
            if wanted == "open"
            else (lambda n: n.resolved_at is not None)
        )
    ctx, start, end = _window(typer_ctx, since, until)

    def page(**paging: Any) -> Any:
        return list_notes(ctx, since=start, until=end, unit=unit, include_void=voided, **paging)

    rows = pages(page, limit=limit, everything=everything, keep=keep)
    emit(fmt, rows, cls=NotePublic, columns=note_columns(ctx.tz), tz=ctx.tz, title="handover notes")
