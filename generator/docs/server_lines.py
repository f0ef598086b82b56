"""The versions page (``docs/reference/versions.md``): every server line from the one table of lines, where
its directive table was read and the real server that proves it; and the Helm chart versions the generated
values are rendered through in the tests."""

from __future__ import annotations

from dataclasses import dataclass

from generator.render.templates import render_template
from generator.schema.charts import INFISICAL_CHART_VERSION, REDIS_CHART_VERSIONS, REDIS_CLUSTER_CHART_VERSION
from generator.schema.versions import VerifiedRow, verified_lines

PAGE = "versions.md"


@dataclass(frozen=True)
class LineView:
    title: str
    spelling: str
    source: str
    proven_by: str


@dataclass(frozen=True)
class ChartView:
    chart: str
    versions: str


def _source(row: VerifiedRow) -> str:
    if row.source.startswith("between "):
        ends = [end if "'s table" in end else end.split()[-1] for end in row.source[8:].split(" and ")]
        return f"between {ends[0]} and {ends[1]} (no source of this line at hand)"
    return f"`src/config.c` of {row.source.split()[-1]}"


def line_views() -> tuple[LineView, ...]:
    views = []
    for row in verified_lines():
        between = row.source.startswith("between ")
        proven = row.proven_by or ("none: known from its neighbours' sources" if between else "none: sources only")
        views.append(LineView(row.line.title, row.line.spelling, _source(row), proven))
    return tuple(views)


def chart_views() -> tuple[ChartView, ...]:
    return (
        ChartView("Bitnami `redis`", ", ".join(REDIS_CHART_VERSIONS)),
        ChartView("Bitnami `redis-cluster`", REDIS_CLUSTER_CHART_VERSION),
        ChartView("Infisical's `infisical-standalone`", INFISICAL_CHART_VERSION),
    )


def versions_page() -> str:
    return render_template("docs/versions.md.j2", lines=line_views(), charts=chart_views())
