"""Corrections and voids of any record, and its history: nothing is overwritten unseen.

`amend` changes one field of a record with a reason; the history keeps the old
and the new value.  `void` marks a record entered by mistake; the row stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from deskclerk import cleaning
from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import history as audit
from deskclerk.services import search
from deskclerk.services.context import Context
from deskclerk.services.directory import last4, unit_code_of, unit_ref
from deskclerk.services.history import HistoryEntry
from deskclerk.services.tables import CALL, NOTE, ORDER, RESIDENT, UNIT, VISIT
from deskclerk.timeparse import as_instant, not_in_future

KINDS = ("call", "visit", "order", "note", "unit", "resident")
_TABLES: dict[str, sa.Table] = {
    "call": CALL,
    "visit": VISIT,
    "order": ORDER,
    "note": NOTE,
    "unit": UNIT,
    "resident": RESIDENT,
}
_NAMES = {"order": "work order", "note": "note", "unit": "unit", "resident": "resident"}


# A cleaner turns what the clerk typed into {column: stored value} and the value
# shown in the history.
Cleaner = Callable[[Context, Session, Any], tuple[dict[str, Any], str]]


@dataclass(frozen=True)
class _Field:
    label: str
    clean: Cleaner


def _text(column: str, label: str, *, required: bool = False, max_length: int = 200) -> _Field:
    def clean(ctx: Context, s: Session, value: Any) -> tuple[dict[str, Any], str]:
        v = cleaning.clean_text(
            value, label, required=required, max_length=max_length, multiline=max_length > 200
        )
        return {column: v}, v

    return _Field(label, clean)


def _long(column: str, label: str, *, required: bool = False) -> _Field:
    return _text(column, label, required=required, max_length=cleaning.TEXT_MAX)


def _name(column: str, label: str, *, required: bool = False) -> _Field:
    def clean(ctx: Context, s: Session, value: Any) -> tuple[dict[str, Any], str]:
        v = cleaning.clean_name(value, label, required=required)
        return {column: v}, v

    return _Field(label, clean)


def _phone(*, with_last4: bool = False) -> _Field:
    def clean(ctx: Context, s: Session, value: Any) -> tuple[dict[str, Any], str]:
        v = cleaning.clean_phone(value)
        values = {"phone": v}
        if with_last4:
            values["phone_last4"] = last4(v)
        return values, v

    return _Field("phone number", clean)


def _unit(*, required: bool = False) -> _Field:
    def clean(ctx: Context, s: Session, value: Any) -> tuple[dict[str, Any], str]:
        ref = unit_ref(s, value)
        if ref is None:
            if required:
                raise InvalidInput("The unit is required.", field="unit")
            return {"unit_id": None}, ""
        return {"unit_id": ref[0]}, ref[1]

    return _Field("unit", clean)


def _time(column: str, label: str, *, optional: bool) -> _Field:
    def clean(ctx: Context, s: Session, value: Any) -> tuple[dict[str, Any], str]:
        if value is None or (isinstance(value, str) and not value.strip()):
            if not optional:
                raise InvalidInput(f"The {label} is required.", field=label)
            return {column: None}, ""
        at = as_instant(value, ctx.tz, ctx.now(), label)
        if column in ("time_in", "time_out"):
            not_in_future(at, ctx.now(), label)
        return {column: at}, at.isoformat()

    return _Field(label, clean)


def _choice(column: str, parse: Callable[[Any], str]) -> _Field:
    def clean(ctx: Context, s: Session, value: Any) -> tuple[dict[str, Any], str]:
        v = parse(value)
        return {column: v}, v

    return _Field(column, clean)


def _flag(column: str, label: str) -> _Field:
    def clean(ctx: Context, s: Session, value: Any) -> tuple[dict[str, Any], str]:
        if isinstance(value, bool):
            v = value
        else:
            text = cleaning.clean_text(str(value), label, max_length=10).lower()
            if text in ("yes", "y", "true", "1", "是"):
                v = True
            elif text in ("no", "n", "false", "0", "否"):
                v = False
            else:
                raise InvalidInput(f"The {label} is yes or no.", field=label)
        return {column: v}, "yes" if v else "no"

    return _Field(label, clean)


def _money(column: str, label: str) -> _Field:
    def clean(ctx: Context, s: Session, value: Any) -> tuple[dict[str, Any], str]:
        try:
            v = round(float(str(value).strip() or 0), 2)
        except ValueError:
            raise InvalidInput(f"The {label} {value!r} is not an amount.", field=label) from None
        if v < 0 or v != v or v > 1_000_000:
            raise InvalidInput(f"The {label} must be between 0 and 1,000,000.", field=label)
        return {column: v}, f"{v:.2f}"

    return _Field(label, clean)


def _category(value: Any) -> str:
    from deskclerk.services.calls import parse_category

    return parse_category(value)


def _priority(value: Any) -> str:
    from deskclerk.services.notes import parse_priority

    return parse_priority(value)


def _work_kind(value: Any) -> str:
    v = cleaning.clean_text(value, "work category", required=True, max_length=30).lower()
    return v


AMENDABLE: dict[str, dict[str, _Field]] = {
    "call": {
        "caller": _name("caller", "caller's name", required=True),
        "phone": _phone(),
        "unit": _unit(),
        "category": _choice("category", _category),
        "matter": _long("matter", "matter", required=True),
        "passed_to": _name("passed_to", "person it is passed to"),
        "callback_due": _time("callback_due", "callback time", optional=True),
        "answer": _long("answer", "answer"),
    },
    "visit": {
        "visitor": _name("visitor", "visitor's name", required=True),
        "phone": _phone(),
        "unit": _unit(),
        "host": _name("host", "person visited"),
        "purpose": _text("purpose", "purpose"),
        "badge": _text("badge", "badge number", max_length=40),
        "plate": _text("plate", "vehicle plate", max_length=20),
        "time_in": _time("time_in", "time in", optional=False),
        "time_out": _time("time_out", "time out", optional=True),
    },
    "order": {
        "unit": _unit(),
        "category": _choice("category", _work_kind),
        "description": _long("description", "description", required=True),
        "technician": _name("technician", "technician"),
        "charge": _money("charge", "charge"),
    },
    "note": {
        "text": _long("text", "note", required=True),
        "priority": _choice("priority", _priority),
        "unit": _unit(),
    },
    "unit": {
        "building": _text("building", "building", max_length=50),
        "area": _text("area", "area", max_length=50),
        "note": _long("note", "note"),
    },
    "resident": {
        "name": _name("name", "resident's name", required=True),
        "phone": _phone(with_last4=True),
        "unit": _unit(required=True),
        "is_owner": _flag("is_owner", "owner"),
    },
}


def _kind(kind: str) -> str:
    k = (kind or "").strip().lower()
    if k not in _TABLES:
        raise InvalidInput(f"The kind {kind!r} is not one of: {', '.join(KINDS)}.", field="kind")
    return k


def _label(kind: str, record_id: int) -> str:
    return f"{_NAMES.get(kind, kind)} {record_id}"


def _named(kind: str, row: Any) -> str:
    """A record as the clerk knows it: a unit by its code, anything else by its id."""
    return f"unit {row.code}" if kind == "unit" else _label(kind, row.id)


def _load(s: Session, kind: str, record_id: int) -> Any:
    row = s.execute(sa.select(_TABLES[kind]).where(_TABLES[kind].c.id == record_id)).first()
    if row is None:
        raise NotFound(f"There is no {_label(kind, record_id)}.")
    return row


def _is_void(kind: str, row: Any) -> bool:
    if kind in ("unit", "resident"):
        return not row.active
    return row.voided_at is not None


def _reason(reason: str | None) -> str:
    return cleaning.clean_text(reason, "reason", required=True, max_length=500)


def _shown(s: Session, column: str, value: Any) -> str:
    if column == "unit_id":
        return unit_code_of(s, value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def amendable_fields(kind: str) -> tuple[str, ...]:
    """The fields of a kind of record that `amend` may change."""
    return tuple(AMENDABLE[_kind(kind)])


def amend(
    ctx: Context,
    kind: str,
    record_id: int,
    field: str,
    value: Any,
    *,
    reason: str,
    clerk: str,
) -> None:
    """Correct one field of a record.  The reason is required; the history keeps the
    old and new value; the new value is cleaned as on create; the search index follows."""
    kind = _kind(kind)
    fields = AMENDABLE[kind]
    name = (field or "").strip().lower().replace(" ", "_").replace("-", "_")
    if name not in fields:
        raise InvalidInput(
            f"The {name or 'field'} of a {_NAMES.get(kind, kind)} cannot be amended; "
            f"these can: {', '.join(fields)}.",
            field="field",
        )
    reason = _reason(reason)
    clerk = cleaning.clean_name(clerk, "clerk's name")
    spec = fields[name]
    now = ctx.now()
    table = _TABLES[kind]
    with session_scope(ctx.engine, write=True) as s:
        row = _load(s, kind, record_id)
        if _is_void(kind, row):
            raise Conflict(f"{_named(kind, row).capitalize()} was voided; it cannot change.")
        values, new_shown = spec.clean(ctx, s, value)
        main_column = next(iter(values))
        old_value = getattr(row, main_column)
        if old_value == values[main_column]:
            raise InvalidInput(
                f"The {spec.label} is {new_shown or 'empty'} already; nothing to amend.",
                field=name,
            )
        if kind == "visit" and name in ("time_in", "time_out"):
            t_in = values.get("time_in", row.time_in)
            t_out = values.get("time_out", row.time_out)
            if t_out is not None and t_out < t_in:
                raise InvalidInput("The time out would be before the time in.", field=name)
        if kind == "call" and name == "callback_due":
            due = values["callback_due"]
            if due is not None and due < row.received_at:
                raise InvalidInput(
                    "The callback time would be before the call came in.", field=name
                )
        s.execute(sa.update(table).where(table.c.id == record_id).values(**values))
        audit.record(
            s,
            at=now,
            actor=clerk,
            action="amend",
            entity=kind,
            entity_id=record_id,
            field_name=name,
            old=_shown(s, main_column, old_value),
            new=new_shown,
            reason=reason,
        )
        if kind in search.REGISTERS:
            search.reindex(s, kind, record_id)


def void(ctx: Context, kind: str, record_id: int, *, reason: str, clerk: str) -> None:
    """Mark a record entered by mistake.  It stays (hidden from lists); voiding twice
    is refused."""
    kind = _kind(kind)
    reason = _reason(reason)
    clerk = cleaning.clean_name(clerk, "clerk's name")
    now = ctx.now()
    table = _TABLES[kind]
    with session_scope(ctx.engine, write=True) as s:
        row = _load(s, kind, record_id)
        if _is_void(kind, row):
            raise Conflict(f"{_named(kind, row).capitalize()} was voided already.")
        if kind in ("unit", "resident"):
            values: dict[str, Any] = {"active": False}
        else:
            values = {"voided_at": now, "void_reason": reason}
        s.execute(sa.update(table).where(table.c.id == record_id).values(**values))
        audit.record(
            s,
            at=now,
            actor=clerk,
            action="void",
            entity=kind,
            entity_id=record_id,
            reason=reason,
        )


def history(ctx: Context, kind: str, record_id: int) -> list[HistoryEntry]:
    """Everything done to one record, oldest first."""
    kind = _kind(kind)
    with session_scope(ctx.engine) as s:
        _load(s, kind, record_id)
        return audit.history_of(s, kind, record_id)
