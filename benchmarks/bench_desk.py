"""How fast the desk answers, measured in a real pseudo-terminal, as a clerk would feel it.

    .venv/bin/deskclerk --db /tmp/big.db demo --records 1000000 --days 365
    .venv/bin/python benchmarks/bench_desk.py --db /tmp/big.db [--size 80x24] [--runs 5]

Measures, from the bytes the desk writes to the terminal:
  launch → first frame (the quick line's prompt painted), launch → newest call on screen,
  navigation key (↓, F7–F10) → frame written, search keystroke → results written,
  quick-line Enter → the saved call in the list (written in a table row, not the input).
The key phases start once the desk is open (its figures are in the status bar).
Prints median, p95 and worst of each in milliseconds.  The database gets a site
name and a clerk on duty if it has none (so the desk opens straight onto the panes).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[PX^_].*?\x1b\\|\x1b[@-_]")
KEYS = {
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "f6": b"\x1b[17~",
    "f7": b"\x1b[18~",
    "f8": b"\x1b[19~",
    "f9": b"\x1b[20~",
    "f10": b"\x1b[21~",
    "escape": b"\x1b",
    "enter": b"\r",
}


def prepare(db: str) -> tuple[str, str]:
    """Make sure the desk opens onto its panes; return (newest caller, a search word)."""
    from deskclerk.services.calls import list_calls
    from deskclerk.services.context import open_context
    from deskclerk.services.directory import find_units, get_setting, set_setting
    from deskclerk.services.shifts import current_shift, start_shift

    ctx = open_context(db)
    if not (get_setting(ctx, "site_name") or ctx.settings.site_name):
        set_setting(ctx, "site_name", "Benchmark Gardens", clerk="Bench")
    if current_shift(ctx) is None:
        start_shift(ctx, "Bench")
    newest = list_calls(ctx, limit=1).items
    caller = newest[0].caller if newest else ""
    # the quick line needs a unit with a resident on file (it names the caller)
    unit = next((u.code for u in find_units(ctx, "", limit=50) if u.residents), "")
    if not unit:
        raise SystemExit("no unit with a resident: make the database with `deskclerk demo`")
    ctx.engine.dispose()
    return caller, unit


BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('quick line')\n"
    "Bare().run()\n"
)


class Desk:
    """The desk (or, for a baseline, a bare Textual app) in a pseudo-terminal."""

    def __init__(self, db: str, cols: int, rows: int, bare: bool = False) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        exe = Path(sys.executable).with_name("deskclerk")
        command = [sys.executable, "-c", BARE_APP] if bare else [str(exe), "--db", db]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.seen = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return b""
        self.seen += data
        return data

    def wait_text(self, text: str, since: float, limit: float = 20.0) -> float:
        """Seconds from `since` until `text` shows in the (escape-stripped) output."""
        buf = b""
        needle = text.encode()
        while time.perf_counter() - since < limit:
            chunk = self.read(0.05)
            if chunk:
                buf += chunk
                if needle in ANSI.sub(b"", buf):
                    return time.perf_counter() - since
        tail = ANSI.sub(b"", buf)[-400:].decode(errors="replace")
        raise TimeoutError(f"{text!r} did not show within {limit} s; last output: {tail!r}")

    def wait_in_rows(self, text: str, since: float, last_row: int, limit: float = 5.0) -> float:
        """Seconds from `since` until `text` is written on a screen row ≤ `last_row` (1-based).

        Textual moves the cursor to each line it rewrites; text counts only where it
        lands above `last_row`, so a line still in the quick line's input does not.
        """
        buf = b""
        needle = text.encode()
        while time.perf_counter() - since < limit:
            chunk = self.read(0.05)
            if not chunk:
                continue
            buf += chunk
            for row, segment in _rows_written(buf):
                if row <= last_row and needle in segment:
                    return time.perf_counter() - since
        raise TimeoutError(f"{text!r} was not written above row {last_row} within {limit} s")

    def until_quiet(self, since: float, quiet: float = 0.15, limit: float = 5.0) -> float:
        """Seconds from `since` to the last byte written before `quiet` s of silence."""
        last = None
        while time.perf_counter() - since < limit:
            chunk = self.read(quiet)
            if not chunk:
                break
            last = time.perf_counter()
        return (last or time.perf_counter()) - since

    def drain(self, quiet: float = 0.3, limit: float = 5.0) -> None:
        end = time.perf_counter() + limit
        while self.read(quiet) and time.perf_counter() < end:
            pass

    def cpu_ms(self) -> float:
        """CPU time of the desk's main thread (the event loop) so far, in ms (Linux; else 0)."""
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/schedstat") as f:
                return int(f.read().split()[0]) / 1e6
        except OSError:
            return 0.0

    def key(self, keys: bytes, cpu: list[float], quiet: float = 0.15) -> float:
        """Press `keys`: seconds to the last byte written; the event loop's CPU goes to `cpu`."""
        before = self.cpu_ms()
        seconds = self.until_quiet(self.send(keys), quiet=quiet)
        cpu.append((self.cpu_ms() - before) / 1000)
        return seconds

    def send(self, keys: bytes) -> float:
        os.write(self.master, keys)
        return time.perf_counter()

    def close(self) -> None:
        try:
            os.write(self.master, b"\x11")  # Ctrl+Q
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=5)
        os.close(self.master)


MOVE = re.compile(rb"\x1b\[(\d+);(\d+)H")


def _rows_written(buf: bytes) -> list[tuple[int, bytes]]:
    """(row, text without escapes) of each piece of `buf` that starts with a cursor move."""
    moves = list(MOVE.finditer(buf))
    pieces = []
    for i, move in enumerate(moves):
        end = moves[i + 1].start() if i + 1 < len(moves) else len(buf)
        pieces.append((int(move.group(1)), ANSI.sub(b"", buf[move.end() : end])))
    return pieces


def summary(name: str, seconds: list[float], cpu: list[float] | None = None) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    line = (
        f"{name:<34} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"
        f"   worst {ms[-1]:7.1f} ms   (n={len(ms)})"
    )
    if cpu:
        line += f"   cpu median {statistics.median(cpu) * 1000:5.1f} ms"
    return line


def run(db: str, cols: int, rows: int, runs: int) -> None:
    caller, unit = prepare(db)
    bare = []
    for _ in range(runs):
        app = Desk(db, cols, rows, bare=True)
        bare.append(app.wait_text("quick line", app.started))
        app.close()
    first, newest = [], []
    nav, panes, search, save = [], [], [], []
    cpu: dict[str, list[float]] = {"nav": [], "panes": [], "search": [], "save": []}
    for n in range(runs):
        desk = Desk(db, cols, rows)
        try:
            first.append(desk.wait_text("quick line", desk.started))
            newest.append(desk.wait_text(caller[:3], desk.started) if caller else 0.0)
            desk.wait_text("│ WO ", desk.started)  # the status bar's figures: the desk is open
            desk.drain()
            for _ in range(10):
                nav.append(desk.key(KEYS["down"], cpu["nav"]))
            for key in ("f8", "f9", "f10", "f7"):
                panes.append(desk.key(KEYS[key], cpu["panes"], quiet=0.3))
            desk.drain()
            desk.send(KEYS["f6"])
            desk.drain()
            for ch in unit:
                search.append(desk.key(ch.encode(), cpu["search"], quiet=0.25))
            desk.send(KEYS["escape"])
            desk.drain()
            for i in range(3):
                token = f"fee{n}{i}x"
                desk.send(b":")
                desk.drain()
                for ch in f"{unit} inquiry {token}":  # a keystroke at a time, as typed
                    desk.send(ch.encode())
                    time.sleep(0.01)
                desk.drain(0.5)
                # the newest call is the table's top row, in the upper half of the screen
                before = desk.cpu_ms()
                save.append(desk.wait_in_rows(token, desk.send(KEYS["enter"]), rows // 2))
                cpu["save"].append((desk.cpu_ms() - before) / 1000)
                desk.drain()
        finally:
            desk.close()
    print(f"desk benchmark on {db} at {cols}x{rows}, {runs} launches")
    print("wall time from the key (or the launch) to the frame; cpu: the desk's event loop")
    print(summary("bare Textual app → first frame", bare))
    print(summary("launch → first frame", first))
    print(summary("launch → newest calls on screen", newest))
    print(summary("↓ → frame", nav, cpu["nav"]))
    print(summary("F7–F10 pane switch → frame", panes, cpu["panes"]))
    print(summary("search keystroke → results", search, cpu["search"]))
    print(summary("quick line Enter → call in list", save, cpu["save"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="database file (make one with deskclerk demo)")
    parser.add_argument("--size", default="80x24", help="terminal size, e.g. 160x48")
    parser.add_argument("--runs", type=int, default=3, help="launches to measure")
    args = parser.parse_args()
    cols, rows = (int(v) for v in args.size.lower().split("x"))
    run(args.db, cols, rows, args.runs)


if __name__ == "__main__":
    main()
