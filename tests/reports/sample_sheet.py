"""A hand-made handover sheet for the renderer tests (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskclerk.services.handover_view import SheetItem, SheetPublic

SIGNED = datetime(2026, 11, 24, 9, 2, tzinfo=UTC)  # 17:02 in Shanghai

LONG_ZH = (
    "三号楼一单元电梯在十二楼和十三楼之间异响，住户王芳女士多次来电投诉，"
    "维修班已派人查看但未解决，请下一班继续跟进并在今晚八点前回电告知处理进度。"
)


def item(no: int, section: str, text: str, **kw: object) -> SheetItem:
    values: dict[str, object] = {
        "id": 100 + no,
        "no": no,
        "section": section,
        "ref_kind": {"remarks": ""}.get(section, "call"),
        "ref_id": None if section == "remarks" else no,
        "text": text,
        "carried": 0,
        "attention": "",
        "acknowledged_at": None,
        "query": "",
        "still_open": None if section == "remarks" else True,
    }
    values.update(kw)
    return SheetItem(**values)  # type: ignore[arg-type]


def sample_sheet(extra_items: int = 0, **kw: object) -> SheetPublic:
    items = [
        item(1, "calls", "10:02 张伟 (3-1203, 13800001234) · inquiry: lift noisy"),
        item(
            2,
            "callbacks",
            "14:00 王芳 (3-1203) · complaint: " + LONG_ZH,
            attention="overdue",
            acknowledged_at=SIGNED,
            query="谁负责回电？ who calls back?",
        ),
        item(
            3,
            "orders",
            "WO-20261124-002 · 3-1203 · high · plumbing: kitchen tap leaking · dispatched · "
            "Plumbing/李师傅 · OVERDUE by 1h20m",
            attention="overdue",
        ),
        item(4, "visitors", "Li Lei → 0801 (delivery) · in since 09:12 · badge 17"),
        item(5, "notes", "[high] <script>alert(1)</script> **x** · 王芳 16:40", attention="high"),
        item(6, "carried", "note: 消防通道堆放杂物 · 李娜 11-22 08:10", carried=3, ref_kind="note"),
        item(7, "carried", "13:00 赵六 · repair: door bell", carried=1, still_open=False),
        item(8, "remarks", "spare keys: 3 sets in the drawer\n对讲机两台已充电"),
    ]
    for n in range(extra_items):
        items.append(
            item(9 + n, "orders", f"WO-20261124-{100 + n:03d} · 5-{n:04d} · normal · " + LONG_ZH)
        )
    values: dict[str, object] = {
        "id": 12,
        "site": "Test Gardens 测试花园",
        "shift_id": 3,
        "shift_name": "A",
        "shift_label": "shift A (09:00–17:00)",
        "shift_started_at": SIGNED - timedelta(hours=8, minutes=5),
        "shift_ended_at": None,
        "outgoing": "王芳",
        "incoming": "李娜",
        "started_at": SIGNED - timedelta(minutes=12),
        "signed_at": SIGNED,
        "acknowledged_at": None,
        "fingerprint": "3f9a1c2e77b0" + "0" * 52,
        "history_head": 1234,
        "items": tuple(items),
        "as_of": SIGNED + timedelta(hours=15),
        "tz": ZoneInfo("Asia/Shanghai"),
    }
    values.update(kw)
    return SheetPublic(**values)  # type: ignore[arg-type]
