"""The domain: one module per area.  No Textual, no Typer here."""
