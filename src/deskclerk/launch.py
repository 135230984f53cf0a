"""The `deskclerk` script: straight to the desk when no command is given.

Opening the desk is what a clerk does most; it should not first pay for
building the whole command line (Typer and every sub-command).
"""

from __future__ import annotations

import sys


def desk_arguments(argv: list[str]) -> tuple[bool, str | None]:
    """Whether `argv` only asks for the desk, and the --db it names if any."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > 5:
        return True, argv[0][5:]
    return False, None


def main() -> None:
    """Entry point: the desk for `deskclerk [--db X]`, else the command line."""
    desk_only, db = desk_arguments(sys.argv[1:])
    if desk_only:
        import gc

        # no collections while the desk loads (they took 40 ms of its first second); the
        # desk freezes what it loaded and turns collection back on (DeskApp.settle_memory)
        gc.disable()
        from deskclerk.errors import DeskError
        from deskclerk.tui.early import EarlyCalls

        # the newest calls are read while Textual loads: they are what the clerk waits for
        early = EarlyCalls(db)
        try:
            from deskclerk.tui.app import run_desk

            run_desk(db, early)
        except DeskError as exc:
            print(f"deskclerk: {exc.message}", file=sys.stderr)
            raise SystemExit(1) from None
        return
    from deskclerk.cli import main as cli_main

    cli_main()
