"""Stored UTC instants shown in the site's zone, fast: for exports of a million rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

_EXCEL_EPOCH = datetime(1899, 12, 30)
_HOUR = timedelta(hours=1)
_NOT_CACHED = ("", "", "", 0.0)


class LocalTimes:
    """Stored UTC instants as the site's local time: text, ISO 8601 or an Excel serial.

    A stored value is 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) on SQLite, a naive UTC
    datetime (other databases), or an aware datetime.  Conversions are cached
    per UTC hour: within an hour a zone whose offset is a whole number of hours
    only renames the hour, so minutes and seconds are copied.  Other zones (and
    odd strings) take the slow path.
    """

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._hours: dict[str, tuple[str, str, str, float]] = {}
        # 'YYYY-MM-DD HH' (UTC) -> the same hour in local time, for hours that
        # convert by renaming; filled as `text`, `iso` and `excel` meet them.
        self.local_hour: dict[str, str] = {}

    def _hour(self, key: str) -> tuple[str, str, str, float]:
        """(local 'YYYY-MM-DD HH', its 'T' form, offset '+08:00', Excel serial of the hour)."""
        cached = self._hours.get(key)
        if cached is not None:
            return cached
        value = _NOT_CACHED
        try:
            start = datetime.fromisoformat(f"{key[:10]} {key[11:13]}:00").replace(tzinfo=UTC)
        except ValueError:
            start = None
        if start is not None:
            first = start.astimezone(self.tz)
            last = (start + _HOUR - timedelta(microseconds=1)).astimezone(self.tz)
            offset = first.utcoffset()
            if offset is not None and offset == last.utcoffset() and offset.seconds % 3600 == 0:
                naive = first.replace(tzinfo=None)
                prefix = naive.strftime("%Y-%m-%d %H")
                value = (
                    prefix,
                    prefix.replace(" ", "T"),
                    first.isoformat()[-6:],
                    (naive - _EXCEL_EPOCH).total_seconds() / 86400.0,
                )
        if len(self._hours) > 200_000:
            self._hours.clear()
            self.local_hour.clear()
        self._hours[key] = value
        if value[0]:
            self.local_hour[key] = value[0]
        return value

    def aware(self, value: str | datetime) -> datetime:
        """The instant as an aware datetime in the site's zone."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(self.tz)

    def text(self, value: str | datetime) -> str:
        """'YYYY-MM-DD HH:MM:SS' in the site's zone (what a spreadsheet reads as a time)."""
        if value.__class__ is str and (len(value) == 26 or len(value) == 19):
            hour = self._hours.get(value[:13]) or self._hour(value[:13])  # type: ignore[index]
            if hour[0]:
                return hour[0] + value[13:19]  # type: ignore[index]
        return self.aware(value).strftime("%Y-%m-%d %H:%M:%S")

    def iso(self, value: str | datetime) -> str:
        """ISO 8601 with the offset: '2026-11-24T10:00:00+08:00'."""
        if value.__class__ is str and (len(value) == 26 or len(value) == 19):
            hour = self._hours.get(value[:13]) or self._hour(value[:13])  # type: ignore[index]
            if hour[0]:
                return hour[1] + value[13:19] + hour[2]  # type: ignore[index]
        return self.aware(value).isoformat(timespec="seconds")

    def excel(self, value: str | datetime) -> float:
        """Days since 1899-12-30 in local time: an Excel date/time cell's number."""
        if value.__class__ is str and (len(value) == 26 or len(value) == 19):
            hour = self._hours.get(value[:13]) or self._hour(value[:13])  # type: ignore[index]
            if hour[0]:
                text: str = value  # type: ignore[assignment]
                return hour[3] + (int(text[14:16]) * 60 + float(text[17:])) / 86400.0
        local = self.aware(value).replace(tzinfo=None)
        return (local - _EXCEL_EPOCH).total_seconds() / 86400.0
