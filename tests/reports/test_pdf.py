"""The print font: bold headings print, and the font is read and embedded once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from deskclerk.reports.pdf import FAMILY, find_cjk_font, pdf_document, write_pdf

pytestmark = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed")


def _document_with_bold_headings(tmp_path: Path) -> Path:
    from fpdf.fonts import FontFace

    doc = pdf_document("交接班记录")
    doc.add_page()
    doc.set_font(FAMILY, "B", 15)
    doc.cell(0, 9, "Shift handover 交接班", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FAMILY, "", 9)
    with doc.table(headings_style=FontFace(emphasis="BOLD", fill_color=(230, 234, 242))) as table:
        for values in (("unit 房号", "caller 来电人"), ("3-1203", "王芳")):
            row = table.row()
            for value in values:
                row.cell(value)
    return write_pdf(doc, tmp_path / "bold.pdf")


def test_bold_headings_and_chinese_print_with_one_embedded_font(tmp_path: Path) -> None:
    path = _document_with_bold_headings(tmp_path)
    raw = path.read_bytes()
    assert raw.startswith(b"%PDF")
    # The regular and the bold text share one embedded font file, not two copies.
    assert raw.count(b"/FontFile2") == 1
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed; .ci/run installs it")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    for words in ("Shift handover 交接班", "unit 房号", "caller 来电人", "王芳", "page 1 of 1"):
        assert words in text, words
