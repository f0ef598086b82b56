"""Speed and memory of the commands users run often, side by side with what they are measured against.

Run:  .venv/bin/python benchmarks/bench.py [--repeat N]

Every row times fresh processes (a cold start, as a pre-commit hook or CI job runs the command), paired: A B A B
..., so both sides of a ratio see the same machine load. It prints the median of each side and the median of
the pairs' ratios (each pair ran back to back, so a burst of other work on the machine moves one pair, not the
verdict), and the target; the exit status is 1 when a ratio misses its target. check-jsonschema (a test
dependency) is run on the same values file with the JSON Schema `infisical-redis schema` exports; "its
dependencies" is a process that imports pydantic (and builds one model, as any use of it does), ruamel.yaml with
its compiled parser, and Jinja2.

Time is the CPU time (user + system) of each process, from wait4(): on a machine shared with other work, wall time
mostly measures the other work. ``--wall`` uses wall-clock time instead.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OURS = (PY, "-m", "generator")
CHECK_JSONSCHEMA = (PY, "-m", "check_jsonschema")
VALUES = "examples/sentinel.yaml"
MANY = 200


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    peak_rss_mib: float

    @property
    def seconds(self) -> float:
        return self.wall if WALL else self.cpu


WALL = False
DEPENDENCIES = (
    "from pydantic import BaseModel\n"
    "class M(BaseModel):\n    x: int = 0\n"
    "M(x=1)\n"
    "import ruamel.yaml, _ruamel_yaml, jinja2\n"
)


@dataclass(frozen=True)
class Row:
    name: str
    ours: float
    theirs: float
    ratio: float
    target: str
    ok: bool


def run_once(argv: Sequence[str], cwd: Path) -> Sample:
    """Wall time and peak RSS of one fresh process (exit 0 or 1 only: 2 means it could not judge)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    assert child.stderr is not None
    err = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)}: exit status {code}\n{err}")
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def compile_bytecode() -> None:
    """Byte-compiles the package, as installing it does: with PYTHONDONTWRITEBYTECODE set (many CI images and
    containers set it), a checkout's edited modules would otherwise be compiled again by every timed run."""
    packages = [str(ROOT / "generator"), str(ROOT / "generator/schema")]  # compileall does not follow the link
    subprocess.run([PY, "-m", "compileall", "-q", *packages], check=True, stdout=subprocess.DEVNULL)


def paired(a: Sequence[str], b: Sequence[str], cwd: Path, repeat: int) -> tuple[list[Sample], list[Sample]]:
    """``repeat`` runs of each, alternating A B A B after one warm-up of each (file cache, pyc files)."""
    run_once(a, cwd)
    run_once(b, cwd)
    first: list[Sample] = []
    second: list[Sample] = []
    for _ in range(repeat):
        first.append(run_once(a, cwd))
        second.append(run_once(b, cwd))
    return first, second


def median(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def paired_ratio(a: list[Sample], b: list[Sample]) -> float:
    """The median of A/B over the pairs."""
    return statistics.median(x.seconds / y.seconds for x, y in zip(a, b, strict=True))


def write_inputs(folder: Path) -> dict[str, Path]:
    """The inputs the rows read: the exported schema, 200 values files, a 2,000-line redis.conf, a 600-line
    Bitnami values file and a compose file."""
    schema = folder / "values.schema.json"
    schema.write_text(subprocess.run([*OURS, "schema"], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    many = folder / "many"
    many.mkdir()
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    for i in range(MANY):
        shutil.copy(examples[i % len(examples)], many / f"values-{i:03}.yaml")
    conf = folder / "redis.conf"
    conf.write_text(_long_conf((ROOT / "build/standalone/redis.conf").read_text(), 2000))
    bitnami = folder / "bitnami-values.yaml"
    bitnami.write_text(_long_yaml((ROOT / "build/sentinel/helm/bitnami-redis.values.yaml").read_text(), 600))
    compose = folder / "docker-compose.yaml"
    shutil.copy(ROOT / "build/standalone/docker-compose.redis.yaml", compose)
    return {"schema": schema, "many": many, "conf": conf, "bitnami": bitnami, "compose": compose}


def _long_conf(conf: str, lines: int) -> str:
    """A redis.conf the length of the stock one: its settings, each after a paragraph of comments."""
    settings = [line for line in conf.splitlines() if line and not line.startswith("#")]
    out: list[str] = []
    i = 0
    while len(out) < lines - 1:
        out += [f"# Setting {i}: what it does, its default and when to change it (line {j})." for j in range(8)]
        out += ["#", settings[i % len(settings)] if i < len(settings) else f"# {settings[i % len(settings)]}"]
        i += 1
    return "\n".join(out[:lines]) + "\n"


def _long_yaml(values: str, lines: int) -> str:
    """Helm values the length of a chart's own file: the keys, each after Bitnami-style ``## @param`` comments
    (never inside a block scalar)."""
    key = re.compile(r"^( *)([A-Za-z][\w.-]*):( |$)")
    out: list[str] = []
    block_indent: int | None = None
    for line in values.splitlines():
        indent = len(line) - len(line.lstrip())
        if block_indent is not None and (not line.strip() or indent > block_indent):
            out.append(line)
            continue
        block_indent = None
        found = key.match(line)
        if found:
            out += [f"{found[1]}## @param {found[2]} what it sets, as the chart's own values.yaml says"] * 5
            if line.rstrip().endswith(("|", "|-", ">", ">-")):
                block_indent = indent
        out.append(line)
    while len(out) < lines:
        out.append("## @section settings this deployment leaves at the chart's defaults")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9, help="runs of each side of a row (default 9)")
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (the docs' Speed page)")
    args = parser.parse_args()
    global WALL
    WALL = args.wall
    rows: list[Row] = []
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="infisical-redis-bench-") as temp:
        inputs = write_inputs(Path(temp))
        schema = str(inputs["schema"])
        many = sorted(str(p) for p in inputs["many"].iterdir())

        validate = (*OURS, "validate", VALUES)
        ours, theirs = paired(validate, (*CHECK_JSONSCHEMA, "--schemafile", schema, VALUES), ROOT, args.repeat)
        cold = median(ours)
        rss = max(s.peak_rss_mib for s in ours)
        ratio = paired_ratio(ours, theirs)
        rows.append(Row("validate 1 file vs check-jsonschema", cold, median(theirs), ratio, "<= 0.75x", ratio <= 0.75))

        a, b = paired((*OURS, "validate", *many), (*CHECK_JSONSCHEMA, "--schemafile", schema, *many), ROOT, args.repeat)
        speed = paired_ratio(b, a)  # files per second, ours over theirs
        rows.append(
            Row(f"validate {MANY} files: files/s vs theirs", median(a), median(b), speed, ">= 1.5x", speed >= 1.5)
        )

        out = Path(temp) / "out"
        build = (*OURS, "build", "-f", VALUES, "-o", str(out), "--force")
        deps = (PY, "-c", DEPENDENCIES)
        a, b = paired(build, deps, ROOT, args.repeat)
        ratio = paired_ratio(a, b)
        rows.append(Row("build -f vs importing its dependencies", median(a), median(b), ratio, "<= 1.5x", ratio <= 1.5))

        for label, key in (
            ("2,000-line redis.conf", "conf"),
            ("600-line Bitnami values", "bitnami"),
            ("compose file", "compose"),
        ):
            a, b = paired((*OURS, "check", str(inputs[key])), validate, ROOT, args.repeat)
            ratio = paired_ratio(a, b)
            rows.append(Row(f"check {label} vs validate", median(a), median(b), ratio, "<= 1.5x", ratio <= 1.5))

    rss_ok = rss <= 40
    clock = "wall-clock" if WALL else "CPU"
    python = sys.version.split()[0]
    footer = f"{clock} time, medians of {args.repeat} paired runs each; Python {python}, {os.cpu_count()} CPUs"
    print((markdown_table if args.markdown else text_table)(rows, rss, rss_ok, footer))
    return 0 if all(r.ok for r in rows) and rss_ok else 1


def text_table(rows: list[Row], rss: float, rss_ok: bool, footer: str) -> str:
    width = max(len(r.name) for r in rows)
    lines = [f"{'row':<{width}}  {'ours':>8}  {'theirs':>8}  {'ratio':>6}  target    "]
    for r in rows:
        times = f"{r.ours * 1000:6.0f}ms  {r.theirs * 1000:6.0f}ms"
        lines.append(f"{r.name:<{width}}  {times}  {r.ratio:5.2f}x  {r.target:<8}  {'ok' if r.ok else 'MISSED'}")
    verdict = "ok" if rss_ok else "MISSED"
    lines.append(f"{'peak RSS of validate':<{width}}  {rss:6.1f}MiB  {'':>8}  {'':>6}  <= 40 MiB  {verdict}")
    return "\n".join([*lines, f"({footer})"])


def markdown_table(rows: list[Row], rss: float, rss_ok: bool, footer: str) -> str:
    """The same table for the docs' Speed page."""
    lines = ["| row | ours | theirs | ratio | target |", "|---|---|---|---|---|"]
    for r in rows:
        target = r.target if r.ok else f"{r.target} (missed)"
        lines.append(f"| {r.name} | {r.ours * 1000:.0f} ms | {r.theirs * 1000:.0f} ms | {r.ratio:.2f}x | {target} |")
    lines.append(f"| peak RSS of validate | {rss:.1f} MiB | | | <= 40 MiB{'' if rss_ok else ' (missed)'} |")
    return "\n".join([*lines, "", f"({footer}.)"])


if __name__ == "__main__":
    raise SystemExit(main())
