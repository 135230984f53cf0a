"""The handover sheet as an A4 PDF a supervisor files: both signatures, room for ink, page N of M."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from deskclerk.reports.cells import wrap
from deskclerk.reports.handover import (
    HEADINGS,
    TITLE,
    TITLE_ZH,
    foot,
    header_rows,
    item_notes,
    sections,
    signatures,
)
from deskclerk.reports.pdf import FAMILY, pdf_document
from deskclerk.services.handover_fingerprint import short
from deskclerk.services.handover_view import SheetItem, SheetPublic

LINE = 5.0  # mm per line of 9.5 pt text
RED = (170, 0, 0)
GREY = (110, 110, 110)
BLACK = (0, 0, 0)


def _footer(sheets: Sequence[SheetPublic]) -> str:
    if len(sheets) != 1:
        return "Shift handover " + ", ".join(f"no. {s.id}" for s in sheets)
    sheet = sheets[0]
    if not sheet.fingerprint:
        return f"Shift handover no. {sheet.id} · DRAFT, not signed"
    return f"Shift handover no. {sheet.id} · fingerprint {short(sheet.fingerprint)}"


def render_pdf(sheets: SheetPublic | Sequence[SheetPublic]) -> bytes:
    """One or more sheets as an A4 PDF (each sheet starts on a new page)."""
    many = [sheets] if isinstance(sheets, SheetPublic) else list(sheets)
    doc = pdf_document(f"{TITLE} {TITLE_ZH}", footer=_footer(many))
    doc.set_margins(18, 16, 18)
    doc.measure = _measure(doc)  # type: ignore[attr-defined]
    for sheet in many:
        doc.add_page()
        _sheet(doc, sheet)
    return bytes(doc.output())


def _sheet(doc, sheet: SheetPublic) -> None:  # type: ignore[no-untyped-def]
    width = doc.epw
    doc.set_font(FAMILY, "B", 16)
    draft = "  (DRAFT: not signed)" if sheet.state == "draft" else ""
    doc.cell(width * 0.65, 9, f"{TITLE} {TITLE_ZH}{draft}")
    doc.set_font(FAMILY, "", 11)
    doc.cell(width * 0.35, 9, sheet.site, align="R", new_x="LMARGIN", new_y="NEXT")
    doc.set_draw_color(60, 60, 60)
    doc.line(doc.l_margin, doc.get_y(), doc.l_margin + width, doc.get_y())
    doc.ln(2)

    doc.set_font(FAMILY, "", 9.5)
    label_w = 32
    for label, value in header_rows(sheet):
        doc.set_text_color(*GREY)
        doc.cell(label_w, LINE, label)
        doc.set_text_color(*BLACK)
        _para(doc, label_w, width - label_w, value)

    for name, items in sections(sheet):
        english, chinese = HEADINGS[name]
        if doc.will_page_break(LINE * 3.5):
            doc.add_page()
        doc.ln(3)
        doc.set_fill_color(232, 232, 232)
        doc.set_font(FAMILY, "B", 11)
        doc.cell(
            width, 7, f" {english} {chinese} ({len(items)})", fill=True,
            new_x="LMARGIN", new_y="NEXT",
        )  # fmt: skip
        doc.ln(1)
        doc.set_font(FAMILY, "", 9.5)
        for item in items:
            _item(doc, item, width)
    if not sheet.items:
        doc.ln(3)
        _para(doc, 0, width, "Nothing open to hand over.")

    _signature_block(doc, sheet, width)
    doc.ln(3)
    doc.set_font(FAMILY, "", 8)
    doc.set_text_color(*GREY)
    for line in wrap(foot(sheet), width - 2 * doc.c_margin, doc.measure):
        doc.cell(width, 4, line, new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(*BLACK)


def _measure(doc) -> Callable[[str], float]:  # type: ignore[no-untyped-def]
    """The width of a text in the current font, from cached word and character widths.

    fpdf2's get_string_width is slow (it copies the graphics state on every call) and a
    busy sheet measures thousands of words; without kerning, widths simply add up.
    """
    cache: dict[tuple[float, str], float] = {}

    def width_of(text: str) -> float:
        size = doc.font_size_pt
        known = cache.get((size, text))
        if known is None:
            if len(text) == 1:
                known = doc.get_string_width(text)
            else:
                known = sum(width_of(ch) for ch in text)
            cache[(size, text)] = known
        return known

    return width_of


def _para(  # type: ignore[no-untyped-def]
    doc, indent: float, width: float, text: str, lines: list[str] | None = None
) -> None:
    """`text` wrapped to `width` mm at `indent` from the margin, breaking pages as needed."""
    for line in lines if lines is not None else wrap(text, width - 2 * doc.c_margin, doc.measure):
        if doc.will_page_break(LINE):
            doc.add_page()
        doc.set_x(doc.l_margin + indent)
        doc.cell(width, LINE, line, new_x="LMARGIN", new_y="NEXT")


def _item(doc, item: SheetItem, width: float) -> None:  # type: ignore[no-untyped-def]
    extra = item_notes(item)
    text = item.text + (f"  ({'; '.join(extra)})" if extra else "")
    lines = wrap(text, width - 16 - 2 * doc.c_margin, doc.measure)
    if doc.will_page_break(LINE * min(len(lines), 3)):
        doc.add_page()
    x, y = doc.l_margin, doc.get_y()
    # a box the incoming clerk ticks (ticked when acknowledged in deskclerk)
    doc.set_draw_color(80, 80, 80)
    doc.rect(x + 0.5, y + 0.9, 3.2, 3.2)
    if item.acknowledged_at is not None:
        doc.line(x + 1.1, y + 2.6, x + 1.9, y + 3.6)
        doc.line(x + 1.9, y + 3.6, x + 3.3, y + 1.2)
    doc.set_xy(x + 5, y)
    doc.cell(10, LINE, f"{item.no}.", align="R")
    doc.set_xy(x, y)
    colour = RED if item.attention in ("overdue", "near deadline") else BLACK
    if item.still_open is False:
        colour = GREY
    doc.set_text_color(*colour)
    _para(doc, 16, width - 16, text, lines)
    doc.set_text_color(*BLACK)
    if item.query:
        doc.set_text_color(*GREY)
        _para(doc, 16, width - 16, f"query: {item.query}")
        doc.set_text_color(*BLACK)
    doc.ln(0.6)


def _signature_block(doc, sheet: SheetPublic, width: float) -> None:  # type: ignore[no-untyped-def]
    height = 38
    if doc.will_page_break(height + 10):
        doc.add_page()
    doc.ln(6)
    top = doc.get_y()
    box_w = (width - 8) / 2
    for n, (role, name, how) in enumerate(signatures(sheet)):
        x = doc.l_margin + n * (box_w + 8)
        doc.set_draw_color(120, 120, 120)
        doc.rect(x, top, box_w, height)
        doc.set_xy(x + 2, top + 2)
        doc.set_font(FAMILY, "B", 10)
        doc.cell(box_w - 4, LINE, role)
        doc.set_xy(x + 2, top + 2 + LINE)
        doc.set_font(FAMILY, "", 9.5)
        doc.cell(box_w - 4, LINE, f"{name or '________________'}  ·  {how}")
        doc.set_xy(x + 2, top + height - 8)
        doc.set_text_color(*GREY)
        doc.cell(box_w - 4, LINE, "Signature (ink):")
        doc.set_text_color(*BLACK)
        doc.line(x + 28, top + height - 4, x + box_w - 3, top + height - 4)
    doc.set_xy(doc.l_margin, top + height)
