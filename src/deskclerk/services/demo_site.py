"""The demo property: its directory (units, residents, teams, staff) and who is on duty when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from deskclerk.config import Deadline, Settings
from deskclerk.services import demo_names as names
from deskclerk.services.demo_bulk import BulkWriter
from deskclerk.services.demo_names import DemoRandom

DAY = 86400


@dataclass
class Site:
    """Everything the day generator needs: the directory, the clock, the id counters."""

    rng: DemoRandom
    w: BulkWriter
    tz: tzinfo
    now: int  # epoch seconds
    settings: Settings
    first_day: datetime  # local midnight of the first demo day
    ids: dict[str, int] = field(default_factory=dict)
    units: list[tuple[int, str, str, str]] = field(default_factory=list)  # id, code, bldg, area
    residents: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # unit id -> people
    teams: dict[tuple[str, str], tuple[int, str, tuple[str, ...]]] = field(default_factory=dict)
    clerks: tuple[str, ...] = names.CLERKS
    windows: list[tuple[str, int, int]] = field(default_factory=list)  # name, start s, end s
    offset: int = 0  # the site's UTC offset in seconds (for the day being made)
    first_epoch_local: int = 0  # the first demo day's midnight, as local wall-clock seconds
    _by_minute: list[tuple[int, int] | None] = field(default_factory=list)
    existing: Existing = field(default_factory=lambda: Existing({}, set(), {}))
    # the highest order number of a day already in the database (None: an empty one)
    last_number: Callable[[str], int] | None = None
    _order_seq: dict[str, int] = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        """The id the next row of `table` gets (ids are given, not left to the database)."""
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    # --- who is on duty ------------------------------------------------------------

    def set_windows(self, windows: list[tuple[str, int, int]]) -> None:
        """The shift pattern (name, start, end in seconds of the local day), and a
        minute-by-minute table of who is on duty (the latest-started shift takes it)."""
        self.windows = windows
        self._by_minute = []
        for minute in range(1440):
            sod = minute * 60
            best = None
            for i, (_name, start, end) in enumerate(windows):
                inside = (start <= sod < end) or (end <= start and (sod >= start or sod < end))
                if inside and (best is None or start > windows[best][1]):
                    best = i
            if best is None:
                self._by_minute.append(None)
            else:  # a shift running past midnight began the day before
                start, end = windows[best][1], windows[best][2]
                self._by_minute.append((best, 1 if end <= start and sod < end else 0))

    def window_at(self, epoch: int) -> tuple[int, int] | None:
        """(day number, window index) of the shift on duty at `epoch`, or None (night)."""
        day, sod = divmod(epoch + self.offset - self.first_epoch_local, DAY)
        slot = self._by_minute[sod // 60]
        if slot is None or day - slot[1] < 0:  # no desk, or a shift from before the demo
            return None
        return day - slot[1], slot[0]

    def shift_id(self, day: int, index: int) -> int:
        """The id of shift `index` of demo day `day` (all shifts are numbered up front)."""
        return self.ids["shift_base"] + day * len(self.windows) + index

    def clerk_of(self, day: int, index: int) -> str:
        """Who works shift `index` of day `day`: the clerks take turns."""
        return self.clerks[(day * len(self.windows) + index) % len(self.clerks)]

    def on_duty(self, epoch: int) -> tuple[int | None, str, str, int]:
        """(shift id, who took it, who recorded it, recorded at) for something at `epoch`.

        At night the control room takes it and the first shift of the morning
        back-fills it (补单).
        """
        where = self.window_at(epoch)
        if where is not None:
            day, idx = where
            clerk = self.clerk_of(day, idx)
            return self.shift_id(day, idx), clerk, clerk, epoch + self.rng.randrange(15, 240)
        opening = self.next_opening(epoch)
        where = self.window_at(opening)
        assert where is not None
        day, idx = where
        clerk = self.clerk_of(day, idx)
        return (
            self.shift_id(day, idx),
            names.CONTROL_ROOM,
            clerk,
            opening + self.rng.randrange(300, 3600),
        )

    def next_opening(self, epoch: int) -> int:
        """The first desk opening at or after `epoch`."""
        local = epoch + self.offset
        day_start = local - (local - self.first_epoch_local) % DAY
        opening = min(start for _n, start, _e in self.windows)
        candidate = day_start + opening - self.offset
        return candidate if candidate >= epoch else candidate + DAY

    def desk_time(self, epoch: int) -> int:
        """`epoch` if the desk is open then, else a little after it next opens."""
        if self.window_at(epoch) is not None:
            return epoch
        return self.next_opening(epoch) + self.rng.randrange(600, 7200)

    def actor_at(self, epoch: int, night: str = names.CONTROL_ROOM) -> str:
        """The clerk on duty at `epoch`, or `night` (the control room) out of desk hours."""
        where = self.window_at(epoch)
        return night if where is None else self.clerk_of(*where)

    def end_of_local_day(self, epoch: int) -> int:
        """23:59:59 local on the day of `epoch` (the "not overnight" clock)."""
        local = epoch + self.offset
        return epoch + (DAY - 1 - (local - self.first_epoch_local) % DAY)

    # --- work orders -----------------------------------------------------------------

    def deadline(self, priority: str) -> Deadline:
        """The site's clocks for a priority (none if the site set none)."""
        return self.settings.deadlines.get(priority) or Deadline(None, None)

    def order_number(self, epoch: int) -> str:
        """WO-YYYYMMDD-NNN by the local date, numbered on from any already in the database."""
        day = datetime.fromtimestamp(epoch, self.tz).strftime("%Y%m%d")
        seq = self._order_seq.get(day)
        if seq is None:
            seq = self.last_number(day) if self.last_number is not None else 0
        seq += 1
        self._order_seq[day] = seq
        return f"WO-{day}-{seq:03d}"

    def team_for(self, kind: str, area: str) -> tuple[int, str, tuple[str, ...]]:
        """(id, name, technicians) of the team for a kind of work in an area."""
        return self.teams.get((kind, area)) or self.teams[(kind, "")]


@dataclass(frozen=True)
class Existing:
    """What the database already holds that the demo reuses rather than adds again."""

    teams: dict[str, int]  # name -> id
    staff: set[str]  # names
    units: dict[str, int]  # code -> id


def read_existing(conn: sa.Connection) -> Existing:
    """The teams, staff and units already in the database."""
    tables = SQLModel.metadata.tables
    team, unit = tables["team"].c, tables["unit"].c
    return Existing(
        teams={n: i for i, n in conn.execute(sa.select(team.id, team.name))},
        staff=set(conn.execute(sa.select(tables["staff"].c.name)).scalars()),
        units={c: i for i, c in conn.execute(sa.select(unit.id, unit.code))},
    )


def number_reader(conn: sa.Connection) -> Callable[[str], int]:
    """`Site.last_number` for a database that may hold orders already."""
    number = SQLModel.metadata.tables["work_order"].c.number

    def last_number(day: str) -> int:
        prefix = f"WO-{day}-"
        rows = conn.execute(
            sa.select(number).where(number >= prefix, number < f"WO-{day}.")
        ).scalars()
        return max((int(n[len(prefix) :]) for n in rows if n[len(prefix) :].isdigit()), default=0)

    return last_number


def build_directory(site: Site, unit_count: int, created: int) -> None:
    """Teams, staff, units and residents; existing ones (same code or name) are reused."""
    w, rng = site.w, site.rng
    existing_teams = site.existing.teams
    existing_staff = site.existing.staff
    existing_units = site.existing.units
    admin = names.SUPERVISOR
    taken = (
        set(existing_staff)
        | set(names.CLERKS)
        | {names.SUPERVISOR, names.CONTROL_ROOM, names.NIGHT_GUARD}
    )

    def staff(name: str, role: str, team_id: int | None) -> None:
        if name in existing_staff:
            return
        sid = site.next_id("staff")
        w.add("staff", (sid, name, role, team_id, names.mobile(rng), "", True))
        w.audit(created, admin, "create", "staff", sid)

    for name, kinds, areas in names.TEAMS:
        tid = existing_teams.get(name)
        if tid is None:
            tid = site.next_id("team")
            w.add("team", (tid, name, kinds, areas, True))
            w.audit(created, admin, "create", "team", tid)
        techs = []
        for _ in range(rng.randint(2, 4)):
            tech = names.chinese_name(rng)
            while tech in taken:
                tech = names.chinese_name(rng)
            taken.add(tech)
            techs.append(tech)
            staff(tech, "technician", tid)
        for area in areas.split(",") if areas else [""]:
            site.teams[(kinds, area)] = (tid, name, tuple(techs))
    for kind in names.KIND_WEIGHTS:
        if (kind, "") not in site.teams:  # area teams: fall back to the first one
            site.teams[(kind, "")] = next(v for k, v in site.teams.items() if k[0] == kind)
    for clerk in names.CLERKS:
        staff(clerk, "clerk", None)
    staff(names.SUPERVISOR, "supervisor", None)
    staff(names.CONTROL_ROOM, "clerk", None)
    staff(names.NIGHT_GUARD, "clerk", None)

    for code, building, area in unit_plan(unit_count):
        uid = existing_units.get(code)
        if uid is None:
            uid = site.next_id("unit")
            w.add("unit", (uid, code, building, area, "", w.ts(created), True))
            w.audit(created, admin, "create", "unit", uid)
            people = _residents(site, uid, code, shop=area == "Shops", created=created)
        else:
            people = [(names.person_name(rng), names.mobile(rng))]  # callers only, not added
        site.units.append((uid, code, building, area))
        site.residents[uid] = people


def _residents(
    site: Site, uid: int, code: str, *, shop: bool, created: int
) -> list[tuple[str, str]]:
    rng, w = site.rng, site.w
    count = 1 if shop else rng.weighted((1, 2, 3), (40, 85, 100))
    people = []
    for n in range(count):
        name = names.person_name(rng, 0.3 if shop else 0.15)
        phone = names.mobile(rng)
        rid = site.next_id("resident")
        w.add("resident", (rid, uid, name, phone, phone[-4:], n == 0, w.ts(created), True))
        w.index("resident", rid, (name, code), phone)
        w.audit(created, names.SUPERVISOR, "create", "resident", rid)
        people.append((name, phone))
    return people


def unit_plan(count: int) -> list[tuple[str, str, str]]:
    """(code, building, area) for `count` units: towers 1-…, floors, and shops 0801…"""
    shops = max(2, count // 20) if count >= 10 else 0
    flats = count - shops
    per_floor = 4 if flats <= 600 else 6
    floors = min(33, max(6, -(-flats // (per_floor * 4))))
    out: list[tuple[str, str, str]] = []
    building = 0
    while len(out) < flats:
        building += 1
        area = "North" if building % 2 else "South"
        for floor in range(1, floors + 1):
            for door in range(1, per_floor + 1):
                if len(out) < flats:
                    out.append((f"{building}-{floor}{door:02d}", f"Building {building}", area))
    for i in range(shops):
        out.append((f"{8 + i // 30:02d}{i % 30 + 1:02d}", "Shops", "Shops"))
    return out


def local_midnight(tz: tzinfo, when: datetime, days_back: int) -> datetime:
    """Local midnight `days_back` days before the local date of `when`."""
    local = when.astimezone(tz).date() - timedelta(days=days_back)
    return datetime(local.year, local.month, local.day, tzinfo=tz)


def max_ids(conn: sa.Connection) -> dict[str, Any]:
    """The next free id of every demo table."""
    from deskclerk.services.demo_bulk import COLUMNS

    out: dict[str, Any] = {}
    for name in COLUMNS:
        if name == "audit":
            continue
        table = sa.table(name, sa.column("id"))
        out[name] = 1 + (conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)
    return out
