"""Loading the directory from a spreadsheet export: code,building,area[,resident,phone]."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from deskclerk import cleaning
from deskclerk.errors import DeskError, InvalidInput

if TYPE_CHECKING:
    from deskclerk.services.context import Context

COLUMNS = "code,building,area[,resident,phone]"
# A first row holding any of these is a header, not a unit.
_HEADER_WORDS = {
    "code", "unit", "unit code", "building", "area", "resident", "name", "phone",
    "房号", "单元", "楼栋", "楼号", "区域", "住户", "业主", "姓名", "电话", "手机",
}  # fmt: skip
MAX_ERRORS_SHOWN = 20


@dataclass(frozen=True)
class UnitRow:
    """One checked line of the file."""

    line: int
    code: str
    building: str
    area: str
    resident: str
    phone: str


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030 (Chinese Excel's CSV)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DeskError(f"{path} is not a text file in UTF-8 or GB18030: save it as CSV (UTF-8)")


def read_rows(path: Path) -> list[UnitRow]:
    """Read and check every line; InvalidInput listing each bad line if any is wrong."""
    path = path.expanduser()
    if not path.is_file():
        raise DeskError(f"there is no file {path}")
    text = _decode(path.read_bytes(), path)
    rows: list[UnitRow] = []
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if not rows and not errors and _is_header(cells):
                continue
            try:
                rows.append(_check(number, cells))
            except InvalidInput as exc:
                errors.append(f"line {number}: {exc.message}")
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: {exc}")
    rows, conflicts = _reconcile(rows)
    errors.extend(conflicts)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > len(shown):
            shown.append(f"… and {len(errors) - len(shown)} more")
        raise InvalidInput(
            f"{path}: {len(errors)} line(s) cannot be imported; nothing was saved.\n"
            + "\n".join(shown)
        )
    if not rows:
        raise InvalidInput(f"{path} holds no units: expected lines of {COLUMNS}")
    return rows


def _reconcile(rows: list[UnitRow]) -> tuple[list[UnitRow], list[str]]:
    """A unit may be listed on several lines (one per resident): a blank building or
    area is filled in from its other lines; two different ones are an error (which is
    meant cannot be told, and one must not be ignored).  Returns (rows, errors)."""
    given: dict[tuple[str, str], tuple[str, int]] = {}  # (code, "building") -> (value, line)
    out = []
    for row in rows:
        for part in ("building", "area"):
            value = getattr(row, part)
            if not value:
                continue
            seen, line = given.setdefault((row.code, part), (value, row.line))
            if value != seen:
                out.append(
                    f"line {row.line}: unit {row.code} has {part} {value!r} here and "
                    f"{seen!r} on line {line}; a unit has one {part}"
                )
    filled = [
        replace(
            row,
            building=row.building or given.get((row.code, "building"), ("", 0))[0],
            area=row.area or given.get((row.code, "area"), ("", 0))[0],
        )
        for row in rows
    ]
    return filled, out


def _is_header(cells: list[str]) -> bool:
    return any(c.casefold() in _HEADER_WORDS for c in cells)


def _check(number: int, cells: list[str]) -> UnitRow:
    if len(cells) > 5:
        raise InvalidInput(f"{len(cells)} columns; expected {COLUMNS}")
    code, building, area, resident, phone = (cells + [""] * 5)[:5]
    row = UnitRow(
        line=number,
        code=cleaning.clean_unit_code(code),
        building=cleaning.clean_text(building, "building", max_length=50),
        area=cleaning.clean_text(area, "area", max_length=50),
        resident=cleaning.clean_name(resident, "resident's name", required=False),
        phone=cleaning.clean_phone(phone),
    )
    if row.phone and not row.resident:
        raise InvalidInput("a phone number without a resident's name")
    return row


@dataclass
class ImportResult:
    """What an import added and what was in the directory already."""

    units_added: int = 0
    units_present: int = 0
    residents_added: int = 0
    residents_present: int = 0

    def summary(self) -> str:
        return (
            f"{self.units_added} unit(s) added, {self.units_present} already in the directory; "
            f"{self.residents_added} resident(s) added, {self.residents_present} already there"
        )


def import_rows(ctx: Context, rows: list[UnitRow], *, clerk: str) -> ImportResult:
    """Add the units and residents of checked rows that are not in the directory yet.

    Each unit and resident is its own saved record, so an import stopped half-way
    (a full disk) keeps what it saved and can simply be run again.
    """
    from deskclerk.errors import NotFound
    from deskclerk.services.directory import add_resident, add_unit, get_unit

    result = ImportResult()
    known: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        if row.code not in known:
            try:
                unit = get_unit(ctx, row.code)
                known[row.code] = {(r.name, r.phone) for r in unit.residents}
                result.units_present += 1
            except NotFound:
                add_unit(ctx, row.code, building=row.building, area=row.area, clerk=clerk)
                known[row.code] = set()
                result.units_added += 1
        if row.resident:
            key = (row.resident, row.phone)
            if key in known[row.code]:
                result.residents_present += 1
                continue
            add_resident(ctx, row.code, row.resident, row.phone, clerk=clerk)
            known[row.code].add(key)
            result.residents_added += 1
    return result
