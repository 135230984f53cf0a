"""The directory: units, residents, lookup, teams, staff, settings."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from deskclerk.db import session_scope
from deskclerk.errors import Conflict, InvalidInput, NotFound
from deskclerk.services import calls, directory, records, search
from deskclerk.services.context import Context


@pytest.fixture
def desk(ctx: Context) -> Context:
    directory.add_unit(ctx, "3-1203", building="3", area="north", clerk="Amy")
    directory.add_unit(ctx, "3-1204", building="3", area="north", clerk="Amy")
    directory.add_unit(ctx, "0801", building="8", clerk="Amy")
    directory.add_unit(ctx, "801", building="8", clerk="Amy")
    directory.add_resident(ctx, "3-1203", "王芳芳", "138-0000-1234", clerk="Amy")
    directory.add_resident(ctx, "3-1204", "Peter Wilson", "+86 139 1111 5678", clerk="Amy")
    directory.add_resident(ctx, "0801", "李雷", "13700005678", is_owner=False, clerk="Amy")
    return ctx


def audit_rows(ctx: Context, entity: str) -> list[tuple[str, str, str]]:
    with session_scope(ctx.engine) as s:
        rows = s.execute(
            sa.text("SELECT action, actor, new FROM audit WHERE entity = :e ORDER BY id"),
            {"e": entity},
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_unit_codes_are_text_with_leading_zeros(desk: Context) -> None:
    assert directory.get_unit(desk, "0801").building == "8"
    assert directory.get_unit(desk, "801").id != directory.get_unit(desk, "0801").id
    assert directory.get_unit(desk, "0801").residents[0].name == "李雷"
    assert directory.get_unit(desk, "801").residents == ()


def test_unit_codes_match_case_insensitively(ctx: Context) -> None:
    unit = directory.add_unit(ctx, "b2-12a", clerk="Amy")
    assert unit.code == "B2-12A"
    assert directory.get_unit(ctx, "B2-12a").id == unit.id


def test_unknown_unit_says_what_to_do(desk: Context) -> None:
    with pytest.raises(NotFound) as err:
        directory.get_unit(desk, "3-9999")
    assert str(err.value) == "unit 3-9999 is not in the directory — add it or pick another"


def test_duplicate_unit_is_a_conflict_in_plain_words(desk: Context) -> None:
    with pytest.raises(Conflict, match="unit 0801 is in the directory already"):
        directory.add_unit(desk, "0801", clerk="Amy")
    with pytest.raises(Conflict):
        directory.add_unit(desk, "3-1203 ".lower(), clerk="Amy")


def test_adding_is_audited_with_the_clerk(desk: Context) -> None:
    assert audit_rows(desk, "unit")[0] == ("create", "Amy", "3-1203")
    assert audit_rows(desk, "resident")[0] == ("create", "Amy", "王芳芳 (3-1203)")


def test_find_units_by_prefix_in_code_order(desk: Context) -> None:
    assert [u.code for u in directory.find_units(desk, "3-12")] == ["3-1203", "3-1204"]
    assert [u.code for u in directory.find_units(desk, "08")] == ["0801"]
    assert [u.code for u in directory.find_units(desk, "3", limit=1)] == ["3-1203"]
    assert directory.find_units(desk, "9") == []


def test_resident_gets_its_phone_last4(desk: Context) -> None:
    res = directory.add_resident(desk, "801", "Anna Lee", "021-6123 4567", clerk="Amy")
    with session_scope(desk.engine) as s:
        last4 = s.execute(sa.text("SELECT phone_last4 FROM resident WHERE id = :i"), {"i": res.id})
        assert last4.scalar() == "4567"
    assert res.unit_code == "801" and res.is_owner


def test_resident_needs_a_known_unit_and_a_name(desk: Context) -> None:
    with pytest.raises(NotFound, match="3-9999"):
        directory.add_resident(desk, "3-9999", "X", clerk="Amy")
    with pytest.raises(InvalidInput, match="name is required"):
        directory.add_resident(desk, "0801", "  ", clerk="Amy")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("3-1203", ["王芳芳"]),  # unit code, exact
        ("3-12", ["王芳芳", "Peter Wilson"]),  # unit code, prefix
        ("0801", ["李雷"]),  # leading zero kept: not unit 801
        ("13800001234", ["王芳芳"]),  # full phone, stored with dashes
        ("138 0000 1234", ["王芳芳"]),  # typed with spaces
        ("1234", ["王芳芳"]),  # last 4 digits
        ("5678", ["Peter Wilson", "李雷"]),
        ("芳芳", ["王芳芳"]),  # 2-character Chinese name inside a longer one
        ("王芳", ["王芳芳"]),
        ("wils", ["Peter Wilson"]),  # English word by prefix
        ("peter wilson", ["Peter Wilson"]),
        ("nobody", []),
        ("", []),
    ],
)
def test_lookup(desk: Context, text: str, names: list[str]) -> None:
    assert sorted(r.name for r in directory.lookup(desk, text)) == sorted(names)


def test_lookup_exact_unit_comes_before_prefix_matches(desk: Context) -> None:
    directory.add_unit(desk, "3-120", clerk="Amy")
    directory.add_resident(desk, "3-120", "Zed", clerk="Amy")
    found = directory.lookup(desk, "3-120")
    assert found[0].name == "Zed"
    assert {r.name for r in found} == {"Zed", "王芳芳", "Peter Wilson"}
    assert len(directory.lookup(desk, "3-12", limit=1)) == 1


def test_lookup_leaves_out_voided_residents(desk: Context) -> None:
    res = directory.lookup(desk, "1234")[0]
    records.void(desk, "resident", res.id, reason="moved out", clerk="Amy")
    assert directory.lookup(desk, "1234") == []
    assert directory.lookup(desk, "王芳") == []


def test_lookup_uses_indexes_not_scans(desk: Context) -> None:
    """The last-4 and unit-code branches of lookup must be index searches."""
    with session_scope(desk.engine) as s:
        plans = [
            " ".join(str(r[-1]) for r in s.execute(sa.text(f"EXPLAIN QUERY PLAN {q}")))
            for q in (
                "SELECT id FROM resident WHERE phone_last4 = '1234'",
                "SELECT id FROM unit WHERE code >= '3-12' AND code < '3-12\U0010ffff'",
            )
        ]
    assert all("USING" in p and "INDEX" in p for p in plans), plans


def test_index_body_of_a_resident_equals_the_rebuilt_one(desk: Context) -> None:
    with session_scope(desk.engine) as s:
        saved = dict(s.execute(sa.text("SELECT rowid, body FROM search_resident")).all())
        rebuilt = {i: search.source_body(s, "resident", i) for i in saved}
    assert saved == rebuilt
    assert "1234" in saved[1].split() and "13800001234" in saved[1].split()


def test_teams(ctx: Context) -> None:
    team = directory.add_team(
        ctx, "Plumbing", categories="plumbing, Water,plumbing", areas=["north", "S"], clerk="Amy"
    )
    assert team.categories == ("plumbing", "water")
    assert team.areas == ("NORTH", "S")
    directory.add_team(ctx, "Electric", categories=["electrical"], clerk="Amy")
    assert [t.name for t in directory.list_teams(ctx)] == ["Electric", "Plumbing"]
    with pytest.raises(Conflict, match="team called Plumbing"):
        directory.add_team(ctx, "Plumbing", clerk="Amy")


def test_staff_with_pin(ctx: Context) -> None:
    directory.add_team(ctx, "Plumbing", clerk="Amy")
    tech = directory.add_staff(ctx, "张伟", role="technician", team="plumbing", clerk="Amy")
    assert tech.team_name == "Plumbing"
    directory.add_staff(ctx, "Amy", role="supervisor", pin="4321", clerk="Amy")
    assert directory.check_pin(ctx, "Amy", "4321")
    assert not directory.check_pin(ctx, "Amy", "1234")
    assert not directory.check_pin(ctx, "张伟", "")  # no PIN set: nothing matches
    assert not directory.check_pin(ctx, "Nobody", "4321")
    with session_scope(ctx.engine) as s:
        stored = s.execute(sa.text("SELECT pin_hash FROM staff WHERE name = 'Amy'")).scalar()
    assert "4321" not in stored
    assert [s.name for s in directory.list_staff(ctx, role="technician")] == ["张伟"]
    assert len(directory.list_staff(ctx)) == 2
    with pytest.raises(InvalidInput, match="role"):
        directory.add_staff(ctx, "Bob", role="boss", clerk="Amy")
    with pytest.raises(InvalidInput, match="PIN"):
        directory.add_staff(ctx, "Bob", pin="12", clerk="Amy")
    with pytest.raises(NotFound, match="no team called Gardening"):
        directory.add_staff(ctx, "Bob", team="Gardening", clerk="Amy")
    with pytest.raises(Conflict):
        directory.add_staff(ctx, "Amy", clerk="Amy")


def test_caller_context_by_phone_and_by_unit(desk: Context) -> None:
    calls.log_call(desk, caller="王芳芳", matter="tap", clerk="Amy", unit="3-1203")
    calls.log_call(desk, caller="Peter", matter="door", clerk="Amy", unit="3-1204")
    by_phone = directory.caller_context(desk, phone="13800001234")
    assert by_phone.unit is not None and by_phone.unit.code == "3-1203"
    assert [c.matter for c in by_phone.recent_calls] == ["tap"]
    by_unit = directory.caller_context(desk, unit="3-1204")
    assert [r.name for r in by_unit.residents] == ["Peter Wilson"]
    assert [c.matter for c in by_unit.recent_calls] == ["door"]
    unknown = directory.caller_context(desk, phone="99999999")
    assert unknown.unit is None and unknown.residents == [] and unknown.recent_calls == []
    assert directory.caller_context(desk, unit="3-9999").unit is None


def test_caller_context_with_a_phone_shared_by_two_units_names_no_unit(desk: Context) -> None:
    directory.add_resident(desk, "3-1204", "Tom", "13800001234", clerk="Amy")
    found = directory.caller_context(desk, phone="138-0000-1234")
    assert found.unit is None
    assert {r.name for r in found.residents} == {"王芳芳", "Tom"}


def test_settings_keep_their_history(ctx: Context) -> None:
    assert directory.get_setting(ctx, "site_name", "none") == "none"
    directory.set_setting(ctx, "site_name", "Test Gardens", clerk="Amy")
    directory.set_setting(ctx, "site_name", "Test Gardens", clerk="Amy")  # unchanged: no entry
    directory.set_setting(ctx, "site_name", "Rose Court", clerk="Bob")
    assert directory.get_setting(ctx, "site_name") == "Rose Court"
    assert audit_rows(ctx, "setting") == [
        ("set", "Amy", "Test Gardens"),
        ("set", "Bob", "Rose Court"),
    ]


def test_a_team_is_found_by_the_start_of_its_name_and_choices_are_listed(ctx: Context) -> None:
    directory.add_team(ctx, "Electrical 电工班", categories="electrical", clerk="t")
    directory.add_team(ctx, "Plumbing North 水电一班", categories="plumbing", clerk="t")
    directory.add_team(ctx, "Plumbing South 水电二班", categories="plumbing", clerk="t")
    amy = directory.add_staff(ctx, "Amy", role="technician", team="electrical", clerk="t")
    assert amy.team_name == "Electrical 电工班"
    with pytest.raises(
        NotFound, match="fits several teams: Plumbing North 水电一班, Plumbing South"
    ):
        directory.add_staff(ctx, "Bob", team="plumbing", clerk="t")
    with pytest.raises(NotFound, match="Teams: Electrical 电工班, Plumbing North"):
        directory.add_staff(ctx, "Bob", team="Gardening", clerk="t")
