"""The docs' Verified page's table of server lines, from the one table of lines.

Each known line, where its directive table was read, and the real server the suite proves it on. The block sits
between two markers in docs/verified.md; ``python -m generator.docs.server_lines`` rewrites it, a test keeps it current.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

from generator.schema.versions import VerifiedRow, verified_lines

START: Final = "<!-- server-lines:start (generated: python -m generator.docs.server_lines) -->"
END: Final = "<!-- server-lines:end -->"
VERIFIED_PAGE: Final = Path(__file__).resolve().parents[2] / "docs" / "verified.md"


def _source(row: VerifiedRow) -> str:
    if row.source.startswith("between "):
        ends = [end if "'s table" in end else end.split()[-1] for end in row.source[8:].split(" and ")]
        return f"between {ends[0]} and {ends[1]} (no source of this line at hand)"
    return f"`src/config.c` of {row.source.split()[-1]}"


def server_lines_table() -> str:
    """The Markdown table: line, value of ``redis_version``, table source, proving server."""
    lines = [
        "| server line | `redis_version` | directive table read from | proven on (a real server in the suite) |",
        "|---|---|---|---|",
    ]
    for row in verified_lines():
        between = row.source.startswith("between ")
        proven = row.proven_by or ("none: known from its neighbours' sources" if between else "none: sources only")
        lines.append(f"| {row.line.title} | `{row.line.spelling}` | {_source(row)} | {proven} |")
    return "\n".join(lines)


def with_table(page: str) -> str:
    """``page`` with the block between the markers replaced by the current table (ValueError: no markers)."""
    head, start, rest = page.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"docs/verified.md has no {START!r} ... {END!r} block")
    return f"{head}{START}\n{server_lines_table()}\n{END}{tail}"


def main() -> int:
    text = VERIFIED_PAGE.read_text()
    updated = with_table(text)
    if updated != text:
        VERIFIED_PAGE.write_text(updated)
        print("docs/verified.md: server lines table rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
