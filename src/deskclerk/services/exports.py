"""What each register exports, column by column, streamed from the database in batches.

Exports are records: voided rows are included (column `voided`), ID numbers are
masked, and times are converted to the site's zone by `LocalTimes`.  Nothing
here loads a register into memory: `stream_rows` is a generator over a Core
select read in batches (`yield_per`), so a million rows cost a batch of memory.

Time columns are yielded as stored (the database's UTC instant: a string on
SQLite, a naive datetime elsewhere) and converted by `local_times.LocalTimes`,
which is several times faster than building an aware datetime per cell.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from deskclerk.errors import InvalidInput
from deskclerk.models import Call, HandoverNote, Team, Unit, Visit, WorkOrder
from deskclerk.services.visits import mask_id

# Column kinds: how a writer treats the value.
TIME, TEXT, PHONE, CODE, INT, NUMBER, BOOL = (
    "time",
    "text",
    "phone",
    "code",
    "int",
    "number",
    "bool",
)
VOIDED_LABEL = "voided (voided records are kept: an export is a record)"


@dataclass(frozen=True)
class Column:
    """One exported column: `key` names it in JSON, `label` heads it in CSV/XLSX."""

    key: str
    label: str
    kind: str = TEXT
    width: int = 14  # XLSX column width in characters


@dataclass(frozen=True)
class Register:
    """One register as exported: its name, sheet title and columns."""

    name: str
    title: str
    columns: tuple[Column, ...]


REGISTER_NAMES = ("calls", "visitors", "orders", "notes")


def _table(model: Any) -> sa.Table:
    return model.__table__  # type: ignore[no-any-return]


def _is_voided(table: sa.Table) -> Any:
    """1 for a voided record, else 0 (an Integer: no per-row result processing)."""
    return sa.case((table.c.voided_at.is_(None), 0), else_=1).label("voided")


def _stored(column: Any) -> Any:
    """The column's value as stored, without the per-row UTCDateTime conversion."""
    return sa.type_coerce(column, sa.String()).label(column.key)


_VOID = Column("voided", VOIDED_LABEL, BOOL, 10)
_VOID_REASON = Column("void_reason", "void reason", TEXT, 20)

_CALLS = Register(
    "calls",
    "Calls 来电",
    (
        Column("id", "id", INT, 8),
        Column("received_at", "received 来电时间", TIME, 17),
        Column("recorded_at", "recorded 登记时间", TIME, 17),
        Column("unit", "unit 房号", CODE, 10),
        Column("caller", "caller 来电人", TEXT, 14),
        Column("phone", "phone 电话", PHONE, 15),
        Column("category", "category 分类", TEXT, 11),
        Column("matter", "matter 事由", TEXT, 40),
        Column("taken_by", "taken by 首问人", TEXT, 12),
        Column("passed_to", "passed to 转交", TEXT, 12),
        Column("callback_due", "callback due 回复时限", TIME, 17),
        Column("answer", "answer 答复", TEXT, 30),
        Column("state", "state 状态", TEXT, 10),
        Column("closed_at", "closed 关闭时间", TIME, 17),
        Column("order", "work order 派工单", CODE, 17),
        _VOID,
        _VOID_REASON,
    ),
)

_VISITORS = Register(
    "visitors",
    "Visitors 访客",
    (
        Column("id", "id", INT, 8),
        Column("visitor", "visitor 访客", TEXT, 14),
        Column("phone", "phone 电话", PHONE, 15),
        Column("unit", "unit 房号", CODE, 10),
        Column("host", "visiting 被访人", TEXT, 14),
        Column("purpose", "purpose 事由", TEXT, 20),
        Column("time_in", "time in 进入", TIME, 17),
        Column("time_out", "time out 离开", TIME, 17),
        Column("badge", "badge 证件号", CODE, 10),
        Column("plate", "plate 车牌", CODE, 10),
        Column("id_number", "ID number (masked) 身份证", CODE, 20),
        Column("clerk", "signed in by 登记人", TEXT, 12),
        Column("clerk_out", "signed out by", TEXT, 12),
        Column("recorded_at", "recorded 登记时间", TIME, 17),
        _VOID,
        _VOID_REASON,
    ),
)

_ORDERS = Register(
    "orders",
    "Work orders 派工单",
    (
        Column("number", "number 单号", CODE, 17),
        Column("id", "id", INT, 8),
        Column("call_id", "from call", INT, 8),
        Column("unit", "unit 房号", CODE, 10),
        Column("category", "category 类别", TEXT, 11),
        Column("priority", "priority 优先级", TEXT, 9),
        Column("description", "problem 问题", TEXT, 40),
        Column("team", "team 维修班", TEXT, 12),
        Column("technician", "technician 维修人", TEXT, 12),
        Column("state", "state 状态", TEXT, 10),
        Column("logged_by", "logged by 登记人", TEXT, 12),
        Column("logged_at", "logged 报修时间", TIME, 17),
        Column("recorded_at", "recorded 登记时间", TIME, 17),
        Column("dispatched_at", "dispatched 派工", TIME, 17),
        Column("on_site_at", "on site 到场", TIME, 17),
        Column("done_at", "done 完工", TIME, 17),
        Column("closed_at", "closed 关闭", TIME, 17),
        Column("cancelled_at", "cancelled 取消", TIME, 17),
        Column("cancel_reason", "cancel reason", TEXT, 20),
        Column("on_site_due", "on site due 到场时限", TIME, 17),
        Column("done_due", "done due 完工时限", TIME, 17),
        Column("callback_due", "callback due 回访时限", TIME, 17),
        Column("paused_seconds", "paused (s) 暂停秒数", INT, 10),
        Column("pause_reason", "pause reason", TEXT, 16),
        Column("callback_at", "called back 回访时间", TIME, 17),
        Column("callback_attempts", "callback attempts", INT, 9),
        Column("verdict", "verdict 回访结果", TEXT, 11),
        Column("callback_comment", "callback comment 回访意见", TEXT, 24),
        Column("reopened_count", "reopened", INT, 8),
        Column("charge", "charge 收费", NUMBER, 9),
        _VOID,
        _VOID_REASON,
    ),
)

_NOTES = Register(
    "notes",
    "Handover notes 交接",
    (
        Column("id", "id", INT, 8),
        Column("written_at", "written 记录时间", TIME, 17),
        Column("recorded_at", "recorded 登记时间", TIME, 17),
        Column("priority", "priority 优先级", TEXT, 9),
        Column("unit", "unit 房号", CODE, 10),
        Column("clerk", "clerk 记录人", TEXT, 12),
        Column("text", "note 内容", TEXT, 50),
        Column("resolved_at", "resolved 处理时间", TIME, 17),
        Column("resolved_by", "resolved by", TEXT, 12),
        _VOID,
        _VOID_REASON,
    ),
)

REGISTERS: dict[str, Register] = {r.name: r for r in (_CALLS, _VISITORS, _ORDERS, _NOTES)}


def register(name: str) -> Register:
    """The register called `name` (calls, visitors, orders, notes)."""
    try:
        return REGISTERS[name]
    except KeyError:
        raise InvalidInput(
            f"There is no register {name!r} to export: choose one of {', '.join(REGISTER_NAMES)}."
        ) from None


def _select_calls() -> tuple[sa.Select[Any], Any]:
    c, u, o = _table(Call), _table(Unit), _table(WorkOrder)
    stmt = (
        sa.select(
            c.c.id,
            _stored(c.c.received_at),
            _stored(c.c.recorded_at),
            u.c.code.label("unit"),
            c.c.caller,
            c.c.phone,
            c.c.category,
            c.c.matter,
            c.c.taken_by,
            c.c.passed_to,
            _stored(c.c.callback_due),
            c.c.answer,
            c.c.state,
            _stored(c.c.closed_at),
            o.c.number.label("order"),
            _is_voided(c),
            c.c.void_reason,
        )
        .select_from(c.outerjoin(u, c.c.unit_id == u.c.id).outerjoin(o, c.c.order_id == o.c.id))
        .order_by(c.c.received_at, c.c.id)
    )
    return stmt, c.c.received_at


def _select_visitors() -> tuple[sa.Select[Any], Any]:
    v, u = _table(Visit), _table(Unit)
    stmt = (
        sa.select(
            v.c.id,
            v.c.visitor,
            v.c.phone,
            u.c.code.label("unit"),
            v.c.host,
            v.c.purpose,
            _stored(v.c.time_in),
            _stored(v.c.time_out),
            v.c.badge,
            v.c.plate,
            v.c.id_number,
            v.c.clerk,
            v.c.clerk_out,
            _stored(v.c.recorded_at),
            _is_voided(v),
            v.c.void_reason,
        )
        .select_from(v.outerjoin(u, v.c.unit_id == u.c.id))
        .order_by(v.c.time_in, v.c.id)
    )
    return stmt, v.c.time_in


def _select_orders() -> tuple[sa.Select[Any], Any]:
    w, u, t = _table(WorkOrder), _table(Unit), _table(Team)
    stmt = (
        sa.select(
            w.c.number,
            w.c.id,
            w.c.call_id,
            u.c.code.label("unit"),
            w.c.category,
            w.c.priority,
            w.c.description,
            t.c.name.label("team"),
            w.c.technician,
            w.c.state,
            w.c.logged_by,
            *(
                _stored(w.c[name])
                for name in (
                    "logged_at",
                    "recorded_at",
                    "dispatched_at",
                    "on_site_at",
                    "done_at",
                    "closed_at",
                    "cancelled_at",
                )
            ),
            w.c.cancel_reason,
            _stored(w.c.on_site_due),
            _stored(w.c.done_due),
            _stored(w.c.callback_due),
            w.c.paused_seconds,
            w.c.pause_reason,
            _stored(w.c.callback_at),
            w.c.callback_attempts,
            w.c.verdict,
            w.c.callback_comment,
            w.c.reopened_count,
            w.c.charge,
            _is_voided(w),
            w.c.void_reason,
        )
        .select_from(w.outerjoin(u, w.c.unit_id == u.c.id).outerjoin(t, w.c.team_id == t.c.id))
        .order_by(w.c.logged_at, w.c.id)
    )
    return stmt, w.c.logged_at


def _select_notes() -> tuple[sa.Select[Any], Any]:
    n, u = _table(HandoverNote), _table(Unit)
    stmt = (
        sa.select(
            n.c.id,
            _stored(n.c.written_at),
            _stored(n.c.recorded_at),
            n.c.priority,
            u.c.code.label("unit"),
            n.c.clerk,
            n.c.text,
            _stored(n.c.resolved_at),
            n.c.resolved_by,
            _is_voided(n),
            n.c.void_reason,
        )
        .select_from(n.outerjoin(u, n.c.unit_id == u.c.id))
        .order_by(n.c.written_at, n.c.id)
    )
    return stmt, n.c.written_at


_SELECTS = {
    "calls": _select_calls,
    "visitors": _select_visitors,
    "orders": _select_orders,
    "notes": _select_notes,
}


def export_select(name: str, since: datetime | None, until: datetime | None) -> sa.Select[Any]:
    """The select of one register's rows whose happened-at time is in [since, until)."""
    register(name)
    stmt, when = _SELECTS[name]()
    if since is not None:
        stmt = stmt.where(when >= since)
    if until is not None:
        stmt = stmt.where(when < until)
    return stmt


def export_times(name: str, since: datetime | None, until: datetime | None) -> sa.Select[Any]:
    """The happened-at times of the rows `export_select` gives, in its order, as stored.

    Read from the register's own table alone (the export's joins are outer joins on
    keys: they add no rows), so a count or a row's time comes off an index.
    """
    register(name)
    when = _SELECTS[name]()[1]
    times = sa.select(_stored(when)).order_by(when, when.table.c.id)
    if since is not None:
        times = times.where(when >= since)
    if until is not None:
        times = times.where(when < until)
    return times


def stream_rows(
    engine: sa.Engine,
    name: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = 1000,
) -> Generator[Sequence[Any], None, None]:
    """The rows of register `name`, oldest first, read `batch` at a time.

    Rows are tuples in `REGISTERS[name].columns` order; times as stored (see
    `LocalTimes`); ID numbers masked as on screen (visits.mask_id); `voided` true for voided records.
    Close the generator (or exhaust it) to release its connection.
    """
    stmt = export_select(name, since, until)
    id_col = None
    if name == "visitors":
        id_col = [c.key for c in REGISTERS[name].columns].index("id_number")
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # Plain tuples off the DBAPI cursor: every column here comes back from
            # SQLite as it will be used (ints, floats, text), and SQLAlchemy's
            # row objects cost a fifth of a CSV export.
            result = conn.execute(stmt)
            cursor = result.cursor
            parts: Iterator[Sequence[Any]] = iter(lambda: cursor.fetchmany(batch), [])
        else:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
            parts = result.partitions()
        try:
            for part in parts:
                if id_col is None:
                    yield from part
                    continue
                for row in part:
                    if row[id_col]:
                        masked = list(row)
                        masked[id_col] = mask_id(row[id_col])
                        yield masked
                    else:
                        yield row
        finally:
            result.close()


def rows_by_id(conn: sa.Connection, name: str, ids: Sequence[int]) -> list[Sequence[Any]]:
    """The rows of register `name` with these ids, as `stream_rows` gives them, in no set
    order; on the caller's connection, so they are read as its other queries see them."""
    stmt = export_select(name, None, None)
    stmt = stmt.where(stmt.selected_columns["id"].in_(ids)).order_by(None)
    rows: list[Sequence[Any]] = [tuple(r) for r in conn.execute(stmt)]
    if name != "visitors":
        return rows
    at = [c.key for c in REGISTERS[name].columns].index("id_number")
    return [(*r[:at], mask_id(r[at]), *r[at + 1 :]) if r[at] else r for r in rows]
