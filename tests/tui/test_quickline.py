"""The quick line's grammar (pure, no desk)."""

from __future__ import annotations

from datetime import timedelta

from deskclerk.tui.quickline import category_of, describe_due, parse


def test_repair_with_team_and_deadline() -> None:
    e = parse("3-1203 repair kitchen tap leaking @plumbing !4h")
    assert (e.unit, e.category, e.matter, e.team) == (
        "3-1203",
        "repair",
        "kitchen tap leaking",
        "plumbing",
    )
    assert e.due_in == timedelta(hours=4)
    assert e.ready


def test_inquiry_on_a_four_digit_unit() -> None:
    e = parse("0801 inquiry parking fee")
    assert (e.unit, e.category, e.matter) == ("0801", "inquiry", "parking fee")
    assert e.ready and e.due_in is None


def test_chinese_category_words_and_prefixes() -> None:
    assert category_of("报修") == "repair"
    assert category_of("投诉") == "complaint"
    assert category_of("compl") == "complaint"
    assert category_of("re") == ""  # too short to tell repair from nothing
    assert parse("2-101 投诉 楼上噪音").category == "complaint"


def test_unknown_words_are_reported_not_guessed() -> None:
    e = parse("3-1203 kitchen tap")
    assert not e.ready
    assert any("no category" in p for p in e.problems)
    e = parse("3-1203 repair tap !soon")
    assert any("!soon" in p for p in e.problems)
    e = parse("repair tap")
    assert any("start with the unit" in p for p in e.problems)


def test_priority_only_for_a_repair() -> None:
    assert parse("3-1203 repair burst pipe !urgent").priority == "urgent"
    assert parse("3-1203 repair burst pipe !urgent").ready
    assert not parse("3-1203 inquiry fee !urgent").ready


def test_phone_number_is_taken_apart_from_the_matter() -> None:
    e = parse("3-1203 help 13800001234 locked out")
    assert (e.phone, e.matter) == ("13800001234", "locked out")


def test_markup_is_kept_as_typed() -> None:
    assert parse("0801 other [bold]x[/]").matter == "[bold]x[/]"


def test_describe_due() -> None:
    assert [describe_due(timedelta(minutes=m)) for m in (30, 240, 2880)] == ["30m", "4h", "2d"]
