"""Speed and memory of the commands users run often, against their targets. Prints a table.

Run:  .venv/bin/python benchmarks/bench.py [--repeat N]

`validate` runs in pre-commit hooks on every commit, so its cold start (a new interpreter each time, as a hook
runs it) matters most. Each row is the median of N runs of a fresh `python -m generator ...` process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    target_ms: float
    target_rss_mib: float


CASES = (
    Case("validate one values file", ("validate", "examples/sentinel.yaml"), 500, 80),
    Case(
        "validate all examples",
        ("validate", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*.yaml"))),
        600,
        80,
    ),
    Case("check a redis.conf", ("check", "build/standalone/redis.conf"), 500, 80),
    Case(
        "build one deployment (in memory, --check)",
        ("build", "-f", "examples/sentinel.yaml", "-o", "build/sentinel", "--check"),
        1500,
        120,
    ),
    Case("build --check (every example + docs)", ("build", "--check"), 4000, 150),
)


def _run(case: Case) -> tuple[float, float]:
    """(wall ms, peak RSS MiB) of one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", *case.args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{case.name}: exit status {child.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    failed = False
    for case in CASES:
        runs = [_run(case) for _ in range(args.repeat)]
        ms = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        ok = ms <= case.target_ms and rss <= case.target_rss_mib
        failed |= not ok
        rows.append(
            (
                case.name,
                f"{ms:.0f}",
                f"{case.target_ms:.0f}",
                f"{rss:.0f}",
                f"{case.target_rss_mib:.0f}",
                "ok" if ok else "MISSED",
            )
        )
    header = ("command", "median ms", "target ms", "peak RSS MiB", "target MiB", "")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
