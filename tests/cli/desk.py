"""Running `deskclerk` commands in-process against a temporary database file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from deskclerk.cli import app

SITE_TZ = "Asia/Shanghai"


class Desk:
    """`desk("call", "add", …)` runs `deskclerk --db FILE call add …` and returns the result."""

    def __init__(self, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db_path = db_path
        config = db_path.parent / "config.toml"
        config.write_text(f'[site]\nname = "Test Gardens"\ntimezone = "{SITE_TZ}"\n')
        monkeypatch.setenv("DESKCLERK_CONFIG", str(config))
        monkeypatch.setenv("DESKCLERK_CLERK", "Desk Clerk")
        monkeypatch.setenv("COLUMNS", "200")
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, ["--db", str(self.db_path), *args], input=input)

    def create(self) -> None:
        """Make the database file, empty, as the desk does when it first opens it."""
        from deskclerk.services.context import open_context

        open_context(str(self.db_path)).engine.dispose()

    def ok(self, *args: str, input: str | None = None) -> str:
        """Run a command that must succeed; its stdout."""
        result = self(*args, input=input)
        assert result.exit_code == 0, (result.exit_code, result.output, result.exception)
        return result.stdout

    def fails(self, *args: str, code: int = 1) -> str:
        """Run a command that must fail with `code`, cleanly; its stderr."""
        result = self(*args)
        assert result.exit_code == code, (result.exit_code, result.output)
        assert "Traceback" not in result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), result.exception
        return result.stderr

    def new_id(self, *args: str) -> int:
        """Run a command that creates something; the id it printed."""
        return int(self.ok(*args).strip())

    def rows(self, *args: str) -> list[dict[str, Any]]:
        """A list command's JSON output."""
        data = json.loads(self.ok(*args, "--format", "json"))
        assert isinstance(data, list)
        return data
