"""The printed handover sheet: 80-column text, Markdown for e-mail, HTML; PDF in handover_pdf.

Pure renderers: they take SheetPublic shapes and return text, nothing else.
Whatever a clerk typed is data: escaped in Markdown and HTML, never markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime

from rich.cells import cell_len

from deskclerk.reports.cells import pad_cells, wrap_cells
from deskclerk.services.handover_fingerprint import short
from deskclerk.services.handover_sheet import SECTIONS
from deskclerk.services.handover_view import SheetItem, SheetPublic

TITLE = "Shift handover"
TITLE_ZH = "交接班记录"
HEADINGS = {
    "calls": ("Calls still open or passed on", "未结来电"),
    "callbacks": ("Callbacks due", "待回电/回访"),
    "orders": ("Work orders open, overdue first", "未完工派工单"),
    "visitors": ("Visitors still signed in", "在场访客"),
    "notes": ("Notes of this shift", "本班记事"),
    "carried": ("Carried over from earlier shifts, still open", "遗留事项"),
    "remarks": ("Remarks of the outgoing clerk", "交班备注"),
}
FORMATS = ("txt", "md", "html", "pdf")
WIDTH = 80


# --- what every format says -------------------------------------------------------


def stamp(sheet: SheetPublic, at: datetime | None, *, date: bool = True) -> str:
    if at is None:
        return ""
    return sheet.local(at).strftime("%Y-%m-%d %H:%M" if date else "%H:%M")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def header_rows(sheet: SheetPublic) -> list[tuple[str, str]]:
    """The (label, value) lines at the head of every printout."""
    day = stamp(sheet, sheet.shift_started_at or sheet.started_at)[:10]
    rows = [("Site", sheet.site or "(no site name set)")]
    rows.append(("Handover", f"no. {sheet.id} · {sheet.shift_label} · {day}"))
    if sheet.shift_started_at is not None:
        until = (
            f"to {stamp(sheet, sheet.shift_ended_at)}"
            if sheet.shift_ended_at
            else "(not ended in deskclerk)"
        )
        rows.append(("Shift", f"on duty from {stamp(sheet, sheet.shift_started_at)} {until}"))
    rows.append(("Sheet started", stamp(sheet, sheet.started_at)))
    if sheet.signed_at is not None:
        rows.append(
            ("Outgoing clerk", f"{sheet.outgoing} · signed {stamp(sheet, sheet.signed_at)}")
        )
    else:
        rows.append(("Outgoing clerk", f"{sheet.outgoing} · NOT SIGNED YET (draft)"))
    total = len(sheet.items)
    if sheet.acknowledged_at is not None:
        incoming = f"{sheet.incoming} · acknowledged {stamp(sheet, sheet.acknowledged_at)}"
    elif sheet.incoming:
        done = total - sheet.unacknowledged
        incoming = f"{sheet.incoming} · {done} of {total} items acknowledged so far"
    else:
        incoming = "not acknowledged yet"
    rows.append(("Incoming clerk", incoming))
    listed = sum(1 for i in sheet.items if i.still_open is not None)
    rows.append(
        (
            "Still open",
            f"{sheet.still_open} of {plural(listed, 'listed record')} "
            f"as of {stamp(sheet, sheet.as_of)}",
        )
    )
    return rows


def sections(sheet: SheetPublic) -> list[tuple[str, list[SheetItem]]]:
    """The non-empty sections in print order."""
    return [(name, sheet.section(name)) for name in SECTIONS if sheet.section(name)]


def item_notes(item: SheetItem) -> list[str]:
    """What is said after an item: carried, closed since, not acknowledged."""
    notes = []
    if item.carried:
        notes.append(f"carried {plural(item.carried, 'shift')}")
    if item.still_open is False:
        notes.append("closed since")
    return notes


def foot(sheet: SheetPublic) -> str:
    """The fingerprint line (or why there is none)."""
    if not sheet.fingerprint:
        return "Draft: not signed, so no fingerprint yet."
    upto = f" and the history up to entry {sheet.history_head}" if sheet.history_head else ""
    return (
        f"Fingerprint {short(sheet.fingerprint)}: covers this sheet{upto}; "
        "deskclerk check tells if anything on it was edited later."
    )


def signatures(sheet: SheetPublic) -> list[tuple[str, str, str]]:
    """(role, name, how it was signed in deskclerk) for the outgoing and the incoming clerk."""
    out_how = f"signed {stamp(sheet, sheet.signed_at)}" if sheet.signed_at else "not signed yet"
    if sheet.acknowledged_at:
        in_how = f"acknowledged {stamp(sheet, sheet.acknowledged_at)}"
    elif sheet.incoming:
        in_how = f"{len(sheet.items) - sheet.unacknowledged} of {len(sheet.items)} items so far"
    else:
        in_how = "not acknowledged yet"
    return [
        ("Outgoing clerk 交班人", sheet.outgoing, out_how),
        ("Incoming clerk 接班人", sheet.incoming, in_how),
    ]


# --- 80-column text ------------------------------------------------------------------


def _plain(text: str) -> str:
    # the separators we put between fields; a dot-matrix font may draw · two cells wide
    return text.replace(" · ", " | ").replace("→", "->").replace("–", "-")


def render_text(sheet: SheetPublic, width: int = WIDTH) -> str:
    """The sheet for a dot-matrix printer: no line wider than `width` cells."""
    out: list[str] = []
    rule = "=" * width

    def para(text: str, first: str = "", rest: str | None = None) -> None:
        rest = " " * cell_len(first) if rest is None else rest
        lines = wrap_cells(_plain(text), width - cell_len(first))
        out.append(first + lines[0])
        out.extend(rest + line for line in lines[1:])

    out.append(rule)
    title = f"{TITLE.upper()}  {TITLE_ZH}"
    para(title if sheet.state != "draft" else title + "  (DRAFT)")
    out.append(rule)
    label_width = max(cell_len(label) for label, _ in header_rows(sheet)) + 2
    for label, value in header_rows(sheet):
        para(value, pad_cells(f"{label}:", label_width))
    for name, items in sections(sheet):
        english, chinese = HEADINGS[name]
        out.append("")
        para(f"{english.upper()} {chinese} ({len(items)})")
        out.append("-" * width)
        for item in items:
            mark = "[x]" if item.acknowledged_at else "[ ]"
            flag = "! " if item.attention in ("overdue", "near deadline") else ""
            extra = item_notes(item)
            text = flag + item.text + (f" ({'; '.join(extra)})" if extra else "")
            para(text, f"{mark} {item.no:>3}. ", " " * 9)
            if item.query:
                para(item.query, " " * 9 + "query: ")
    if not sheet.items:
        out.append("")
        para("Nothing open to hand over.")
    out.append("")
    out.append("=" * width)
    for role, name, how in signatures(sheet):
        para(f"{role}: {name or '_' * 16}  ({how})")
        out.append("")
        out.append("Signature: " + "_" * 30 + "   Time: " + "_" * 12)
        out.append("")
    out.append("-" * width)
    para(foot(sheet))
    return "\n".join(line.rstrip() for line in out) + "\n"


# --- Markdown ------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)(?:([-+#>=])|(\d+)([.)]))", re.MULTILINE)


def md_escape(text: str) -> str:
    """User text as literal Markdown: no emphasis, links, HTML, headings or list markers."""
    text = html.escape(text, quote=False)  # & < >
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(
        lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", text
    )
    return text.replace("\n", "  \n")


def render_markdown(sheet: SheetPublic) -> str:
    """The sheet as Markdown for e-mail."""
    out = [f"# {TITLE} {TITLE_ZH}" + (" (draft)" if sheet.state == "draft" else ""), ""]
    out += ["| | |", "|---|---|"]
    out += [f"| **{label}** | {md_escape(value)} |" for label, value in header_rows(sheet)]
    for name, items in sections(sheet):
        english, chinese = HEADINGS[name]
        out += ["", f"## {english} {chinese} ({len(items)})", ""]
        for item in items:
            box = "[x]" if item.acknowledged_at else "[ ]"
            text = md_escape(item.text).replace("\n", "\n  ")
            if item.attention in ("overdue", "near deadline"):
                text = f"**{text}**"
            extra = item_notes(item)
            line = f"- {box} {item.no}\\. {text}" + (f" *({'; '.join(extra)})*" if extra else "")
            out.append(line)
            if item.query:
                out.append(f"  - query: {md_escape(item.query)}".replace("\n", "\n    "))
    if not sheet.items:
        out += ["", "Nothing open to hand over."]
    out += ["", "## Signatures", ""]
    for role, name, how in signatures(sheet):
        out.append(f"- **{role}**: {md_escape(name) or '—'} ({how})")
    out += ["", "---", "", md_escape(foot(sheet)), ""]
    return "\n".join(out)


# --- HTML ----------------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 50em; margin: 2em auto; color: #111; }
h1 { font-size: 1.4em; border-bottom: 2px solid #333; }
h2 { font-size: 1.1em; background: #eee; padding: .2em .4em; margin-top: 1.4em; }
table.head td { padding: .1em .8em .1em 0; vertical-align: top; }
ol { padding-left: 2.5em; } li { margin: .2em 0; }
.attention { color: #a00; font-weight: bold; } .closed { color: #777; }
.query { color: #444; font-style: italic; } .foot { font-size: .85em; color: #555; }
.sign { display: flex; gap: 2em; margin-top: 2em; }
.sign div { flex: 1; border: 1px solid #999; padding: .5em; min-height: 6em; }
"""


def _html_sheet(sheet: SheetPublic) -> str:
    e = html.escape
    out = [f"<section class='sheet' id='handover-{sheet.id}'>"]
    draft = " (draft)" if sheet.state == "draft" else ""
    out.append(f"<h1>{e(TITLE)} {e(TITLE_ZH)}{draft}</h1>")
    out.append("<table class='head'>")
    out += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in header_rows(sheet)]
    out.append("</table>")
    for name, items in sections(sheet):
        english, chinese = HEADINGS[name]
        out.append(f"<h2>{e(english)} {e(chinese)} ({len(items)})</h2><ol>")
        for item in items:
            box = "☑" if item.acknowledged_at else "☐"
            cls = []
            if item.attention in ("overdue", "near deadline"):
                cls.append("attention")
            if item.still_open is False:
                cls.append("closed")
            extra = item_notes(item)
            li = f"<li value='{item.no}' class='{' '.join(cls)}'>{box} {e(item.text)}"
            li += f" <em>({e('; '.join(extra))})</em>" if extra else ""
            if item.query:
                li += f"<div class='query'>query: {e(item.query)}</div>"
            out.append(li + "</li>")
        out.append("</ol>")
    if not sheet.items:
        out.append("<p>Nothing open to hand over.</p>")
    out.append("<div class='sign'>")
    for role, name, how in signatures(sheet):
        out.append(
            f"<div><strong>{e(role)}</strong><br>{e(name)} ({e(how)})<br><br>Signature:</div>"
        )
    out.append("</div>")
    out.append(f"<p class='foot'>{e(foot(sheet))}</p></section>")
    return "\n".join(out)


def render_html(sheets: SheetPublic | Sequence[SheetPublic]) -> str:
    """One self-contained HTML page with one or more sheets."""
    many = [sheets] if isinstance(sheets, SheetPublic) else list(sheets)
    title = f"{TITLE} " + ", ".join(str(s.id) for s in many)
    body = "\n<hr>\n".join(_html_sheet(s) for s in many)
    return (
        "<!DOCTYPE html>\n<html lang='zh'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


# --- all formats ----------------------------------------------------------------------------


def render(sheets: Sequence[SheetPublic], fmt: str) -> bytes:
    """One or more sheets in `fmt` (txt, md, html, pdf), as the bytes of a file."""
    if fmt == "txt":
        return "\f".join(render_text(s) for s in sheets).encode("utf-8")
    if fmt == "md":
        return "\n---\n\n".join(render_markdown(s) for s in sheets).encode("utf-8")
    if fmt == "html":
        return render_html(sheets).encode("utf-8")
    if fmt == "pdf":
        from deskclerk.reports.handover_pdf import render_pdf

        return render_pdf(sheets)
    raise ValueError(f"unknown format {fmt!r}")
