"""The work order slip (派工单): 32- to 80-column text (UTF-8, GB18030) and a one-page PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len

from deskclerk.reports.files import atomic_write_bytes
from deskclerk.reports.slip import slip_pdf, slip_text
from deskclerk.services import directory, orders
from deskclerk.services.context import Context

SH = ZoneInfo("Asia/Shanghai")
PRINTED = datetime(2026, 11, 24, 2, 5, tzinfo=UTC)
PROBLEM = (
    "厨房水龙头漏水，阀芯需要更换；住户下午两点以后在家。"
    "Kitchen tap leaking under the sink, the cabinet floor is wet. "
    "Bring a 15 mm cartridge and sealant. 请提前电话联系。"
)


@pytest.fixture
def order(ctx: Context) -> orders.OrderPublic:
    directory.add_unit(ctx, "3-1203", area="north", clerk="ann")
    directory.add_resident(ctx, "3-1203", "欧阳娜娜", "13800001234", clerk="ann")
    directory.add_team(ctx, "水电一班", categories="plumbing", clerk="ann")
    o = orders.create_order(
        ctx, unit="3-1203", description=PROBLEM, clerk="ann", category="plumbing",
        priority="urgent", technician="李师傅",
    )  # fmt: skip
    return o


def test_text_slip_has_everything_the_technician_needs(order: orders.OrderPublic) -> None:
    text = slip_text(order, site_name="阳光花园 Sunny Gardens", tz=SH, printed_at=PRINTED)
    for needed in (
        "WO-20261124-001", "3-1203", "欧阳娜娜", "13800001234", "水电一班", "李师傅",
        "紧急 urgent", "阳光花园 Sunny Gardens",
        "2026-11-24 10:20",  # on site by (local time)
        "2026-11-24 14:00",  # done by
        "维修人员签字", "到场时间 Arrived", "完成时间 Finished",
    ):  # fmt: skip
        assert needed in text, needed
    # the problem is all there, only wrapped
    assert "".join(PROBLEM.split()) in "".join(text.split())


@pytest.mark.parametrize("width", [80, 42, 40, 32])
def test_text_slip_fits_the_printer_counting_chinese_as_two(
    order: orders.OrderPublic, width: int
) -> None:
    text = slip_text(
        order, site_name="阳光花园物业服务中心", tz=SH, printed_at=PRINTED, width=width
    )
    widths = [cell_len(line) for line in text.splitlines()]
    assert max(widths) <= width
    assert max(widths) == width  # the rules run the full width
    assert "\x1b" not in text and "\t" not in text


@pytest.mark.parametrize("width", [32, 40, 80])
def test_narrow_slips_wrap_between_words_and_cut_nothing(
    order: orders.OrderPublic, width: int
) -> None:
    site = "阳光花园物业服务中心 Sunny Gardens Property Services"
    text = slip_text(order, site_name=site, tz=SH, printed_at=PRINTED, width=width)
    lines = text.splitlines()
    assert all(cell_len(line) <= width for line in lines)
    assert "…" not in text  # no label, title or value is cut short
    # what must be read whole stays on one line: number, phone, dates, the boxes to tick
    for whole in (
        "WO-20261124-001", "13800001234", "欧阳娜娜", "李师傅", "2026-11-24 10:20",
        "2026-11-24 14:00", "派工单 WORK ORDER", "[ ] 是 yes", "[ ] 否 no",
    ):  # fmt: skip
        assert any(whole in line for line in lines), (width, whole)
    # every label is there, its Chinese words whole
    for label in ("单号", "房号", "住户", "到场时限", "完成时限", "维修人员签字", "满意"):
        assert any(line.startswith(label) for line in lines), (width, label)
    # the values stand in one column: every value line starts at the same place
    label_w = min(25, width // 2)
    value_lines = [line for line in lines if line.startswith(" " * label_w) and line.strip()]
    assert all(line[label_w] != " " for line in value_lines)
    assert (len(value_lines) > 2) == (width < 80)  # narrow: values wrap within their column
    # nothing of the problem is lost, and no line starts with closing punctuation
    problem = text.split("报修内容 Problem:")[1].split("-" * width)[0]
    assert "".join(PROBLEM.split()) == "".join(problem.split())
    assert not any(line.strip()[:1] in "，。；" for line in problem.splitlines() if line.strip())
    # the blanks to fill in by hand are whole lines of underscores, never broken over two
    blanks = [line.split()[-1] for line in lines if line.endswith("_")]
    assert len(blanks) == 5 and all(set(b) == {"_"} and len(b) >= 16 for b in blanks)


def test_text_slip_in_gb18030_and_a_character_an_encoding_cannot_hold(
    order: orders.OrderPublic,
) -> None:
    from deskclerk.errors import InvalidInput
    from deskclerk.reports.slip import slip_bytes

    text = slip_text(order, site_name="阳光花园", tz=SH, printed_at=PRINTED, width=40)
    data = slip_bytes(text, "gb18030")
    assert data.decode("gb18030") == text
    assert "欧阳娜娜".encode("gb18030") in data and "欧阳娜娜".encode() not in data
    assert slip_bytes(text) == text.encode("utf-8")
    with pytest.raises(InvalidInput) as err:
        slip_bytes(text.replace("李师傅", "李师傅🔧"), "gbk")
    assert err.value.message.startswith(
        "The slip cannot be printed in GBK: '🔧' (U+1F527) on line "
    )
    assert "李师傅🔧" in err.value.message and "--encoding utf-8" in err.value.message


def _pdf(order: orders.OrderPublic, tmp_path: Path) -> Path:
    path = tmp_path / "slip.pdf"
    atomic_write_bytes(path, slip_pdf(order, site_name="阳光花园", tz=SH, printed_at=PRINTED))
    return path


def _pages_and_text(path: Path) -> tuple[int, str]:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) are not installed; .ci/run installs them")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(path), str(path.with_suffix(""))], check=True
    )
    pngs = sorted(path.parent.glob(f"{path.stem}*.png"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return len(pngs), text


def test_pdf_slip_is_one_page_with_the_number_and_chinese_names(
    order: orders.OrderPublic, tmp_path: Path
) -> None:
    pages, text = _pages_and_text(_pdf(order, tmp_path))
    assert pages == 1
    assert "WO-20261124-001" in text
    for chinese in ("欧阳娜娜", "水电一班", "李师傅", "派工单", "阳光花园"):
        assert chinese in text, chinese


def test_a_very_long_problem_still_prints_on_one_page(ctx: Context, tmp_path: Path) -> None:
    directory.add_unit(ctx, "0801", clerk="ann")
    long = orders.create_order(
        ctx, unit="0801", description="漏水 leaking " * 330, clerk="ann", category="plumbing"
    )
    pages, text = _pages_and_text(_pdf(long, tmp_path))
    assert pages == 1
    assert "full text is on WO-20261124-001" in text
