"""Small charts: Unicode block bars for text and Markdown, rectangles for PDF.

Text bars measure labels in terminal cells (a Chinese character is two), so
columns line up in a terminal and in a Markdown code block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from deskclerk.cleaning import is_wide

if TYPE_CHECKING:
    from fpdf import FPDF

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
SPARKS = "▁▂▃▄▅▆▇█"


def cells(text: str) -> int:
    """How many terminal cells `text` takes (wide characters count two)."""
    return sum(2 if is_wide(ch) else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` cells (cut with … if longer)."""
    if cells(text) > width:
        out = ""
        for ch in text:
            if cells(out + ch) > width - 1:
                break
            out += ch
        text = out + "…"
    return text + " " * (width - cells(text))


def bar(value: float, top: float, width: int) -> str:
    """A bar of `value` out of `top` in `width` cells, to an eighth of a cell."""
    if top <= 0 or value <= 0:
        return ""
    eighths = round(min(value, top) / top * width * 8)
    full, part = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[part] if part else "")


def hbars(
    items: Sequence[tuple[str, float | None]],
    *,
    width: int = 32,
    top: float | None = None,
    show: Callable[[float | None], str] = lambda v: "–" if v is None else f"{v:g}",
) -> list[str]:
    """One line per item: label, bar, value.  `top` is the full-width value (default: the max)."""
    if not items:
        return []
    label_width = min(24, max(cells(label) for label, _ in items))
    values = [v for _, v in items if v is not None]
    scale = top if top is not None else max(values, default=0)
    lines = []
    for label, value in items:
        drawn = bar(value or 0, scale, width)
        lines.append(
            f"{pad(label, label_width)} {drawn}{' ' * (width - cells(drawn))} {show(value)}"
        )
    return lines


def sparkline(values: Sequence[float]) -> str:
    """One character per value, ▁ (zero or least) to █ (most)."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(7, int(v / top * 7.999))] if v > 0 else " " for v in values)


# --- PDF ------------------------------------------------------------------

BAR_RGB = (70, 110, 170)
LATE_RGB = (200, 90, 60)
GRID_RGB = (200, 200, 200)


def pdf_columns(
    doc: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    values: Sequence[int],
    labels: Sequence[str],
    *,
    every: int = 5,
) -> None:
    """A column chart (e.g. orders per day) in the box (x, y, w, h), in mm.

    Each value is a filled rectangle; the largest reaches the top.  Every
    `every`-th label is written under its column, and the maximum on the left.
    """
    if not values:
        return
    top = max(max(values), 1)
    doc.set_draw_color(*GRID_RGB)
    doc.line(x, y + h, x + w, y + h)
    doc.line(x, y, x + w, y)
    step = w / len(values)
    doc.set_fill_color(*BAR_RGB)
    for i, value in enumerate(values):
        if value > 0:
            height = h * value / top
            doc.rect(x + i * step + step * 0.15, y + h - height, step * 0.7, height, style="F")
    doc.set_font_size(7)
    doc.set_xy(x - 12, y - 1.5)
    doc.cell(11, 3, str(top), align="R")
    doc.set_xy(x - 12, y + h - 1.5)
    doc.cell(11, 3, "0", align="R")
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            doc.set_xy(x + i * step - 3, y + h + 0.8)
            doc.cell(step + 6, 3, label, align="C")
    doc.set_draw_color(0, 0, 0)
    doc.set_fill_color(255, 255, 255)


def pdf_hbars(
    doc: FPDF,
    x: float,
    y: float,
    w: float,
    items: Sequence[tuple[str, float | None]],
    *,
    row: float = 6.0,
    label_w: float = 40.0,
    top: float = 1.0,
    show: Callable[[float | None], str] = lambda v: "–" if v is None else f"{v:.0%}",
) -> float:
    """Horizontal bars (e.g. on-time rate per team) from (x, y); returns the y below them."""
    bar_w = w - label_w - 18
    doc.set_font_size(8)
    for i, (label, value) in enumerate(items):
        top_y = y + i * row
        doc.set_xy(x, top_y)
        doc.cell(label_w - 2, row, label[:28], align="R")
        doc.set_draw_color(*GRID_RGB)
        doc.rect(x + label_w, top_y + 1, bar_w, row - 2, style="D")
        if value:
            doc.set_fill_color(*(BAR_RGB if value >= 0.9 else LATE_RGB))
            doc.rect(x + label_w, top_y + 1, bar_w * min(value, top) / top, row - 2, style="F")
        doc.set_xy(x + label_w + bar_w + 1, top_y)
        doc.cell(17, row, show(value))
    doc.set_draw_color(0, 0, 0)
    doc.set_fill_color(255, 255, 255)
    return y + len(items) * row
