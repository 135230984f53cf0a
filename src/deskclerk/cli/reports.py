"""Report commands (being built)."""

import typer

report_app = typer.Typer(no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the top-level report commands (stats) to `app`."""
