"""The fingerprint of a signed handover, and the check that it still matches.

At signing, each listed record gets a digest of what was handed over: its facts
(who, what, where, when it happened and was recorded, whether it is voided) and
the hashes of every amendment and void in its history.  A record's normal
progress (answered, dispatched, signed out, resolved) leaves the digest alone;
a correction through `records.amend`, a void, or a direct edit of a fact
changes it.  The sheet's fingerprint covers the sheet as signed (header, items,
digests) and the history chain head at that moment (the entry before the
"sign" entry), so a rewritten history shows too.

`fingerprint_findings` sorts what no longer matches: a record corrected through the
history after signing is a notice (detectable and reported, not an alarm); a change
with no history entry, a record gone, or an edited sheet is a problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from deskclerk.models import Audit, Handover
from deskclerk.services.handover_sheet import KIND_TABLES
from deskclerk.services.history import GENESIS

if TYPE_CHECKING:
    from deskclerk.services.context import Context

# The facts of each kind of record: what a later correction would change.
FACTS: dict[str, tuple[str, ...]] = {
    "call": (
        "received_at", "recorded_at", "caller", "phone", "unit_id", "category", "matter",
        "taken_by", "voided_at",
    ),
    "order": (
        "number", "call_id", "unit_id", "category", "priority", "description", "logged_by",
        "logged_at", "recorded_at", "voided_at",
    ),
    "visit": (
        "visitor", "phone", "unit_id", "host", "purpose", "time_in", "badge", "plate", "clerk",
        "recorded_at", "voided_at",
    ),
    "note": (
        "text", "priority", "unit_id", "clerk", "written_at", "recorded_at", "voided_at",
    ),
}  # fmt: skip
CORRECTIONS = ("amend", "void")
MISSING = "missing"
SHORT = 12


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _digest(payload: object) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short(fingerprint: str) -> str:
    """The fingerprint as printed at the foot of a sheet: 12 hex digits in groups of four."""
    head = fingerprint[:SHORT]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def record_digests(session: Session, refs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The digest of each (kind, id) as the database holds it now; MISSING if gone."""
    wanted: dict[str, list[int]] = {}
    for kind, ref_id in refs:
        if kind in FACTS:
            wanted.setdefault(kind, []).append(ref_id)
    audit = Audit.__table__  # type: ignore[attr-defined]
    out: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        table = KIND_TABLES[kind]
        fields = FACTS[kind]
        facts: dict[int, dict[str, object]] = {}
        corrections: dict[int, list[str]] = {}
        unique = sorted(set(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            query = sa.select(table.c.id, *(table.c[f] for f in fields))
            for row in session.execute(query.where(table.c.id.in_(chunk))):
                facts[row[0]] = {f: _value(v) for f, v in zip(fields, row[1:], strict=True)}
            for entity_id, entry_hash in session.execute(
                sa.select(audit.c.entity_id, audit.c.hash)
                .where(
                    audit.c.entity == kind,
                    audit.c.entity_id.in_(chunk),
                    audit.c.action.in_(CORRECTIONS),
                )
                .order_by(audit.c.id)
            ):
                corrections.setdefault(entity_id, []).append(entry_hash)
        for ref_id in unique:
            if ref_id not in facts:
                out[(kind, ref_id)] = MISSING
            else:
                out[(kind, ref_id)] = _digest(
                    [kind, ref_id, facts[ref_id], corrections.get(ref_id, [])]
                )
    return out


def sheet_fingerprint(handover: Handover, items: Sequence[Any], chain_head: str) -> str:
    """The hash over the sheet as signed and the history chain head at signing."""
    payload = [
        handover.id,
        handover.shift_id,
        handover.outgoing,
        _value(handover.started_at),
        _value(handover.signed_at),
        [
            [i.id, i.section, i.ref_kind, i.ref_id, i.text, i.carried, i.attention, i.digest]
            for i in sorted(items, key=lambda i: i.id or 0)
        ],
        chain_head,
    ]
    return _digest(payload)


def chain_head_before(session: Session, entry_id: int | None) -> str:
    """The hash of the history entry just before `entry_id` (the whole history if None)."""
    query = select(Audit.hash).order_by(col(Audit.id).desc()).limit(1)
    if entry_id is not None:
        query = query.where(col(Audit.id) < entry_id)
    return session.exec(query).first() or GENESIS


def sign_entry(session: Session, handover_id: int) -> Audit | None:
    """The history entry written when the handover was signed."""
    return session.exec(
        select(Audit)
        .where(Audit.entity == "handover", Audit.entity_id == handover_id, Audit.action == "sign")
        .order_by(col(Audit.id))
        .limit(1)
    ).first()


def fingerprint_findings(ctx: Context) -> tuple[list[str], list[str]]:
    """Every signed handover checked against its fingerprint: (notices, problems).

    Notices: a listed record amended or voided through the history after signing
    (who, what and when, from its history entries).  Problems: a listed record changed
    with no history entry after signing, a record gone, a signing missing from the
    history, or the sheet (or the history before it) edited since it was signed.
    """
    from deskclerk.db import session_scope
    from deskclerk.models import Shift
    from deskclerk.services.handover_view import items_of, pattern_name

    notices: list[str] = []
    problems: list[str] = []
    with session_scope(ctx.engine) as s:
        signed = s.exec(
            select(Handover).where(col(Handover.signed_at).is_not(None)).order_by(col(Handover.id))
        ).all()
        for h in signed:
            assert h.id is not None and h.signed_at is not None
            shift = s.get(Shift, h.shift_id) if h.shift_id is not None else None
            name = shift.name if shift is not None and shift.name else ""
            name = name or pattern_name(ctx, h.started_at)
            where = (
                f"handover {h.id} ({f'shift {name}' if name else 'outside the pattern'} "
                f"{ctx.local(h.started_at):%Y-%m-%d}, signed by {h.outgoing})"
            )
            entry = sign_entry(s, h.id)
            if entry is None or entry.id is None:
                problems.append(f"{where}: its signing is missing from the history")
                continue
            items = items_of(s, h.id)
            listed = [i for i in items if i.ref_id is not None]
            now = record_digests(s, [(i.ref_kind, i.ref_id) for i in listed])
            for item in listed:
                current = now.get((item.ref_kind, item.ref_id), MISSING)
                if current == item.digest:
                    continue
                label = _record_label(item.ref_kind, item.ref_id, item.text)
                if current == MISSING:
                    problems.append(f"{where}: {label} is no longer in the database")
                    continue
                recorded = _corrections_after(s, ctx, item.ref_kind, item.ref_id, entry.id)
                if recorded:
                    notices.append(f"{where}: {label} was {recorded} after the sheet was signed")
                else:
                    problems.append(
                        f"{where}: {label} was changed after the sheet was signed, with no "
                        "entry in the history (edited outside deskclerk?)"
                    )
            expected = sheet_fingerprint(h, items, chain_head_before(s, entry.id))
            if expected != h.fingerprint or entry.new != h.fingerprint:
                problems.append(
                    f"{where}: the sheet itself or the history before it was changed after "
                    "it was signed (its fingerprint no longer matches)"
                )
    return notices, problems


def _record_label(kind: str, ref_id: int, text: str) -> str:
    """How a listed record is named: a work order by its number, others by kind and id."""
    if kind == "order":
        return text.split(" · ", 1)[0]
    return f"{kind} {ref_id}"


def _corrections_after(session: Session, ctx: Context, kind: str, ref_id: int, sign_id: int) -> str:
    """The amendments and voids of a record entered in the history after the signing."""
    from deskclerk.services.handover_view import local_stamp

    entries = session.exec(
        select(Audit)
        .where(
            Audit.entity == kind,
            Audit.entity_id == ref_id,
            col(Audit.action).in_(CORRECTIONS),
            col(Audit.id) > sign_id,
        )
        .order_by(col(Audit.id))
    ).all()
    parts = []
    for e in entries:
        what = "voided" if e.action == "void" else f"amended ({e.field_name})"
        parts.append(f"{what} by {e.actor} on {local_stamp(ctx, e.at)}")
    return "; ".join(parts)
