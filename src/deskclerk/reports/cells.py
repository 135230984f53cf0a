"""Fixed-width text for terminals and dot-matrix printers: widths in cells, CJK counted as two.

`wrap_cells` breaks between words and between any two wide (CJK) characters,
never lets a line exceed the width, and keeps closing punctuation (，。、) off
the start of a line by taking the character before it along.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.cells import cell_len

# Punctuation that must not start a line (kinsoku): it goes with the character before.
NO_LINE_START = set("，。、；：？！）」』】〉》,.;:?!)]}%")


# Break opportunities: runs of spaces, single wide (CJK) characters, and words of the rest.
# The ranges are the East Asian Wide and Fullwidth blocks; widths are still measured
# exactly, so a rare character missing here only loses a break opportunity.
_WIDE = (
    "\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u2e80-\u303e\u3041-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff"
    "\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001f64f"
    "\U0001f900-\U0001f9ff\U00020000-\U0003fffd"
)
_TOKEN = re.compile(f" +|[{_WIDE}]|[^ {_WIDE}]+")


def _tokens(text: str) -> list[str]:
    """Words, single wide characters and runs of spaces, in order."""
    return _TOKEN.findall(text)


def _split_long(token: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A word wider than a line, cut into line-sized pieces."""
    pieces, piece = [], ""
    for ch in token:
        if piece and measure(piece + ch) > width:
            pieces.append(piece)
            piece = ""
        piece += ch
    if piece:
        pieces.append(piece)
    return pieces


def wrap(text: str, width: float, measure: Callable[[str], float] = cell_len) -> list[str]:
    """`text` as lines no wider than `width` as `measure` counts (cells by default).

    Newlines in the text are kept.  For a PDF, `measure` is the font's string width.
    """
    if measure("MM") > width:
        raise ValueError("a line must hold at least two characters")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0  # widths add up: no kerning in either measure
        for token in _tokens(paragraph):
            size = measure(token)
            if token.isspace():
                if line and used + size <= width:
                    line, used = line + token, used + size
                elif line:
                    lines.append(line.rstrip())
                    line, used = "", 0.0
                continue
            if used + size <= width:
                line, used = line + token, used + size
                continue
            carry = line[-1] if line else ""
            if (
                token[0] in NO_LINE_START
                and len(line.rstrip()) > 1
                and carry != " "
                and measure(carry) + size <= width
            ):
                # take the last character along so the punctuation does not open a line
                lines.append(line[:-1].rstrip())
                line, used = carry + token, measure(carry) + size
                continue
            if line.strip():
                lines.append(line.rstrip())
            if size > width:
                *full, token = _split_long(token, width, measure)
                lines.extend(full)
                size = measure(token)
            line, used = token, size
        lines.append(line.rstrip())
    return lines


def wrap_cells(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` terminal cells (CJK counted as two)."""
    return wrap(text, width)


def pad_cells(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` cells (unchanged if already wider)."""
    return text + " " * max(0, width - cell_len(text))


def fit_cells(text: str, width: int) -> str:
    """`text` cut to at most `width` cells, with … when something was cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"
