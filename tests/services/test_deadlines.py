"""The clock arithmetic of work orders, without a database: dues, the running clock, alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from deskclerk.config import Deadline, Settings
from deskclerk.services import deadlines

SH = ZoneInfo("Asia/Shanghai")
SETTINGS = Settings(timezone_name="Asia/Shanghai")
# 2026-11-24 10:00 in Shanghai
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)  # type: ignore[misc]


def test_default_dues_follow_the_domain_standards() -> None:
    # urgent: on site within 20 minutes of the call
    assert deadlines.on_site_due(SETTINGS, "urgent", T0) == T0 + timedelta(minutes=20)
    # leaks (high): fixed within 4 hours
    assert deadlines.done_due(SETTINGS, "high", T0) == T0 + timedelta(hours=4)
    # small repairs are not left overnight: done by 23:59:59 local of the day logged
    assert deadlines.done_due(SETTINGS, "normal", T0) == local(2026, 11, 24, 23, 59, 59)
    # callbacks within 48 h of completion
    assert deadlines.callback_due(SETTINGS, T0) == T0 + timedelta(hours=48)


def test_same_day_is_the_local_day_not_the_utc_day() -> None:
    # 07:30 local on the 25th is still the 24th in UTC
    logged = local(2026, 11, 25, 7, 30)
    assert logged.date().day == 24
    assert deadlines.done_due(SETTINGS, "normal", logged) == local(2026, 11, 25, 23, 59, 59)


def test_same_day_with_minutes_takes_the_earlier() -> None:
    s = Settings(
        timezone_name="Asia/Shanghai",
        deadlines={"normal": Deadline(on_site_minutes=None, done_minutes=60, same_day=True)},
    )
    late = local(2026, 11, 24, 23, 30)
    assert deadlines.done_due(s, "normal", late) == local(2026, 11, 24, 23, 59, 59)
    early = local(2026, 11, 24, 9, 0)
    assert deadlines.done_due(s, "normal", early) == early + timedelta(hours=1)
    assert deadlines.on_site_due(s, "normal", early) is None


def test_a_priority_the_site_does_not_know_has_no_clock() -> None:
    assert deadlines.on_site_due(SETTINGS, "someday", T0) is None
    assert deadlines.done_due(SETTINGS, "someday", T0) is None


@pytest.mark.parametrize(
    ("used", "alert"),
    [
        (timedelta(minutes=9, seconds=59), ""),
        (timedelta(minutes=10), "50%"),
        (timedelta(minutes=14, seconds=59), "50%"),
        (timedelta(minutes=15), "75%"),
        (timedelta(minutes=19, seconds=59), "75%"),
        (timedelta(minutes=20), "overdue"),
        (timedelta(hours=3), "overdue"),
    ],
)
def test_alert_levels_of_a_20_minute_clock(used: timedelta, alert: str) -> None:
    due = T0 + timedelta(minutes=20)
    assert deadlines.alert_level(T0, due, due - (T0 + used)) == alert


def _clock(state: str, now: datetime, **kw: object) -> deadlines.RunningClock:
    args: dict[str, object] = {
        "state": state,
        "logged_at": T0,
        "on_site_at": None,
        "done_at": None,
        "on_site_due": T0 + timedelta(minutes=20),
        "done_due": T0 + timedelta(hours=4),
        "callback_due": None,
        "paused_seconds": 0,
        "paused_since": None,
        "done_clock_start": T0,
        "now": now,
    }
    args.update(kw)
    return deadlines.running_clock(**args)  # type: ignore[arg-type]


def test_the_running_clock_moves_from_on_site_to_done_to_callback() -> None:
    now = T0 + timedelta(minutes=5)
    assert _clock("logged", now).name == "on site"
    assert _clock("dispatched", now).time_left == timedelta(minutes=15)
    arrived = _clock("on_site", now, on_site_at=now)
    assert (arrived.name, arrived.time_left) == ("done", timedelta(hours=3, minutes=55))
    done = _clock("done", now, on_site_at=now, done_at=now, callback_due=now + timedelta(hours=48))
    assert (done.name, done.time_left) == ("callback", timedelta(hours=48))
    assert _clock("closed", now) == deadlines.NO_CLOCK
    assert _clock("cancelled", now) == deadlines.NO_CLOCK


def test_a_running_pause_freezes_the_time_left() -> None:
    paused_at = T0 + timedelta(minutes=12)
    for later in (timedelta(0), timedelta(hours=1), timedelta(hours=5)):
        c = _clock("dispatched", paused_at + later, paused_since=paused_at)
        assert c.time_left == timedelta(minutes=8)
        assert c.alert == "50%"
        assert c.due == T0 + timedelta(minutes=20) + later


def test_finished_pauses_move_the_due_on() -> None:
    c = _clock("dispatched", T0 + timedelta(minutes=25), paused_seconds=600)
    assert c.due == T0 + timedelta(minutes=30)
    assert c.alert == "75%"


def test_reopened_done_clock_counts_from_the_reopening() -> None:
    reopened = T0 + timedelta(days=1)
    c = _clock(
        "dispatched",
        reopened + timedelta(hours=2),
        on_site_at=T0 + timedelta(minutes=10),
        done_due=reopened + timedelta(hours=4),
        done_clock_start=reopened,
    )
    assert (c.name, c.time_left, c.alert) == ("done", timedelta(hours=2), "50%")


def test_epoch_seconds_in_sqlite_agree_with_python(tmp_path: object) -> None:
    engine = sa.create_engine("sqlite://")
    meta = sa.MetaData()
    t = sa.Table("t", meta, sa.Column("at", sa.DateTime()))
    meta.create_all(engine)
    at = datetime(2026, 11, 24, 2, 0, 30, 500000)
    with engine.begin() as conn:
        conn.execute(t.insert().values(at=at))
        got = conn.execute(sa.select(deadlines.EpochSeconds(t.c.at))).scalar()
    assert got == pytest.approx(at.replace(tzinfo=UTC).timestamp(), abs=0.01)
