"""A small copy of the print font for the characters most documents use, cached on disk.

A full CJK font holds some 50,000 glyphs; fpdf2 reads them all each time a
document is made (about 0.25 s).  Its GB 2312 characters (the 6,763 common
Chinese characters), Latin text and punctuation make a font a sixth the size,
read in about a fifth of the time.  The copy is made once (a second or two)
into the user's cache folder, 0600, named after the source font's path, size
and modification time, so a changed font makes a new copy.  A document that
needs a character the copy lacks is drawn again with the full font (see
`pdf.render_with_quick_font`), and an unreadable copy is made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path

# Bump when the character set or the way the copy is made changes.
VERSION = 1

_LATIN = [(0x20, 0x7F), (0xA0, 0x180)]  # ASCII, Latin-1, Latin Extended-A
_SYMBOLS = [
    (0x2000, 0x2070),  # general punctuation: – — ‘ ’ “ ” … ‰
    (0x2100, 0x2200),  # letterlike symbols, number forms, arrows: № ℃ ← →
    (0x2460, 0x24A0),  # circled numbers ①
    (0x25A0, 0x2600),  # geometric shapes ■ □ ▲ ○ ●
    (0x3000, 0x3040),  # CJK punctuation 、。「」【】
    (0xFF00, 0xFFF0),  # full-width forms ，：（）
]


def common_characters() -> set[int]:
    """Code points kept in the copy: Latin, punctuation and every GB 2312 character."""
    points = {p for lo, hi in _LATIN + _SYMBOLS for p in range(lo, hi)}
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                text = bytes((first, second)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            points.update(ord(ch) for ch in text)
    return points


def cache_folder() -> Path:
    """Where copies are kept: $DESKCLERK_CACHE, else the user's cache folder."""
    env = os.environ.get("DESKCLERK_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("deskclerk")


def cached_copy_path(font: Path) -> Path | None:
    """The file the copy of `font` goes to (None if `font` cannot be read)."""
    try:
        info = font.stat()
    except OSError:
        return None
    key = f"{font.resolve()}\0{info.st_size}\0{info.st_mtime_ns}\0{VERSION}"
    name = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_folder() / "fonts" / f"common-{name}.ttf"


def common_font(font: Path) -> Path | None:
    """The cached common-character copy of `font`, made now if missing; None if it cannot be."""
    path = cached_copy_path(font)
    if path is None:
        return None
    if path.is_file():
        return path
    try:
        data = _make_copy(font)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        from deskclerk.reports.files import atomic_write_bytes

        atomic_write_bytes(path, data)
    except Exception as exc:  # an odd font or a read-only cache: print with the full font
        logging.getLogger(__name__).debug("no quick copy of %s: %s", font, exc)
        return None
    return path


def forget(path: Path) -> None:
    """Remove a copy that could not be read, so the next document makes it again."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _make_copy(font: Path) -> bytes:
    """The bytes of a TrueType font with the common characters of `font` (its first face)."""
    from io import BytesIO

    from fontTools import subset, ttLib

    face = ttLib.TTFont(str(font), fontNumber=0, recalcTimestamp=False, lazy=False)
    options = subset.Options(
        notdef_outline=True,
        recommended_glyphs=True,
        glyph_names=False,  # no 'post' names: nothing to read for 7,000 glyphs
        name_IDs=["*"],
        name_languages=["*"],
        layout_features=[],  # fpdf2 lays text out without shaping
        hinting=False,
    )
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM"]
    options.ignore_missing_unicodes = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=common_characters())
    subset_logger = logging.getLogger("fontTools.subset")
    level = subset_logger.level
    subset_logger.setLevel(logging.ERROR)  # "FFTM NOT subset" and the like
    try:
        subsetter.subset(face)
    finally:
        subset_logger.setLevel(level)
    out = BytesIO()
    face.save(out)
    return out.getvalue()
