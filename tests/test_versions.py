"""Server lines: versions, server versions and image references mapped to lines; arity; conf.arity findings."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from generator.docs.server_lines import chart_views, line_views, versions_page
from generator.render.conf_model import conf_files
from generator.render.secrets import PLACEHOLDERS
from generator.rules import judge
from generator.schema.directives.table import directive_table
from generator.schema.rules import Scope
from generator.schema.values import Deployment
from generator.schema.versions import (
    LINES,
    REDIS_DIRECTIVES,
    SUPPORTED_TARGETS,
    ServerTarget,
    arity,
    line_for_image,
    line_for_server_version,
    lines_of,
    match_target,
    parse_target,
    resolve_target,
    verified_lines,
)
from generator.shapes.config import EffectiveConfig
from generator.shapes.finding import Location
from tests.realserver.binaries import ALL_TARGETS, SERVER_LINE, Target, require
from tests.realserver.processes import quick_load_check
from tests.support import ROOT, reported_findings, run_main

REDIS: Final = "redis"
VALKEY: Final = "valkey"


def t(family: str, major: int, minor: int) -> ServerTarget:
    return ServerTarget("valkey" if family == VALKEY else "redis", major, minor)


# ------------------------------------------------------------------ versions -> lines


def test_every_issue_line_is_known() -> None:
    spellings = {target.spelling for target in SUPPORTED_TARGETS}
    wanted = {"6.2", "7.0", "7.2", "7.4", "8.0", "8.2", "8.4", "valkey-7.2", "valkey-8.0", "valkey-8.1", "valkey-9.0"}
    assert wanted <= spellings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8.2", t(REDIS, 8, 2)),
        ("valkey-9.0", t(VALKEY, 9, 0)),
        ("redis-7.0", t(REDIS, 7, 0)),
        (" 7.4 ", t(REDIS, 7, 4)),
        ("8.2.1", t(REDIS, 8, 2)),
        ("Valkey-8.1", t(VALKEY, 8, 1)),
    ],
)
def test_parse_target(text: str, expected: ServerTarget) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["8", "latest", "redis", "8.x", "valkey-", "7.0-rc1x"])
def test_parse_target_refuses_what_is_no_version(text: str) -> None:
    with pytest.raises(ValueError):
        parse_target(text)


def test_newer_than_known_is_the_newest_line_with_a_warning() -> None:
    newest = lines_of("redis")[-1]
    far = ServerTarget("redis", newest.major + 1, 0)
    matched = resolve_target(far.spelling)
    assert matched.line == newest and matched.newer_than_known
    assert matched.warning is not None and "newer" in matched.warning
    assert far.judged_as == newest and far.has_directive("appendonly")
    valkey = resolve_target("valkey-12.3")
    assert valkey.line == lines_of("valkey")[-1] and valkey.newer_than_known


def test_known_line_has_no_warning_and_in_between_is_judged_by_the_older_line() -> None:
    exact = resolve_target("8.2")
    assert exact.line == t(REDIS, 8, 2) and exact.warning is None
    assert match_target(t(REDIS, 8, 1)).line == t(REDIS, 8, 0)
    assert not match_target(t(REDIS, 8, 1)).newer_than_known


@pytest.mark.parametrize("text", ["6.0", "5.0", "valkey-7.0"])
def test_older_than_every_known_line_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match="older than the oldest known line"):
        resolve_target(text)
    assert parse_target(text).judged_as is None
    assert not parse_target(text).has_directive("appendonly")


def test_line_for_server_version() -> None:
    assert line_for_server_version("8.2.1", "redis").line == t(REDIS, 8, 2)
    assert line_for_server_version("9.1.2", "valkey").line == t(VALKEY, 9, 1)
    assert line_for_server_version("99.0.0", "redis").newer_than_known
    with pytest.raises(ValueError):
        line_for_server_version("unknown", "redis")


@pytest.mark.parametrize(
    ("reference", "line", "warned"),
    [
        ("redis:8.2.1-alpine", t(REDIS, 8, 2), False),
        ("bitnamilegacy/redis:7.2.4-debian-12-r0", t(REDIS, 7, 2), False),
        ("docker.io/bitnami/redis-cluster:8.2", t(REDIS, 8, 2), False),
        ("valkey/valkey:9", lines_of("valkey")[-1], True),
        ("valkey/valkey:8.0.1-bookworm", t(VALKEY, 8, 0), False),
        ("public.ecr.aws/docker/library/redis:8.8.0-alpine", lines_of("redis")[-1], True),
        ("redis", lines_of("redis")[-1], True),
        ("redis:latest", lines_of("redis")[-1], True),
        ("redis:alpine", lines_of("redis")[-1], True),
        ("localhost:5000/redis", lines_of("redis")[-1], True),
        ("redis@sha256:0123abcd", lines_of("redis")[-1], True),
    ],
)
def test_line_for_image(reference: str, line: ServerTarget, warned: bool) -> None:
    matched = line_for_image(reference)
    assert matched is not None
    assert matched.line == line
    assert (matched.warning is not None) is warned


def test_untagged_image_warning_says_why() -> None:
    matched = line_for_image("redis")
    assert matched is not None and matched.requested is None
    assert matched.warning is not None and "pin a version tag" in matched.warning


@pytest.mark.parametrize("reference", ["postgres:16", "infisical/infisical:latest", "bitnami/redis-exporter:1.2"])
def test_other_images_are_no_line(reference: str) -> None:
    assert line_for_image(reference) is None


# ------------------------------------------------------------------ tables


def test_every_line_has_a_table_with_its_source() -> None:
    for line in LINES.values():
        table = directive_table(line.module)
        assert table.arity and "appendonly" in table.arity, line.module
        assert "between" in table.source or table.source.split()[-1][0].isdigit()


def test_arity() -> None:
    assert arity(t(REDIS, 7, 0), "maxmemory") == (1, 1)
    assert arity(t(REDIS, 7, 0), "MAXMEMORY") == (1, 1)
    assert arity(t(REDIS, 7, 0), "save") == (1, None)
    assert arity(t(REDIS, 6, 2), "client-output-buffer-limit") == (4, 4)
    assert arity(t(REDIS, 7, 0), "client-output-buffer-limit") == (4, None)
    assert arity(t(REDIS, 7, 0), "slaveof") == (2, 2)  # an alias has its directive's arity
    assert arity(t(REDIS, 7, 0), "bind") == (1, 16)
    assert arity(t(REDIS, 7, 0), "sentinel") == (0, None)
    assert arity(t(REDIS, 7, 0), "no-such-directive") is None
    assert arity(t(REDIS, 5, 0), "maxmemory") is None


def test_tables_know_what_the_issue_found_missing() -> None:
    redis_7_0, valkey_8_0 = t(REDIS, 7, 0), t(VALKEY, 8, 0)
    for name in ("bgsave_cpulist", "bio_cpulist", "repl-ping-slave-period", "replica-ignore-disk-write-errors"):
        assert redis_7_0.has_directive(name), name
    assert not redis_7_0.has_directive("bgsave-cpulist")
    assert t(REDIS, 8, 0).has_directive("bgsave-cpulist") and t(REDIS, 8, 0).has_directive("bgsave_cpulist")
    for name in ("hide-user-data-from-log", "dual-channel-replication-enabled", "events-per-io-thread"):
        assert valkey_8_0.has_directive(name), name
    assert valkey_8_0.has_directive("cluster-slot-stats-enabled") and valkey_8_0.has_directive("unixsocketgroup")
    assert valkey_8_0.has_directive("primaryauth") and not t(REDIS, 8, 6).has_directive("primaryauth")
    assert "gopher-enabled" in directive_table("redis_7_0").removed


def test_lines_known_from_neighbours_accept_either_neighbours_names() -> None:
    between = directive_table("redis_8_4")
    assert between.source.startswith("between")
    assert "tls-auth-clients-user" in between.uncertain  # Redis 8.6 has it, 8.2 does not
    assert t(REDIS, 8, 4).has_directive("tls-auth-clients-user")
    assert "appendonly" not in between.uncertain
    measured = directive_table("redis_8_2")  # what redis-server 8.2.3 accepted and refused decides
    assert not t(REDIS, 8, 2).has_directive("tls-auth-clients-user")
    assert t(REDIS, 8, 2).has_directive("prefetch-batch-max-size")
    assert "prefetch-batch-max-size" not in measured.uncertain


def test_all_directives_mapping_dates_names() -> None:
    assert REDIS_DIRECTIVES["appenddirname"].since == (7, 0)
    assert REDIS_DIRECTIVES["appendonly"].since == (6, 2)
    assert REDIS_DIRECTIVES["primaryauth"].since is None
    assert REDIS_DIRECTIVES["primaryauth"].valkey_since == (8, 0)
    assert "no-such-directive" not in REDIS_DIRECTIVES


def test_verified_lines_cover_every_line_and_name_their_binary() -> None:
    rows = verified_lines()
    assert [row.line for row in rows] == list(LINES)
    proven = {row.line.spelling for row in rows if row.proven_by}
    assert proven == set(SERVER_LINE.values())
    assert len(ALL_TARGETS) == len(proven)


# ------------------------------------------------------------------ conf.arity through `check`


def _check(capsys: pytest.CaptureFixture[str], path: Path, version: str) -> set[tuple[int, int, str, str]]:
    _, out, _ = run_main(capsys, "check", "--redis-version", version, str(path))
    return {f for f in reported_findings(out, path) if f[3] in ("conf.arity", "version.directive")}


@pytest.mark.parametrize("version", [target.spelling for target in SUPPORTED_TARGETS])
def test_trailing_comments_are_errors_at_their_lines(
    version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text("# a comment line is fine\nappendonly yes\nmaxmemory 2gb # leave room\nsave 900 1 # snap\n")
    assert _check(capsys, conf, version) == {(3, 1, "error", "conf.arity"), (4, 1, "error", "conf.arity")}
    _, out, _ = run_main(capsys, "check", "--redis-version", version, str(conf))
    assert "no trailing comments" in out


def test_arity_errors_and_what_is_not_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text(
        "client-output-buffer-limit normal 0 0 0 replica 256mb 64mb 60\n"  # 6.2: one class per line
        "requirepass two words\n"
        'save "900 1"\n'  # 7.0+ split one quoted argument
        "user alice on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~* +@all\n"
        "replicaof 10.0.0.1\n"
    )
    assert _check(capsys, conf, "6.2") == {
        (1, 1, "error", "conf.arity"),
        (2, 1, "error", "conf.arity"),
        (5, 1, "error", "conf.arity"),
    }
    assert _check(capsys, conf, "7.0") == {(2, 1, "error", "conf.arity"), (5, 1, "error", "conf.arity")}


STOCK_SENTINEL: Final = """port 26379
daemonize no
pidfile /var/run/redis-sentinel.pid
loglevel notice
logfile ""
dir /tmp
sentinel monitor mymaster 127.0.0.1 6379 2
sentinel down-after-milliseconds mymaster 30000
acllog-max-len 128
sentinel parallel-syncs mymaster 1
sentinel failover-timeout mymaster 180000
sentinel deny-scripts-reconfig yes
SENTINEL resolve-hostnames no
SENTINEL announce-hostnames no
"""
"""The active lines of the stock sentinel.conf shipped with Redis 6.2 to 8 and Valkey."""


@pytest.mark.parametrize("version", [target.spelling for target in SUPPORTED_TARGETS])
def test_stock_sentinel_conf_checks_clean(version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "sentinel.conf"
    conf.write_text(STOCK_SENTINEL)
    assert _check(capsys, conf, version) == set()


@pytest.mark.parametrize("target", ALL_TARGETS)
def test_stock_sentinel_conf_loads_in_every_server(target: Target, tmp_path: Path) -> None:
    """The test copy above is one each real server loads in Sentinel mode (on a copy: Sentinel rewrites it)."""
    conf = tmp_path / "sentinel.conf"
    conf.write_text(STOCK_SENTINEL.replace("dir /tmp", f"dir {tmp_path}"))
    result = quick_load_check(require(target), conf, extra_args=["--sentinel"])
    assert result.ok, result.output[-800:]


def test_versions_page_lists_every_line_from_the_table() -> None:
    page = versions_page()
    assert page == (ROOT / "docs/reference/versions.md").read_text(), "stale: python -m generator build"
    for row in verified_lines():
        assert f"| {row.line.title} | `{row.line.spelling}` |" in page


@pytest.mark.parametrize("target", SUPPORTED_TARGETS, ids=lambda target: target.spelling)
def test_generated_configs_use_no_removed_or_ignored_name(target: ServerTarget) -> None:
    """What `build` writes for a line: names its table has, none it deprecated (ignores) or removed."""
    table = target.directives()
    assert table is not None
    topology = {
        "standalone": {},
        "sentinel": {"sentinel": {"nodes": ["10.0.0.1:6379"], "sentinels": [f"10.0.0.{i}:26379" for i in (1, 2, 3)]}},
        "cluster": {"cluster": {"nodes": [f"10.0.0.{i}:6379" for i in range(1, 7)]}},
    }
    for mode, extra in topology.items():
        values = {"mode": mode, "redis_version": target.spelling, "tls": {"enabled": True}, **extra}
        deployment = Deployment.model_validate(values)
        for conf in conf_files(deployment, PLACEHOLDERS):
            names = {directive.name for directive in conf.directives()}
            assert all(table.knows(name) for name in names), conf.filename
            assert not names & (table.ignored | table.removed), f"{conf.filename} for {target.title}"


# ------------------------------------------------------------------ image references in Helm values

HELM_TEMPLATE: Final = """architecture: standalone
image:
  repository: {repository}
{tag}commonConfiguration: |-
  appendonly yes
  bgsave-cpulist 0-1
"""


def _helm(tmp_path: Path, repository: str, tag: str | None) -> Path:
    path = tmp_path / "values.yaml"
    path.write_text(HELM_TEMPLATE.format(repository=repository, tag=f"  tag: {tag}\n" if tag else ""))
    return path


def _rules(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> set[tuple[int, int, str, str]]:
    _, out, _ = run_main(capsys, "check", *args, str(path))
    return {f for f in reported_findings(out, path) if f[3].startswith(("version.", "conf."))}


def test_helm_image_tag_chooses_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _helm(tmp_path, "bitnamilegacy/redis", "7.0.15-debian-12-r0")
    assert _rules(capsys, old) == {(7, 3, "error", "version.directive")}  # bgsave-cpulist is 7.4+
    new = _helm(tmp_path, "bitnami/redis", "8.2.1-debian-12-r0")
    assert _rules(capsys, new) == set()
    assert _rules(capsys, new, "--redis-version", "7.0") == {(7, 3, "error", "version.directive")}


@pytest.mark.parametrize("tag", ["latest", "8", "alpine"])
def test_helm_floating_image_tag_is_a_warning(tag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _rules(capsys, _helm(tmp_path, "bitnami/redis", tag)) == {(4, 8, "warning", "version.image-tag")}


def test_helm_image_without_tag_runs_the_charts_pinned_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _rules(capsys, _helm(tmp_path, "bitnami/redis", None)) == set()


def test_values_file_newer_than_known_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = (ROOT / "examples" / "standalone.yaml").read_text()
    newer = tmp_path / "values.yaml"
    newer.write_text(
        "\n".join(
            'redis_version: "99.1"' if line.startswith("redis_version:") else line for line in example.splitlines()
        )
    )
    status, out, _ = run_main(capsys, "validate", str(newer))
    assert status == 0 and {f[3] for f in reported_findings(out, newer)} >= {"version.newer"}
    older = tmp_path / "old.yaml"
    older.write_text(newer.read_text().replace('redis_version: "99.1"', 'redis_version: "5.0"'))
    status, out, _ = run_main(capsys, "validate", str(older))
    assert status == 1 and {f[3] for f in reported_findings(out, older)} == {"version.supported"}


def test_a_server_newer_than_known_is_a_warning_in_audit() -> None:
    newest = lines_of("valkey")[-1]
    for target, warned in ((ServerTarget("valkey", newest.major + 1, 0), True), (newest, False)):
        cfg = EffectiveConfig.of([], Location("redis://127.0.0.1:6379"), scope=Scope.SERVER, target=target)
        found = [f for f in judge([cfg]) if f.rule_id == "version.newer"]
        assert bool(found) is warned, target
        assert all(f.severity == "warning" and newest.title in f.message for f in found)


def test_readme_summary_names_every_proven_line_and_chart() -> None:
    """The README's "Verified on" summary agrees with the one table (the versions page has the details)."""
    readme = " ".join((ROOT / "README.md").read_text().split())
    summary = readme[readme.index("## Verified on") :].split("## ", 2)[1]
    for line in line_views():
        if not line.proven_by.startswith("none"):
            title = line.title.split()
            assert title[1] in summary, f"{line.title} is proven but the README does not say so"
    for chart in chart_views():
        for version in chart.versions.split(", "):
            assert version in summary, f"chart version {version} is proven but the README does not say so"
