"""c in the Stats view: a period of the clerk's own, from one date to another."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from deskclerk.errors import InvalidInput
from deskclerk.tui.modals.form import Field, RecordForm

if TYPE_CHECKING:
    from deskclerk.services.context import Context

MAX_DAYS = 400  # a chart line per day: longer periods belong to `deskclerk stats`
_WHOLE_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2}|today|yesterday)$")


def period(ctx: Context, since_text: str, until_text: str) -> tuple[datetime, datetime]:
    """[since, until) from what was typed, in the forms the CLI takes (timeparse).

    A date alone as the end counts in full (to 2026-11-20 takes in the 20th); a
    blank end is now.
    """
    from deskclerk.timeparse import day_bounds, parse_when

    now = ctx.now()
    since = parse_when(since_text, ctx.tz, now, "from date")
    if not until_text.strip():
        until = now
    else:
        until = parse_when(until_text, ctx.tz, now, "to date")
        if _WHOLE_DAY.match(until_text.strip().lower()):
            until = day_bounds(ctx.local(until).date(), ctx.tz)[1]
    if until <= since:
        raise InvalidInput(
            "The period ends before it starts: the to date must come after the from date.",
            field="to date",
        )
    if until - since > timedelta(days=MAX_DAYS):
        raise InvalidInput(
            f"At most {MAX_DAYS} days here; for a longer period use "
            "`deskclerk stats --since … --until …`.",
            field="to date",
        )
    return since, until


class PeriodForm(RecordForm):
    """From and to; the figures are read for [from, to)."""

    TITLE = "Stats for a period of your own"

    def __init__(self, first: date | None = None, last: date | None = None) -> None:
        super().__init__()
        self.first = first.isoformat() if first else ""
        self.last = last.isoformat() if last else ""

    def fields(self) -> list[Field]:
        return [
            Field("since", "From date", "2026-11-01, yesterday, -7d", value=self.first),
            Field("until", "To date", "2026-11-20 (counts in full); blank: now", value=self.last),
        ]

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        return period(ctx, values["since"], values["until"])
