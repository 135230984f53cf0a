"""A4/A5 PDF documents with a font that prints Chinese as well as Latin text.

fpdf2's built-in fonts know only Latin-1, so a clerk's Chinese names would be
lost.  We register a TrueType/OpenType CJK font from the machine: the one named
in $DESKCLERK_FONT, else the first of the usual system fonts that exists
(WenQuanYi Micro Hei, Noto Sans CJK, …; `fc-match :lang=zh` as a last resort).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskclerk.errors import DeskError

if TYPE_CHECKING:
    from fpdf import FPDF

FAMILY = "desk"

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)

MISSING_FONT = (
    "No font with Chinese characters was found for printing. Install one "
    "(Debian/Ubuntu: `sudo apt install fonts-wqy-microhei`; or fonts-noto-cjk) "
    "or set DESKCLERK_FONT to a .ttf/.otf/.ttc file."
)


@lru_cache(maxsize=1)
def find_cjk_font() -> Path | None:
    """The font file used for printing, or None if the machine has none."""
    env = os.environ.get("DESKCLERK_FONT")
    if env:
        path = Path(env).expanduser()
        return path if path.is_file() else None
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}", ":lang=zh"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        if out and Path(out).is_file() and Path(out).suffix.lower() in (".ttf", ".otf", ".ttc"):
            return Path(out)
    return None


def pdf_document(
    title: str, *, page_format: str = "A4", footer: str = "", font: Path | None = None
) -> FPDF:
    """A new PDF with the CJK font (or `font`) registered as the default family `desk`.

    Pages carry "page N of M" and `footer` (e.g. a fingerprint) at the foot.
    Raises DeskError with instructions when no suitable font is installed.
    """
    from fpdf import FPDF
    from fpdf.output import OutputProducer

    font = font or find_cjk_font()
    if font is None:
        raise DeskError(MISSING_FONT)

    class _Doc(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FAMILY, size=8)
            self.set_text_color(90, 90, 90)
            if footer:
                self.cell(0, 5, footer, align="L")
                self.set_x(self.l_margin)
            self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

        def output(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            """The PDF (see fpdf2's FPDF.output), with each font embedded once."""
            kwargs["output_producer_class"] = _OneEntryPerFont
            return super().output(*args, **kwargs)

    class _OneEntryPerFont(OutputProducer):
        """fpdf2's producer, after dropping the bold alias (it would embed the font twice)."""

        def __init__(self, fpdf: FPDF) -> None:
            for key, entry in list(fpdf.fonts.items()):
                if entry.fontkey != key:  # deskB -> the regular font object
                    del fpdf.fonts[key]
            super().__init__(fpdf)

    doc = _Doc(orientation="portrait", unit="mm", format=page_format)
    doc.set_title(title)
    doc.set_creator("deskclerk")
    doc.alias_nb_pages()
    try:
        doc.add_font(FAMILY, "", str(font))
    except Exception as exc:  # fpdf2 raises several types for unreadable fonts
        raise DeskError(f"The print font {font} cannot be used: {exc}. {MISSING_FONT}") from None
    # Bold prints with the same face (the file has no bold one), so "B" is an
    # alias of the regular font: parsing the 5 MB font again cost 0.3-0.7 s.
    # fpdf2 needs the key for bold text and table headings; output() drops it.
    doc.fonts[FAMILY + "B"] = doc.fonts[FAMILY]
    doc.set_font(FAMILY, size=10)
    doc.set_auto_page_break(auto=True, margin=16)
    return doc


def write_pdf(doc: FPDF, path: Path) -> Path:
    """Write `doc` to `path` atomically (temp file, fsync, rename), readable by the owner only."""
    from deskclerk.reports.files import atomic_write_bytes

    return atomic_write_bytes(path, bytes(doc.output()))


def lacks_glyphs(doc: FPDF) -> bool:
    """True if some text of `doc` asked for a character its font does not have."""
    return any(getattr(entry, "missing_glyphs", None) for entry in doc.fonts.values())


def render_with_quick_font(render: Callable[[Path | None], FPDF]) -> FPDF:
    """The document `render(font)` draws, first with the cached common-character copy
    of the print font (fast to read), again with the full font if that copy lacked a
    character.  `render(None)` must use the full font (`pdf_document`'s default)."""
    from deskclerk.reports.print_font import common_font, forget

    full = find_cjk_font()
    quick = common_font(full) if full is not None else None
    if quick is not None:
        try:
            doc = render(quick)
        except DeskError:  # the copy could not be read: make it again next time
            forget(quick)
        else:
            if not lacks_glyphs(doc):
                return doc
    return render(None)


def start_warm_up() -> threading.Thread:
    """Import fpdf2 and make sure the print font's quick copy exists, in a thread.

    Started before a report's queries: the database works without holding
    Python's lock, so the two overlap.  Whatever fails here is met again, and
    reported, when the document is made.
    """

    def warm_up() -> None:
        try:
            import fpdf.fonts  # noqa: F401
            from fontTools.ttLib.tables import _c_m_a_p, _g_l_y_f, _h_m_t_x  # noqa: F401

            from deskclerk.reports.print_font import common_font

            font = find_cjk_font()
            if font is not None:
                common_font(font)
        except Exception:  # the main thread meets it again and says so
            pass

    thread = threading.Thread(target=warm_up, name="deskclerk-pdf-warm-up", daemon=True)
    thread.start()
    return thread
