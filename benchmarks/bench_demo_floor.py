"""How fast the demo's rows can be written at all: the writing side on its own.

    .venv/bin/python benchmarks/bench_demo_floor.py                 # 1,000,000 records, 3 runs
    .venv/bin/python benchmarks/bench_demo_floor.py --runs 5 --records 200000

`deskclerk demo` draws the rows in a worker process while its own process writes
them.  This script separates the two: it draws the whole demo into memory first
(as the marshal batches the worker sends), then writes those batches into a new
file, as the demo's writer does (same connection settings, one transaction,
durable commit in WAL mode), with nothing else running.  The write and commit
time is the floor of `deskclerk demo`: the rate it would reach if drawing the
rows cost nothing.

Each run writes the batches four ways, one after the other:
  everything      the records, their history entries and their search text;
  no search text  without the search tables;
  no history      without the history table;
  records only    without either (what the record count counts).
The last three are measurements only: such a file is not a valid desk file.
"""

from __future__ import annotations

import argparse
import gc
import marshal
import statistics
import sys
import time
from pathlib import Path

from deskclerk.services.context import open_context
from deskclerk.services.demo import demo_plan, plan_units
from deskclerk.services.demo_bulk import DatabaseSink
from deskclerk.services.demo_load import load_settings, search_load_settings
from deskclerk.services.demo_make import collector_paused, generate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT

EXTRA = ("audit", "search_")  # tables that are not records: history, search text
LEFT_OUT: dict[str, tuple[str, ...]] = {
    "everything": (),
    "no search text": ("search_",),
    "no history": ("audit",),
    "records only": EXTRA,
}


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=OUT / "floor.db")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def _fresh(db: Path) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def draw(db: Path, records: int, days: int) -> tuple[list[bytes], float]:
    """The demo's batches for a new file, as the worker sends them; and the seconds."""
    _fresh(db)
    ctx = open_context(str(db))
    with ctx.engine.connect() as conn:
        plan = demo_plan(ctx, conn, days, 1, plan_units(days, records, None))
    ctx.engine.dispose()
    batches: list[bytes] = []
    with collector_paused():
        started = time.perf_counter()
        generate(plan, lambda batch: batches.append(marshal.dumps(batch)))
        return batches, time.perf_counter() - started


def write(db: Path, batches: list[bytes], left_out: tuple[str, ...]) -> tuple[int, float, float]:
    """Write `batches`, but for the tables whose names start with one of `left_out`, into a
    new file as the demo's writer does: (records, seconds writing, seconds committing)."""
    _fresh(db)
    ctx = open_context(str(db))
    records = 0
    bind = ctx.engine.execution_options(sqlite_begin="IMMEDIATE")
    with collector_paused(), bind.connect() as conn, load_settings(conn):
        sink = DatabaseSink(conn, fast=True)
        started = time.perf_counter()
        with conn.begin():
            with search_load_settings(conn):
                for data in batches:
                    batch = marshal.loads(data)
                    if left_out:
                        batch = {k: v for k, v in batch.items() if not k.startswith(left_out)}
                    records += sum(len(v) for k, v in batch.items() if not k.startswith(EXTRA))
                    sink(batch)
            written = time.perf_counter()
        done = time.perf_counter()
    ctx.engine.dispose()
    return records, written - started, done - written


def main() -> None:
    args = _args()
    batches, drawing = draw(args.db, args.records, args.days)
    size = sum(map(len, batches)) >> 20
    print(f"drawn in {drawing:.2f} s, alone ({len(batches)} batches, {size} MB marshalled)")
    gc.collect()
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in LEFT_OUT}
    records = 0
    for run in range(args.runs):
        for name in runs:
            records, wrote, commit = write(args.db, batches, LEFT_OUT[name])
            runs[name].append((wrote, commit))
            total = wrote + commit
            print(
                f"run {run + 1} {name:14}  write {wrote:5.2f} s  commit {commit:4.2f} s  "
                f"{records / total:9,.0f} records/s"
            )
    print(f"\n{records:,} records; medians of {args.runs} runs:")
    for name, times in runs.items():
        wrote = statistics.median(t[0] for t in times)
        commit = statistics.median(t[1] for t in times)
        total = statistics.median(t[0] + t[1] for t in times)
        print(
            f"  {name:14}  write {wrote:5.2f} s + commit {commit:4.2f} s = {total:5.2f} s  "
            f"-> at most {records / total:9,.0f} records/s with drawing for free"
        )
    _fresh(args.db)


if __name__ == "__main__":
    main()
