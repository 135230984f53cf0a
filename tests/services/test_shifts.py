"""Shifts: named from the pattern, handed over with a history entry, ended once."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from deskclerk.clock import FrozenClock
from deskclerk.config import Settings, ShiftWindow
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, NotFound
from deskclerk.services import shifts
from deskclerk.services.context import Context
from deskclerk.services.history import HistoryEntry, history_of

NIGHT = Settings(
    shifts=(
        ShiftWindow("Day", time(8, 0), time(20, 0)),
        ShiftWindow("Night", time(20, 0), time(8, 0)),
    )
)


@pytest.mark.parametrize(
    ("at", "name"),
    [
        (time(8, 59), ""),  # before the first window of the default pattern
        (time(9, 0), "A"),
        (time(11, 59), "A"),
        (time(12, 0), "B"),  # A and B overlap: the one begun most recently
        (time(16, 59), "B"),
        (time(19, 59), "B"),
        (time(20, 0), "C"),
        (time(21, 59), "C"),
        (time(22, 0), ""),  # windows end exclusive
    ],
)
def test_shift_name_at_default_pattern(at: time, name: str) -> None:
    assert shifts.shift_name_at(Settings(), at) == name


@pytest.mark.parametrize(
    ("at", "name"),
    [(time(7, 59), "Night"), (time(8, 0), "Day"), (time(23, 30), "Night"), (time(0, 0), "Night")],
)
def test_shift_name_at_past_midnight(at: time, name: str) -> None:
    assert shifts.shift_name_at(NIGHT, datetime.combine(datetime(2026, 11, 24), at)) == name


def test_start_shift_names_it_from_the_pattern(ctx: Context) -> None:
    shift = shifts.start_shift(ctx, "Amy")  # 10:00 in Shanghai
    assert shift.name == "A" and shift.clerk == "Amy" and shift.ended_at is None
    assert shifts.current_shift(ctx) == shift


def test_taking_over_ends_the_open_shift_with_a_history_entry(
    ctx: Context, clock: FrozenClock
) -> None:
    amy = shifts.start_shift(ctx, "Amy")
    clock.advance(hours=3)
    bob = shifts.start_shift(ctx, "Bob")
    assert bob.name == "B"
    ended = shifts.get_shift(ctx, amy.id)
    assert ended.ended_at == clock.now()
    assert shifts.current_shift(ctx) == bob
    history = _shift_history(ctx, amy.id)
    assert history[-1].action == "end"
    assert history[-1].actor == "Bob"
    assert history[-1].reason == "Amy's shift A ended: Bob took over"


def _shift_history(ctx: Context, shift_id: int) -> list[HistoryEntry]:
    with session_scope(ctx.engine) as s:
        return history_of(s, "shift", shift_id)


def test_starting_the_same_shift_again_changes_nothing(ctx: Context) -> None:
    first = shifts.start_shift(ctx, "Amy")
    assert shifts.start_shift(ctx, "amy") == first
    assert len(_shift_history(ctx, first.id)) == 1


def test_end_shift_once(ctx: Context, clock: FrozenClock) -> None:
    shift = shifts.start_shift(ctx, "Amy")
    clock.advance(hours=8)
    ended = shifts.end_shift(ctx, shift.id, clerk="Amy")
    assert ended.ended_at == clock.now()
    assert shifts.current_shift(ctx) is None
    with pytest.raises(Conflict, match="Amy's shift ended already at 2026-11-24 18:00"):
        shifts.end_shift(ctx, shift.id, clerk="Amy")
    with pytest.raises(NotFound):
        shifts.end_shift(ctx, 999, clerk="Amy")


def test_explicit_name_outside_the_pattern(ctx: Context) -> None:
    assert shifts.start_shift(ctx, "Amy", name="Holiday").name == "Holiday"
