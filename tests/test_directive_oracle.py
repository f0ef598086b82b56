"""The real servers are the oracle of the directive tables in ``schema/directives/``.

For every server binary the suite can run: the table of its line knows every name ``CONFIG GET *`` reports;
a config file holding each of those names with its current value loads in that server and ``check
--redis-version LINE`` finds no version or arity problem in it; every name the table says the line lacks (but
another line has) is refused by the server; and a sample of one-argument directives given two arguments is
refused, as the table's arity says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

from generator.schema.directives.table import DirectiveTable
from generator.schema.versions import REDIS_DIRECTIVES, ServerTarget, parse_target
from generator.server.connection import RedisURL, ServerConnection, string_pairs
from tests.realserver.binaries import ALL_TARGETS, SERVER_LINE, Target, require, version
from tests.realserver.fixtures import ServerFactory
from tests.realserver.processes import quick_load_check
from tests.support import run_main

JUDGED_RULES: Final = ("version.directive", "conf.arity")
"""The findings that would mean a table is wrong about a name the server itself reports."""

NOT_IN_A_FILE: Final = frozenset({"include", "port", "dir", "logfile", "pidfile", "daemonize", "unixsocket"})
"""Settings the load check itself sets on the command line (or a file cannot hold as reported)."""

_REFUSED = re.compile(r"Bad directive|wrong number of arguments|Unresolved Configuration|Invalid save parameters")


@dataclass(frozen=True)
class Oracle:
    target: Target
    binary: Path
    line: ServerTarget
    table: DirectiveTable
    settings: tuple[tuple[str, str], ...]
    """``CONFIG GET *`` of a server started with no config file."""
    url: str
    """That server, running while the module's tests run."""


@pytest.fixture(scope="module", params=ALL_TARGETS)
def oracle(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oracle]:
    target: Target = request.param
    binary = require(target)
    line = parse_target(SERVER_LINE[target])
    table = line.directives()
    assert table is not None, f"{line.title} has no directive table"
    assert line.judged_as == line, f"{line.title} is not a known line"
    factory = ServerFactory(tmp_path_factory)
    try:
        server = factory(target, "")  # defaults: save and client-output-buffer-limit hold several words
        with ServerConnection.open(RedisURL.parse(server.url())) as conn:
            settings = tuple(string_pairs(conn.command("CONFIG", "GET", "*")))
        yield Oracle(target, binary, line, table, settings, server.url())
    finally:
        factory.stop_all()


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


ONE_CLASS_PER_LINE: Final = "client-output-buffer-limit"
"""Written one client class per line, as the server's own CONFIG REWRITE does (Redis 6.2 takes no more)."""

QUOTED_WITH_SPACES: Final = frozenset({"proc-title-template"})
"""One-argument settings whose value holds spaces."""

UNSET_WHEN_EMPTY: Final = frozenset({"replicaof", "slaveof"})
"""Reported as "" when not set; a file says so by leaving them out (as CONFIG REWRITE does)."""


def settings_file(oracle: Oracle) -> str:
    """Each reported setting as a config line, written as CONFIG REWRITE writes it: independent of the table,
    so a wrong arity in the table shows up as a finding of ``check``."""
    lines = []
    for name, value in oracle.settings:
        if name in NOT_IN_A_FILE or name in oracle.table.runtime_only:
            continue
        words = value.split()
        if not words and name in UNSET_WHEN_EMPTY:
            continue
        if len(words) <= 1 or name in QUOTED_WITH_SPACES:
            lines.append(f"{name} {_quoted(value)}")
        elif name == ONE_CLASS_PER_LINE:
            lines += [f"{name} {' '.join(words[i : i + 4])}" for i in range(0, len(words), 4)]
        else:
            lines.append(f"{name} {value}")
    return "\n".join(lines) + "\n"


def test_binary_runs_its_line(oracle: Oracle) -> None:
    assert parse_target(version(oracle.binary)).spelling.removeprefix("valkey-") == str(
        f"{oracle.line.major}.{oracle.line.minor}"
    )


def test_table_knows_every_name_the_server_reports(oracle: Oracle) -> None:
    reported = {name for name, _ in oracle.settings}
    assert len(reported) > 140
    unknown = sorted(
        name for name in reported if not oracle.table.knows(name) and name not in oracle.table.runtime_only
    )
    assert unknown == [], f"{oracle.line.title} ({oracle.table.source}) lacks names {oracle.target} reports"


def test_runtime_only_names_are_refused_in_a_file(oracle: Oracle, tmp_path: Path) -> None:
    values = dict(oracle.settings)
    for name in sorted(oracle.table.runtime_only):
        conf = tmp_path / f"{name}.conf"
        conf.write_text(f"{name} {_quoted(values[name])}\n")
        result = quick_load_check(oracle.binary, conf)
        assert not result.ok and _REFUSED.search(result.output), f"{oracle.target} loads {name}"


def test_servers_own_settings_load_and_check_clean(
    oracle: Oracle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text(settings_file(oracle))
    loaded = quick_load_check(oracle.binary, conf)
    assert loaded.ok, f"{oracle.target} refuses its own settings: {loaded.error_text or loaded.output[-600:]}"
    _, out, err = run_main(capsys, "check", "--redis-version", oracle.line.spelling, str(conf))
    wrong = [line for line in (out + err).splitlines() if any(f" {rule}: " in line for rule in JUDGED_RULES)]
    assert wrong == []


def _lacked(oracle: Oracle) -> list[str]:
    """Names some other line knows that this line's table says it lacks (its uncertain names excluded)."""
    table = oracle.table
    return sorted(name for name in REDIS_DIRECTIVES if not table.knows(name) and name not in table.uncertain)


def test_server_refuses_every_name_its_table_lacks(oracle: Oracle, tmp_path: Path) -> None:
    lacked = _lacked(oracle)
    assert lacked or oracle.line.family == "valkey", "a Redis line lacks at least the Valkey-only names"
    accepted = []
    for name in lacked:
        conf = tmp_path / "lacked.conf"
        conf.write_text(f"{name} yes\n")
        result = quick_load_check(oracle.binary, conf)
        refused = "Bad directive" in result.output or (
            "Unresolved Configuration" in result.output and f"'{name} yes'" in result.output
        )
        if not refused:
            accepted.append(name)
    assert accepted == [], f"{oracle.target} knows names its table lacks"


def _one_argument_sample(table: DirectiveTable) -> list[str]:
    singles = sorted(name for name, arity in table.arity.items() if arity == (1, 1) and name != "include")
    return singles[:: max(1, len(singles) // 25)]


def test_one_argument_directives_refuse_two(oracle: Oracle, tmp_path: Path) -> None:
    values = dict(oracle.settings)
    accepted = []
    for name in _one_argument_sample(oracle.table):
        conf = tmp_path / "arity.conf"
        conf.write_text(f"{name} {_quoted(values.get(name, 'yes'))} extra\n")
        result = quick_load_check(oracle.binary, conf)
        if result.ok or not _REFUSED.search(result.output):
            accepted.append(name)
    assert accepted == [], f"{oracle.target} accepts two arguments for one-argument directives"


def test_trailing_comment_is_refused(oracle: Oracle, tmp_path: Path) -> None:
    conf = tmp_path / "comment.conf"
    conf.write_text("maxmemory 2gb # leave room\n")
    assert "wrong number of arguments" in quick_load_check(oracle.binary, conf).output
    conf.write_text("save 900 1 # snap\n")
    result = quick_load_check(oracle.binary, conf)
    if oracle.line == parse_target("6.2"):
        assert result.ok  # 6.2 ignores the line silently, and snapshots are off
    else:
        assert "Invalid save parameters" in result.output


def test_audit_judges_the_server_as_its_line(oracle: Oracle, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run_main(capsys, "audit", "--url", oracle.url, "--format", "text")
    assert f"{oracle.line.title} (" in out + err
    assert not [line for line in (out + err).splitlines() if " version." in line]
