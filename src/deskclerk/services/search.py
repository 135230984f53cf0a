"""One search across the registers: by unit, name, phone (or its last 4 digits) or words.

Each register has a full-text table whose rowid is the record's id (revision
0002).  Saving a record calls `index_record` in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from deskclerk.cleaning import cjk_spaced, phone_digits, strip_controls

if TYPE_CHECKING:
    from deskclerk.services.context import Context

REGISTERS = ("call", "visit", "order", "note", "resident")
_NEVER = datetime.min.replace(tzinfo=UTC)
_WORD = re.compile(r"\w+", re.UNICODE)
_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 \-()]{5,}")


def index_body(*parts: str | None, phones: Iterable[str | None] = ()) -> str:
    """The text a record is found by: its words, Chinese characters one by one,
    each phone as digits and as its last four digits."""
    words = [cjk_spaced(p) for p in parts if p]
    for phone in phones:
        words.extend(_phone_words(phone or ""))
    return " ".join(words)


def _phone_words(phone: str) -> list[str]:
    """A phone as the index holds it: its digits, and its last four on their own."""
    digits = phone_digits(phone)
    if len(digits) > 4:
        return [digits, digits[-4:]]
    return [digits] if digits else []


def index_record(conn: Connection | sa.orm.Session, kind: str, record_id: int, body: str) -> None:
    """Put (or replace) one record in its register's index, in the caller's transaction."""
    assert kind in REGISTERS, kind
    conn.execute(sa.text(f"DELETE FROM search_{kind} WHERE rowid = :id"), {"id": record_id})
    conn.execute(
        sa.text(f"INSERT INTO search_{kind} (rowid, body) VALUES (:id, :body)"),
        {"id": record_id, "body": body},
    )


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression: every typed word must occur, each as a prefix
    (but a word ending in a single letter or digit must end in that whole token).

    Words are split the way the index splits them; a word of several pieces
    (3-1203, 王芳) becomes a phrase, so its pieces must stand together.  What
    looks like a phone number typed with dashes or spaces (138-0000-1234,
    138 0000 1234) may also match as its digits, which is how phones are indexed.
    """
    text = strip_controls(query).strip()
    words = [text] if _PHONE_LIKE.fullmatch(text) else text.split()
    terms = []
    for word in words:
        pieces = _WORD.findall(cjk_spaced(word))
        if not pieces:
            continue
        # a last piece of one letter or digit is matched whole: as a prefix it would
        # gather every phone number or unit starting with it (113 ms for "1" on a
        # million records, against 1 ms), and finds nothing anyone is looking for
        whole = len(pieces[-1]) == 1 and pieces[-1].isascii()
        term = '"' + " ".join(pieces) + ('"' if whole else '"*')
        digits = phone_digits(word)
        if len(pieces) > 1 and _PHONE_LIKE.fullmatch(word) and len(digits) >= 4:
            term = f'({term} OR "{digits}"*)'
        terms.append(term)
    return " AND ".join(terms)


def _like_terms(query: str) -> list[str]:
    return [w.lower() for w in strip_controls(query).split() if w]


def matching_ids(conn: Connection | sa.orm.Session, kind: str, query: str, limit: int) -> list[int]:
    """Ids of the newest `limit` records of one register that match `query`."""
    bind = conn.get_bind() if isinstance(conn, sa.orm.Session) else conn
    if bind.dialect.name == "sqlite":
        expr = match_expression(query)
        if not expr:
            return []
        rows = conn.execute(
            sa.text(
                f"SELECT rowid FROM search_{kind} WHERE search_{kind} MATCH :q "
                "ORDER BY rowid DESC LIMIT :n"
            ),
            {"q": expr, "n": limit},
        )
        return [r[0] for r in rows]
    terms = _like_terms(query)
    if not terms:
        return []
    where = " AND ".join(f"lower(body) LIKE :t{i}" for i in range(len(terms)))
    params: dict[str, object] = {f"t{i}": f"%{t}%" for i, t in enumerate(terms)}
    params["n"] = limit
    rows = conn.execute(
        sa.text(f"SELECT rowid FROM search_{kind} WHERE {where} ORDER BY rowid DESC LIMIT :n"),
        params,
    )
    return [r[0] for r in rows]


# --- rebuilding ---------------------------------------------------------------

_SOURCES: dict[str, str] = {
    "call": (
        "SELECT c.id, c.caller, c.matter, c.category, c.passed_to, u.code, c.phone "
        "FROM call c LEFT JOIN unit u ON u.id = c.unit_id"
    ),
    "visit": (
        "SELECT v.id, v.visitor, v.host, v.purpose, v.badge, v.plate, u.code, v.phone "
        "FROM visit v LEFT JOIN unit u ON u.id = v.unit_id"
    ),
    "order": (
        "SELECT o.id, o.number, o.description, o.category, o.technician, u.code, '' "
        "FROM work_order o LEFT JOIN unit u ON u.id = o.unit_id"
    ),
    "note": (
        "SELECT n.id, n.text, n.clerk, u.code, '' "
        "FROM handover_note n LEFT JOIN unit u ON u.id = n.unit_id"
    ),
    "resident": (
        "SELECT r.id, r.name, u.code, r.phone FROM resident r JOIN unit u ON u.id = r.unit_id"
    ),
}


_SOURCE_ALIAS = {"call": "c", "visit": "v", "order": "o", "note": "n", "resident": "r"}


def body_from_row(row: Sequence[object]) -> str:
    """Index text from a `_SOURCES` row: every column but the id; the last is a phone."""
    *parts, phone = [("" if v is None else str(v)) for v in row[1:]]
    return index_body(*parts, phones=[phone])


def call_body(
    caller: str, matter: str, category: str, passed_to: str, unit_code: str | None, phone: str
) -> str:
    """The index text of a call: the columns of `_SOURCES["call"]`, in that order."""
    return body_from_row((None, caller, matter, category, passed_to, unit_code, phone))


def visit_body(
    visitor: str,
    host: str,
    purpose: str,
    badge: str,
    plate: str,
    unit_code: str | None,
    phone: str,
) -> str:
    """The index text of a visit: the columns of `_SOURCES["visit"]`, in that order."""
    return body_from_row((None, visitor, host, purpose, badge, plate, unit_code, phone))


def order_body(
    number: str, description: str, category: str, technician: str, unit_code: str | None
) -> str:
    """The index text of a work order: the columns of `_SOURCES["order"]`, in that order."""
    return body_from_row((None, number, description, category, technician, unit_code, ""))


def note_body(text: str, clerk: str, unit_code: str | None) -> str:
    """The index text of a handover note: the columns of `_SOURCES["note"]`, in that order."""
    return body_from_row((None, text, clerk, unit_code, ""))


def resident_body(name: str, unit_code: str, phone: str) -> str:
    """The index text of a resident: the columns of `_SOURCES["resident"]`, in that order."""
    return body_from_row((None, name, unit_code, phone))


def source_body(conn: Connection | sa.orm.Session, kind: str, record_id: int) -> str | None:
    """The index text of one record read back from its register (as a rebuild makes it)."""
    alias = _SOURCE_ALIAS[kind]
    row = conn.execute(
        sa.text(f"{_SOURCES[kind]} WHERE {alias}.id = :id"), {"id": record_id}
    ).first()
    return None if row is None else body_from_row(row)


def reindex(conn: Connection | sa.orm.Session, kind: str, record_id: int) -> None:
    """Index one record again from its stored columns (after an amendment)."""
    body = source_body(conn, kind, record_id)
    if body is not None:
        index_record(conn, kind, record_id, body)


class _Spaced(dict[object, str]):
    """A column value -> its `cjk_spaced` form, made on first sight (bounded)."""

    def __missing__(self, part: object) -> str:
        if len(self) > 100_000:
            self.clear()
        word = self[part] = cjk_spaced(str(part))
        return word


def text_maker() -> Callable[[Sequence[object], object], str]:
    """`text(parts, phone)`: the index text `index_body` makes, for many records at
    once, each part's spaced form remembered (categories, names, units and set
    phrases recur row after row).  None and "" parts are left out."""
    spaced = _Spaced()

    def text(parts: Sequence[object], phone: object) -> str:
        words = [spaced[part] for part in parts if part is not None and part != ""]
        words.extend(_phone_words("" if phone is None else str(phone)))
        return " ".join(words)

    return text


def body_maker() -> Callable[[Sequence[object]], str]:
    """`body_from_row` for a rebuild, made by `text_maker`."""
    text = text_maker()
    return lambda row: text(row[1:-1], row[-1])


def rebuild_index(conn: Connection, kinds: Sequence[str] = REGISTERS, batch: int = 20_000) -> int:
    """Refill the search tables from the registers; returns the number of records indexed."""
    if conn.dialect.name == "sqlite":
        return _rebuild_in_sqlite(conn, kinds)
    total = 0
    body = body_maker()
    for kind in kinds:
        conn.execute(sa.text(f"DELETE FROM search_{kind}"))
        result = conn.execution_options(yield_per=batch).execute(sa.text(_SOURCES[kind]))
        for rows in result.partitions(batch):
            conn.execute(
                sa.text(f"INSERT INTO search_{kind} (rowid, body) VALUES (:id, :body)"),
                [{"id": r[0], "body": body(r)} for r in rows],
            )
            total += len(rows)
    return total


def _rebuild_in_sqlite(conn: Connection, kinds: Sequence[str]) -> int:
    """SQLite: one INSERT ... SELECT a register, the text made by `body_maker` as a SQL
    function, so no row travels through Python objects (a demo indexes ~600,000)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    body = body_maker()
    raw.create_function("deskclerk_index_body", -1, lambda *row: body(row), deterministic=True)
    total = 0
    try:
        for kind in kinds:
            columns, source = _SOURCES[kind].removeprefix("SELECT ").split(" FROM ", 1)
            record_id = columns.split(", ", 1)[0]
            conn.exec_driver_sql(f"DELETE FROM search_{kind}")
            total += conn.exec_driver_sql(
                f"INSERT INTO search_{kind} (rowid, body) "
                f"SELECT {record_id}, deskclerk_index_body({columns}) FROM {source}"
            ).rowcount
    finally:
        raw.create_function("deskclerk_index_body", -1, None)
    return total


@dataclass(frozen=True)
class SearchHit:
    """One record found by a search, ready for a results list."""

    kind: str  # call, visit, order, note, resident
    id: int
    at: datetime | None
    unit: str
    title: str
    detail: str


# --- searching ------------------------------------------------------------------


def _first_line(text: str, width: int = 120) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= width else line[: width - 1] + "…"


# per register: its table, when it happened, its title and the columns of its detail
_HIT_SHAPES = {
    "call": ("call", "received_at", "caller", ("category", "matter")),
    "visit": ("visit", "time_in", "visitor", ("host", "purpose")),
    "order": ("work_order", "logged_at", "number", ("state", "description")),
    "note": ("handover_note", "written_at", "text", ("clerk",)),
    "resident": ("resident", "created_at", "name", ("phone",)),
}


def _detail(kind: str, parts: Sequence[str]) -> str:
    if kind in ("call", "order"):  # [repair] kitchen tap leaking
        return f"[{parts[0]}] {_first_line(parts[1])}"
    return " · ".join(_first_line(p) for p in parts if p)


def _hits(conn: Connection | sa.orm.Session, kind: str, ids: list[int]) -> list[SearchHit]:
    """The records behind `ids` as hits, leaving out voided ones (and residents moved out)."""
    from deskclerk.services.tables import UNIT

    table_name, at, title, details = _HIT_SHAPES[kind]
    table = UNIT.metadata.tables[table_name]
    live = table.c.active.is_(True) if kind == "resident" else table.c.voided_at.is_(None)
    rows = conn.execute(
        sa.select(
            table.c.id, table.c[at], UNIT.c.code, table.c[title], *(table.c[d] for d in details)
        )
        .select_from(table)
        .outerjoin(UNIT, UNIT.c.id == table.c.unit_id)
        .where(table.c.id.in_(ids), live)
    )
    return [
        SearchHit(kind, r[0], r[1], r[2] or "", _first_line(r[3], 80), _detail(kind, r[4:]))
        for r in rows
    ]


def _orders_of_calls(conn: Connection | sa.orm.Session, hits: list[SearchHit]) -> list[SearchHit]:
    """The work orders written up from the calls among `hits` that are not hits already."""
    from deskclerk.services.tables import CALL

    calls = [h.id for h in hits if h.kind == "call"]
    if not calls:
        return []
    found = {h.id for h in hits if h.kind == "order"}
    linked = conn.execute(
        sa.select(CALL.c.order_id).where(CALL.c.id.in_(calls), CALL.c.order_id.is_not(None))
    ).scalars()
    more = sorted({i for i in linked if i not in found})
    return _hits(conn, "order", more) if more else []


def search(
    ctx: Context, text: str, limit: int = 50, kinds: Sequence[str] = REGISTERS
) -> list[SearchHit]:
    """Records of every register matching `text`: the residents it names first (who
    the caller is), then the other records newest first.

    Finds a unit code (3-1203), a full phone number or its last 4 digits, a
    2-character Chinese name inside a longer one, and English words by their
    beginning.  A work order is also found through the call it was written up
    from (the resident's name or phone: "where is my repair?").  Voided records
    are left out.
    """
    from deskclerk.db import session_scope

    if not strip_controls(text or "").strip():
        return []
    limit = max(1, min(int(limit), 500))
    hits: list[SearchHit] = []
    with session_scope(ctx.engine) as s:
        for kind in kinds:
            ids = matching_ids(s, kind, text, limit)
            if ids:
                hits.extend(_hits(s, kind, ids))
        if "order" in kinds and "call" in kinds:
            hits.extend(_orders_of_calls(s, hits))
    hits.sort(key=lambda h: (h.kind == "resident", h.at or _NEVER, h.id), reverse=True)
    return hits[:limit]
