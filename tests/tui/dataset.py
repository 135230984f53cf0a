"""A small fixed desk for the TUI tests: a Chinese name, a markup-looking name, every register."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

CLERK = "Amy Chen"


def build(ctx: Any) -> None:
    """Site, clerk on duty, two units with residents, a team, and one record per register."""
    from deskclerk.services import calls, directory, notes, orders, shifts, visits

    directory.set_setting(ctx, "site_name", "Test Gardens", clerk=CLERK)
    shifts.start_shift(ctx, CLERK)
    directory.add_unit(ctx, "3-1203", building="3", area="north", clerk=CLERK)
    directory.add_unit(ctx, "0801", building="8", area="south", clerk=CLERK)
    directory.add_resident(ctx, "3-1203", "王芳", "13800001234", clerk=CLERK)
    directory.add_resident(ctx, "0801", "[bold red]x", "13900005678", clerk=CLERK)
    directory.add_team(ctx, "Plumbing", categories="plumbing,repair", clerk=CLERK)
    now = ctx.now()
    calls.log_call(
        ctx,
        caller="王芳",
        matter="kitchen tap leaking",
        clerk=CLERK,
        phone="13800001234",
        unit="3-1203",
        category="repair",
        received_at=now - timedelta(minutes=50),
    )
    calls.log_call(
        ctx,
        caller="[/]",
        matter="[bold]parking fee?",
        clerk=CLERK,
        unit="0801",
        category="complaint",
        callback_due=now - timedelta(minutes=5),
        received_at=now - timedelta(minutes=30),
    )
    visits.sign_in(
        ctx,
        visitor="[bold red]x",
        clerk=CLERK,
        unit="0801",
        purpose="delivery",
        id_number="110101199001011234",
        time_in=now - timedelta(minutes=20),
    )
    visits.sign_in(
        ctx,
        visitor="李小龙",
        clerk=CLERK,
        unit="3-1203",
        purpose="guest",
        time_in=now - timedelta(minutes=10),
    )
    notes.add_note(
        ctx,
        "Lift 2 key is with security",
        clerk=CLERK,
        priority="high",
        written_at=now - timedelta(minutes=15),
    )
    orders.create_order(
        ctx,
        unit="3-1203",
        description="bathroom drain blocked",
        clerk=CLERK,
        category="plumbing",
        priority="high",
        logged_at=now - timedelta(minutes=40),
    )
