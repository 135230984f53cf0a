"""The print font: bold headings print, and the font is read and embedded once."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deskclerk.reports.pdf import (
    FAMILY,
    find_cjk_font,
    lacks_glyphs,
    pdf_document,
    render_with_quick_font,
    write_pdf,
)
from deskclerk.reports.print_font import cached_copy_path

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


@pytest.fixture(scope="module")
def _font_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the module: the common-character copy is made once (1-3 s)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def font_cache(_font_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESKCLERK_CACHE", str(_font_cache))
    return _font_cache


def _names_page(names: str) -> Callable[[Path | None], Any]:
    def render(font: Path | None) -> Any:
        doc = pdf_document("names", font=font)
        doc.add_page()
        doc.cell(0, 9, f"Callers 来电人: {names}", new_x="LMARGIN", new_y="NEXT")
        return doc

    return render


def _text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed; .ci/run installs it")
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_quick_font_is_a_private_cached_copy_and_prints_chinese(
    font_cache: Path, tmp_path: Path
) -> None:
    full = find_cjk_font()
    assert full is not None
    doc = render_with_quick_font(_names_page("王芳 李娜"))
    copy = cached_copy_path(full)
    assert copy is not None and copy.is_file() and copy.is_relative_to(font_cache)
    assert os.stat(copy).st_mode & 0o777 == 0o600
    # the document was drawn with the small copy, not the full font
    assert any(str(entry.ttffile) == str(copy) for entry in doc.fonts.values())
    path = write_pdf(doc, tmp_path / "names.pdf")
    assert "王芳 李娜" in _text(path)


def test_a_rare_character_prints_with_the_full_font(font_cache: Path, tmp_path: Path) -> None:
    # 喆 is outside GB 2312, so the common-character copy lacks it
    doc = render_with_quick_font(_names_page("陶喆"))
    assert all(str(entry.ttffile) == str(find_cjk_font()) for entry in doc.fonts.values())
    assert not lacks_glyphs(doc)
    assert "陶喆" in _text(write_pdf(doc, tmp_path / "rare.pdf"))


def test_a_damaged_copy_is_made_again(font_cache: Path, tmp_path: Path) -> None:
    full = find_cjk_font()
    assert full is not None
    copy = cached_copy_path(full)
    assert copy is not None
    render_with_quick_font(_names_page("王芳"))
    copy.write_bytes(b"not a font")
    doc = render_with_quick_font(_names_page("王芳"))  # full font this time; the copy is gone
    assert "王芳" in _text(write_pdf(doc, tmp_path / "damaged.pdf"))
    assert not copy.exists()
    render_with_quick_font(_names_page("王芳"))
    assert copy.is_file() and copy.stat().st_size > 100_000
