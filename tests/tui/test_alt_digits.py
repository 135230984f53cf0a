"""Alt+1…4 switch panes in a real terminal (ESC followed by the digit)."""

from __future__ import annotations

from textual._xterm_parser import XTermParser

from deskclerk.tui.keys import APP_BINDINGS, let_alt_digits_through


def keys_for(data: str) -> list[str]:
    parser = XTermParser()
    found = [t.key for t in parser.feed(data) if hasattr(t, "key")]
    found += [t.key for t in parser.feed("") if hasattr(t, "key")]  # no more input comes
    return found


def test_esc_digit_reads_as_alt_digit() -> None:
    let_alt_digits_through()
    assert keys_for("\x1b2") == ["alt+2"]
    assert keys_for("\x1b4") == ["alt+4"]


def test_each_alt_digit_is_a_pane_key() -> None:
    keys = {b.id: b.key for b in APP_BINDINGS}
    for n, pane in enumerate(("calls", "visitors", "dispatch", "handover"), start=1):
        assert f"alt+{n}" in keys[f"desk.pane_{pane}"].split(",")
