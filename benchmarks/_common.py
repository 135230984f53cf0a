"""What the benchmark scripts share: building the demo database, timing, the results table."""

from __future__ import annotations

import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"  # ignored by git
DESKCLERK = [sys.executable, "-m", "deskclerk"]


@dataclass
class Result:
    """One measured figure and its target (lower is better, unless `higher`)."""

    name: str
    median: float
    p99: float | None
    target: float | None
    unit: str = "ms"
    higher: bool = False

    @property
    def ratio(self) -> float | None:
        """Measured against the target: ≤ 1.0 meets it."""
        if not self.target or not self.median:
            return None
        return self.target / self.median if self.higher else self.median / self.target


def times_ms(fn: Callable[[], object], runs: int, warmup: int = 2) -> list[float]:
    """Wall times of `runs` calls of `fn`, in milliseconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]


def measured(name: str, values: list[float], target: float | None, *, tail: bool = False) -> Result:
    return Result(name, statistics.median(values), p99(values) if tail else None, target)


def build_demo(db: Path, *, records: int, days: int, seed: int = 1) -> tuple[float, str]:
    """Run `deskclerk demo` into a new file; returns (records per second, its summary)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    cmd = [*DESKCLERK, "--db", str(db), "demo", "--records", str(records), "--days", str(days)]
    cmd += ["--seed", str(seed), "--quiet"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"deskclerk demo failed:\n{done.stderr}")
    rate = re.search(r"\(([0-9,]+) records/s\)", done.stdout)
    assert rate, done.stdout
    return float(rate.group(1).replace(",", "")), done.stdout.strip()


def peak_child_mb() -> float:
    """Peak resident memory of the largest finished child process, in MB (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def print_table(results: list[Result]) -> None:
    """The figures as a plain table with the ratio to each target."""
    print(f"{'measure':<54} {'median':>10} {'p99':>10} {'target':>10} {'ratio':>7}")
    for r in results:
        p = "" if r.p99 is None else f"{r.p99:.2f}"
        t = "" if r.target is None else (f"≥{r.target:,.0f}" if r.higher else f"≤{r.target:g}")
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
        med = f"{r.median:,.0f}" if r.unit != "ms" else f"{r.median:.2f}"
        print(f"{r.name + ' (' + r.unit + ')':<54} {med:>10} {p:>10} {t:>10} {ratio:>7}")
    print("ratio: measured/target for times, target/measured for rates; ≤ 1.00 meets the target")
