"""`deskclerk check` for handovers: does every signed sheet still match its fingerprint?"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from deskclerk.db import session_scope
from deskclerk.models import Audit, Handover, HandoverItem, Shift
from deskclerk.services import handover_fingerprint as fp
from deskclerk.services.context import Context
from deskclerk.services.handover_view import items_of, local_stamp, pattern_name


def _record_label(kind: str, ref_id: int, text: str) -> str:
    if kind == "order":
        return text.split(" · ", 1)[0]
    return {"call": "call", "visit": "visit", "note": "note"}.get(kind, kind) + f" {ref_id}"


def verify_fingerprints(ctx: Context) -> list[str]:
    """Recompute the fingerprint of every signed handover; one plain sentence per mismatch."""
    problems: list[str] = []
    with session_scope(ctx.engine) as s:
        signed = s.exec(
            select(Handover).where(col(Handover.signed_at).is_not(None)).order_by(col(Handover.id))
        ).all()
        for h in signed:
            assert h.id is not None and h.signed_at is not None
            shift = s.get(Shift, h.shift_id) if h.shift_id is not None else None
            name = (
                shift.name if shift is not None and shift.name else pattern_name(ctx, h.started_at)
            )
            where = (
                f"handover {h.id} ({f'shift {name}' if name else 'outside the pattern'} "
                f"{ctx.local(h.started_at):%Y-%m-%d}, signed by {h.outgoing})"
            )
            items = items_of(s, h.id)
            entry = fp.sign_entry(s, h.id)
            if entry is None:
                problems.append(f"{where}: its signing is missing from the history")
                continue
            refs = [(i.ref_kind, i.ref_id) for i in items if i.ref_id is not None]
            now_digests = fp.record_digests(s, refs)
            changed = False
            for item in items:
                if item.ref_id is None:
                    continue
                current = now_digests.get((item.ref_kind, item.ref_id), fp.MISSING)
                if current == item.digest:
                    continue
                changed = True
                label = _record_label(item.ref_kind, item.ref_id, item.text)
                if current == fp.MISSING:
                    problems.append(f"{where}: {label} is no longer in the database")
                    continue
                problems.append(f"{where}: {label} {_what_changed(s, ctx, item, h.signed_at)}")
            head = fp.chain_head_before(s, entry.id)
            expected = fp.sheet_fingerprint(h, items, head)
            if not changed and (expected != h.fingerprint or entry.new != h.fingerprint):
                problems.append(
                    f"{where}: the sheet itself or the history before it was changed after "
                    "it was signed (its fingerprint no longer matches)"
                )
    return problems


def _what_changed(s: Session, ctx: Context, item: HandoverItem, signed_at: datetime) -> str:
    entries = s.exec(
        select(Audit)
        .where(
            Audit.entity == item.ref_kind,
            Audit.entity_id == item.ref_id,
            col(Audit.action).in_(fp.CORRECTIONS),
            col(Audit.at) >= signed_at,
        )
        .order_by(col(Audit.id))
    ).all()
    if not entries:
        return (
            "was changed after the sheet was signed, with no entry in the history "
            "(edited outside deskclerk?)"
        )
    parts = []
    for e in entries:
        what = "voided" if e.action == "void" else f"amended ({e.field_name})"
        parts.append(f"{what} by {e.actor} on {local_stamp(ctx, e.at)}")
    return "was " + "; ".join(parts) + " after the sheet was signed"
