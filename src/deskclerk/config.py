"""Site settings from a TOML file, with sane defaults, and where files live."""

from __future__ import annotations

import contextlib
import os
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskclerk.errors import InvalidInput

APP_NAME = "deskclerk"


def config_path() -> Path:
    """The settings file: $DESKCLERK_CONFIG, else the user's config directory."""
    env = os.environ.get("DESKCLERK_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def default_database_path() -> Path:
    """The default SQLite file, in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "deskclerk.db"


def database_url(db: str | None = None) -> str:
    """The SQLAlchemy URL for `--db`, $DESKCLERK_DB or the default file.

    A value containing `://` is taken as a URL as it is; anything else is a path.
    """
    value = db or os.environ.get("DESKCLERK_DB") or ""
    if "://" in value:
        # psycopg (3) is the driver we ship for PostgreSQL; a bare scheme means it.
        for bare in ("postgresql://", "postgres://"):
            if value.startswith(bare):
                return "postgresql+psycopg://" + value[len(bare) :]
        return value
    path = Path(value).expanduser() if value else default_database_path()
    return f"sqlite:///{path.resolve()}"


@dataclass(frozen=True)
class ShiftWindow:
    """One shift of the site's pattern, in local wall-clock time."""

    name: str
    start: time
    end: time  # may be earlier than start: the shift runs past midnight


@dataclass(frozen=True)
class Deadline:
    """How long a work order of one priority may take, in minutes (None: no clock)."""

    on_site_minutes: int | None
    done_minutes: int | None
    same_day: bool = False  # done by the end of the local day it was logged


DEFAULT_SHIFTS = (
    ShiftWindow("A", time(9, 0), time(17, 0)),
    ShiftWindow("B", time(12, 0), time(20, 0)),
    ShiftWindow("C", time(20, 0), time(22, 0)),
)

DEFAULT_DEADLINES = {
    # burst pipe, lift entrapment, power out: on site within 20 minutes, 24 h duty
    "urgent": Deadline(on_site_minutes=20, done_minutes=4 * 60),
    # leaks and bursts (跑冒滴漏): fixed within 4 hours
    "high": Deadline(on_site_minutes=60, done_minutes=4 * 60),
    # small repairs are not left overnight (零修事不过夜)
    "normal": Deadline(on_site_minutes=2 * 60, done_minutes=None, same_day=True),
    "low": Deadline(on_site_minutes=24 * 60, done_minutes=72 * 60),
}


@dataclass(frozen=True)
class Settings:
    """Everything a site can set; every field has a default that works."""

    site_name: str = ""
    timezone_name: str | None = None  # None: the machine's local zone
    database: str | None = None
    shifts: tuple[ShiftWindow, ...] = DEFAULT_SHIFTS
    deadlines: dict[str, Deadline] = field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    complaint_reply_hours: int = 24
    callback_hours: int = 48
    follow_up_hours: int = 48
    duplicate_window_hours: int = 4
    id_retention_days: int = 30
    pins: bool = False
    keymap: dict[str, str] = field(default_factory=dict)
    prices: dict[str, float] = field(default_factory=dict)
    source: Path | None = None

    @cached_property
    def tz(self) -> tzinfo:
        """The site's time zone, in which every time is shown (worked out once)."""
        if self.timezone_name:
            return ZoneInfo(self.timezone_name)
        return local_zone()


def local_zone() -> tzinfo:
    """The machine's zone with its summer-time rules where they can be found.

    $TZ or the /etc/localtime link names it; failing both, today's fixed offset.
    """
    names = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        names.append(str(Path("/etc/localtime").resolve()).partition("zoneinfo/")[2])
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local


def _parse_time(value: str, where: str) -> time:
    try:
        hours, minutes = value.strip().split(":")
        return time(int(hours) % 24, int(minutes))
    except (ValueError, AttributeError):
        raise InvalidInput(f"{where}: {value!r} is not a time like 09:00.") from None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing file gives the defaults.

    A file that cannot be read or has wrong values raises InvalidInput naming
    the file and the key, so the desk can say what to fix.
    """
    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"The settings file {path} cannot be read: {exc}") from None
    site = data.get("site", {})
    tz_name = site.get("timezone")
    if tz_name:
        try:
            ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"{path}: unknown time zone {tz_name!r} in [site].") from None
    shifts: tuple[ShiftWindow, ...] = DEFAULT_SHIFTS
    if "shifts" in data:
        shifts = tuple(
            ShiftWindow(
                str(name),
                _parse_time(str(span).split("-")[0], f"{path} [shifts] {name}"),
                _parse_time(str(span).split("-")[-1], f"{path} [shifts] {name}"),
            )
            for name, span in data["shifts"].items()
        )
    deadlines = dict(DEFAULT_DEADLINES)
    for prio, spec in data.get("deadlines", {}).items():
        if not isinstance(spec, dict):
            raise InvalidInput(f"{path}: [deadlines] {prio} must be a table.")
        deadlines[prio] = Deadline(
            on_site_minutes=spec.get("on_site_minutes"),
            done_minutes=spec.get("done_minutes"),
            same_day=bool(spec.get("same_day", False)),
        )
    rules = data.get("rules", {})
    privacy = data.get("privacy", {})
    return Settings(
        site_name=str(site.get("name", "")),
        timezone_name=tz_name,
        database=data.get("database", {}).get("url"),
        shifts=shifts,
        deadlines=deadlines,
        complaint_reply_hours=int(rules.get("complaint_reply_hours", 24)),
        callback_hours=int(rules.get("callback_hours", 48)),
        follow_up_hours=int(rules.get("follow_up_hours", 48)),
        duplicate_window_hours=int(rules.get("duplicate_window_hours", 4)),
        id_retention_days=int(privacy.get("id_retention_days", 30)),
        pins=bool(privacy.get("pins", False)),
        keymap={str(k): str(v) for k, v in data.get("keymap", {}).items()},
        prices={str(k): float(v) for k, v in data.get("prices", {}).items()},
        source=path,
    )
