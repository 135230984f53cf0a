"""Benchmark of the core on a 1,000,000-record demo database (issue 2 targets).

    .venv/bin/python benchmarks/bench_core.py            # build benchmarks/out/core-1m.db, time
    .venv/bin/python benchmarks/bench_core.py --reuse    # time an existing database again

Times: demo generation (records/s), saving one call (median, p99 over --saves
saves with durable commits), the newest 100 of each register, a unit's
history, search across registers, and `deskclerk --help`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DESKCLERK,
    OUT,
    Result,
    build_demo,
    measured,
    peak_child_mb,
    print_table,
    times_ms,
)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=OUT / "core-1m.db")
    parser.add_argument(
        "--reuse", action="store_true", help="time an existing --db, do not rebuild"
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50, help="runs of each read")
    return parser.parse_args()


def main() -> None:
    args = _args()
    results: list[Result] = []
    if not (args.reuse and args.db.exists()):
        started = time.perf_counter()
        rate, summary = build_demo(args.db, records=args.records, days=args.days)
        wall = time.perf_counter() - started
        print(summary)
        print(f"demo wall time {wall:.1f} s, peak memory {peak_child_mb():.0f} MB\n")
        results.append(Result("demo generation", rate, None, 100_000, "records/s", higher=True))
        made = re.search(r"([0-9,]+) records,", summary)
        assert made, summary
        whole = float(made.group(1).replace(",", "")) / wall
        results.append(
            Result("demo, whole command (start, open, exit)", whole, None, 100_000, "records/s",
                   higher=True)
        )  # fmt: skip

    from deskclerk.services import calls, directory, notes, orders, search, visits
    from deskclerk.services.context import open_context

    ctx = open_context(str(args.db))
    saves = times_ms(
        lambda: calls.log_call(
            ctx, caller="王芳", phone="13800001234", category="inquiry",
            matter="parking fee for next month", clerk="bench",
        ),
        args.saves,
    )  # fmt: skip
    results.append(measured("save one call", saves, 2.0, tail=True))

    lists = {
        "calls": lambda: calls.list_calls(ctx, limit=100),
        "visits": lambda: visits.list_visits(ctx, limit=100),
        "orders": lambda: orders.list_orders(ctx, limit=100),
        "notes": lambda: notes.list_notes(ctx, limit=100),
    }
    for name, fn in lists.items():
        results.append(measured(f"newest 100 {name}", times_ms(fn, args.runs), 2.0, tail=True))
    page = calls.list_calls(ctx, limit=100)
    deeper = times_ms(lambda: calls.list_calls(ctx, limit=100, before=page.next), args.runs)
    results.append(measured("next 100 calls (keyset page)", deeper, 2.0, tail=True))

    unit = "3-1203"
    results.append(
        measured(
            f"unit history: calls of {unit}",
            times_ms(lambda: calls.list_calls(ctx, unit=unit, limit=100), args.runs),
            2.0,
        )
    )
    results.append(
        measured(
            f"unit history: orders of {unit}",
            times_ms(lambda: orders.list_orders(ctx, unit=unit, limit=100), args.runs),
            2.0,
        )
    )
    results.append(
        measured(
            "caller context (unit, residents, calls, orders)",
            times_ms(lambda: directory.caller_context(ctx, unit=unit), args.runs),
            None,
        )
    )
    resident = directory.get_unit(ctx, unit).residents
    last4 = resident[0].phone[-4:] if resident else "1234"
    for label, text in (("2-char Chinese name 王芳", "王芳"), (f"last 4 digits {last4}", last4),
                        ("English word 'leaking'", "leaking"), (f"unit {unit}", unit)):  # fmt: skip
        found = len(search.search(ctx, text))
        results.append(
            measured(
                f"search {label} ({found} hits)",
                times_ms(lambda t=text: search.search(ctx, t), args.runs),  # type: ignore[misc]
                5.0,
                tail=True,
            )
        )

    helps = []
    for _ in range(10):
        start = time.perf_counter()
        subprocess.run([*DESKCLERK, "--help"], capture_output=True, check=True)
        helps.append((time.perf_counter() - start) * 1000)
    results.append(
        Result("deskclerk --help (wall, python -m)", statistics.median(helps), None, 150)
    )
    script = Path(sys.executable).parent / "deskclerk"
    if script.exists():
        helps = []
        for _ in range(10):
            start = time.perf_counter()
            subprocess.run([str(script), "--help"], capture_output=True, check=True)
            helps.append((time.perf_counter() - start) * 1000)
        results.append(
            Result("deskclerk --help (wall, script)", statistics.median(helps), None, 150)
        )

    print(f"database {args.db} ({args.db.stat().st_size / 1e6:,.0f} MB)\n")
    print_table(results)


if __name__ == "__main__":
    main()
