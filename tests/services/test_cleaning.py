"""cleaning.py: what reaches the database is what the clerk meant, and nothing that drives a terminal."""

from __future__ import annotations

import pytest

from deskclerk.cleaning import (
    NAME_MAX,
    cjk_spaced,
    clean_name,
    clean_phone,
    clean_text,
    clean_unit_code,
    is_unit_code,
    phone_digits,
    strip_controls,
)
from deskclerk.errors import InvalidInput


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]0;title\x07name", "name"),
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("a\x00b\x07c\x7fd", "abcd"),
        ("\x9b31mred", "red"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("zero\u200bwidth", "zerowidth"),
        ("tab\there", "tab here"),
        ("e\u0301", "\u00e9"),  # NFC
    ],
)
def test_strip_controls_removes_what_would_drive_the_terminal(raw: str, clean: str) -> None:
    assert strip_controls(raw) == clean


def test_strip_controls_keeps_newlines_only_when_multiline() -> None:
    assert strip_controls("a\r\nb\rc") == "a b c"
    assert strip_controls("a\r\nb\rc", multiline=True) == "a\nb\nc"


def test_markup_is_kept_as_typed() -> None:
    assert clean_name("[/]") == "[/]"
    assert clean_text("[bold]x[/]", "matter") == "[bold]x[/]"


def test_clean_text_collapses_spaces_and_trims() -> None:
    assert clean_text("  Li \u3000 Lei\u00a0 ", "name") == "Li Lei"
    assert clean_text(None, "name") == ""


def test_clean_text_multiline_keeps_paragraphs_but_not_runs_of_blank_lines() -> None:
    text = clean_text("  one  \n\n\n\n two \n", "note", multiline=True, max_length=100)
    assert text == "one\n\ntwo"


def test_required_field_empty_or_blank_is_refused_with_its_label() -> None:
    for blank in ("", "   ", "\x1b[0m", "\u200b\t"):
        with pytest.raises(InvalidInput, match="caller's name is required") as err:
            clean_name(blank, "caller's name")
        assert err.value.field == "caller's name"


def test_too_long_is_refused_not_cut() -> None:
    with pytest.raises(InvalidInput, match=r"101 characters long; at most 100"):
        clean_name("x" * (NAME_MAX + 1))
    assert clean_name("x" * NAME_MAX) == "x" * NAME_MAX


def test_length_is_counted_after_cleaning() -> None:
    assert clean_name("\x1b[31m" + "x" * NAME_MAX + "\x1b[0m") == "x" * NAME_MAX


def test_chinese_and_mixed_names_pass_unchanged() -> None:
    assert clean_name("王芳") == "王芳"
    assert clean_name("Li 李雷 Lei") == "Li 李雷 Lei"
    assert clean_name("O'Brien-Smith") == "O'Brien-Smith"


@pytest.mark.parametrize("phone", ["13800001234", "+86 138-0000-1234", "(021) 6123 4567", "0571"])
def test_phone_numbers_are_kept_as_typed(phone: str) -> None:
    assert clean_phone(phone) == phone


@pytest.mark.parametrize("bad", ["call me", "138abc", "12", "=1+1"])
def test_not_a_phone_number_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match="not a phone number"):
        clean_phone(bad)


def test_phone_digits() -> None:
    assert phone_digits("+86 138-0000-1234") == "8613800001234"


def test_unit_codes_keep_leading_zeros_and_are_upper_cased() -> None:
    assert clean_unit_code("0801") == "0801"
    assert clean_unit_code(" 3-12a ") == "3-12A"
    assert clean_unit_code("B2/301") == "B2/301"
    assert clean_unit_code("", required=False) == ""
    assert is_unit_code("3-1203")
    assert not is_unit_code("王芳")


@pytest.mark.parametrize("bad", ["-12", "3 1203;DROP", "王芳", "[/]"])
def test_bad_unit_codes_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match="not a unit number"):
        clean_unit_code(bad)


def test_cjk_spaced_separates_each_chinese_character() -> None:
    assert cjk_spaced("王芳 called") == "王 芳 called"
    assert cjk_spaced("3号楼1203") == "3 号 楼 1203"
