"""Opening a database as every command and the desk do: `db.open_database` and a first connection.

    .venv/bin/python benchmarks/bench_open.py                 # a fresh file in benchmarks/out/
    .venv/bin/python benchmarks/bench_open.py --db FILE.db    # an existing (current) database

Prints the median CPU time (time.process_time) of one open over --runs batches
of --batch opens: the cost of reading the schema version before the engine
touches the file.  Compare two versions in the same minute with
PYTHONPATH=<other checkout>/src.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from _common import OUT

from deskclerk.db import open_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    path = args.db
    if path is None:
        OUT.mkdir(exist_ok=True)
        path = OUT / "open-bench.db"
        path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    open_database(url).dispose()  # created (or checked) once, untimed
    per_open = []
    for _ in range(args.runs):
        start = time.process_time()
        for _ in range(args.batch):
            engine = open_database(url)
            with engine.connect():
                pass
            engine.dispose()
        per_open.append((time.process_time() - start) / args.batch * 1000)
    print(
        f"open_database + first connection: median {statistics.median(per_open):.3f} ms CPU "
        f"({args.runs} x {args.batch} opens of {path})"
    )


if __name__ == "__main__":
    main()
