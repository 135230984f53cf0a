"""Reading the dates and times a clerk types, in the site's time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from deskclerk.errors import InvalidInput

_FORMS = "YYYY-MM-DD, YYYY-MM-DD HH:MM, HH:MM (today), 'today', 'yesterday' or '-2h' / '-3d'"
_RELATIVE = re.compile(r"^-(\d+)\s*([mhd])$")
# The years a desk's dates may fall in: a year typed as 26 or 0001, or 9999 as
# "some day", is a slip that would only break the lists, figures and exports later.
FIRST_YEAR, LAST_YEAR = 1970, 2199
_YEARS = f"between {FIRST_YEAR} and {LAST_YEAR}"


def _in_years(value: date, raw: str, label: str) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(
            f"The {label} {raw!r} is not a date a desk keeps: the year must be {_YEARS}.",
            field=label,
        )


def parse_date(text: str, label: str = "date") -> date:
    """A calendar date written YYYY-MM-DD."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"The {label} {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-11-24.",
            field=label,
        ) from None
    _in_years(day, text, label)
    return day


def parse_when(
    text: str, tz: tzinfo, now: datetime, label: str = "time", forms: str = _FORMS
) -> datetime:
    """An instant typed in local time; returns aware UTC.

    Accepts YYYY-MM-DD (midnight), YYYY-MM-DD HH:MM[:SS], YYYY-MM-DDTHH:MM with an
    offset, HH:MM (today), today, yesterday, and -30m / -2h / -3d (before now).
    The year must lie between FIRST_YEAR and LAST_YEAR.  `forms`: the forms a
    message suggests (a deadline's field offers its own).
    """
    try:
        at = _parse_when(text, tz, now, label, forms)
    except OverflowError:  # e.g. 0001-01-01 00:00 east of UTC
        at = datetime.min.replace(tzinfo=UTC)
    try:
        local = at.astimezone(tz)  # the year as the site counts it: 1970-01-01 in Shanghai
    except OverflowError:
        local = at
    _in_years(local, text, label)
    return at


def _parse_when(text: str, tz: tzinfo, now: datetime, label: str, forms: str) -> datetime:
    raw = text
    text = text.strip().lower()
    local_now = now.astimezone(tz)
    if text in ("now", ""):
        if text == "":
            raise InvalidInput(f"The {label} is empty: write {forms}.", field=label)
        return now.astimezone(UTC)
    if text in ("today", "yesterday"):
        day = local_now.date() - timedelta(days=1 if text == "yesterday" else 0)
        return datetime.combine(day, time(0), tz).astimezone(UTC)
    m = _RELATIVE.match(text)
    if m:
        amount, unit = min(int(m.group(1)), 10**7), m.group(2)
        delta = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount)}.get(
            unit, timedelta(days=amount)
        )
        return (now - delta).astimezone(UTC)
    if re.fullmatch(r"\d{1,2}:\d{2}", text):
        try:
            hh, mm = (int(p) for p in text.split(":"))
            return datetime.combine(local_now.date(), time(hh, mm), tz).astimezone(UTC)
        except ValueError:
            pass
    else:
        try:
            parsed = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
        except ValueError:
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=tz)
            return parsed.astimezone(UTC)
    raise InvalidInput(f"The {label} {raw!r} is not a time: write {forms}.", field=label)


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants at which a local calendar day starts and ends."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_bounds(month: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants at which a local month (YYYY-MM) starts and ends."""
    try:
        if not re.fullmatch(r"\d{4}-\d{1,2}", month.strip()):
            raise ValueError(month)
        year, mon = (int(p) for p in month.strip().split("-"))
        start = date(year, mon, 1)
    except ValueError:
        raise InvalidInput(
            f"The month {month!r} is not a month: write YYYY-MM, e.g. 2026-11."
        ) from None
    _in_years(start, month, "month")
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return (
        datetime.combine(start, time(0), tz).astimezone(UTC),
        datetime.combine(end, time(0), tz).astimezone(UTC),
    )


def as_instant(value: datetime | str, tz: tzinfo, now: datetime, label: str = "time") -> datetime:
    """A time handed to a service: typed text (as parse_when), or a datetime
    (a naive one is taken as the site's local time); returns aware UTC."""
    if isinstance(value, str):
        return parse_when(value, tz, now, label)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


FUTURE_SLACK = timedelta(minutes=5)


def not_in_future(at: datetime, now: datetime, label: str = "time") -> datetime:
    """`at`, unless it lies in the future (beyond a few minutes of clock drift)."""
    if at > now + FUTURE_SLACK:
        raise InvalidInput(
            f"The {label} is in the future; a record says when something happened.",
            field=label,
        )
    return at
