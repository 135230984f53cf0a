"""Benchmark of the shift handover on a 1,000,000-record demo database (issue 5: under 1 s).

    .venv/bin/python benchmarks/bench_handover.py           # build benchmarks/out/core-1m.db if missing, time
    .venv/bin/python benchmarks/bench_handover.py --db F    # time on another demo database

The demo database is copied (SQLite online backup) to benchmarks/out/handover-1m.db
and the work happens on the copy.  A busy shift is added on top of the demo's
year through the services (calls, some passed on with callbacks, work orders,
visitors, notes), then the benchmark times, in-process: building the sheet
(`start_handover`), printing it (txt, md, html, pdf), signing it (fingerprint),
the next shift's sheet (everything carried), acknowledging, and the check of
every fingerprint; and, as a clerk runs it, `deskclerk handover report --last`
in a new process.  `--close-backlog` first closes calls passed on more than 7
days before (the demo leaves thousands open for good), for the figure of a site
that follows its calls up.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DESKCLERK, OUT, Result, build_demo, print_table, times_ms

TARGET_MS = 1000.0


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=OUT / "core-1m.db")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5, help="runs of each timing")
    parser.add_argument(
        "--work", type=Path, default=OUT / "handover-1m.db", help="the copy worked on"
    )
    parser.add_argument(
        "--close-backlog", action="store_true", help="close calls passed on over 7 days ago"
    )
    return parser.parse_args()


def _busy_shift(ctx, clerk: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A busy day shift on top of the demo: what a front desk sees in 8 hours."""
    import sqlalchemy as sa

    from deskclerk.services import calls, notes, shifts, visits

    shifts.start_shift(ctx, clerk)
    with ctx.engine.connect() as conn:
        units = [u for (u,) in conn.execute(sa.text("SELECT code FROM unit LIMIT 200"))]
    made = {"calls": 0, "visits": 0, "notes": 0}
    for n in range(120):
        unit = units[n % len(units)]
        call = calls.log_call(
            ctx, caller=f"住户{n}", matter=f"第{n}号来电：走廊灯不亮，请派人查看", clerk=clerk,
            unit=unit, category=("repair", "complaint", "inquiry", "help")[n % 4],
        )  # fmt: skip
        if n % 3 == 0:
            calls.pass_on(ctx, call.id, "维修班", clerk=clerk, callback_due=ctx.now())
        elif n % 3 == 1:
            calls.close_call(ctx, call.id, clerk=clerk)
        made["calls"] += 1
    for n in range(60):
        visit = visits.sign_in(ctx, visitor=f"访客{n}", clerk=clerk, unit=units[n], purpose="快递")
        if n % 3:
            visits.sign_out(ctx, visit.id, clerk=clerk)
        made["visits"] += 1
    for n in range(15):
        priority = "high" if n % 5 == 0 else "normal"
        notes.add_note(
            ctx, f"交接事项 {n}：钥匙、对讲机、访客卡已清点", clerk=clerk, priority=priority
        )
        made["notes"] += 1
    return made


def main() -> None:
    args = _args()
    from deskclerk.clock import FrozenClock
    from deskclerk.config import Settings
    from deskclerk.db import backup_sqlite, make_engine, open_database
    from deskclerk.reports.handover import render
    from deskclerk.services import handover
    from deskclerk.services.context import Context

    if not args.db.exists():
        print(f"building {args.db} ({args.records:,} records, {args.days} days) …", flush=True)
        build_demo(args.db, records=args.records, days=args.days)
    work = args.work
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    backup_sqlite(make_engine(f"sqlite:///{args.db}"), work)
    engine = open_database(f"sqlite:///{work}")
    with engine.connect() as conn:
        import sqlalchemy as sa

        latest = conn.execute(sa.text("SELECT max(received_at) FROM call")).scalar()
        records = sum(
            conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() or 0
            for t in ("call", "visit", "work_order", "order_event", "handover_note")
        )
    from datetime import datetime

    from deskclerk.clock import as_utc

    now = as_utc(datetime.fromisoformat(str(latest))) + timedelta(minutes=30)
    clock = FrozenClock(now)
    ctx = Context(engine=engine, clock=clock, settings=Settings(site_name="Demo Gardens 演示花园"))
    if args.close_backlog:
        with engine.begin() as conn:
            closed = conn.execute(
                sa.text(
                    "UPDATE call SET state = 'closed', closed_at = received_at "
                    "WHERE state IN ('open', 'passed_on') AND received_at < :cut"
                ),
                {"cut": (now - timedelta(days=7)).replace(tzinfo=None)},
            ).rowcount
        print(f"closed {closed:,} calls passed on more than 7 days ago (backlog)")
    made = _busy_shift(ctx, "王芳")
    print(f"{records:,} register records; busy shift added: {made}")

    results: list[Result] = []
    sheet = handover.start_handover(ctx, clerk="王芳")
    build = times_ms(lambda: handover.start_handover(ctx, clerk="王芳"), args.runs, warmup=0)
    counts = {name: len(sheet.section(name)) for name in ("calls", "callbacks", "orders",
              "visitors", "notes", "carried")}  # fmt: skip
    print(f"sheet {sheet.id}: {len(sheet.items):,} items {counts}")
    results.append(Result("build the sheet (start_handover)", statistics.median(build), None, None))
    printed: dict[str, float] = {}
    for fmt in ("txt", "md", "html", "pdf"):
        runs = times_ms(lambda fmt=fmt: render([sheet], fmt), args.runs, warmup=1)
        printed[fmt] = statistics.median(runs)
        results.append(Result(f"print it as {fmt}", printed[fmt], None, None))
    total_txt = statistics.median(build) + printed["txt"]
    total_pdf = statistics.median(build) + printed["pdf"]
    results.append(Result("build + print txt", total_txt, None, TARGET_MS))
    results.append(Result("build + print pdf", total_pdf, None, TARGET_MS))
    pages = render([sheet], "pdf").count(b"/Type /Page\n")

    start = time.perf_counter()
    signed = handover.sign(ctx, sheet.id, clerk="王芳")
    results.append(Result("sign (rebuild + fingerprint)", (time.perf_counter() - start) * 1000,
                          None, None))  # fmt: skip
    start = time.perf_counter()
    handover.acknowledge(ctx, signed.id, clerk="李娜")
    results.append(Result("acknowledge all", (time.perf_counter() - start) * 1000, None, None))

    clock.advance(hours=8)
    nxt = handover.start_handover(ctx, clerk="李娜")
    again = times_ms(lambda: handover.start_handover(ctx, clerk="李娜"), args.runs, warmup=0)
    results.append(
        Result(f"next shift's sheet ({len(nxt.section('carried')):,} carried)",
               statistics.median(again), None, TARGET_MS)
    )  # fmt: skip
    start = time.perf_counter()
    problems = handover.verify_fingerprints(ctx)
    results.append(Result("verify_fingerprints", (time.perf_counter() - start) * 1000, None, None))
    assert problems == [], problems

    for fmt in ("txt", "pdf"):
        target = OUT / f"handover-last.{fmt}"
        cmd = [*DESKCLERK, "--db", str(work), "handover", "report", "--last",
               "--format", fmt, "-o", str(target)]  # fmt: skip
        walls = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            walls.append((time.perf_counter() - start) * 1000)
        results.append(
            Result(f"`deskclerk handover report --last --format {fmt}` (new process)",
                   statistics.median(walls), None, None)
        )  # fmt: skip
    print_table(results)
    print(f"the PDF of sheet {sheet.id} has {pages} pages; outputs in {OUT}")


if __name__ == "__main__":
    main()
