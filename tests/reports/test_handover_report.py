"""The printed handover sheet: 80 columns, escaped Markdown/HTML, an A4 PDF that stays on the page."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rich.cells import cell_len

from deskclerk.reports.cells import wrap_cells
from deskclerk.reports.handover import render, render_html, render_markdown, render_text
from deskclerk.reports.handover_pdf import render_pdf
from deskclerk.reports.pdf import find_cjk_font

from .sample_sheet import LONG_ZH, sample_sheet

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or find_cjk_font() is None,
    reason="needs poppler-utils and a CJK font (CI installs both)",
)
A4_PT = (595.28, 841.89)
MARGIN_PT = 18 / 25.4 * 72  # the sheet's left and right margins, 18 mm


def test_text_version_never_exceeds_80_columns_with_chinese_notes() -> None:
    text = render_text(sample_sheet(extra_items=5))
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    # the Chinese lines are really long ones, wrapped rather than cut
    assert sum(1 for line in lines if cell_len(line) > 70 and "楼" in line) >= 5
    flat = "".join(line.strip() for line in lines)
    assert LONG_ZH in flat.replace(" ", "")
    assert "交接班记录" in text and "王芳" in text and "[x]   2. !" in text
    assert "(carried 3 shifts)" in text and "closed since" in text
    assert "Fingerprint 3f9a 1c2e 77b0" in text
    # closing punctuation never opens a line
    assert not any(line.strip().startswith(("，", "。", "、")) for line in lines)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from([*"ab Zz9-.,，。王芳电梯异响 \n", "supercalifragilistic", "  "]),
        max_size=120,
    ).map("".join),
    width=st.integers(min_value=4, max_value=80),
)
def test_wrapping_keeps_every_character_within_the_width(text: str, width: int) -> None:
    lines = wrap_cells(text, width)
    assert all(cell_len(line) <= width for line in lines)
    squeeze = re.compile(r"\s+")
    assert squeeze.sub("", "".join(lines)) == squeeze.sub("", text)


def test_markdown_prints_user_text_literally() -> None:
    md = render_markdown(sample_sheet())
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "**x**" in rendered and "<strong>x</strong>" not in rendered
    assert "<h2>Callbacks due 待回电/回访 (1)</h2>" in rendered
    assert "<strong>Outgoing clerk 交班人</strong>: 王芳" in rendered
    # a remark over two lines stays in its list item
    assert "对讲机两台已充电" in rendered.split("<li>")[-3]


def test_markdown_escapes_what_would_be_structure() -> None:
    weird = sample_sheet(
        items=(
            replace(
                sample_sheet().items[-1],
                text="# not a heading\n1. not a list\n- nor this\n[link](http://x) `code` |pipe|",
            ),
        )
    )
    rendered = MarkdownIt("commonmark").render(render_markdown(weird))
    assert "<h1>not a heading" not in rendered and "<a href" not in rendered
    assert "<code>" not in rendered
    assert "# not a heading" in rendered and "[link](http://x) `code` |pipe|" in rendered


def test_html_escapes_user_text() -> None:
    page = render_html(sample_sheet())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **x**" in page
    assert page.startswith("<!DOCTYPE html>") and "charset='utf-8'" in page
    assert "<li value='2' class='attention'>☑" in page


def test_a_draft_says_so_everywhere() -> None:
    draft = sample_sheet(signed_at=None, fingerprint="", incoming="", history_head=None)
    assert "(DRAFT)" in render_text(draft)
    assert "Draft: not signed" in render_markdown(draft)
    assert "NOT SIGNED YET" in render_html(draft)


def test_several_sheets_in_one_file() -> None:
    sheets = [sample_sheet(), sample_sheet(id=13)]
    assert render(sheets, "txt").count(b"\f") == 1
    assert render(sheets, "html").count(b"<section class='sheet'") == 2


def _pdf(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "handover.pdf"
    path.write_bytes(data)
    return path


def _words(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xmin, ymin, xmax, ymax, word) of every word pdftotext finds."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out, page = [], 0
    for line in xml.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line
        )
        if m:
            out.append((page, *(float(m[i]) for i in range(1, 5)), m[5]))
    return out


@needs_poppler
def test_pdf_pages_render_and_all_text_stays_on_the_page(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, render_pdf(sample_sheet(extra_items=14)))
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 2
    assert all(p.stat().st_size > 5_000 for p in pngs)  # pages with ink on them

    words = _words(pdf)
    assert {w[0] for w in words} == {1, 2}
    for page, x0, y0, x1, y1, word in words:
        assert x0 >= MARGIN_PT - 1 and x1 <= A4_PT[0] - MARGIN_PT + 1, (page, word, x0, x1)
        assert y0 > 0 and y1 <= A4_PT[1] - 10, (page, word, y1)

    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "page 1 of 2" in layout and "page 2 of 2" in layout
    assert "交接班记录" in layout and "Test Gardens 测试花园" in layout
    assert "三号楼一单元电梯在十二楼" in layout
    assert "fingerprint 3f9a 1c2e 77b0" in layout
    assert "Outgoing clerk 交班人" in layout and "Incoming clerk 接班人" in layout
    assert "Signature (ink):" in layout
    assert "<script>alert(1)</script> **x**" in layout


@needs_poppler
def test_pdf_signature_block_is_never_split(tmp_path: Path) -> None:
    for extra in (2, 3, 4):  # the block falls at the end of page 1, then moves whole to page 2
        pdf = _pdf(tmp_path, render_pdf(sample_sheet(extra_items=extra)))
        words = _words(pdf)
        pages = {w[0] for w in words if w[5] in ("交班人", "接班人", "(ink):")}
        assert len(pages) == 1, extra
