"""Every Redis-related environment variable the Infisical backend reads (backend/src/lib/config/env.ts)."""

import re
from typing import Literal, NamedTuple

EnvKind = Literal["url", "host-list", "string", "boolean-true", "boolean-strict", "path"]


class EnvVar(NamedTuple):
    name: str
    kind: EnvKind
    accepted: str
    default: str | None
    required: str
    modes: tuple[str, ...]
    example: str
    description: str
    secret: bool = False


ENV_VARS: tuple[EnvVar, ...] = (
    EnvVar(
        name="REDIS_URL",
        kind="url",
        accepted="`redis://` or `rediss://` URL; credentials in the URL",
        default=None,
        required="One of `REDIS_URL`, `REDIS_SENTINEL_HOSTS`, `REDIS_CLUSTER_HOSTS`",
        modes=("standalone",),
        example="redis://:password@redis:6379",
        description="Connection string of a single endpoint (a standalone server, a proxy or a managed "
        "primary). `rediss://` turns TLS on. When set, it wins over the Sentinel and Cluster variables.",
        secret=True,
    ),
    EnvVar(
        name="REDIS_USERNAME",
        kind="string",
        accepted="an ACL user name",
        default=None,
        required="Only when the data nodes use an ACL user other than `default`",
        modes=("sentinel", "cluster"),
        example="infisical",
        description="ACL user for data connections in Sentinel and Cluster mode. Not applied with "
        "`REDIS_URL`: put the user in the URL instead.",
    ),
    EnvVar(
        name="REDIS_PASSWORD",
        kind="string",
        accepted="any string",
        default=None,
        required="When the data nodes require a password",
        modes=("sentinel", "cluster"),
        example="<32 random letters and digits>",
        description="Password for data connections in Sentinel and Cluster mode. Not applied with "
        "`REDIS_URL`: put the password in the URL instead.",
        secret=True,
    ),
    EnvVar(
        name="REDIS_SENTINEL_HOSTS",
        kind="host-list",
        accepted="comma-separated `host:port` list, no scheme, no IPv6 literals",
        default=None,
        required="One of `REDIS_URL`, `REDIS_SENTINEL_HOSTS`, `REDIS_CLUSTER_HOSTS`",
        modes=("sentinel",),
        example="10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379",
        description="The Sentinels Infisical asks for the current master.",
    ),
    EnvVar(
        name="REDIS_SENTINEL_MASTER_NAME",
        kind="string",
        accepted="the master set name",
        default="mymaster",
        required="No",
        modes=("sentinel",),
        example="mymaster",
        description="Name of the master set the Sentinels monitor (`sentinel monitor <name> ...`).",
    ),
    EnvVar(
        name="REDIS_SENTINEL_ENABLE_TLS",
        kind="boolean-true",
        accepted="only the literal `true` turns it on",
        default="false",
        required="No",
        modes=("sentinel",),
        example="true",
        description="Connect to the Sentinels, and the master they name, over TLS.",
    ),
    EnvVar(
        name="REDIS_SENTINEL_USERNAME",
        kind="string",
        accepted="an ACL user name on the Sentinels",
        default=None,
        required="Only when the Sentinels use an ACL user",
        modes=("sentinel",),
        example="sentinel-user",
        description="ACL user for the Sentinel processes themselves.",
    ),
    EnvVar(
        name="REDIS_SENTINEL_PASSWORD",
        kind="string",
        accepted="any string",
        default=None,
        required="When the Sentinels require a password (`requirepass` in sentinel.conf)",
        modes=("sentinel",),
        example="<32 random letters and digits>",
        description="Password for the Sentinel processes themselves.",
        secret=True,
    ),
    EnvVar(
        name="REDIS_CLUSTER_HOSTS",
        kind="host-list",
        accepted="comma-separated `host:port` list of seed nodes, no scheme, no IPv6 literals",
        default=None,
        required="One of `REDIS_URL`, `REDIS_SENTINEL_HOSTS`, `REDIS_CLUSTER_HOSTS`",
        modes=("cluster",),
        example="10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379",
        description="Seed nodes of a Redis Cluster; the client discovers the rest.",
    ),
    EnvVar(
        name="REDIS_CLUSTER_ENABLE_TLS",
        kind="boolean-strict",
        accepted="exactly `true` or `false` (anything else stops Infisical at start-up)",
        default="false",
        required="No",
        modes=("cluster",),
        example="true",
        description="Connect to the cluster nodes over TLS.",
    ),
    EnvVar(
        name="REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE",
        kind="boolean-strict",
        accepted="exactly `true` or `false`",
        default="false",
        required="No",
        modes=("cluster",),
        example="true",
        description="Skip DNS resolution of node addresses; needed for AWS ElastiCache cluster mode with TLS.",
    ),
    EnvVar(
        name="REDIS_READ_REPLICAS",
        kind="host-list",
        accepted="comma-separated `host:port` list",
        default=None,
        required="No",
        modes=("standalone", "sentinel", "cluster"),
        example="10.0.0.2:6379,10.0.0.3:6379",
        description="Extra read endpoints; what each entry is depends on the mode. With `REDIS_URL`: a replica "
        "of that server (scheme, username, password and TLS copied from the URL). With the Sentinel variables: a "
        "Sentinel (the client asks it for the master), not a data node: a replica's data port does not work "
        "there. With `REDIS_CLUSTER_HOSTS`: a seed node of the cluster. Once set, reads (GET, MGET, SCAN, LRANGE, "
        "LLEN) go only to these endpoints and may be stale.",
    ),
    EnvVar(
        name="NODE_EXTRA_CA_CERTS",
        kind="path",
        accepted="path to a PEM CA bundle inside the Infisical container",
        default=None,
        required="When Redis's TLS certificate comes from a private or self-signed CA",
        modes=("standalone", "sentinel", "cluster"),
        example="/etc/ssl/certs/redis-ca.pem",
        description="Node.js trusts this CA in addition to the system store.",
    ),
)

ENV_VAR_NAMES: frozenset[str] = frozenset(var.name for var in ENV_VARS)
CONNECTION_VARS: tuple[str, ...] = ("REDIS_URL", "REDIS_SENTINEL_HOSTS", "REDIS_CLUSTER_HOSTS")
"""Infisical refuses to start unless at least one of these is set; REDIS_URL wins, then cluster, then Sentinel."""

RUN_MODES: tuple[str, ...] = ("api", "general-workers", "secret-scanning")
"""What ``INFISICAL_RUN_MODES`` (comma-separated; unset: all) accepts; any other value stops Infisical at start-up."""
WORKER_MODE = "general-workers"
"""The run mode that consumes Infisical's BullMQ queues."""

HOST_PORT = re.compile(r"^[A-Za-z0-9._-]+:[0-9]{1,5}$")
"""One entry of a host list as Infisical parses it: no scheme, no IPv6 literal, a numeric port."""


def env_var(name: str) -> EnvVar:
    for var in ENV_VARS:
        if var.name == name:
            return var
    raise KeyError(name)
