"""The handover sheet: built from the live records, signed, acknowledged, fingerprinted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from deskclerk.clock import FrozenClock
from deskclerk.config import ShiftWindow
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.models import HandoverItem, WorkOrder
from deskclerk.services import calls, directory, handover, notes, records, shifts, visits
from deskclerk.services import handover_fingerprint as fp
from deskclerk.services.context import Context

OUT = "王芳"
IN = "李娜"


@pytest.fixture
def desk(ctx: Any) -> Context:
    directory.add_unit(ctx, "3-1203", building="3", area="north", clerk="admin")
    directory.add_unit(ctx, "0801", building="shops", clerk="admin")
    return ctx


def add_order(
    ctx: Context,
    number: str,
    *,
    state: str = "dispatched",
    logged_ago: timedelta = timedelta(hours=1),
    on_site_in: timedelta | None = timedelta(hours=2),
    priority: str = "normal",
    description: str = "kitchen tap leaking",
) -> int:
    """A work order written straight into the table (the orders service is another module)."""
    now = ctx.now()
    logged = now - logged_ago
    with session_scope(ctx.engine, write=True) as s:
        unit_id = s.execute(sa.text("SELECT id FROM unit WHERE code = '3-1203'")).scalar()
        row = WorkOrder(
            number=number,
            unit_id=unit_id,
            category="plumbing",
            priority=priority,
            description=description,
            state=state,
            logged_by=OUT,
            logged_at=logged,
            recorded_at=logged,
            on_site_due=now + on_site_in if on_site_in is not None else None,
            done_at=now - timedelta(minutes=30) if state == "done" else None,
            callback_due=now + timedelta(hours=40) if state == "done" else None,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        return row.id


def refs(sheet: handover.SheetPublic, section: str) -> list[tuple[str, int | None]]:
    return [(i.ref_kind, i.ref_id) for i in sheet.section(section)]


def build_known_shift(ctx: Context) -> dict[str, int]:
    """A morning's work by hand: what is open, what is closed, what is voided."""
    shifts.start_shift(ctx, OUT)
    ids: dict[str, int] = {}
    ids["call_open"] = calls.log_call(
        ctx, caller="张伟", matter="lift noisy", clerk=OUT, unit="3-1203", category="inquiry"
    ).id
    ids["call_callback"] = calls.log_call(
        ctx,
        caller="王芳芳",
        matter="noise at night",
        clerk=OUT,
        unit="3-1203",
        category="complaint",
    ).id
    ids["call_answered"] = calls.log_call(ctx, caller="A", matter="parking fee", clerk=OUT).id
    calls.answer_call(ctx, ids["call_answered"], "50 yuan a month", clerk=OUT)
    ids["call_closed"] = calls.log_call(ctx, caller="B", matter="water stop?", clerk=OUT).id
    calls.close_call(ctx, ids["call_closed"], clerk=OUT)
    ids["call_void"] = calls.log_call(ctx, caller="C", matter="typo", clerk=OUT).id
    records.void(ctx, "call", ids["call_void"], reason="entered twice", clerk=OUT)
    ids["visit_in"] = visits.sign_in(ctx, visitor="Li Lei", clerk=OUT, unit="0801").id
    ids["visit_out"] = visits.sign_in(ctx, visitor="Han Meimei", clerk=OUT, unit="0801").id
    visits.sign_out(ctx, ids["visit_out"], clerk=OUT)
    ids["note_normal"] = notes.add_note(
        ctx, "keys of the plant room are with security", clerk=OUT
    ).id
    ids["note_high"] = notes.add_note(ctx, "lift 2 out of order", clerk=OUT, priority="high").id
    ids["note_resolved"] = notes.add_note(ctx, "parcel for 0801", clerk=OUT).id
    notes.resolve_note(ctx, ids["note_resolved"], clerk=OUT)
    ids["order_ok"] = add_order(ctx, "WO-20261124-001", on_site_in=timedelta(hours=3))
    ids["order_overdue"] = add_order(
        ctx, "WO-20261124-002", logged_ago=timedelta(hours=3), on_site_in=timedelta(hours=-1)
    )
    ids["order_near"] = add_order(
        ctx, "WO-20261124-003", logged_ago=timedelta(hours=2), on_site_in=timedelta(minutes=10)
    )
    ids["order_done"] = add_order(ctx, "WO-20261124-004", state="done")
    ids["order_closed"] = add_order(ctx, "WO-20261124-005", state="closed")
    ids["order_cancelled"] = add_order(ctx, "WO-20261124-006", state="cancelled")
    return ids


def test_sheet_of_a_known_shift_holds_exactly_the_open_items(desk: Context) -> None:
    ids = build_known_shift(desk)
    sheet = handover.start_handover(desk, clerk=OUT)

    assert sheet.state == "draft" and sheet.shift_name == "A" and sheet.outgoing == OUT
    assert refs(sheet, "calls") == [("call", ids["call_open"])]
    assert refs(sheet, "callbacks") == [
        ("call", ids["call_callback"]),
        ("order", ids["order_done"]),
    ]
    # overdue first, then the one near its deadline, then the rest
    assert refs(sheet, "orders") == [
        ("order", ids["order_overdue"]),
        ("order", ids["order_near"]),
        ("order", ids["order_ok"]),
    ]
    assert [i.attention for i in sheet.section("orders")] == ["overdue", "near deadline", ""]
    assert refs(sheet, "visitors") == [("visit", ids["visit_in"])]
    assert refs(sheet, "notes") == [("note", ids["note_high"]), ("note", ids["note_normal"])]
    assert sheet.section("carried") == []
    assert [i.no for i in sheet.items] == list(range(1, len(sheet.items) + 1))
    assert "OVERDUE" in sheet.section("orders")[0].text
    assert all(i.still_open for i in sheet.items)


def test_starting_again_rebuilds_the_draft_and_keeps_remarks(desk: Context) -> None:
    ids = build_known_shift(desk)
    first = handover.start_handover(desk, clerk=OUT)
    handover.add_remark(desk, first.id, "spare keys: 3 sets in the drawer", clerk=OUT)
    calls.close_call(desk, ids["call_open"], clerk=OUT)
    again = handover.start_handover(desk, clerk=OUT)
    assert again.id == first.id
    assert refs(again, "calls") == []
    assert [i.text for i in again.section("remarks")] == ["spare keys: 3 sets in the drawer"]
    assert again.items[-1].section == "remarks"


def test_items_are_carried_until_closed_and_the_count_grows(
    desk: Context, clock: FrozenClock
) -> None:
    ids = build_known_shift(desk)
    first = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    handover.acknowledge(desk, first.id, clerk=IN)

    clock.advance(hours=7)
    shifts.start_shift(desk, IN)
    calls.close_call(desk, ids["call_open"], clerk=IN)
    visits.sign_out(desk, ids["visit_in"], clerk=IN)
    fresh = calls.log_call(desk, caller="赵六", matter="door bell broken", clerk=IN).id
    second = handover.sign(desk, handover.start_handover(desk, clerk=IN).id, clerk=IN)

    carried = {(i.ref_kind, i.ref_id): i.carried for i in second.items if i.carried}
    assert ("call", ids["call_open"]) not in carried
    assert ("visit", ids["visit_in"]) not in carried
    assert carried[("note", ids["note_high"])] == 1
    assert carried[("order", ids["order_overdue"])] == 1
    assert carried[("call", ids["call_callback"])] == 1
    # still open in a live list: in its own section, with its count
    assert ("order", ids["order_overdue"]) in refs(second, "orders")
    assert ("call", ids["call_callback"]) in refs(second, "callbacks")
    assert refs(second, "calls") == [("call", fresh)]
    assert second.section("calls")[0].carried == 0
    handover.acknowledge(desk, second.id, clerk=OUT)

    clock.advance(hours=8)
    shifts.start_shift(desk, OUT)
    third = handover.start_handover(desk, clerk=OUT)
    carried = {(i.ref_kind, i.ref_id): i.carried for i in third.items if i.carried}
    assert carried[("note", ids["note_high"])] == 2
    assert carried[("call", fresh)] == 1
    # the longest-carried come first
    assert third.section("carried")[0].carried == 2

    notes.resolve_note(desk, ids["note_high"], clerk=OUT)
    assert ("note", ids["note_high"]) not in refs(
        handover.start_handover(desk, clerk=OUT), "carried"
    )


def test_an_answered_call_stays_carried_until_closed(desk: Context, clock: FrozenClock) -> None:
    shifts.start_shift(desk, OUT)
    call = calls.log_call(desk, caller="张伟", matter="when is the water back?", clerk=OUT).id
    first = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    assert refs(first, "calls") == [("call", call)]
    calls.answer_call(desk, call, "at 18:00, we will confirm", clerk=OUT)
    clock.advance(hours=8)
    shifts.start_shift(desk, IN)
    second = handover.start_handover(desk, clerk=IN)
    assert refs(second, "carried") == [("call", call)]
    assert "answered: at 18:00" in second.section("carried")[0].text


def test_acknowledging_closes_the_pending_state(desk: Context) -> None:
    build_known_shift(desk)
    draft = handover.start_handover(desk, clerk=OUT)
    assert handover.pending(desk) == []
    with pytest.raises(Conflict, match="not signed yet"):
        handover.acknowledge(desk, draft.id, clerk=IN)

    signed = handover.sign(desk, draft.id, clerk=OUT)
    assert signed.state == "pending" and signed.fingerprint
    [waiting] = handover.pending(desk)
    assert (waiting.id, waiting.outgoing, waiting.acknowledged_items) == (signed.id, OUT, 0)

    with pytest.raises(Conflict, match="outgoing clerk"):
        handover.acknowledge(desk, signed.id, clerk=OUT)

    first, second, *rest = signed.items
    part = handover.acknowledge(
        desk, signed.id, clerk=IN, items=[first.id], queries={second.id: "which keys?"}
    )
    assert part.state == "pending" and part.incoming == IN
    assert part.items[1].query == "which keys?" and part.items[1].acknowledged_at is not None
    assert handover.pending(desk)[0].acknowledged_items == 2
    with pytest.raises(Conflict, match="already acknowledged"):
        handover.acknowledge(desk, signed.id, clerk=IN, items=[first.id])
    with pytest.raises(Conflict, match="being taken over by 李娜"):
        handover.acknowledge(desk, signed.id, clerk="赵六")

    done = handover.acknowledge(desk, signed.id, clerk=IN)
    assert done.state == "acknowledged"
    assert all(i.acknowledged_at is not None for i in done.items)
    assert handover.pending(desk) == []
    with pytest.raises(Conflict, match="already acknowledged by 李娜"):
        handover.acknowledge(desk, signed.id, clerk=IN)
    assert len(rest) == len(done.items) - 2


def test_signing_twice_and_remarks_after_signing_are_refused(desk: Context) -> None:
    shifts.start_shift(desk, OUT)
    draft = handover.start_handover(desk, clerk=OUT)
    handover.sign(desk, draft.id, clerk=OUT)
    with pytest.raises(Conflict, match="already signed by 王芳"):
        handover.sign(desk, draft.id, clerk=OUT)
    with pytest.raises(Conflict, match="no more remarks"):
        handover.add_remark(desk, draft.id, "late remark", clerk=OUT)
    with pytest.raises(NotFound):
        handover.sheet(desk, 999)
    with pytest.raises(InvalidInput):
        handover.add_remark(desk, draft.id, "   ", clerk=OUT)


def test_an_empty_sheet_is_acknowledged_at_once(desk: Context) -> None:
    signed = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    assert signed.items == ()
    assert handover.acknowledge(desk, signed.id, clerk=IN).state == "acknowledged"


def test_pins_are_checked_when_the_site_uses_them(desk: Context) -> None:
    pinned = replace(desk, settings=replace(desk.settings, pins=True))
    directory.add_staff(desk, OUT, pin="2468", clerk="admin")
    directory.add_staff(desk, IN, pin="1357", clerk="admin")
    draft = handover.start_handover(pinned, clerk=OUT)
    with pytest.raises(InvalidInput, match="must give their PIN"):
        handover.sign(pinned, draft.id, clerk=OUT)
    with pytest.raises(InvalidInput, match="not 王芳's"):
        handover.sign(pinned, draft.id, clerk=OUT, pin="1357")
    assert handover.sheet(pinned, draft.id).state == "draft"
    handover.sign(pinned, draft.id, clerk=OUT, pin="2468")
    with pytest.raises(InvalidInput):
        handover.acknowledge(pinned, draft.id, clerk=IN, pin="0000")
    assert handover.acknowledge(pinned, draft.id, clerk=IN, pin="1357").state == "acknowledged"


def test_fingerprint_survives_progress_but_not_amendments(
    desk: Context, clock: FrozenClock
) -> None:
    ids = build_known_shift(desk)
    signed = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    handover.acknowledge(desk, signed.id, clerk=IN)
    assert handover.verify_fingerprints(desk) == []

    # normal progress of what was handed over is not an edit
    clock.advance(minutes=30)
    calls.close_call(desk, ids["call_open"], clerk=IN)
    visits.sign_out(desk, ids["visit_in"], clerk=IN)
    notes.resolve_note(desk, ids["note_normal"], clerk=IN)
    assert handover.verify_fingerprints(desk) == []

    records.amend(
        desk, "call", ids["call_callback"], "matter", "noise at night, 2nd floor",
        reason="caller rang again", clerk=IN,
    )  # fmt: skip
    [problem] = handover.verify_fingerprints(desk)
    assert problem.startswith(f"handover {signed.id} (shift A 2026-11-24, signed by 王芳): ")
    assert f"call {ids['call_callback']} was amended (matter) by 李娜" in problem

    # an edit behind deskclerk's back: no history entry at all
    with session_scope(desk.engine, write=True) as s:
        s.execute(
            sa.update(WorkOrder)
            .where(WorkOrder.id == ids["order_overdue"])  # type: ignore[arg-type]
            .values(description="nothing wrong")
        )
    problems = handover.verify_fingerprints(desk)
    assert len(problems) == 2
    assert "WO-20261124-002 was changed after the sheet was signed, with no entry" in problems[1]


def test_findings_tell_a_recorded_correction_from_tampering(
    desk: Context, clock: FrozenClock
) -> None:
    ids = build_known_shift(desk)
    signed = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    assert fp.fingerprint_findings(desk) == ([], [])

    clock.advance(minutes=30)
    records.amend(
        desk, "call", ids["call_callback"], "matter", "noise at night, 2nd floor",
        reason="caller rang again", clerk=IN,
    )  # fmt: skip
    records.void(desk, "note", ids["note_normal"], reason="written twice", clerk=IN)
    notices, problems = fp.fingerprint_findings(desk)
    assert problems == []
    where = f"handover {signed.id} (shift A 2026-11-24, signed by 王芳): "
    assert notices == [
        f"{where}call {ids['call_callback']} was amended (matter) by 李娜 on 2026-11-24 10:30 "
        "after the sheet was signed",
        f"{where}note {ids['note_normal']} was voided by 李娜 on 2026-11-24 10:30 "
        "after the sheet was signed",
    ]

    # the same record edited behind deskclerk's back: no history entry, a problem
    with session_scope(desk.engine, write=True) as s:
        s.execute(
            sa.update(WorkOrder)
            .where(WorkOrder.id == ids["order_overdue"])  # type: ignore[arg-type]
            .values(description="nothing wrong")
        )
    notices, problems = fp.fingerprint_findings(desk)
    assert len(notices) == 2
    assert problems == [
        f"{where}WO-20261124-002 was changed after the sheet was signed, with no entry in "
        "the history (edited outside deskclerk?)"
    ]
    # the old single list still carries both kinds
    assert len(handover.verify_fingerprints(desk)) == 3


def test_a_recorded_correction_does_not_hide_an_edited_sheet(
    desk: Context, clock: FrozenClock
) -> None:
    ids = build_known_shift(desk)
    signed = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    clock.advance(minutes=5)
    records.void(desk, "call", ids["call_callback"], reason="wrong unit", clerk=IN)
    with session_scope(desk.engine, write=True) as s:
        s.execute(
            sa.update(HandoverItem)
            .where(HandoverItem.id == signed.items[0].id)  # type: ignore[arg-type]
            .values(attention=True, text="nothing to see")
        )
    notices, problems = fp.fingerprint_findings(desk)
    assert len(notices) == 1 and "voided by 李娜" in notices[0]
    assert len(problems) == 1 and "the sheet itself" in problems[0]


def test_fingerprint_notices_an_edited_sheet(desk: Context) -> None:
    build_known_shift(desk)
    signed = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    before = signed.fingerprint
    with session_scope(desk.engine, write=True) as s:
        s.execute(
            sa.update(HandoverItem)
            .where(HandoverItem.id == signed.items[0].id)  # type: ignore[arg-type]
            .values(text="nothing to see")
        )
    [problem] = handover.verify_fingerprints(desk)
    assert "the sheet itself" in problem
    assert handover.sheet(desk, signed.id).fingerprint == before


def test_outside_the_pattern_and_without_a_shift(desk: Context, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 11, 24, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
    notes.add_note(desk, "gate 2 left open for the night delivery", clerk=OUT)
    sheet = handover.start_handover(desk, clerk=OUT)
    assert sheet.shift_id is None and sheet.shift_name == ""
    assert sheet.shift_label == "outside the shift pattern"
    assert len(sheet.section("notes")) == 1
    signed = handover.sign(desk, sheet.id, clerk=OUT)
    assert handover.acknowledge(desk, signed.id, clerk=IN).state == "acknowledged"


def test_finding_sheets(desk: Context, clock: FrozenClock) -> None:
    assert handover.last_sheet(desk) is None
    shifts.start_shift(desk, OUT)
    a = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    clock.advance(hours=8)
    shift_b = shifts.start_shift(desk, IN)
    b = handover.start_handover(desk, clerk=IN)
    assert handover.last_sheet(desk).id == a.id  # type: ignore[union-attr]  # the last signed
    assert handover.sheet_for_shift(desk, shift_b.id).id == b.id
    day = datetime(2026, 11, 24).date()
    assert [s.id for s in handover.sheets_for_date(desk, day)] == [a.id, b.id]
    assert handover.sheet_for_date(desk, day).id == b.id
    with pytest.raises(NotFound, match="2026-11-20"):
        handover.sheet_for_date(desk, datetime(2026, 11, 20).date())


def test_a_site_s_own_shift_pattern(desk: Context) -> None:
    own = replace(
        desk,
        settings=replace(
            desk.settings,
            shifts=(
                ShiftWindow("早班", time(7, 0), time(15, 0)),
                ShiftWindow("中班", time(15, 0), time(23, 0)),
                ShiftWindow("夜班", time(23, 0), time(7, 0)),
            ),
        ),
    )
    shifts.start_shift(own, OUT)  # 10:00 in Shanghai
    sheet = handover.start_handover(own, clerk=OUT)
    assert sheet.shift_name == "早班"
    assert sheet.shift_label == "shift 早班 (07:00–15:00)"


def test_a_sheet_signed_right_after_another_keeps_its_sections(desk: Context) -> None:
    ids = build_known_shift(desk)
    first = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    second = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    assert second.id != first.id
    # the same shift signed twice: nothing is "carried", every section is kept
    assert second.section("carried") == [] and all(i.carried == 0 for i in second.items)
    for section in ("calls", "callbacks", "orders", "visitors", "notes"):
        assert refs(second, section) == refs(first, section), section
    assert ("order", ids["order_overdue"]) in refs(second, "orders")


def test_carried_items_keep_their_section_on_the_next_shift(
    desk: Context, clock: FrozenClock
) -> None:
    ids = build_known_shift(desk)
    first = handover.sign(desk, handover.start_handover(desk, clerk=OUT).id, clerk=OUT)
    clock.advance(minutes=5)
    shifts.start_shift(desk, IN)
    second = handover.sign(desk, handover.start_handover(desk, clerk=IN).id, clerk=IN)
    assert refs(second, "orders") == refs(first, "orders")
    assert refs(second, "visitors") == [("visit", ids["visit_in"])]
    assert [i.carried for i in second.section("orders")] == [1, 1, 1]


def test_the_clerk_who_started_or_signed_cannot_acknowledge(desk: Context) -> None:
    build_known_shift(desk)
    draft = handover.start_handover(desk, clerk=OUT)
    signed = handover.sign(desk, draft.id, clerk=IN)  # a colleague signs it for the shift
    with pytest.raises(Conflict, match="started handover"):
        handover.acknowledge(desk, signed.id, clerk=OUT)
    with pytest.raises(Conflict, match="signed handover"):
        handover.acknowledge(desk, signed.id, clerk=IN)
    assert handover.acknowledge(desk, signed.id, clerk="赵六").state == "acknowledged"


def test_only_one_unsigned_draft_at_a_time(desk: Context) -> None:
    first = handover.start_handover(desk, clerk=OUT)  # no shift on duty
    again = handover.start_handover(desk, clerk=IN)
    assert again.id == first.id and again.outgoing == OUT
    shifts.start_shift(desk, IN)
    with pytest.raises(Conflict, match=f"Handover {first.id} .*sign it first"):
        handover.start_handover(desk, clerk=IN)
    handover.sign(desk, first.id, clerk=OUT)
    assert handover.start_handover(desk, clerk=IN).id != first.id
