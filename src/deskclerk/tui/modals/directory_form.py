"""F12 (or from the call form): add a unit, a resident, or both, to the directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from deskclerk.errors import InvalidInput
from deskclerk.tui.modals.form import Field, RecordForm
from deskclerk.tui.modals.order_actions import yes_no

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.services.directory import ResidentPublic


@dataclass(frozen=True)
class DirectoryAdded:
    """What a directory form added: the unit (if it was new) and the resident (if named)."""

    unit: str
    unit_added: bool
    resident: ResidentPublic | None


class DirectoryForm(RecordForm):
    """A unit (new or already listed) and, if a name is typed, a resident of it."""

    TITLE = "Add to the directory"
    KIND = "unit"

    def __init__(self, unit: str = "", name: str = "", phone: str = "", then: str = "") -> None:
        """Prefilled with what the clerk typed elsewhere; `then` says what happens after."""
        super().__init__()
        self.prefill = {"unit": unit, "name": name, "phone": phone}
        self.then = then

    def fields(self) -> list[Field]:
        p = self.prefill
        return [
            Field("unit", "Unit", "e.g. 3-1203 (new, or one listed already)", value=p["unit"]),
            Field("building", "Building (a new unit)", "e.g. 3"),
            Field("area", "Area (a new unit; teams cover areas)", "e.g. north"),
            Field("name", "Resident's name", "blank: only the unit", value=p["name"]),
            Field("phone", "Phone number", value=p["phone"]),
            Field("owner", "Owner? (y/n)", "y or n", value="y", suggestions=("y", "n")),
        ]

    def on_mount(self) -> None:
        if self.then:
            self.query_one(".form-title", Static).update(Text(f"{self.TITLE} ({self.then})"))
        if self.prefill["unit"]:  # the unit is known: what the directory lacks comes first
            # after the base's on_mount (Textual runs it too), which focuses the first field
            self.call_after_refresh(self.field("building").focus)

    def save(self, ctx: Context, clerk: str, values: dict[str, str]) -> Any:
        from deskclerk import cleaning
        from deskclerk.services import directory

        code = cleaning.clean_unit_code(values["unit"])
        name, phone = values["name"].strip(), values["phone"]
        owner = yes_no(values["owner"], "Owner", required=False)
        same = [u for u in directory.find_units(ctx, code, limit=1) if u.code == code]
        listed = bool(same)
        if listed and (values["building"].strip(), values["area"].strip()) not in {
            ("", ""),
            (same[0].building, same[0].area),
        }:
            raise InvalidInput(
                f"Unit {code} is listed already (building {same[0].building or '–'}, area "
                f"{same[0].area or '–'}); clear building and area to add a resident to it.",
                field="building",
            )
        if listed and not name:
            raise InvalidInput(
                f"Unit {code} is in the directory already: type a resident's name to add one.",
                field="name",
            )
        if name:  # refused before the unit is written, so a retry adds both
            cleaning.clean_name(name, "resident's name")
            cleaning.clean_phone(phone)
        if not listed:
            directory.add_unit(
                ctx, code, building=values["building"], area=values["area"], clerk=clerk
            )
        resident = None
        if name:
            resident = directory.add_resident(
                ctx, code, name, phone, is_owner=owner is not False, clerk=clerk
            )
        return DirectoryAdded(code, not listed, resident)

    def saved_text(self, result: Any) -> str:
        added: DirectoryAdded = result
        if added.resident is None:
            return f"Unit {added.unit} added to the directory."
        if added.unit_added:
            return f"Unit {added.unit} added, with {added.resident.name}."
        return f"{added.resident.name} added to unit {added.unit}."
