"""Past-tense messages the desk's workers post; only their handlers touch widgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from deskclerk.services.context import Context


class DeskOpened(Message):
    """The database is open and migrated; the desk can load its panes."""

    def __init__(self, ctx: Context, site: str, clerk: str, shift: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.site = site
        self.clerk = clerk
        self.shift = shift


class DeskFailed(Message):
    """The database could not be opened; `message` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class ClerkOnDuty(Message):
    """A clerk started a shift (first run or a deliberate switch)."""

    def __init__(self, site: str, clerk: str, shift: str) -> None:
        super().__init__()
        self.site = site
        self.clerk = clerk
        self.shift = shift


class RowsFetched(Message):
    """A page of a register arrived for a pane."""

    def __init__(
        self,
        items: list[Any],
        next_cursor: Any,
        append: bool,
        select: int | None,
        site_time: Any = None,
    ) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor
        self.append = append
        self.select = select
        self.site_time = site_time  # the first page comes before the desk's Context


class PaneLoaded(Message):
    """A pane shows its first page."""

    def __init__(self, pane_id: str) -> None:
        super().__init__()
        self.pane_id = pane_id


class RecordSaved(Message):
    """Something was saved (`kind`: call, visit, order, note); `text` tells the clerk what."""

    def __init__(self, kind: str, record_id: int | None, text: str, record: Any = None) -> None:
        super().__init__()
        self.kind = kind
        self.record_id = record_id
        self.text = text
        self.record = record  # the saved record's public shape, when the service returned it


class ActionFailed(Message):
    """A service refused or the database failed; `message` is worded for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class DeskChanged(Message):
    """Another desk (or this one) saved records of these kinds."""

    def __init__(self, kinds: frozenset[str], select: dict[str, int] | None = None) -> None:
        super().__init__()
        self.kinds = kinds
        self.select = select or {}  # pane id → record to put the cursor on


@dataclass(frozen=True)
class Counts:
    """The live figures in the status bar."""

    open_orders: int = 0
    overdue_orders: int = 0
    on_site: int = 0
    callbacks_due: int = 0
    capped: bool = False  # open_orders is a lower bound


class CountsFetched(Message):
    """Fresh figures for the status bar."""

    def __init__(self, counts: Counts) -> None:
        super().__init__()
        self.counts = counts
