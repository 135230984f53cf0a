"""CSV export, old way against new, in the same minute: `deskclerk export all -f csv`.

    .venv/bin/python benchmarks/bench_export.py --db /tmp/me-1m.db            # 5 runs of each
    .venv/bin/python benchmarks/bench_export.py --db /tmp/me-1m.db --repeat 9 --format xlsx

Each run is a new process exporting every register of the database to a new
folder: alternately with the lines built by SQLite (reports/csv_sql.py, the
default) and by the portable writer (`CSV_IN_SQL = False`, the way before).
Prints, per way, the median wall time, CPU time (user + system of the process)
and peak memory, and the wall and CPU time per 1,000,000 rows (target: ≤ 5 s
wall, < 100 MB).  Checks that both ways wrote the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs the CLI with the SQL lines on or off (argv[1]: "sql" or "python").
_RUN = (
    "import sys\n"
    "from deskclerk.reports import export\n"
    "export.CSV_IN_SQL = sys.argv.pop(1) == 'sql'\n"
    "from deskclerk.cli import main\n"
    "sys.argv[0] = 'deskclerk'\n"
    "main()\n"
)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a demo database (not written)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each way")
    parser.add_argument("--format", default="csv", choices=("csv", "xlsx"))
    return parser.parse_args()


def _run(way: str, db: Path, fmt: str, target: Path) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak MB, rows) of one export in a new process."""
    cmd = [sys.executable, "-c", _RUN, way, "--db", str(db), "export", "all", "-f", fmt]
    cmd += ["-o", str(target)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"export failed:\n{err}")
    rows = sum(int(n.replace(",", "")) for n in re.findall(r": ([0-9,]+) ", out))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, rows


def _digest(path: Path) -> str:
    """The file's SHA-256, read in pieces (a child's peak memory counts the parent's)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def main() -> None:
    args = _args()
    ways = ("python", "sql") if args.format == "csv" else ("sql",)
    figures: dict[str, list[tuple[float, float, float, int]]] = {w: [] for w in ways}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        for run in range(args.repeat):
            for way in ways:
                target = Path(tmp) / f"{way}-{run}"
                if args.format == "xlsx":
                    target = target.with_suffix(".xlsx")
                figures[way].append(_run(way, args.db, args.format, target))
            if args.format == "csv" and run == 0:
                for name in ("calls", "visitors", "orders", "notes"):
                    a, b = (_digest(Path(tmp) / w / f"{name}.csv") for w in ("python-0", "sql-0"))
                    assert a == b, f"{name}.csv differs between the two ways"
            for way in ways:
                if run:  # keep the disk small: one folder of each way is enough
                    shutil.rmtree(Path(tmp) / f"{way}-{run}", ignore_errors=True)
    print(f"export all -f {args.format}, {args.repeat} runs of each way, medians")
    print(f"{'way':<8} {'rows':>9} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'wall/1M':>8} "
          f"{'CPU/1M':>7}")  # fmt: skip
    for way, runs in figures.items():
        rows = runs[0][3]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        peak = max(r[2] for r in runs)
        print(
            f"{way:<8} {rows:>9,} {wall:>7.2f} {cpu:>6.2f} {peak:>8.0f} "
            f"{wall * 1e6 / rows:>8.2f} {cpu * 1e6 / rows:>7.2f}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
