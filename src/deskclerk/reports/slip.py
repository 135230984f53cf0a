"""The work order slip (派工单) the technician takes along: plain text for a receipt or
dot-matrix printer (32 to 80 columns and wider; UTF-8 or GB18030), and a one-page A5 PDF.

Both show the number, unit, resident and phone, problem, priority, the deadlines,
team and technician, and leave space for the technician's signature and the
times of arrival and finish (filled in when the order already has them).
"""

from __future__ import annotations

import warnings
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len

from deskclerk.errors import InvalidInput
from deskclerk.reports.cells import fit_cells, pad_cells, wrap_cells

if TYPE_CHECKING:
    from deskclerk.services.order_rows import OrderPublic

TITLE = "派工单 WORK ORDER"
PRIORITY_WORDS = {
    "urgent": "紧急 urgent",
    "high": "高 high",
    "normal": "普通 normal",
    "low": "低 low",
}
STATE_WORDS = {
    "logged": "已登记 logged",
    "dispatched": "已派工 dispatched",
    "on_site": "已到场 on site",
    "done": "已完成 done",
    "closed": "已关闭 closed",
    "cancelled": "已取消 cancelled",
}
# the spaces the technician fills in by hand (text slip)
HAND_LABELS = (
    "到场时间 Arrived",
    "完成时间 Finished",
    "材料/收费 Parts, charge",
    "维修人员签字 Technician",
    "住户签字 Resident",
    "满意 Satisfied",
)
HAND_BLOCK_MM = 66  # height of the spaces filled in by hand at the foot of the PDF slip
FOOTER_MM = 16  # the page footer ("page 1 of 1") and the bottom margin


def _when(at: datetime | None, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""


VOID_BANNER = "*** 已作废 VOID: do not dispatch ***"


def _state(order: OrderPublic) -> str:
    """The order's state; a voided order says so first (its slip must not send anyone)."""
    state = STATE_WORDS.get(order.state, order.state)
    if order.voided:
        return f"已作废 VOIDED: {order.void_reason} (was {state})"
    return state


def slip_fields(order: OrderPublic, tz: tzinfo) -> list[tuple[str, str]]:
    """The labelled lines of the slip, in print order (the problem comes separately)."""
    resident = "  ".join(p for p in (order.resident_name, order.resident_phone) if p) or "-"
    fields = [
        ("单号 No.", order.number),
        ("房号 Unit", order.unit_code or "-"),
        ("住户 Resident", resident),
        ("类别 Category", order.category),
        ("优先级 Priority", PRIORITY_WORDS.get(order.priority, order.priority)),
        ("状态 State", _state(order)),
        ("报修时间 Logged", f"{_when(order.logged_at, tz)}  ({order.logged_by})"),
    ]
    if order.on_site_due:
        fields.append(("到场时限 On site by", _when(order.on_site_due, tz)))
    if order.done_due:
        fields.append(("完成时限 Done by", _when(order.done_due, tz)))
    if order.paused:
        fields.append(("暂停 Paused", f"{_when(order.paused_since, tz)}  {order.pause_reason}"))
    fields.append(("维修班 Team", order.team_name or "-"))
    fields.append(("维修人员 Technician", order.technician or ""))
    return fields


# --- text ---------------------------------------------------------------------------------

NARROWEST = 32  # the narrowest receipt printers (58 mm paper) print 32 columns
SATISFIED = ("[ ] 是 yes", "[ ] 否 no")


def slip_text(
    order: OrderPublic, *, site_name: str, tz: tzinfo, printed_at: datetime, width: int = 80
) -> str:
    """The slip as plain text, no line wider than `width` cells (CJK counts as two).

    Labels and values stand in two columns; either wraps between words within its
    column (a label between its Chinese and English words), so a date, a phone
    number or a box to tick is never cut, from 32 columns up.
    """
    width = max(NARROWEST, width)
    rule, thin = "=" * width, "-" * width
    lines = [rule, *_heading(site_name, width), rule]
    if order.voided:  # before anything else: this slip must not send anyone
        banner = VOID_BANNER if cell_len(VOID_BANNER) <= width else VOID_BANNER.strip("* ")
        lines += [*(_centre(line, width) for line in wrap_cells(banner, width)), rule]
    fields = slip_fields(order, tz)
    widest = max(cell_len(label) for label in [*(f[0] for f in fields), *HAND_LABELS]) + 2
    label_w = min(widest, width // 2)
    value_w = width - label_w
    for label, value in fields:
        lines += _labelled(label, [value], label_w, width)
    lines.append(thin)
    lines.append("报修内容 Problem:")
    for line in wrap_cells(order.description, width - 2):
        lines.append("  " + line)
    lines.append(thin)
    short, long = "_" * min(18, value_w), "_" * min(30, value_w)
    arrived = _when(order.on_site_at, tz) or short
    finished = _when(order.done_at, tz) or short
    arrived_l, finished_l, parts_l, tech_l, resident_l, satisfied_l = HAND_LABELS
    lines += _labelled(arrived_l, [arrived], label_w, width)
    lines += _labelled(finished_l, [finished], label_w, width)
    lines += _labelled(parts_l, [long], label_w, width)
    lines.append("")
    lines += _labelled(tech_l, [long], label_w, width)
    lines.append("")
    lines += _labelled(resident_l, [long], label_w, width)
    lines += _labelled(satisfied_l, list(SATISFIED), label_w, width)
    lines.append(rule)
    lines += wrap_cells(f"打印 Printed {_when(printed_at, tz)}", width)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _heading(site_name: str, width: int) -> list[str]:
    """The site's name and the title, centred: on one line if they fit, else the title under."""
    one = f"{site_name}  {TITLE}" if site_name else TITLE
    if cell_len(one) <= width:
        return [_centre(one, width)]
    return [_centre(line, width) for line in [*wrap_cells(site_name, width), TITLE]]


def _centre(text: str, width: int) -> str:
    return " " * max(0, (width - cell_len(text)) // 2) + text


def _labelled(label: str, pieces: list[str], label_w: int, width: int) -> list[str]:
    """`label` beside its value, each wrapped within its own column.

    `pieces` are parts of the value that stay whole when they can (the boxes to
    tick): on one line, four spaces apart, when they fit, else one under the other.
    """
    value_w = width - label_w
    value = "    ".join(pieces)
    if len(pieces) > 1 and cell_len(value) > value_w:
        values = [line for piece in pieces for line in wrap_cells(piece, value_w)]
    else:
        values = wrap_cells(value, value_w) or [""]
    labels = wrap_cells(label, label_w - 1)
    if len(labels) > 1:  # too long for one line: the Chinese words on one, the English under
        zh, _, en = label.partition(" ")
        labels = [*wrap_cells(zh, label_w - 1), *wrap_cells(en, label_w - 1)]
    rows = max(len(labels), len(values))
    labels += [""] * (rows - len(labels))
    values += [""] * (rows - len(values))
    return [pad_cells(lab, label_w) + val for lab, val in zip(labels, values, strict=True)]


def slip_bytes(text: str, encoding: str = "utf-8") -> bytes:
    """The text slip in the printer's encoding (utf-8, gb18030 or gbk).

    A character the encoding cannot hold is an InvalidInput naming it and its line.
    """
    try:
        return text.encode(encoding)
    except LookupError:
        raise InvalidInput(f"{encoding!r} is not a text encoding.", "encoding") from None
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        line_no = text.count("\n", 0, exc.start) + 1
        line = text.splitlines()[line_no - 1].strip()
        raise InvalidInput(
            f"The slip cannot be printed in {encoding.upper()}: {bad!r} (U+{ord(bad):04X}) on "
            f"line {line_no} ({fit_cells(line, 40)}) is not in it. Print it with "
            "--encoding utf-8, or correct the record.",
            "encoding",
        ) from None


# --- PDF -----------------------------------------------------------------------------------


def slip_pdf(order: OrderPublic, *, site_name: str, tz: tzinfo, printed_at: datetime) -> bytes:
    """The slip as a one-page A5 PDF (a font with Chinese characters is needed: see pdf.py)."""
    from deskclerk.reports.pdf import FAMILY, pdf_document

    with warnings.catch_warnings():
        # fpdf2 notes once that its A5 size was corrected in 2.8.5: not news for a clerk
        warnings.simplefilter("ignore", UserWarning)
        doc = pdf_document(f"{order.number} 派工单", page_format="A5")
    doc.set_auto_page_break(auto=False)
    doc.set_margins(12, 12, 12)
    doc.add_page()
    full = doc.epw
    doc.set_font(FAMILY, size=9)
    doc.set_text_color(90, 90, 90)
    doc.cell(full, 5, site_name, align="L")
    doc.set_x(doc.l_margin)
    doc.cell(
        full, 5, f"打印 Printed {_when(printed_at, tz)}", align="R", new_x="LMARGIN", new_y="NEXT"
    )
    doc.set_text_color(0, 0, 0)
    doc.set_font(FAMILY, "B", size=15)
    doc.cell(full, 9, f"{TITLE}   {order.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    if order.voided:  # under the title: this slip must not send anyone
        doc.set_font(FAMILY, "B", size=12)
        doc.cell(full, 7, VOID_BANNER, align="C", border=1, new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)

    label_w = 36.0
    for label, value in slip_fields(order, tz)[1:]:  # the number is in the title
        _pdf_row(doc, label, value or " ", label_w)
    doc.ln(1)
    doc.set_font(FAMILY, size=8)
    doc.set_text_color(90, 90, 90)
    doc.cell(full, 5, "报修内容 Problem", new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(0, 0, 0)
    doc.set_font(FAMILY, size=10)
    lines = cast(
        list[str], doc.multi_cell(full, 6, order.description, dry_run=True, output="LINES")
    )
    # the problem gets what room is left above the spaces filled in by hand
    room = int((doc.h - FOOTER_MM - HAND_BLOCK_MM - doc.get_y() - 2) // 6)
    if len(lines) > max(2, room):
        lines = [*lines[: max(2, room) - 1], f"… (the full text is on {order.number})"]
    doc.multi_cell(
        full, 6, "\n".join(lines), border="TB", align="L", padding=(1, 0),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip

    doc.ln(4)
    half = full / 2
    _pdf_blank(doc, "到场时间 Arrived", _when(order.on_site_at, tz), half)
    _pdf_blank(doc, "完成时间 Finished", _when(order.done_at, tz), half, last=True)
    _pdf_blank(doc, "材料/收费 Parts, charge", "", full, last=True)
    doc.ln(3)
    _pdf_blank(doc, "维修人员签字 Technician's signature", "", full, last=True)
    doc.ln(3)
    _pdf_blank(doc, "住户签字 Resident's signature", "", half)
    _pdf_blank(doc, "满意 Satisfied", "□ 是 yes   □ 否 no", half, last=True)
    return bytes(doc.output())


def _pdf_row(doc: object, label: str, value: str, label_w: float) -> None:
    from fpdf import FPDF

    from deskclerk.reports.pdf import FAMILY

    assert isinstance(doc, FPDF)
    y = doc.get_y()
    doc.set_font(FAMILY, size=8)
    doc.set_text_color(90, 90, 90)
    doc.cell(label_w, 6, label)
    doc.set_text_color(0, 0, 0)
    doc.set_font(FAMILY, size=10)
    doc.multi_cell(doc.epw - label_w, 6, value, align="L", new_x="LMARGIN", new_y="NEXT")
    doc.set_y(max(doc.get_y(), y + 6))


def _pdf_blank(doc: object, label: str, value: str, width: float, *, last: bool = False) -> None:
    """A labelled space to write in by hand (or the value when it is known already)."""
    from fpdf import FPDF

    from deskclerk.reports.pdf import FAMILY

    assert isinstance(doc, FPDF)
    x, y = doc.get_x(), doc.get_y()
    doc.set_font(FAMILY, size=8)
    doc.set_text_color(90, 90, 90)
    doc.cell(width - 3, 4, label, new_x="LEFT", new_y="NEXT")
    doc.set_text_color(0, 0, 0)
    doc.set_font(FAMILY, size=10)
    doc.cell(width - 3, 8, value, border="B")
    if last:
        doc.set_xy(doc.l_margin, y + 14)
    else:
        doc.set_xy(x + width, y)
