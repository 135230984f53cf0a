"""`deskclerk demo`: fill a database with a demo property and N days of its desk."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from deskclerk.cli.common import context, handle_errors


def register(app: typer.Typer) -> None:
    """Add this module's top-level commands to `app`."""
    app.command("demo")(demo)


@handle_errors
def demo(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", help="Days of desk work to make, up to now.")] = 30,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Same seed (and day): same data.", show_default=False),
    ] = None,
    units: Annotated[
        int | None,
        typer.Option("--units", help="Units in the property (default 480).", show_default=False),
    ] = None,
    records: Annotated[
        int | None,
        typer.Option(
            "--records",
            help="About how many records to make; sizes the property (e.g. 1000000 --days 365).",
            show_default=False,
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Write even if the database already holds records.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
) -> None:
    """Fill the database with a made-up property and its desk work (for trying and benchmarks).

    Refuses a database that already holds records unless --yes: demo data must
    never mix into a live desk.  Use a file of its own: deskclerk --db demo.db demo
    """
    from deskclerk.services.demo import check_sizes, make_demo

    check_sizes(days, units, records)  # before the file is made
    desk = context(ctx)

    def progress(day: int, total: int) -> None:
        if not quiet:
            print(f"\r  day {day:,} of {total:,}", end="", file=sys.stderr, flush=True)

    summary = make_demo(
        desk, days=days, seed=seed, units=units, records=records, force=yes, progress=progress
    )
    if not quiet:
        print(file=sys.stderr)
    c = summary.counts
    typer.echo(
        f"Demo property made (seed {summary.seed}, {summary.days} days, {c['unit']:,} units):\n"
        f"  {c['resident']:,} residents, {c['team']:,} teams, {c['staff']:,} staff, "
        f"{c['shift']:,} shifts\n"
        f"  {c['call']:,} calls, {c['visit']:,} visits, {c['work_order']:,} work orders "
        f"({c['order_event']:,} events), {c['handover_note']:,} handover notes\n"
        f"  {summary.records:,} records, {c['audit']:,} history entries and "
        f"{summary.indexed:,} search entries in {summary.total_seconds:.1f} s "
        f"({summary.rate:,.0f} records/s)\n"
        f"  (written {summary.seconds:.1f} s, indexes {summary.index_seconds:.1f} s, "
        f"commit {summary.commit_seconds:.1f} s)"
    )
