"""One search across the registers: by unit, name, phone (or its last 4 digits) or words.

Each register has a full-text table whose rowid is the record's id (revision
0002).  Saving a record calls `index_record` in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from deskclerk.cleaning import cjk_spaced, phone_digits, strip_controls

REGISTERS = ("call", "visit", "order", "note", "resident")
_WORD = re.compile(r"\w+", re.UNICODE)
_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 \-()]{5,}")


def index_body(*parts: str | None, phones: Iterable[str | None] = ()) -> str:
    """The text a record is found by: its words, Chinese characters one by one,
    each phone as digits and as its last four digits."""
    words = [cjk_spaced(p) for p in parts if p]
    for phone in phones:
        digits = phone_digits(phone or "")
        if digits:
            words.append(digits)
            if len(digits) > 4:
                words.append(digits[-4:])
    return " ".join(words)


def index_record(conn: Connection | sa.orm.Session, kind: str, record_id: int, body: str) -> None:
    """Put (or replace) one record in its register's index, in the caller's transaction."""
    assert kind in REGISTERS, kind
    conn.execute(sa.text(f"DELETE FROM search_{kind} WHERE rowid = :id"), {"id": record_id})
    conn.execute(
        sa.text(f"INSERT INTO search_{kind} (rowid, body) VALUES (:id, :body)"),
        {"id": record_id, "body": body},
    )


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression: every typed word must occur, each as a prefix.

    Words are split the way the index splits them; a word of several pieces
    (3-1203, 王芳) becomes a phrase, so its pieces must stand together.
    """
    terms = []
    for word in strip_controls(query).split():
        pieces = _WORD.findall(cjk_spaced(word))
        if pieces:
            terms.append('"' + " ".join(pieces) + '"*')
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


def body_from_row(row: Sequence[object]) -> str:
    """Index text from a `_SOURCES` row: every column but the id; the last is a phone."""
    *parts, phone = [("" if v is None else str(v)) for v in row[1:]]
    return index_body(*parts, phones=[phone])


def rebuild_index(conn: Connection, kinds: Sequence[str] = REGISTERS, batch: int = 20_000) -> int:
    """Refill the search tables from the registers; returns the number of records indexed."""
    total = 0
    for kind in kinds:
        conn.execute(sa.text(f"DELETE FROM search_{kind}"))
        result = conn.execution_options(yield_per=batch).execute(sa.text(_SOURCES[kind]))
        for rows in result.partitions(batch):
            conn.execute(
                sa.text(f"INSERT INTO search_{kind} (rowid, body) VALUES (:id, :body)"),
                [{"id": r[0], "body": body_from_row(r)} for r in rows],
            )
            total += len(rows)
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
