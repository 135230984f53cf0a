"""CSV export, old way against new, in the same minute: `deskclerk export all -f csv`.

    .venv/bin/python benchmarks/bench_export.py --db /tmp/me-1m.db            # 5 runs of each
    git worktree add /tmp/old <commit>   # then, this tree against that commit's code:
    .venv/bin/python benchmarks/bench_export.py --db /tmp/me-1m.db --old /tmp/old/src
    .venv/bin/python benchmarks/bench_export.py --db /tmp/me-1m.db --register calls
    .venv/bin/python benchmarks/bench_export.py --db /tmp/me-1m.db --repeat 9 --format xlsx

Each run is a new process exporting every register of the database (or one,
--register) to a new folder, the ways taken in turn: "sql" (this tree: lines
built by SQLite, long exports in two processes), "python" (this tree's portable
writer, `CSV_IN_SQL = False`) and, with --old, "old" (the code under that
folder, lines built by SQLite).  Prints, per way, the median wall time, CPU
time (user + system of the process and its workers), peak memory, and the wall
and CPU time per 1,000,000 rows (target: ≤ 5 s wall, < 100 MB).  Checks that
every way wrote the same bytes.

Peak memory, three ways: "max MB" is ru_maxrss as wait4 reports it, the largest
of any ONE process of the run (a worker's peak is not added to its parent's);
"sum RSS" and "sum PSS" are the largest sums over the process and its children,
sampled every 10 ms from /proc in one more run of each way, not timed (reading
/proc costs CPU the export would miss); RSS counts pages a forked worker shares
with its parent twice, PSS splits them: the honest total.
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
import threading
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


Figures = tuple[float, float, float, int, float, float]  # wall, CPU, max MB, rows, sum RSS, PSS


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a demo database (not written)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each way")
    parser.add_argument("--format", default="csv", choices=("csv", "xlsx"))
    parser.add_argument("--register", default="all", help="calls, visitors, orders, notes, all")
    parser.add_argument("--old", type=Path, help="the src folder of an older checkout")
    parser.add_argument("--no-python", action="store_true", help="skip the portable writer")
    return parser.parse_args()


def _tree_kb(pid: int, field: str) -> int:
    """`field` (Rss, Pss) summed over `pid` and its children, in kB (0 once it is gone)."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                total += int(line.split()[1])
    except OSError:
        return 0
    return total + sum(_tree_kb(int(child), field) for child in children)


def _sample(pid: int, peaks: list[int], stop: threading.Event) -> None:
    while not stop.wait(0.01):
        peaks[0] = max(peaks[0], _tree_kb(pid, "Rss"))
        peaks[1] = max(peaks[1], _tree_kb(pid, "Pss"))


def _run(way: str, args: argparse.Namespace, target: Path, sample: bool = False) -> Figures:
    """(wall s, CPU s, max MB, rows, sum RSS MB, sum PSS MB) of one export in a new process."""
    fmt = args.format
    cmd = [sys.executable, "-c", _RUN, "python" if way == "python" else "sql", "--db", str(args.db)]
    cmd += ["export", args.register, "-f", fmt, "-o", str(target)]
    env = dict(os.environ)
    if way == "old":
        env["PYTHONPATH"] = str(args.old)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks, stop = [0, 0], threading.Event()
    sampler = threading.Thread(target=_sample, args=(proc.pid, peaks, stop))
    if sample:
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    if sample:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"export failed:\n{err}")
    rows = sum(int(n.replace(",", "")) for n in re.findall(r": ([0-9,]+) ", out))
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, rows, peaks[0] / 1024, peaks[1] / 1024


def _digest(path: Path) -> str:
    """The file's SHA-256, read in pieces (a child's peak memory counts the parent's)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv")) if folder.is_dir() else [folder]


def main() -> None:
    args = _args()
    ways = ["sql"] + ([] if args.no_python or args.format != "csv" else ["python"])
    ways += ["old"] if args.old else []
    figures: dict[str, list[Figures]] = {w: [] for w in ways}
    single = args.register != "all"
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        for run in range(args.repeat):
            for way in ways:
                target = Path(tmp) / f"{way}-{run}"
                if args.format == "xlsx" or single:
                    target = target.with_suffix(f".{args.format}")
                figures[way].append(_run(way, args, target))
            if args.format == "csv" and run == 0:
                made = {w: _files(next(Path(tmp).glob(f"{w}-0*"))) for w in ways}
                for way in ways[1:]:
                    if not single:
                        assert [p.name for p in made[way]] == [p.name for p in made["sql"]]
                    for a, b in zip(made["sql"], made[way], strict=True):
                        assert _digest(a) == _digest(b), f"{b.name} differs: sql vs {way}"
            for path in Path(tmp).glob(f"*-{run}*"):
                if run:  # keep the disk small: one output of each way is enough
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
        memory = {
            w: _run(w, args, Path(tmp) / f"{w}-m{'' if not single else '.csv'}", True) for w in ways
        }
    print(f"export {args.register} -f {args.format}, {args.repeat} runs of each way, medians")
    print(f"{'way':<8} {'rows':>9} {'wall s':>7} {'best':>5} {'CPU s':>6} {'max MB':>7} {'sum RSS':>8} "
          f"{'sum PSS':>8} {'wall/1M':>8} {'CPU/1M':>7}")  # fmt: skip
    for way, runs in figures.items():
        rows = runs[0][3]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        peak = max(r[2] for r in runs)
        rss, pss = memory[way][4:]
        print(
            f"{way:<8} {rows:>9,} {wall:>7.2f} {min(r[0] for r in runs):>5.2f} {cpu:>6.2f} {peak:>7.0f} {rss:>8.0f} {pss:>8.0f} "
            f"{wall * 1e6 / rows:>8.2f} {cpu * 1e6 / rows:>7.2f}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
