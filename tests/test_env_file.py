"""The Infisical `.env` sample (generator.render.env) and the start-up check it must pass (generator.formats.dotenv)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.formats.dotenv import EnvProblem, dotenv_value, parse_dotenv
from generator.render.env import infisical_env, infisical_env_view
from generator.render.secrets import PLACEHOLDERS, SecretValues
from generator.rules.env import MISSING_CONNECTION, check_infisical_env
from generator.schema.env_vars import ENV_VAR_NAMES
from generator.schema.fields import PLACEHOLDER_PREFIX
from generator.schema.values import Deployment

SENTINEL = {
    "nodes": ["10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"],
    "sentinels": ["10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"],
}
CLUSTER = {"nodes": [f"redis-{i}.redis:6379" for i in range(6)]}
DEPLOYMENTS: dict[str, dict[str, Any]] = {
    "standalone": {"mode": "standalone", "redis_version": "7.2"},
    "standalone-tls": {
        "mode": "standalone",
        "redis_version": "7.2",
        "standalone": {"host": "redis.internal", "port": 6380},
        "tls": {"enabled": True, "infisical_ca_path": "/etc/ssl/certs/redis-ca.pem", "kubernetes_secret": "redis-tls"},
        "persistence": {"storage_class": "ssd", "volume_size": "50Gi"},
    },
    "standalone-no-auth": {"mode": "standalone", "redis_version": "6.2", "auth": {"enabled": False}},
    "standalone-acl-user": {"mode": "standalone", "redis_version": "7.0", "auth": {"username": "infisical"}},
    "sentinel": {
        "mode": "sentinel",
        "redis_version": "7.2",
        "size": "medium",
        "auth": {"sentinel_password": {"env": "REDIS_SENTINEL_PASSWORD"}},
        "sentinel": {**SENTINEL, "master_name": "infisical"},
        "read_replicas": ["10.0.0.4:26379", "10.0.0.5:26379"],  # in Sentinel mode: more Sentinels
    },
    "sentinel-secrets-tls": {
        "mode": "sentinel",
        "redis_version": "valkey-8.0",
        "auth": {
            "username": "infisical",
            "password": {"secret": {"name": "redis-auth", "key": "redis-password"}},
            "sentinel_password": {"secret": {"name": "redis-auth", "key": "redis-password"}},
        },
        "tls": {"enabled": True},
        "sentinel": SENTINEL,
    },
    "cluster": {"mode": "cluster", "redis_version": "7.2", "size": "large", "cluster": CLUSTER},
    "cluster-tls-elasticache": {
        "mode": "cluster",
        "redis_version": "7.0",
        "auth": {"username": "infisical", "password": {"secret": {"name": "redis-auth", "key": "password"}}},
        "tls": {"enabled": True, "infisical_ca_path": "/ca/redis.pem"},
        "cluster": {**CLUSTER, "aws_elasticache_dns_lookup": True},
    },
}
AWKWARD_PASSWORD = "p@ss:w/rd #\"'%"


def deployment(name: str) -> Deployment:
    return Deployment.model_validate(DEPLOYMENTS[name])


@pytest.mark.parametrize("name", DEPLOYMENTS)
def test_env_passes_infisicals_startup_check(name: str) -> None:
    assert check_infisical_env(infisical_env(deployment(name), PLACEHOLDERS)) == []


@pytest.mark.parametrize("name", DEPLOYMENTS)
def test_env_reads_back_exactly_and_uses_only_infisicals_names(name: str) -> None:
    dep = deployment(name)
    text = infisical_env(dep, PLACEHOLDERS)
    parsed = parse_dotenv(text)
    assert parsed.problems == ()
    assert parsed.values == {e.name: e.value for e in infisical_env_view(dep, PLACEHOLDERS).entries}
    assert set(parsed.values) <= ENV_VAR_NAMES
    mentioned = set(re.findall(r"\b(?:REDIS|NODE)_[A-Z_]+\b", text.replace(PLACEHOLDER_PREFIX, " ")))
    assert mentioned - {"REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD"} <= ENV_VAR_NAMES  # those two: env sources


@pytest.mark.parametrize("name", DEPLOYMENTS)
def test_every_line_has_a_comment_block_above_it(name: str) -> None:
    lines = infisical_env(deployment(name), PLACEHOLDERS).splitlines()
    for index, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert lines[index - 1].startswith("# "), line.split("=")[0]


def values(name: str, secrets: SecretValues = PLACEHOLDERS) -> dict[str, str]:
    return parse_dotenv(infisical_env(deployment(name), secrets)).values


def test_standalone_urls() -> None:
    assert values("standalone") == {"REDIS_URL": "redis://:replace-me-with-env-REDIS_PASSWORD@redis:6379"}
    assert values("standalone-no-auth") == {"REDIS_URL": "redis://redis:6379"}
    assert values("standalone-acl-user") == {
        "REDIS_URL": "redis://infisical:replace-me-with-env-REDIS_PASSWORD@redis:6379"
    }
    assert values("standalone-tls") == {
        "REDIS_URL": "rediss://:replace-me-with-env-REDIS_PASSWORD@redis.internal:6380",
        "NODE_EXTRA_CA_CERTS": "/etc/ssl/certs/redis-ca.pem",
    }


def test_sentinel_variables() -> None:
    assert values("sentinel") == {
        "REDIS_SENTINEL_HOSTS": "10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379",
        "REDIS_SENTINEL_MASTER_NAME": "infisical",
        "REDIS_PASSWORD": "replace-me-with-env-REDIS_PASSWORD",
        "REDIS_SENTINEL_PASSWORD": "replace-me-with-env-REDIS_SENTINEL_PASSWORD",
        "REDIS_READ_REPLICAS": "10.0.0.4:26379,10.0.0.5:26379",
    }
    secret = "replace-me-with-secret-redis-auth-redis-password"
    assert values("sentinel-secrets-tls") == {
        "REDIS_SENTINEL_HOSTS": "10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379",
        "REDIS_SENTINEL_MASTER_NAME": "mymaster",
        "REDIS_USERNAME": "infisical",
        "REDIS_PASSWORD": secret,
        "REDIS_SENTINEL_PASSWORD": secret,
        "REDIS_SENTINEL_ENABLE_TLS": "true",
    }


def test_cluster_variables() -> None:
    hosts = ",".join(CLUSTER["nodes"])
    assert values("cluster") == {
        "REDIS_CLUSTER_HOSTS": hosts,
        "REDIS_CLUSTER_ENABLE_TLS": "false",
        "REDIS_PASSWORD": "replace-me-with-env-REDIS_PASSWORD",
    }
    assert values("cluster-tls-elasticache") == {
        "REDIS_CLUSTER_HOSTS": hosts,
        "REDIS_CLUSTER_ENABLE_TLS": "true",
        "REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE": "true",
        "REDIS_USERNAME": "infisical",
        "REDIS_PASSWORD": "replace-me-with-secret-redis-auth-password",
        "NODE_EXTRA_CA_CERTS": "/ca/redis.pem",
    }


def test_resolved_password_is_percent_encoded_and_decodes_back() -> None:
    secrets = SecretValues(environ={"REDIS_PASSWORD": AWKWARD_PASSWORD})
    text = infisical_env(deployment("standalone-acl-user"), secrets)
    assert AWKWARD_PASSWORD not in text
    url = parse_dotenv(text).values["REDIS_URL"]
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.port, parts.path) == ("redis", "redis", 6379, "")
    assert parts.password is not None and unquote(parts.password) == AWKWARD_PASSWORD
    assert parts.username == "infisical"
    assert check_infisical_env(text) == []


def test_a_password_no_quoting_can_hold_is_refused_without_echoing_it() -> None:
    secrets = SecretValues(environ={"REDIS_PASSWORD": AWKWARD_PASSWORD, "REDIS_SENTINEL_PASSWORD": "x"})
    with pytest.raises(ValueError, match="REDIS_PASSWORD") as error:
        infisical_env(deployment("sentinel"), secrets)
    assert "p@ss" not in str(error.value)


def test_a_raw_password_with_spaces_and_dollars_is_single_quoted() -> None:
    password = "a b$c#d"
    secrets = SecretValues(environ={"REDIS_PASSWORD": password, "REDIS_SENTINEL_PASSWORD": "it's"})
    text = infisical_env(deployment("sentinel"), secrets)
    assert f"REDIS_PASSWORD='{password}'" in text.splitlines()
    assert 'REDIS_SENTINEL_PASSWORD="it\'s"' in text.splitlines()
    assert parse_dotenv(text).values["REDIS_PASSWORD"] == password
    assert check_infisical_env(text) == []


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("redis://:abc%40@host:6379", "redis://:abc%40@host:6379"),
        ("", "''"),
        ("a b", "'a b'"),
        ("$HOME", "'$HOME'"),
        ("x #y", "'x #y'"),
        ('say "hi"', "'say \"hi\"'"),
        ("back\\slash", "'back\\slash'"),
        ("it's", '"it\'s"'),
    ],
)
def test_dotenv_quoting_rule(value: str, written: str) -> None:
    assert dotenv_value(value) == written
    assert parse_dotenv(f"X={written}\n").values == {"X": value}


@pytest.mark.parametrize(
    "value", ["two\nlines", "cr\r", "tab\t", "it's $HOME", "${HOME}", "a ${b}", 'it\'s "x"', "a\\\\b", "end\\"]
)
def test_dotenv_refuses_what_cannot_be_written_safely(value: str) -> None:
    with pytest.raises(ValueError, match="SECRET_NAME") as error:
        dotenv_value(value, "SECRET_NAME")
    assert value not in str(error.value)


@given(st.text(max_size=40))
@example("'")
@example("\\'")
@example("a\\")
def test_dotenv_value_either_refuses_or_reads_back_exactly(value: str) -> None:
    try:
        written = dotenv_value(value)
    except ValueError:
        return
    parsed = parse_dotenv(f"X={written}\n")
    assert parsed.problems == ()
    assert parsed.values == {"X": value}


# --- env_check: Infisical's start-up validation ------------------------------------------------------


def messages(text: str) -> list[tuple[int, str, str]]:
    return [(p.line, p.name, p.message) for p in check_infisical_env(text)]


def only_problem(text: str) -> EnvProblem:
    problems = check_infisical_env(text)
    assert len(problems) == 1, problems
    return problems[0]


def test_no_connection_variable_is_infisicals_own_error() -> None:
    assert messages("# nothing\nREDIS_PASSWORD=secret\n") == [(0, "", MISSING_CONNECTION)]
    assert messages("REDIS_URL=\n") == [(0, "", MISSING_CONNECTION)]  # empty counts as unset


@pytest.mark.parametrize("url", ["http://redis:6379", "redis:6379", "//redis:6379", "rediss:/redis"])
def test_url_scheme_must_be_redis_or_rediss(url: str) -> None:
    problem = only_problem(f"REDIS_URL={url}\n")
    assert (problem.line, problem.name) == (1, "REDIS_URL")
    assert "redis:// or rediss://" in problem.message


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("redis://:Zq9#Zq9@redis:6379", "%23"),
        ("redis://:Zq9/Zq9@redis:6379", "%2F"),
        ("redis://:Zq9@redis:port", "port"),
        ("redis://:Zq9%Zq9@redis:6379", "%25"),
    ],
)
def test_url_with_an_unencoded_password_is_caught_without_echoing_it(url: str, needle: str) -> None:
    problem = only_problem(f"REDIS_URL='{url}'\n")
    assert needle in problem.message
    assert "Zq9" not in problem.message


def test_valid_urls_pass() -> None:
    assert messages("REDIS_URL=rediss://user:p%40ss@redis.example.com:6380/0\n") == []
    assert messages("export REDIS_URL=redis://redis:6379  # comment\n") == []


@pytest.mark.parametrize(
    ("hosts", "needle"),
    [
        ("10.0.0.1:26379,10.0.0.2", "entry 2 ('10.0.0.2') has no port"),
        ("redis://10.0.0.1:26379", "scheme"),
        ("[::1]:26379", "IPv6"),
        ("::1:26379", "IPv6"),
        ("a:26379,,b:26379", "entry 2 is empty"),
        ("a:sentinel", "numeric port"),
        ("a:70000", "outside 1-65535"),
    ],
)
def test_host_list_entries(hosts: str, needle: str) -> None:
    problem = only_problem(f"REDIS_SENTINEL_HOSTS={hosts}\n")
    assert problem.name == "REDIS_SENTINEL_HOSTS"
    assert needle in problem.message


def test_read_replicas_are_checked_like_the_other_lists() -> None:
    problem = only_problem("REDIS_CLUSTER_HOSTS=a:6379\nREDIS_READ_REPLICAS=b\n")
    assert (problem.line, problem.name) == (2, "REDIS_READ_REPLICAS")


@pytest.mark.parametrize("value", ["yes", "1", "TRUE", "True "])
def test_strict_booleans(value: str) -> None:
    text = f"REDIS_CLUSTER_HOSTS=a:6379\nREDIS_CLUSTER_ENABLE_TLS='{value}'\n"
    problem = only_problem(text)
    assert (problem.line, problem.name) == (2, "REDIS_CLUSTER_ENABLE_TLS")
    assert "exactly true or false" in problem.message
    flag = "REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE"
    assert only_problem(f"REDIS_CLUSTER_HOSTS=a:6379\n{flag}={value.strip()}\n").name == flag


def test_sentinel_tls_flag_other_than_true_means_off() -> None:
    problem = only_problem("REDIS_SENTINEL_HOSTS=a:26379\nREDIS_SENTINEL_ENABLE_TLS=yes\n")
    assert "reads 'yes' as false" in problem.message


def test_unknown_redis_names_are_flagged() -> None:
    problem = only_problem("REDIS_URL=redis://redis:6379\nREDIS_SENTINEL_MASTER=mymaster\n")
    assert (problem.line, problem.name) == (2, "REDIS_SENTINEL_MASTER")
    assert "not read by Infisical" in problem.message
    assert "REDIS_SENTINEL_MASTER_NAME" in problem.message
    assert messages("REDIS_URL=redis://redis:6379\nDB_CONNECTION_URI=postgres://db\n") == []


def test_credentials_next_to_a_url_are_not_applied() -> None:
    text = "REDIS_URL=redis://redis:6379\nREDIS_PASSWORD=hunter2\nREDIS_SENTINEL_HOSTS=a:26379\n"
    found = messages(text)
    assert [(line, name) for line, name, _ in found] == [(2, "REDIS_PASSWORD"), (3, "REDIS_SENTINEL_HOSTS")]
    assert all("hunter2" not in message for _, _, message in found)


def test_syntax_problems_have_lines_and_never_show_values() -> None:
    text = "REDIS_URL=redis://redis:6379\nnot an assignment s3cret\nREDIS_PASSWORD='unterminated s3cret\n"
    found = messages(text)
    assert [(line, name) for line, name, _ in found] == [(2, ""), (3, "REDIS_PASSWORD")]
    assert all("s3cret" not in message for _, _, message in found)


def test_parser_reads_quotes_escapes_comments_and_duplicates() -> None:
    parsed = parse_dotenv(
        "# comment\n"
        "export A=plain value   # trailing comment\n"
        "B='single # not a comment'\n"
        'C="double \\"quoted\\" \\n"\n'
        "D='it\\'s'\n"
        "A=again\n"
    )
    assert parsed.values == {"A": "again", "B": "single # not a comment", "C": 'double "quoted" \n', "D": "it's"}
    assert [a.line for a in parsed.assignments] == [2, 3, 4, 5, 6]
    duplicate = check_infisical_env("REDIS_URL=redis://a:6379\nREDIS_URL=redis://b:6379\n")
    assert [(p.line, p.name) for p in duplicate] == [(2, "REDIS_URL")]
