"""Benchmark of the figures, the monthly report and the exports on a large demo database.

    .venv/bin/python benchmarks/bench_reports.py --db benchmarks/out/core-1m.db
    .venv/bin/python benchmarks/bench_reports.py --build     # make benchmarks/out/core-1m.db first

Times, on a database made by `deskclerk demo --records 1000000 --days 365`:
`services.stats.figures` for the last 365 days (median wall and CPU time of
--runs calls, total, by team and by category; the wall time is the query time:
the queries run at once on their own connections, so on two free cores it is
about the longest query, while CPU is the sum; for comparison the year and by
team are timed too with the queries one after the other on one connection, as
before, alternating with the usual way), `daily_counts` and the monthly
report's queries (`reports.monthly.build`) for last month, `deskclerk stats`
(total and by team) and `deskclerk report monthly` (md, pdf, xlsx) end to end
as new processes (the PDF after one untimed run that makes the print font's
cached copy), and `deskclerk export all` of the year to CSV and to XLSX with
the peak memory (maximum resident set) of the export process (--no-exports
leaves them out).  Prints medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DESKCLERK, OUT, Result, build_demo, print_table

# Runs a command and prints its peak resident memory (KiB) on the last line of stderr.
_PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(done.stdout); sys.stderr.write(done.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=OUT / "core-1m.db")
    parser.add_argument("--build", action="store_true", help="(re)build --db with deskclerk demo")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=20, help="calls of each figures query")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command")
    parser.add_argument(
        "--no-exports", action="store_true", help="time the figures and reports only"
    )
    return parser.parse_args()


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak MB, stdout) of one command run in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return wall, peak_kib / 1024, done.stdout


def _rows(printed: str) -> int:
    """Rows an export reported ("path: 1,234 calls" lines)."""
    total = 0
    for line in printed.splitlines():
        count = line.rsplit(": ", 1)[-1].split(" ")[0]
        total += int(count.replace(",", ""))
    return total


def main() -> None:
    args = _args()
    if args.build or not args.db.exists():
        _rate, summary = build_demo(args.db, records=args.records, days=args.days)
        print(summary, "\n")

    from deskclerk.services import stats
    from deskclerk.services.context import open_context

    ctx = open_context(str(args.db))
    until = ctx.now()
    since = until - timedelta(days=365)
    month_end = until.astimezone(ctx.tz).replace(day=1)
    month = (month_end - timedelta(days=1)).strftime("%Y-%m")
    from deskclerk.timeparse import month_bounds

    m_since, m_until = month_bounds(month, ctx.tz)
    results: list[Result] = []

    try:
        from deskclerk.services import stats_together
    except ImportError:  # older code (a worktree of an earlier commit): one way only
        stats_together = None  # type: ignore[assignment]

    def timed(
        name: str, call: Callable[[], object], target: float | None, compare: bool = False
    ) -> None:
        """Median wall and CPU of `call`; with `compare`, alternately with the queries
        read one by one on one connection (stats_together.ATTEMPTS = 0)."""
        call()  # warm the page cache
        usual = stats_together.ATTEMPTS if stats_together else 0
        ways = {"": usual}
        if compare and stats_together:
            ways[", one connection"] = 0
        walls: dict[str, list[float]] = {way: [] for way in ways}
        cpus: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(args.runs):
            for way, attempts in ways.items():
                if stats_together:
                    stats_together.ATTEMPTS = attempts
                w, c = time.perf_counter(), time.process_time()
                call()
                walls[way].append((time.perf_counter() - w) * 1000)
                cpus[way].append((time.process_time() - c) * 1000)
        if stats_together:
            stats_together.ATTEMPTS = usual
        for way in ways:
            results.append(
                Result(f"{name}{way}, wall", statistics.median(walls[way]), None, target)
            )
            results.append(Result(f"{name}{way}, CPU", statistics.median(cpus[way]), None, target))

    year = stats.figures(ctx, since=since, until=until)
    print(
        f"year {since:%Y-%m-%d} – {until:%Y-%m-%d}: {year.calls_total:,} calls, "
        f"{year.orders.logged:,} work orders, {year.overdue_total:,} overdue; report month {month}\n"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    timed(
        "stats.figures, a year",
        lambda: stats.figures(ctx, since=since, until=until),
        50,
        compare=True,
    )
    timed(
        "stats.figures by team, a year",
        lambda: stats.figures(ctx, since=since, until=until, by="team"),
        50,
        compare=True,
    )
    timed(
        "stats.figures by category, a year",
        lambda: stats.figures(ctx, since=since, until=until, by="category"),
        None,
    )
    timed("stats.daily_counts, a month", lambda: stats.daily_counts(ctx, m_since, m_until), 50)
    from deskclerk.reports import monthly

    timed("monthly report's queries (build), a month", lambda: monthly.build(ctx, month), 50)

    env = dict(os.environ)
    out = OUT / "reports"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    base = [*DESKCLERK, "--db", str(args.db)]
    local_since = since.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")
    local_until = until.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")
    period = ["--since", local_since, "--until", local_until]

    def command(name: str, cmd: list[str], target: float | None) -> None:
        walls, peaks = [], []
        for _ in range(args.repeat):
            wall, peak, _ = _run(cmd, env)
            walls.append(wall * 1000)
            peaks.append(peak)
        results.append(Result(name, statistics.median(walls), None, target))
        results.append(Result(f"{name}, peak memory", max(peaks), None, None, "MB"))

    command("deskclerk stats, a year", [*base, "stats", *period], 1000)
    command("deskclerk stats --by team, a year", [*base, "stats", *period, "--by", "team"], 1000)
    for fmt in ("md", "pdf", "xlsx"):
        target_file = out / f"monthly.{fmt}"
        cmd = [*base, "report", "monthly", "--month", month, "-f", fmt, "-o", str(target_file)]
        cmd.append("--force")  # each run replaces the last one's file
        if fmt == "pdf":
            _run(cmd, env)  # the first PDF makes the print font's cached quick copy (1-3 s)
        command(f"deskclerk report monthly -f {fmt}", cmd, 1000)

    for fmt, per_million in () if args.no_exports else (("csv", 5000.0), ("xlsx", 45000.0)):
        walls, peaks, rows = [], [], 0
        for i in range(args.repeat):
            target_path = out / (f"year-{i}" if fmt == "csv" else f"year-{i}.xlsx")
            cmd = [*base, "export", "all", "-f", fmt, "-o", str(target_path), *period]
            wall, peak, printed = _run(cmd, env)
            rows = _rows(printed)
            walls.append(wall * 1000)
            peaks.append(peak)
        wall = statistics.median(walls)
        year_target = per_million * rows / 1e6
        results.append(
            Result(f"export all -f {fmt}, a year ({rows:,} rows)", wall, None, year_target)
        )
        results.append(
            Result(
                f"export -f {fmt}, per 1,000,000 rows", wall * 1e6 / max(rows, 1), None, per_million
            )
        )
        results.append(Result(f"export -f {fmt}, peak memory", max(peaks), None, 100, "MB"))

    print(f"load average after: {os.getloadavg()[0]:.2f}\n")
    print_table(results)
    print(json.dumps({"month": month, "db": str(args.db)}))


if __name__ == "__main__":
    main()
