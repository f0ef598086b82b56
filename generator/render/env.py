"""Deployment -> the `.env` sample Infisical reads its Redis settings from.

Only names from `schema.env_vars` are written (`env_var` raises KeyError on any other). The same view,
`infisical_env_view`, feeds the Kubernetes Secret in `generator.render.helm`, so the two cannot drift.
"""

import textwrap
from typing import NamedTuple
from urllib.parse import quote

from generator.formats.dotenv import dotenv_value
from generator.render.secrets import SecretValues
from generator.render.templates import render_template
from generator.schema.env_vars import EnvVar, env_var
from generator.schema.fields import PLACEHOLDER_PREFIX, HostPort, PasswordSource
from generator.schema.values import Deployment

COMMENT_WIDTH = 100


class EnvEntry(NamedTuple):
    """One variable: its name (always one Infisical reads), its raw value and why it has that value."""

    name: str
    value: str
    notes: tuple[str, ...] = ()

    @property
    def var(self) -> EnvVar:
        return env_var(self.name)

    @property
    def comments(self) -> tuple[str, ...]:
        """The comment block above the line: what Infisical does with it, then where the value comes from."""
        text = [self.var.description, *self.notes]
        return tuple(line for paragraph in text for line in textwrap.wrap(paragraph, COMMENT_WIDTH))

    @property
    def line(self) -> str:
        return f"{self.name}={dotenv_value(self.value, self.name)}"


class InfisicalEnv(NamedTuple):
    title: str
    placeholders: bool
    """Some value holds a ``replace-me-with-...`` placeholder instead of a password."""
    entries: tuple[EnvEntry, ...]


def _password_note(source: PasswordSource, secrets: SecretValues, what: str) -> str:
    if source.env is not None and secrets.resolved:
        return f"The {what} was read from environment variable {source.env} at build time."
    if source.env is not None:
        return (
            f"Placeholder: put the {what} from environment variable {source.env} here, or build with --resolve-secrets."
        )
    assert source.secret is not None
    secret = source.secret
    return f"Placeholder: put the {what} from Kubernetes Secret {secret.name}, key {secret.key} here."


def _hosts(hosts: list[HostPort]) -> str:
    return ",".join(str(host) for host in hosts)


def redis_url(dep: Deployment, secrets: SecretValues) -> str:
    """``redis[s]://[user]:<password>@host:port``, user and password percent-encoded; no auth part if no auth."""
    scheme = "rediss" if dep.tls.enabled else "redis"
    host = f"[{dep.endpoint.host}]" if ":" in dep.endpoint.host else dep.endpoint.host
    userinfo = ""
    if dep.auth.enabled:
        user = "" if dep.auth.username == "default" else quote(dep.auth.username, safe="")
        userinfo = f"{user}:{quote(secrets.password(dep.auth.password), safe='')}@"
    return f"{scheme}://{userinfo}{host}:{dep.endpoint.port}"


def _url_entry(dep: Deployment, secrets: SecretValues) -> EnvEntry:
    notes = [f"From standalone.host and standalone.port{'; TLS on (rediss://)' if dep.tls.enabled else ''}."]
    if dep.auth.enabled:
        who = "the default user" if dep.auth.username == "default" else f"ACL user {dep.auth.username}"
        notes.append(
            f"Connects as {who}. The password is percent-encoded (every character but letters, digits and "
            "-._~ written as %XX)."
        )
        notes.append(_password_note(dep.auth.password, secrets, "password"))
    else:
        notes.append("auth.enabled is false: no credentials in the URL.")
    return EnvEntry("REDIS_URL", redis_url(dep, secrets), tuple(notes))


def _data_auth_entries(dep: Deployment, secrets: SecretValues) -> list[EnvEntry]:
    if not dep.auth.enabled:
        return []
    entries = []
    if dep.auth.username != "default":
        entries.append(EnvEntry("REDIS_USERNAME", dep.auth.username, ("From auth.username.",)))
    note = _password_note(dep.auth.password, secrets, "data nodes' password")
    entries.append(EnvEntry("REDIS_PASSWORD", secrets.password(dep.auth.password), (note,)))
    return entries


def _sentinel_entries(dep: Deployment, secrets: SecretValues) -> list[EnvEntry]:
    s = dep.sentinel
    assert s is not None
    entries = [
        EnvEntry("REDIS_SENTINEL_HOSTS", _hosts(s.sentinels), ("From sentinel.sentinels.",)),
        EnvEntry("REDIS_SENTINEL_MASTER_NAME", s.master_name, ("From sentinel.master_name.",)),
        *_data_auth_entries(dep, secrets),
    ]
    if dep.auth.sentinel_password is not None:
        note = _password_note(dep.auth.sentinel_password, secrets, "Sentinels' password")
        entries.append(EnvEntry("REDIS_SENTINEL_PASSWORD", secrets.password(dep.auth.sentinel_password), (note,)))
    if dep.tls.enabled:
        entries.append(EnvEntry("REDIS_SENTINEL_ENABLE_TLS", "true", ("tls.enabled is true.",)))
    return entries


def _cluster_entries(dep: Deployment, secrets: SecretValues) -> list[EnvEntry]:
    c = dep.cluster
    assert c is not None
    tls = "true" if dep.tls.enabled else "false"
    entries = [
        EnvEntry("REDIS_CLUSTER_HOSTS", _hosts(c.nodes), ("From cluster.nodes; every node is a seed.",)),
        EnvEntry(
            "REDIS_CLUSTER_ENABLE_TLS",
            tls,
            ("From tls.enabled; written out because only true or false pass.",),
        ),
    ]
    if c.aws_elasticache_dns_lookup:
        entries.append(
            EnvEntry(
                "REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE",
                "true",
                ("From cluster.aws_elasticache_dns_lookup.",),
            )
        )
    return entries + _data_auth_entries(dep, secrets)


def infisical_env_view(dep: Deployment, secrets: SecretValues) -> InfisicalEnv:
    """Every variable Infisical needs for this deployment, in the order the `.env` lists them.

    Raises ValueError (naming the variable only) when a value cannot be written to a `.env` line.
    """
    if dep.mode == "standalone":
        entries = [_url_entry(dep, secrets)]
    elif dep.mode == "sentinel":
        entries = _sentinel_entries(dep, secrets)
    else:
        entries = _cluster_entries(dep, secrets)
    if dep.read_replicas:
        entries.append(EnvEntry("REDIS_READ_REPLICAS", _hosts(dep.read_replicas), ("From read_replicas.",)))
    if dep.tls.enabled and dep.tls.infisical_ca_path is not None:
        note = "From tls.infisical_ca_path: mount the CA bundle at this path in the Infisical container."
        entries.append(EnvEntry("NODE_EXTRA_CA_CERTS", dep.tls.infisical_ca_path, (note,)))
    for entry in entries:
        dotenv_value(entry.value, entry.name)  # fail now, naming the variable, not half-way through rendering
        if entry.value != entry.value.strip():
            raise ValueError(f"{entry.name} starts or ends with a blank, which Infisical trims away on start-up")
    return InfisicalEnv(
        title=f"Infisical's Redis settings: {dep.mode} mode, {dep.target.title}",
        placeholders=any(PLACEHOLDER_PREFIX in entry.value for entry in entries),
        entries=tuple(entries),
    )


def infisical_env(dep: Deployment, secrets: SecretValues) -> str:
    """The `.env` sample for Infisical: one commented ``NAME=value`` line per variable."""
    return render_template("env/infisical.env.j2", env=infisical_env_view(dep, secrets))
