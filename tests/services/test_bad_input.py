"""Whatever is typed or piped in: a clean value or a DeskError, never a crash, never half a save."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskclerk.db import session_scope
from deskclerk.errors import DeskError
from deskclerk.services import calls, directory, notes, visits
from deskclerk.services.context import Context

NASTY = [
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\",
    "\x9b2J",
    "\x1bP+q\x1b\\",
    "[bold]x[/]",
    "[/]",
    "[link=http://x]y[/link]",
    '=HYPERLINK("http://x","y")',
    "x" * 10_000,
    "王" * 101,
    "",
    " ",
    "\t\n \u3000",
    "\u202egnp.exe",
    "\u200b",
    "\x00",
    "\ud800",
    "王芳",
    "欧阳娜娜",
    "Li Lei",
    "Zhang 伟 Wei",
    "Ōsaka Café",
    "O'Brien; DROP TABLE call;--",
    "%_",
    "\r\n\r\n",
]
UNITS = [
    "3-1203",
    "3-12o3",
    "0801",
    "801",
    "3-9999",
    "",
    "  ",
    "[/]",
    "\x1b[31m3-1203",
    "x" * 40,
    None,
]
PHONES = [
    "",
    "13800001234",
    "138-0000-1234",
    "+86 (21) 6123 4567",
    "call me",
    "1" * 50,
    "\x1b[0m123",
]
TIMES = [None, "09:30", "yesterday", "-2h", "2026-13-45", "25:99", "tomorrow", "2099-01-01", ""]

NAMES = ["王芳", "欧阳娜娜", "Li Lei", "Zhang 伟 Wei", "[/]", "[bold]x[/]", "Ōsaka Café", "O'Brien"]
WRAPPERS = ["", " ", "\x1b[31m", "\x1b[0m", "\x1b]0;title\x07", "\u200b", "\x07", "\t", "\u202e"]
nasty = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=10), max_size=4).map("".join),
)
# a real value wrapped in what a terminal or a phone system might add around it
wrapped = st.tuples(st.sampled_from(WRAPPERS), st.sampled_from(NAMES), st.sampled_from(WRAPPERS))
good = st.one_of(st.sampled_from(NAMES), wrapped.map("".join))


def mostly(ok: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`ok` four times in five, so that many examples get as far as the database."""
    return st.integers(0, 4).flatmap(lambda i: bad if i == 0 else ok)


text = mostly(good, nasty)
BAD = (sa.exc.SQLAlchemyError, TypeError, ValueError, AssertionError, KeyError, AttributeError)
FORBIDDEN = {"Cc", "Cs", "Co", "Cn"}


def clean(value: str, *, multiline: bool = False) -> bool:
    """No escape, control, surrogate or bidi character survives; NFC; no outer blanks."""
    for ch in value:
        if ch == "\n" and multiline:
            continue
        if unicodedata.category(ch) in FORBIDDEN or ch in "\u202e\u200b":
            return False
    return value == unicodedata.normalize("NFC", value) and value == value.strip()


def counts(ctx: Context) -> tuple[int, ...]:
    with session_scope(ctx.engine) as s:
        return tuple(
            s.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in (
                "call", "visit", "handover_note", "resident", "audit",
                "search_call", "search_visit", "search_note", "search_resident",
            )
        )  # fmt: skip


@pytest.fixture
def desk(ctx: Context) -> Context:
    directory.add_unit(ctx, "3-1203", clerk="Amy")
    directory.add_unit(ctx, "0801", clerk="Amy")
    return ctx


def attempt(ctx: Context, save: Callable[[], Any]) -> Any:
    """Run `save`: a DeskError leaves every table as it was; anything else fails the test."""
    before = counts(ctx)
    try:
        return save()
    except DeskError as exc:
        assert str(exc).strip(), "an error with no words"
        assert counts(ctx) == before, "half saved"
        return None
    except BAD as exc:  # pragma: no cover - the bug this test exists to catch
        pytest.fail(f"{type(exc).__name__} reached the clerk: {exc}")


FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(
    caller=text,
    matter=text,
    clerk=text,
    unit=mostly(st.sampled_from(["3-1203", "3-12o3", "0801", None, ""]), st.sampled_from(UNITS)),
    phone=mostly(st.sampled_from(PHONES[:4]), st.sampled_from(PHONES) | nasty),
    category=mostly(
        st.sampled_from(["repair", "投诉", "rep", "", "\x1b[0m", "Complaint"]),
        st.sampled_from(["banana", "[/]"]) | nasty,
    ),
    passed_to=text,
    received_at=mostly(st.sampled_from(TIMES[:4]), st.sampled_from(TIMES)),
)
def test_log_call(desk: Context, **kw: Any) -> None:
    call = attempt(desk, lambda: calls.log_call(desk, **kw))
    if call is None:
        return
    stored = calls.get_call(desk, call.id)
    assert stored == call
    assert stored.caller and stored.matter and stored.taken_by
    assert clean(stored.caller) and clean(stored.matter, multiline=True)
    assert clean(stored.taken_by) and clean(stored.passed_to) and clean(stored.phone)
    assert len(stored.caller) <= 100 and len(stored.matter) <= 4000


@FAST
@given(
    visitor=text,
    clerk=text,
    unit=mostly(st.sampled_from(["3-1203", "3-12o3", "0801", None, ""]), st.sampled_from(UNITS)),
    host=text,
    purpose=text,
    badge=st.builds(str, st.integers(0, 10**6)) | nasty,
    plate=mostly(st.sampled_from(["", "沪A12345", "\x1b[0mB-123"]), nasty),
    id_number=mostly(
        st.sampled_from(["", "110101199001011234", "\x1b[0m1101 0119"]),
        st.sampled_from(["12", "x" * 50, "12;DROP"]) | nasty,
    ),
    phone=mostly(st.sampled_from(PHONES[:4]), st.sampled_from(PHONES)),
    time_in=mostly(st.sampled_from(TIMES[:4]), st.sampled_from(TIMES)),
)
def test_sign_in(desk: Context, **kw: Any) -> None:
    visit = attempt(desk, lambda: visits.sign_in(desk, **kw))
    if visit is None:
        return
    stored = visits.get_visit(desk, visit.id)
    assert stored.visitor and all(
        clean(v) for v in (stored.visitor, stored.host, stored.purpose, stored.badge, stored.plate)
    )
    visits.sign_out(desk, visit.id, clerk="Amy")  # frees the badge for the next example


@FAST
@given(
    body=text,
    clerk=text,
    priority=mostly(st.sampled_from(["", "normal", "urgent", "h"]), st.sampled_from(["x", "[/]"])),
    unit=mostly(st.sampled_from(["3-1203", "3-12o3", "0801", None, ""]), st.sampled_from(UNITS)),
    written_at=mostly(st.sampled_from(TIMES[:4]), st.sampled_from(TIMES)),
)
def test_add_note(desk: Context, body: str, **kw: Any) -> None:
    note = attempt(desk, lambda: notes.add_note(desk, body, **kw))
    if note is None:
        return
    stored = notes.get_note(desk, note.id)
    assert stored.text and clean(stored.text, multiline=True) and clean(stored.clerk)


@FAST
@given(
    unit=mostly(st.sampled_from(["3-1203", "3-12o3", "0801", None, ""]), st.sampled_from(UNITS)),
    name=text,
    phone=mostly(st.sampled_from(PHONES[:4]), st.sampled_from(PHONES) | nasty),
    clerk=text,
)
def test_add_resident(desk: Context, unit: Any, name: str, phone: str, clerk: str) -> None:
    res = attempt(desk, lambda: directory.add_resident(desk, unit, name, phone, clerk=clerk))
    if res is None:
        return
    assert res.name and clean(res.name) and clean(res.phone)
    assert res.id in {r.id for r in directory.get_unit(desk, res.unit_code).residents}


@FAST
@given(query=text)
def test_lookup_and_search_take_anything(desk: Context, query: str) -> None:
    attempt(desk, lambda: directory.lookup(desk, query))
    from deskclerk.services import search

    attempt(desk, lambda: search.search(desk, query))


@pytest.mark.parametrize("name", ["[/]", "[bold]x[/]", "王芳", "Li 李 Lei", "=1+1"])
def test_markup_and_names_are_stored_exactly(desk: Context, name: str) -> None:
    call = calls.log_call(desk, caller=name, matter=name, clerk=name)
    assert (call.caller, call.matter, call.taken_by) == (name, name, name)


def test_examples_of_errors(desk: Context) -> None:
    cases: list[Callable[[], Any]] = [
        lambda: calls.log_call(desk, caller="  ", matter="x", clerk="Amy"),
        lambda: calls.log_call(desk, caller="x", matter="\x1b[0m", clerk="Amy"),
        lambda: calls.log_call(desk, caller="x" * 10_000, matter="x", clerk="Amy"),
        lambda: calls.log_call(desk, caller="x", matter="x", clerk="Amy", unit="3-9999"),
        lambda: calls.log_call(desk, caller="x", matter="x", clerk="Amy", received_at="2026-13-45"),
        lambda: visits.sign_in(desk, visitor="", clerk="Amy"),
        lambda: notes.add_note(desk, "", clerk="Amy"),
        lambda: directory.add_resident(desk, "3-9999", "x", clerk="Amy"),
    ]
    before = counts(desk)
    for case in cases:
        with pytest.raises(DeskError):
            case()
    assert counts(desk) == before
