"""`deskclerk` alone (or with only --db) goes straight to the desk; anything else is the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from deskclerk.launch import desk_arguments


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], (True, None)),
        (["--db", "x.db"], (True, "x.db")),
        (["--db=x.db"], (True, "x.db")),
        (["--db", "x.db", "list", "calls"], (False, None)),
        (["--help"], (False, None)),
        (["--db"], (False, None)),
        (["--db", "--help"], (False, None)),
        (["demo"], (False, None)),
    ],
)
def test_only_the_bare_command_opens_the_desk(
    argv: list[str], expected: tuple[bool, str | None]
) -> None:
    assert desk_arguments(argv) == expected


def test_the_script_still_runs_commands() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv=['deskclerk','--version']; "
            "from deskclerk.launch import main; main()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0
    assert out.stdout.startswith("deskclerk ")
