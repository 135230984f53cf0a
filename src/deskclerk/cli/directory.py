"""Directory commands (being built)."""

import typer

unit_app = typer.Typer(no_args_is_help=True)
resident_app = typer.Typer(no_args_is_help=True)
team_app = typer.Typer(no_args_is_help=True)
staff_app = typer.Typer(no_args_is_help=True)
