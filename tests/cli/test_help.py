"""`deskclerk --help` stays fast: the command line imports nothing heavy until a command runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from deskclerk.cli import app

HEAVY = ("sqlmodel", "sqlalchemy", "openpyxl", "xlsxwriter", "textual")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESKCLERK_CONFIG": os.devnull}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


def test_importing_the_command_line_loads_nothing_heavy() -> None:
    probe = _python(
        f"import sys, deskclerk.cli\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "", f"imported at start-up: {probe.stdout.strip()}"


def test_python_dash_m_help_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deskclerk", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DESKCLERK_CONFIG": os.devnull},
    )
    assert result.returncode == 0, result.stderr
    for command in ("call", "visitor", "note", "unit", "list", "backup", "check", "where"):
        assert command in result.stdout


def _command_paths(group: typer.Typer) -> list[list[str]]:
    """Every command and sub-command, as the words typed to reach it."""
    command = typer.main.get_command(group)
    paths: list[list[str]] = []

    def walk(cmd: object, prefix: list[str]) -> None:
        children = getattr(cmd, "commands", None)
        if children is None:
            paths.append(prefix)
            return
        for name, child in children.items():
            walk(child, [*prefix, name])

    walk(command, [])
    return paths


MINE = {"call", "visitor", "note", "unit", "resident", "team", "staff", "list"}
MINE_TOP = {"where", "backup", "check", "search", "amend", "void", "history"}


@pytest.mark.parametrize(
    "path",
    [p for p in _command_paths(app) if p[0] in MINE or p[0] in MINE_TOP],
    ids=" ".join,
)
def test_every_command_has_help(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    command = typer.main.get_command(app)
    for word in path:
        command = command.commands[word]  # type: ignore[attr-defined]
    assert command.help or command.short_help, f"{' '.join(path)} has no description"
