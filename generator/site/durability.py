"""The durability figures (``docs/data/durability.json``, written by ``scripts/measure_durability.py``) as an SVG
chart: jobs kept across ``kill -9`` with and without AOF, and what AOF costs in throughput."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.site.svg import MUTED, document, line, rect, text

DATA_FILE = Path("docs/data/durability.json")
KEPT = "#2e7d32"
LOST = "#c62828"
BARS = ("#5e35b1", "#9575cd")
WIDTH = 760
LABEL_W = 150
BAR_W = 430


def load(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / DATA_FILE).read_text(encoding="utf-8"))
    return data


def _thousands(n: float) -> str:
    return f"{n:,.0f}"


def _kill9(rows: list[dict[str, Any]], top: float) -> tuple[list[str], float]:
    body = [text(20, top, "Acknowledged jobs still there after kill -9 and a restart", 16, font_weight="700")]
    y = top + 22
    biggest = max(row["acknowledged"] for row in rows)
    for row in rows:
        acknowledged, kept = row["acknowledged"], row["kept"]
        share = kept / acknowledged if acknowledged else 0.0
        full = BAR_W * acknowledged / biggest
        body.append(text(20, y + 17, row["setup"], 14))
        body.append(rect(LABEL_W, y, full, 24, LOST, rx=3, opacity="0.25"))
        body.append(rect(LABEL_W, y, full * share, 24, KEPT, rx=3))
        colour = KEPT if share >= 0.999 else LOST
        label = f"{_thousands(kept)} of {_thousands(acknowledged)} kept ({share:.0%})"
        body.append(text(LABEL_W + full + 10, y + 17, label, 13, fill=colour, font_weight="700"))
        y += 36
    body.append(text(LABEL_W, y + 4, "green: kept, red: lost", 12, fill=MUTED))
    return body, y + 20


def _throughput(section: dict[str, Any], top: float) -> tuple[list[str], float]:
    commands: list[str] = section["commands"]
    rows: list[dict[str, Any]] = section["rows"]
    body = [
        text(
            20,
            top,
            "What durability costs: requests per second, 16 pipelined (higher is faster)",
            16,
            font_weight="700",
        )
    ]
    y = top + 22
    biggest = max(row[c] for row in rows for c in commands)
    base = rows[0]
    for row in rows:
        body.append(text(20, y + 24, row["setup"], 14))
        for i, command in enumerate(commands):
            value = row[command]
            width = BAR_W * value / biggest
            body.append(rect(LABEL_W, y, width, 16, BARS[i % len(BARS)], rx=2))
            ratio = value / base[command]
            body.append(text(LABEL_W + width + 8, y + 13, f"{command} {value / 1000:,.0f}k/s ({ratio:.2f})", 12))
            y += 19
        y += 12
    body.append(line(LABEL_W, top + 14, LABEL_W, y - 8, MUTED, stroke_width=1))
    ratios = section.get("unpipelined_ratio", {})
    if ratios:
        note = "Without pipelining (-P 1), as a share of no persistence: " + ", ".join(
            f"{setup} {ratio:.2f}" for setup, ratio in ratios.items()
        )
        body.append(text(20, y + 6, note, 12, fill=MUTED))
        y += 22
    return body, y


def durability_svg(data: dict[str, Any]) -> str:
    kill9, after = _kill9(data["kill9"]["rows"], 34)
    cost, bottom = _throughput(data["throughput"], after + 30)
    height = int(bottom + 26)
    footer = text(20, height - 12, f"Measured on {data['server']}", 11, fill=MUTED)
    description = (
        "Jobs kept after kill -9: "
        + "; ".join(f"{r['setup']}: {r['kept']} of {r['acknowledged']}" for r in data["kill9"]["rows"])
        + ". Throughput: "
        + "; ".join(
            f"{r['setup']}: " + ", ".join(f"{c} {r[c]}/s" for c in data["throughput"]["commands"])
            for r in data["throughput"]["rows"]
        )
    )
    return document(WIDTH, height, "Why durability: jobs kept and the cost", description, [*kill9, *cost, footer])
