"""One day of the demo desk: shifts, calls, work orders with their events, visits, notes."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from deskclerk.services import demo_names as names
from deskclerk.services.demo_site import DAY, Site

HOURS = range(24)
# Busy mornings, a second wave after lunch, quiet nights.
CALL_CUM = list(
    accumulate((1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 7, 9, 8, 6, 4, 4, 6, 6, 5, 4, 4, 3, 2, 1.5, 1, 1))
)
VISIT_CUM = list(
    accumulate((0, 0, 0, 0, 0, 0, 0.5, 2, 6, 8, 9, 8, 5, 5, 7, 8, 7, 6, 6, 5, 4, 2, 1, 0))
)
CATEGORIES = ("repair", "complaint", "inquiry", "help", "suggestion", "other")
CATEGORY_CUM = list(accumulate((35, 8, 25, 10, 4, 18)))
KINDS = tuple(names.KIND_WEIGHTS)
KIND_CUM = list(accumulate(names.KIND_WEIGHTS.values()))
PURPOSE_CUM = list(accumulate(w for _p, w in names.PURPOSES))


@dataclass(frozen=True)
class Rates:
    """Records per day for the whole property."""

    calls: float
    visits: float
    orders: float  # written up directly (inspections, technicians), not from a call
    notes: float


def rates_for(units: int) -> Rates:
    """Records per day for a property of `units` units."""
    return Rates(
        calls=0.13 * units, visits=0.17 * units, orders=0.008 * units, notes=3 + 0.008 * units
    )


def _count(site: Site, rate: float) -> int:
    return max(0, round(rate * site.rng.uniform(0.8, 1.2)))


def fill_day(site: Site, day: int, rates: Rates) -> None:
    """Write day number `day` (0 = the first demo day) up to the site's present moment."""
    start = site.first_epoch_local + day * DAY - site.offset  # local midnight, as epoch
    if start > site.now:
        return
    weekend = (day + site.first_day.weekday()) % 7 >= 5
    _calls(site, start, _count(site, rates.calls * (0.8 if weekend else 1.0)))
    for _ in range(_count(site, rates.orders)):
        at = start + site.rng.randrange(9 * 3600, 17 * 3600)
        if at <= site.now:
            unit = site.rng.choice(site.units)
            kind = site.rng.weighted(KINDS, KIND_CUM)
            shift_id, _taker, clerk, recorded = site.on_duty(at)
            if recorded <= site.now:
                text = site.rng.choice(names.REPAIRS[kind])
                make_order(site, unit, kind, text, at, recorded, clerk, shift_id, None)
    _visits(site, start, _count(site, rates.visits * (1.3 if weekend else 1.0)))
    _notes(site, day, start, _count(site, rates.notes))


def write_shifts(site: Site, day: int) -> None:
    """The day's shifts (written for all days first: night calls point at the next morning's)."""
    w, rng = site.w, site.rng
    start = site.first_epoch_local + day * DAY - site.offset
    for idx, (name, s_start, s_end) in enumerate(site.windows):
        began = start + s_start - rng.randrange(0, 600)
        ended: int | None = start + s_end + (DAY if s_end <= s_start else 0) + rng.randrange(0, 900)
        if began > site.now:
            continue
        if ended is not None and ended > site.now:
            ended = None
        sid = site.shift_id(day, idx)
        clerk = site.clerk_of(day, idx)
        w.add("shift", (sid, clerk, name, w.ts(began), w.ts(ended)))
        w.audit(began, clerk, "create", "shift", sid)


def _caller(site: Site, unit: tuple[int, str, str, str]) -> tuple[str, str]:
    people = site.residents[unit[0]]
    if people and site.rng.random() < 0.85:
        return site.rng.choice(people)
    return names.person_name(site.rng), names.mobile(site.rng)


def _calls(site: Site, start: int, count: int) -> None:
    rng, w, now = site.rng, site.w, site.now
    hours = rng.choices(HOURS, cum_weights=CALL_CUM, k=count)
    for at in sorted(start + h * 3600 + rng.randrange(3600) for h in hours):
        if at > now:
            break
        shift_id, taker, clerk, recorded = site.on_duty(at)
        if recorded > now:
            continue  # the control room has not passed it on yet
        cid = site.next_id("call")
        unit = rng.choice(site.units)
        caller, phone = _caller(site, unit)
        unit_id: int | None = unit[0] if rng.random() < 0.93 else None
        category = rng.weighted(CATEGORIES, CATEGORY_CUM)
        passed_to = answer = ""
        callback_due = closed = order_id = None
        state = "open"
        if category == "repair" and unit_id is not None and rng.random() < 0.8:
            kind = rng.weighted(KINDS, KIND_CUM)
            matter = rng.choice(names.REPAIRS[kind])
            logged = at + rng.randrange(60, 300)
            order_id, passed_to, closed = make_order(
                site, unit, kind, matter, logged, max(recorded, logged), clerk, shift_id, cid
            )
            state = "closed" if closed is not None else "passed_on"
        elif category == "repair":
            matter = rng.choice(names.REPAIRS[rng.weighted(KINDS, KIND_CUM)])
            answer, state, closed = rng.choice(names.ANSWERS), "closed", recorded
        else:
            matter = rng.choice(names.MATTERS[category])
            if category in ("complaint", "suggestion") or rng.random() < 0.15:
                # a promised reply: complaints within the site's hours, others by arrangement
                hours_due = site.settings.complaint_reply_hours if category == "complaint" else 4
                callback_due = at + hours_due * 3600
                passed_to = names.SUPERVISOR if category != "help" else names.TEAMS[-1][0]
                state = "passed_on"
                late = rng.random()
                reply = at + rng.randrange(1800, hours_due * 3600)
                if late < 0.1:
                    reply = callback_due + rng.randrange(3600, 36 * 3600)  # replied late
                elif late < 0.13 and now - at < 3 * DAY:
                    reply = now + DAY  # still waiting (old ones were all answered in the end)
                reply = site.desk_time(reply)
                if reply <= now:
                    answer, state, closed = rng.choice(names.ANSWERS), "closed", reply
            else:
                answer, state = rng.choice(names.ANSWERS), "answered"
        w.add(
            "call",
            (
                cid, w.ts(at), w.ts(recorded), caller, phone, unit_id, category, matter, taker,
                passed_to, w.ts(callback_due), answer, state, w.ts(closed), order_id, shift_id,
                None, "",
            ),
        )  # fmt: skip
        code = unit[1] if unit_id else None
        w.index("call", cid, (caller, matter, category, passed_to, code), phone)
        w.audit(recorded, clerk, "create", "call", cid)
        if closed is not None and state == "closed" and closed > recorded:
            w.audit(closed, site.actor_at(closed), "state", "call", cid, "state", "closed")


def _priority(site: Site, text: str) -> str:
    if any(word in text for word in names.URGENT_WORDS):
        return "urgent"
    if ("leak" in text or "漏" in text) and site.rng.random() < 0.6:
        return "high"
    return site.rng.weighted(("high", "normal", "low"), (10, 85, 100))


def _plan(site: Site, priority: str, logged: int) -> list[tuple[str, int, str]]:
    """The events an order will go through: (kind, at, detail); cut at `now` later."""
    rng = site.rng
    events = [("logged", logged, "")]
    if rng.random() < 0.04:
        t = logged + rng.randrange(600, 7200)
        if rng.random() < 0.5:
            events.append(("dispatched", logged + rng.randrange(60, 600), ""))
        events.append(("cancelled", t, rng.choice(names.CANCEL_REASONS)))
        return events
    reach = {"urgent": (300, 1500), "high": (900, 4500), "normal": (1200, 9000)}
    t = logged + rng.randrange(60, 300 if priority == "urgent" else 900)
    for rounds in range(2):
        events.append(("dispatched", t, ""))
        lo, hi = reach.get(priority, (3600, 30 * 3600))
        late = 4 if rng.random() < 0.06 else 1
        t += rng.randrange(lo, hi) * late
        if rng.random() < 0.04:  # stuck: no access, technician off sick; overdue meanwhile
            t += rng.randrange(20 * 3600, 72 * 3600)
        events.append(("on_site", t, ""))
        t += rng.randrange(600, 1800)
        if rng.random() < 0.06:
            events.append(("paused", t, rng.choice(names.PAUSE_REASONS)))
            t += rng.randrange(3600, 26 * 3600)
            events.append(("resumed", t, ""))
        t += rng.randrange(900, 3 * 3600)
        paid = rng.random() < 0.15
        events.append(("done", t, f"charge {rng.choice((30, 50, 80, 120, 200))}" if paid else ""))
        # most callbacks within the 48 h; some forgotten for days
        wait = (
            rng.randrange(50 * 3600, 90 * 3600)
            if rng.random() < 0.05
            else rng.randrange(3600, 40 * 3600)
        )
        t = site.desk_time(t + wait)
        if rng.random() < 0.1:
            events.append(("callback", t, "not reached"))
            t = site.desk_time(t + rng.randrange(3 * 3600, 24 * 3600))
            if rng.random() < 0.3:
                events.append(("callback", t, "not reached"))
                events.append(("closed", site.desk_time(t + DAY), rng.choice(names.CLOSE_REASONS)))
                return events
        if rounds == 0 and rng.random() < 0.08:
            events.append(("callback", t, "unsatisfied: " + rng.choice(names.COMMENTS_BAD)))
            events.append(("reopened", t, ""))
            continue
        events.append(("callback", t, "satisfied: " + rng.choice(names.COMMENTS_GOOD)))
        break
    return events


def make_order(
    site: Site,
    unit: tuple[int, str, str, str],
    kind: str,
    text: str,
    logged: int,
    recorded: int,
    clerk: str,
    shift_id: int | None,
    call_id: int | None,
) -> tuple[int, str, int | None]:
    """Write one work order and its events up to now; return (id, team, closed or cancelled at)."""
    rng, w, now = site.rng, site.w, site.now
    oid = site.next_id("work_order")
    priority = _priority(site, text)
    team_id, team, techs = site.team_for(kind, unit[3])
    tech = rng.choice(techs)
    rule = site.deadline(priority)

    def done_due(start: int) -> int | None:
        if rule.same_day:
            return site.end_of_local_day(start)
        return None if rule.done_minutes is None else start + rule.done_minutes * 60

    o: dict[str, object] = {
        "state": "logged", "dispatched": None, "on_site": None, "done": None, "closed": None,
        "cancelled": None, "cancel_reason": "", "paused_since": None, "pause_reason": "",
        "paused": 0, "callback_due": None, "callback_at": None, "attempts": 0, "verdict": "",
        "comment": "", "reopened": 0, "charge": 0.0, "done_due": done_due(logged),
    }  # fmt: skip
    on_site_due = None if rule.on_site_minutes is None else logged + rule.on_site_minutes * 60
    events = [e for e in _plan(site, priority, logged) if e[1] <= now]
    states = []
    for kind_, at, detail in events:
        _apply(site, o, kind_, at, detail, done_due)
        states.append(str(o["state"]))
    number = site.order_number(logged)
    technician = tech if o["dispatched"] is not None else ""
    w.add(
        "work_order",
        (
            oid, number, call_id, unit[0], kind, priority, text, team_id,
            technician, o["state"], clerk, w.ts(logged),
            w.ts(recorded), w.ts(o["dispatched"]), w.ts(o["on_site"]), w.ts(o["done"]),  # type: ignore[arg-type]
            w.ts(o["closed"]), w.ts(o["cancelled"]), o["cancel_reason"], w.ts(on_site_due),  # type: ignore[arg-type]
            w.ts(o["done_due"]), w.ts(o["callback_due"]), w.ts(o["paused_since"]),  # type: ignore[arg-type]
            o["pause_reason"], o["paused"], w.ts(o["callback_at"]), o["attempts"], o["verdict"],  # type: ignore[arg-type]
            o["comment"], o["reopened"], o["charge"], shift_id, None, "",
            _micros(logged, o["on_site"]), _micros(logged, o["done"]),
        ),
    )  # fmt: skip
    w.index("order", oid, (number, text, kind, technician, unit[1]), "")
    w.audit(recorded, clerk, "create", "order", oid)
    for (kind_, at, detail), state in zip(events, states, strict=True):
        # after the order row: a flush may come between
        eid = site.next_id("order_event")
        actor = clerk if kind_ == "logged" else site.actor_at(at)
        w.add("order_event", (eid, oid, kind_, w.ts(at), w.ts(max(at, recorded)), actor, detail))
        if kind_ != "logged":
            w.audit(max(at, recorded), actor, "state", "order", oid, "state", state)
    return oid, team, o["closed"] or o["cancelled"]  # type: ignore[return-value]


def _micros(logged: int, at: object) -> int | None:
    """`to_site_us` / `to_done_us`: microseconds from logging to an event (whole seconds here)."""
    return None if at is None else (int(at) - logged) * 1_000_000  # type: ignore[call-overload]


def _apply(
    site: Site, o: dict[str, object], kind: str, at: int, detail: str, done_due: object
) -> None:
    """Move the order's fields on by one event."""
    if kind in ("dispatched", "on_site"):
        o["state"] = kind
        if o[kind] is None:
            o[kind] = at
    elif kind == "paused":
        o["paused_since"], o["pause_reason"] = at, detail
    elif kind == "resumed":
        o["paused"] = int(o["paused"]) + at - int(o["paused_since"])  # type: ignore[call-overload]
        o["paused_since"] = None
    elif kind == "done":
        o["state"], o["done"] = "done", at
        o["callback_due"] = at + site.settings.callback_hours * 3600
        if detail:
            o["charge"] = float(detail.split()[-1])
    elif kind == "callback":
        o["attempts"] = int(o["attempts"]) + 1  # type: ignore[call-overload]
        if detail != "not reached":
            verdict, _, comment = detail.partition(": ")
            o["verdict"], o["comment"], o["callback_at"] = verdict, comment, at
            if verdict == "satisfied":
                o["state"], o["closed"] = "closed", at
    elif kind == "reopened":
        o["state"], o["done"], o["callback_due"] = "dispatched", None, None
        o["reopened"] = int(o["reopened"]) + 1  # type: ignore[call-overload]
        o["done_due"] = done_due(at)  # type: ignore[operator]
    elif kind == "closed":
        o["state"], o["closed"] = "closed", at
    elif kind == "cancelled":
        o["state"], o["cancelled"], o["cancel_reason"] = "cancelled", at, detail


def _visits(site: Site, start: int, count: int) -> None:
    rng, w, now = site.rng, site.w, site.now
    hours = rng.choices(HOURS, cum_weights=VISIT_CUM, k=count)
    retention = site.settings.id_retention_days * DAY
    for at in sorted(start + h * 3600 + rng.randrange(3600) for h in hours):
        if at > now:
            break
        where = site.window_at(at)  # out of desk hours the night guard signs visitors in
        shift_id = site.shift_id(*where) if where else None
        clerk = site.clerk_of(*where) if where else names.NIGHT_GUARD
        recorded = at + rng.randrange(10, 90)
        unit = rng.choice(site.units)
        purpose = rng.weighted(names.PURPOSES, PURPOSE_CUM)[0]
        contractor = purpose in names.CONTRACTOR_PURPOSES
        stay = rng.randrange(3 * 3600, 9 * 3600) if contractor else rng.randrange(300, 4 * 3600)
        out: int | None = at + stay
        if at + stay > now or (now - at < 3 * DAY and rng.random() < 0.01):
            out = None  # still on site (or never signed out)
        people = site.residents[unit[0]]
        host = people[0][0] if people else ""
        plate = ""
        if rng.random() < 0.25:
            plate = rng.choice(names.PLATE_PREFIX) + f"{rng.randrange(100000):05d}"
        id_number, purged = "", None
        if contractor or rng.random() < 0.1:
            if now - at > retention:
                purged = at + retention
            else:
                id_number = f"{rng.choice((110101, 310104, 320106))}{rng.randrange(1960, 2004)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
        vid = site.next_id("visit")
        visitor = names.person_name(rng, 0.1)
        phone = names.mobile(rng) if rng.random() < 0.6 else ""
        badge = f"V{vid % 300 + 1:03d}"
        w.add(
            "visit",
            (
                vid, visitor, phone, unit[0], host, purpose, w.ts(at), w.ts(out), badge, plate,
                id_number, w.ts(purged), clerk, site.actor_at(out, names.NIGHT_GUARD) if out else "", w.ts(recorded),
                shift_id, None, "",
            ),
        )  # fmt: skip
        w.index("visit", vid, (visitor, host, purpose, badge, plate, unit[1]), phone)
        w.audit(recorded, clerk, "create", "visit", vid)
        if purged is not None:
            w.audit(purged, names.SUPERVISOR, "purge", "visit", vid, "id_number")


def _notes(site: Site, day: int, start: int, count: int) -> None:
    rng, w, now = site.rng, site.w, site.now
    for _ in range(count):
        idx = rng.randrange(len(site.windows))
        _name, s_start, s_end = site.windows[idx]
        end = start + s_end + (DAY if s_end <= s_start else 0)
        at = end - rng.randrange(0, 1800)
        if at > now:
            continue
        clerk = site.clerk_of(day, idx)
        unit = rng.choice(site.units)
        template = rng.choice(names.NOTES)
        text = template.format(unit=unit[1], building=unit[2])
        tagged = unit[0] if "{unit}" in template or rng.random() < 0.2 else None
        priority = rng.weighted(("high", "normal", "low"), (20, 90, 100))
        resolved: int | None = site.desk_time(at + rng.randrange(3600, 20 * 3600))
        # a few recent notes are still open; the older ones were dealt with
        if resolved > now or (now - at < 3 * DAY and rng.random() < 0.3):  # type: ignore[operator]
            resolved = None
        nid = site.next_id("handover_note")
        w.add(
            "handover_note",
            (
                nid, text, priority, tagged, clerk, site.shift_id(day, idx), w.ts(at), w.ts(at),
                w.ts(resolved), site.actor_at(resolved) if resolved else "", None, "",
            ),
        )  # fmt: skip
        w.index("note", nid, (text, clerk, unit[1] if tagged is not None else None), "")
        w.audit(at, clerk, "create", "note", nid)
