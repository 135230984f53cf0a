"""The headless core and the command line never pull in the desk's UI toolkit.

`deskclerk --help` must stay fast, and a phone system scripting the CLI must
not need a terminal UI: importing the services or the CLI leaves Textual
(and, for the CLI, the database and spreadsheet libraries) unloaded.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import deskclerk.services

SERVICE_MODULES = sorted(
    f"deskclerk.services.{m.name}" for m in pkgutil.iter_modules(deskclerk.services.__path__)
)


def _loaded_after(code: str) -> set[str]:
    """The top-level modules present in sys.modules after running `code` in a fresh Python."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_every_service_module_imports_without_textual() -> None:
    assert "deskclerk.services.search" in SERVICE_MODULES  # the list is real
    code = "\n".join(f"import {m}" for m in SERVICE_MODULES)
    loaded = _loaded_after(code + "\nimport deskclerk.cli")
    assert "textual" not in loaded


def test_cli_import_loads_no_database_or_spreadsheet_library() -> None:
    loaded = _loaded_after("import deskclerk.cli")
    assert "typer" in loaded  # the probe sees what it imported
    heavy = {"textual", "sqlmodel", "sqlalchemy", "openpyxl", "xlsxwriter", "fpdf"}
    assert not heavy & loaded, f"deskclerk.cli imports {sorted(heavy & loaded)} at start"


def test_help_runs_without_loading_heavy_libraries() -> None:
    code = (
        "import sys\nsys.argv = ['deskclerk', '--help']\nimport deskclerk.cli\n"
        "try:\n    deskclerk.cli.app()\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    assert not {"textual", "sqlmodel", "sqlalchemy", "openpyxl"} & loaded
