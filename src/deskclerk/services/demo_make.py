"""Making the demo's rows: here, or in a worker process while this one writes them.

`generate` draws the property and its days from one random stream and hands
the rows, in batches, to a sink.  For a large demo on SQLite, `in_worker` runs
`generate` in a second process and writes the batches it sends as they come:
drawing the records (Python) and storing them (SQLite) then take a core each.
The worker runs the very same code from the very same seed, so the data is the
same either way (a test compares them row by row).  The worker never touches
the database; the one transaction stays in this process, so all or nothing
holds as before.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from multiprocessing.connection import Connection as PipeEnd
from typing import Any

from deskclerk.config import Settings
from deskclerk.errors import StorageError
from deskclerk.services.demo_bulk import Batch, BulkWriter, Sink
from deskclerk.services.demo_day import fill_day, rates_for, write_shifts
from deskclerk.services.demo_names import DemoRandom
from deskclerk.services.demo_site import DAY, Existing, Site, build_directory
from deskclerk.workers import start_method

Progress = Callable[[int, int], None]
QUEUED = 3  # batches the worker may have made ahead of the writer (~3 MB each)


@dataclass(frozen=True)
class Plan:
    """Everything the demo's rows are drawn from (picklable: it goes to the worker)."""

    seed: int
    days: int
    unit_count: int
    tz: tzinfo
    now: int  # epoch seconds, whole minutes
    settings: Settings
    first: datetime  # local midnight of the first demo day
    ids: dict[str, int]  # the next free id of each table
    history: tuple[int, str]  # the next history id, the hash it chains to
    existing: Existing
    fast: bool  # SQLite: times as stored text, search text made with the rows


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, as it was after.

    A demo makes millions of tuples (rows), none of them in a cycle, and every
    700 of them set off a collection that walks the young ones and, ever more
    often, all of them: 1.2 s of a million records' 11 s, in the worker and here.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def offset_on(first: datetime, day: int = 0) -> int:
    """The site's UTC offset (seconds) on the given demo day (zones with summer time move)."""
    delta = (first + timedelta(days=day)).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def generate(
    plan: Plan,
    sink: Sink,
    progress: Progress | None = None,
    last_number: Callable[[str], int] | None = None,
) -> BulkWriter:
    """Draw the whole demo and hand its rows to `sink`; returns the writer (its counts)."""
    writer = BulkWriter(sink, fast=plan.fast, history=plan.history)
    first, days = plan.first, plan.days
    offset = offset_on(first)
    site = Site(
        rng=DemoRandom(plan.seed),
        w=writer,
        tz=plan.tz,
        now=plan.now,
        settings=plan.settings,
        first_day=first,
        ids=dict(plan.ids),
        offset=offset,
        first_epoch_local=int(first.timestamp()) + offset,
        existing=plan.existing,
        last_number=last_number,
    )
    site.set_windows(
        [
            (
                w.name,
                w.start.hour * 3600 + w.start.minute * 60,
                w.end.hour * 3600 + w.end.minute * 60,
            )
            for w in plan.settings.shifts
        ]
        or [("A", 9 * 3600, 17 * 3600)]
    )
    site.ids["shift_base"] = site.ids["shift"]
    site.ids["shift"] += days * len(site.windows)
    build_directory(site, plan.unit_count, int(first.timestamp()) - 30 * DAY)
    for day in range(days):
        site.offset = offset_on(first, day)
        write_shifts(site, day)
    rates = rates_for(plan.unit_count)
    step = max(1, days // 20)
    for day in range(days):
        site.offset = offset_on(first, day)
        fill_day(site, day, rates)
        writer.release(until=site.first_epoch_local + (day + 1) * DAY - site.offset)
        if progress is not None and (day % step == step - 1 or day == days - 1):
            progress(day + 1, days)
    writer.release()
    writer.flush()
    return writer


def in_worker(
    plan: Plan, sink: Sink, progress: Progress | None = None
) -> tuple[dict[str, int], int]:
    """`generate` in a worker process, its batches written here by `sink` as they come.

    Returns (rows per table, records indexed).  If the worker fails or dies, or
    `sink` raises, the worker is stopped and the error raised here (the caller's
    transaction then rolls back).
    """
    mp = multiprocessing.get_context(start_method())
    receive, send = mp.Pipe(duplex=False)
    worker = mp.Process(  # type: ignore[attr-defined]  # (typeshed: BaseContext)
        target=_work, args=(plan, send, receive), name="deskclerk-demo", daemon=True
    )
    try:
        worker.start()
    except Exception as exc:  # e.g. no memory or processes left to start one
        receive.close()
        send.close()
        raise StorageError(
            f"The demo was not written (nothing was kept): no worker process could be "
            f"started ({exc})."
        ) from None
    send.close()  # ours: so a dead worker shows as the end of the pipe
    finished = False
    try:
        while True:
            try:
                kind, payload = marshal.loads(receive.recv_bytes())
            except EOFError:
                raise StorageError(
                    "The demo's worker process stopped before it finished; nothing was kept."
                ) from None
            if kind == "rows":
                sink(payload)
            elif kind == "day":
                if progress is not None:
                    progress(*payload)
            elif kind == "done":
                finished = True
                counts, indexed = payload
                return counts, indexed
            else:
                raise StorageError(
                    f"The demo was not written (nothing was kept): its worker process "
                    f"failed: {payload}"
                )
    finally:
        receive.close()
        if finished:
            worker.join(timeout=5)  # it is only finishing
        if worker.is_alive():
            worker.terminate()
            worker.join()


def _work(plan: Plan, send: PipeEnd, receive: PipeEnd) -> None:
    """The worker: draw the demo, sending each batch from a second thread (so drawing
    goes on while a batch is on its way)."""
    receive.close()  # the writer's end (forked or passed): so its death breaks the pipe
    gc.disable()  # see collector_paused: this process lives for the demo alone
    out: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
    broken = threading.Event()

    def sender() -> None:
        while (item := out.get()) is not None:
            if broken.is_set():
                continue  # the writer has gone: drain, so the drawing side never blocks
            try:
                send.send_bytes(item)
            except BaseException:  # the writer has gone (or this thread cannot go on)
                broken.set()

    def put(kind: str, payload: Any) -> None:
        if broken.is_set():
            raise SystemExit(1)  # nobody is listening: stop drawing
        out.put(marshal.dumps((kind, payload)))

    def rows(batch: Batch) -> None:
        put("rows", batch)

    thread = threading.Thread(target=sender, name="deskclerk-demo-send", daemon=True)
    thread.start()
    try:
        writer = generate(plan, rows, lambda day, days: put("day", (day, days)))
        put("done", (writer.counts, writer.indexed))
    except SystemExit:
        pass
    except BaseException as exc:  # the writer must hear of it, whatever it is
        if not broken.is_set():
            out.put(marshal.dumps(("error", f"{type(exc).__name__}: {exc}")))
    finally:
        out.put(None)
        thread.join()
        send.close()
