"""Cleaning of every text a user or another program hands to the services."""

from __future__ import annotations

import re
import unicodedata

from deskclerk.errors import InvalidInput

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \),
# DCS/SOS/PM/APC strings, and two-character escapes.  Also their 8-bit forms.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]             # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])        # OSC, DCS, SOS, PM, APC ...
        .*?(?:\x07|\x1b\\|\x9c|$)                 # ... up to their terminator
  | \x1b[ -/]*[0-~]                              # other ESC sequences
    """,
    re.VERBOSE | re.DOTALL,
)
# Characters that reorder or hide text on screen (bidi overrides, zero-width).
_INVISIBLE = {
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff",
}  # fmt: skip
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")

NAME_MAX = 100
RECORD_ID_MAX = 2**63 - 1  # the largest id the database can hold
SHORT_MAX = 200
TEXT_MAX = 4000


def strip_controls(value: str, *, multiline: bool = False) -> str:
    """Remove escape sequences, control and invisible characters; normalise to NFC."""
    value = unicodedata.normalize("NFC", value)
    value = _ESCAPES.sub("", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in value:
        if ch == "\n" and multiline:
            out.append(ch)
        elif ch == "\t" or (ch == "\n" and not multiline):
            out.append(" ")
        elif ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def clean_text(
    value: str | None,
    label: str,
    *,
    required: bool = False,
    max_length: int = SHORT_MAX,
    multiline: bool = False,
) -> str:
    """Return `value` cleaned for storage, or raise InvalidInput worded for a clerk.

    `label` names the field as the clerk sees it ("caller's name").  Empty and
    whitespace-only values are "" (or an error when required); over-long values
    are refused rather than cut, so nothing the clerk typed is silently lost.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    text = strip_controls(value, multiline=multiline)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(lines).strip("\n")
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = _SPACES.sub(" ", text).strip()
    if required and not text:
        raise InvalidInput(f"The {label} is required.", field=label)
    if len(text) > max_length:
        raise InvalidInput(
            f"The {label} is {len(text):,} characters long; at most {max_length:,} fit. "
            "Shorten it.",
            field=label,
        )
    return text


def clean_name(value: str | None, label: str = "name", *, required: bool = True) -> str:
    """A person's name: one line, at most NAME_MAX characters."""
    return clean_text(value, label, required=required, max_length=NAME_MAX)


_PHONE_OK = re.compile(r"^\+?[0-9(][0-9 \-()]{2,30}$")


def clean_phone(value: str | None, label: str = "phone number", *, required: bool = False) -> str:
    """A phone number: digits, spaces, dashes, brackets, an optional leading +.

    Stored as typed apart from outer spaces (leading zeros matter).
    """
    text = clean_text(value, label, required=required, max_length=40)
    if text and (not _PHONE_OK.match(text) or len(phone_digits(text)) < 3):
        raise InvalidInput(
            f"The {label} {text!r} is not a phone number: use digits, spaces, dashes "
            "and an optional leading +.",
            field=label,
        )
    return text


def phone_digits(value: str) -> str:
    """Only the digits of a phone number, for matching and search."""
    if value.isdigit() or not value:  # most are (and the demo makes millions)
        return value
    return "".join(ch for ch in value if ch.isdigit())


_UNIT_OK = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-/#._ ]{0,29}$")


def clean_unit_code(value: str | None, label: str = "unit", *, required: bool = True) -> str:
    """A unit number such as `3-1203` or `0801`: text, leading zeros kept, upper-cased."""
    text = clean_text(value, label, required=required, max_length=30)
    if text and not _UNIT_OK.match(text):
        raise InvalidInput(
            f"The {label} {text!r} is not a unit number: use letters, digits and - / # .",
            field=label,
        )
    return text.upper()


def is_unit_code(text: str) -> bool:
    """True if `text` has the form of a unit number (it may still be unknown)."""
    return _UNIT_OK.match(text) is not None


def cjk_spaced(value: str) -> str:
    """Put a space around each CJK character so a search index sees each as a word.

    Lets a full-text index find a two-character Chinese name inside a longer text
    with a phrase query (王芳 -> "王 芳").
    """
    if value.isascii():  # nothing wide in it: skip the per-character loop (index rebuilds)
        return _SPACES.sub(" ", value).strip()
    return _SPACES.sub(" ", value.translate(_CJK_SPACED)).strip()


class _CjkSpaced(dict[int, str]):
    """str.translate table: a wide character -> itself with a space each side, others
    unchanged; filled on first sight of each character (C speed for a rebuild)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        spaced = self[code] = f" {ch} " if is_wide(ch) else ch
        return spaced


_CJK_SPACED = _CjkSpaced()


def is_wide(ch: str) -> bool:
    """True for characters a terminal draws two cells wide (CJK and the like)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")
