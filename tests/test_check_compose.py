"""`check` on docker-compose and swarm stack files (tests/examples/compose/): every compose file states each
finding it must produce, in itself (`# expect: LINE:COL severity RULE`) and in the files it mounts or reads
(`# expect-in: PATH LINE:COL severity RULE`, PATH relative to the compose file), compared as sets, and the
exit code; Debian's docker-compose accepts every file meant to be valid compose."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli.main import main
from tests.realserver.binaries import missing
from tests.support import ROOT, Position, expected_exit, expected_findings, reported_findings, run_main

CORPUS = ROOT / "tests/examples/compose"
SAMPLES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yml", ".yaml") and "services:" in p.read_text())
EXPECT_IN = re.compile(r"^# expect-in: (\S+) (\d+):(\d+) (error|warning) (\S+)$", re.M)
MANDATORY = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?")
NOT_COMPOSE = "# not valid compose:"
"""A sample that docker-compose itself refuses on purpose says so (and why) in this comment."""


def _expected_elsewhere(path: Path, text: str) -> dict[Path, set[Position]]:
    found: dict[Path, set[Position]] = {}
    for other, line, col, severity, rule in EXPECT_IN.findall(text):
        target = Path(os.path.normpath(path.parent / other))
        found.setdefault(target, set()).add((int(line), int(col), severity, rule))
    return found


def _display(path: Path) -> Path:
    return path.relative_to(ROOT)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_samples_report_exactly_their_stated_findings(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    text = path.read_text()
    expected = expected_findings(text)
    elsewhere = _expected_elsewhere(_display(path), text)
    everything = expected | {finding for found in elsewhere.values() for finding in found}
    status, out, err = run_main(capsys, "check", str(_display(path)))
    assert "input.crash" not in out, out + err
    assert reported_findings(out, _display(path)) == expected, out + err
    for other, findings in elsewhere.items():
        assert reported_findings(out, other) == findings, out + err
    stated = {Path(m) for m in re.findall(r"^(\S+?):\d+:\d+: ", out, re.M)}
    assert stated <= {_display(path), *elsewhere}, out
    assert status == expected_exit(text, everything), out + err


@pytest.mark.parametrize(
    "path", [p for p in SAMPLES if NOT_COMPOSE not in p.read_text()], ids=lambda p: str(p.relative_to(CORPUS))
)
def test_docker_compose_accepts_the_sample(path: Path) -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        missing("docker-compose not found; install it with: apt-get install docker-compose")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "POSTGRES_"))}
    env |= {name: "x" * 40 for name in MANDATORY.findall(path.read_text())}  # ${NAME:?message}
    args = [binary, "-f", path.name, "config", "-q"]
    result = subprocess.run(args, capture_output=True, text=True, check=False, env=env, cwd=path.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_on_the_corpus_folder_recognises_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", str(CORPUS)])
    out = capsys.readouterr()
    assert status in (0, 1), out.out + out.err
    for rule in ("input.crash", "input.kind", "input.unreadable", "schema.yaml"):
        assert rule not in out.out, out.out
    assert "skipped" not in out.err, out.err
    for sample in SAMPLES:
        assert str(sample) in out.out or not expected_findings(sample.read_text())


@pytest.mark.parametrize("path", sorted(ROOT.glob("build/*/docker-compose.redis.yaml")), ids=lambda p: p.parent.name)
def test_the_compose_service_build_writes_passes_check(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The generated service overrides the config's password placeholder with --requirepass from the environment."""
    status, out, err = run_main(capsys, "check", str(path))
    assert (status, out) == (0, "1 file(s) OK\n"), out + err


ODD_BUT_VALID = {
    "null service and numbers": "services:\n  redis:\n    image: redis:7.2\n  empty:\n  n:\n    image: 7\n"
    "    command: 12\n    ports: [6379, '6380-6381:6379-6380', {target: 6379}]\n",
    "list env without values": "services:\n  r:\n    image: bitnami/redis\n    environment: [REDIS_PASSWORD, "
    "ALLOW_EMPTY_PASSWORD]\n    command: [/opt/bitnami/scripts/redis/run.sh, --appendonly]\n",
    "broken shell quoting": 'services:\n  r:\n    image: redis:8.2\n    command: sh -c "redis-server --save \'"\n',
    "entrypoint override": "services:\n  r:\n    image: valkey/valkey:8.1\n    entrypoint: /bin/true\n",
    "sentinel without config": "services:\n  s:\n    image: redis:7.2\n    command: redis-sentinel\n",
    "network_mode service": "services:\n  a:\n    image: infisical/infisical:latest\n    network_mode: "
    "service:r\n    environment: {REDIS_URL: 'redis://[::1]:6379'}\n  r:\n    image: redis:7.2\n"
    "    volumes: [{type: bind, source: ./missing.conf, target: /usr/local/etc/redis/redis.conf}]\n"
    "    command: [redis-server, /usr/local/etc/redis/redis.conf]\n    env_file: [{path: ./nope.env}]\n",
}


@pytest.mark.parametrize("text", ODD_BUT_VALID.values(), ids=list(ODD_BUT_VALID))
def test_odd_compose_files_are_judged_without_a_crash(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "compose.yml"
    path.write_text(text)
    status, out, err = run_main(capsys, "check", str(path))
    assert status in (0, 1), out + err
    assert "input.crash" not in out and "input.kind" not in out, out + err


def test_no_secret_of_a_compose_file_reaches_any_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").write_text("REDIS_URL=redis://:Env-Secret-42@redis:6379\n")
    (tmp_path / "redis.conf").write_text("appendonly yes\nmasterauth Conf-Secret-42\n")
    (tmp_path / "compose.yml").write_text(
        "services:\n"
        "  backend:\n    image: infisical/infisical:latest\n    env_file: .env\n"
        "  redis:\n    image: bitnami/redis:7.2\n    environment:\n      REDIS_PASSWORD: Bitnami-Secret-42\n"
        "      REDIS_REPLICATION_MODE: slave\n      REDIS_MASTER_HOST: redis\n"
        "      REDIS_MASTER_PASSWORD: Master-Secret-42\n"
        "    command: [/opt/bitnami/scripts/redis/run.sh, /etc/redis.conf, --requirepass, Flag-Secret-42]\n"
        "    volumes: [./redis.conf:/etc/redis.conf]\n"
    )
    for fmt in ("text", "json", "github"):
        status, out, err = run_main(capsys, "check", "--format", fmt, str(tmp_path / "compose.yml"))
        assert status == 1 and "auth.password-strength" in out, out + err
        assert "Secret-42" not in out + err


def test_a_dotenv_beside_a_compose_file_that_sets_the_connection_is_known() -> None:
    from generator.sources.compose.project import connection_set_beside

    assert connection_set_beside(CORPUS / "clean/.env")
    assert not connection_set_beside(CORPUS / "infisical-prod/.env")  # REDIS_URL is in the .env itself


def test_a_variable_passed_from_the_shell_is_neither_set_nor_unset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`- REDIS_URL` takes the shell's value, if it has one: no precedence error, no missing-connection error."""
    path = tmp_path / "compose.yml"
    backend = "services:\n  backend:\n    image: infisical/infisical:latest\n    environment:\n"
    path.write_text(backend + "      - REDIS_URL\n      - REDIS_SENTINEL_HOSTS=sentinel:26379\n")
    _, out, _ = run_main(capsys, "check", str(path))
    assert "env.infisical-startup" not in out, out
    path.write_text(backend + "      - REDIS_URL\n")
    _, out, _ = run_main(capsys, "check", str(path))
    assert "env.infisical-startup" not in out, out


RESOLVED_ELSEWHERE = {
    "external network": "    networks: [shared]\nnetworks:\n  shared:\n    external: true\n",
    "extra_hosts": "    extra_hosts:\n      - 'cache-host:10.0.0.5'\n",
    "external_links": "    external_links:\n      - other_project_redis_1:cache-host\n",
    "links alias": "    links:\n      - redis:cache-host\n  redis:\n    image: redis:8.2\n    volumes: [d:/data]\n"
    "    command: redis-server --appendonly yes --requirepass ${P}\nvolumes:\n  d:\n",
}


@pytest.mark.parametrize("tail", RESOLVED_ELSEWHERE.values(), ids=list(RESOLVED_ELSEWHERE))
def test_a_host_resolved_outside_the_file_is_no_error(
    tail: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "compose.yml"
    head = "services:\n  backend:\n    image: infisical/infisical:latest\n    environment:\n"
    path.write_text(head + "      REDIS_URL: redis://:${P}@cache-host:6379\n" + tail)
    _, out, _ = run_main(capsys, "check", str(path))
    assert "network.redis-host" not in out, out
    path.write_text(head + "      REDIS_URL: redis://:${P}@cache-host:6379\n")
    _, out, _ = run_main(capsys, "check", str(path))
    assert "network.redis-host" in out, out


def test_a_backend_sent_outside_the_file_is_not_held_to_the_files_redis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "compose.yml"
    path.write_text(
        "services:\n  backend:\n    image: infisical/infisical:latest\n    networks: [shared]\n"
        "    environment:\n      REDIS_URL: redis://:${P}@cache-host:6379\n"
        "  redis:\n    image: redis:8.2\n    volumes: [d:/data]\n"
        "    command: redis-server --appendonly yes --requirepass ${P}\n"
        "networks:\n  shared:\n    external: true\nvolumes:\n  d:\n"
    )
    status, out, _ = run_main(capsys, "check", str(path))
    assert "network.shared" not in out and status == 0, out


def test_the_readme_shows_what_check_says_on_infisicals_compose_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    command = "$ infisical-redis check docker-compose.prod.yml\n"
    shown = (ROOT / "README.md").read_text().split(command, 1)[1].split("```", 1)[0]
    monkeypatch.chdir(CORPUS / "infisical-prod")
    _, out, _ = run_main(capsys, "check", "docker-compose.prod.yml")
    assert shown == out


def test_check_in_a_fresh_process_judges_a_file_whose_first_subject_is_infisicals_environment() -> None:
    """Rule modules load lazily: a predicate that imports another rule module while judging must not break the
    run (scaled-swarm's backend comes first; a `.env` has nothing else)."""
    for sample in ("scaled-swarm/stack.yml", "infisical-prod/.env"):
        result = subprocess.run(
            [sys.executable, "-m", "generator", "check", str(CORPUS / sample)],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert "input.crash" not in result.stdout, result.stdout + result.stderr
