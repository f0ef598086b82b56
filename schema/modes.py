"""Deployment modes: the three Infisical supports, and the one it does not."""

from enum import StrEnum
from typing import NamedTuple


class Mode(StrEnum):
    STANDALONE = "standalone"
    SENTINEL = "sentinel"
    CLUSTER = "cluster"


class ModeFacts(NamedTuple):
    name: str
    title: str
    supported: bool
    summary: str
    when_to_use: str
    failover: str
    env_vars: tuple[str, ...]


MODES: dict[str, ModeFacts] = {
    "standalone": ModeFacts(
        name="standalone",
        title="Standalone (single node)",
        supported=True,
        summary="One Redis server. Infisical connects with `REDIS_URL`.",
        when_to_use="Small deployments, or a managed Redis that fails over behind one endpoint.",
        failover="None of its own: a restart or a lost host stops job processing until Redis is back; "
        "persistence decides whether the queued jobs come back with it.",
        env_vars=("REDIS_URL", "NODE_EXTRA_CA_CERTS"),
    ),
    "sentinel": ModeFacts(
        name="sentinel",
        title="Sentinel (high availability)",
        supported=True,
        summary="One master, its replicas, and three or more Sentinels that promote a replica when the "
        "master fails. Infisical asks the Sentinels where the master is.",
        when_to_use="Self-hosted production: the recommended way to get automatic failover.",
        failover="Automatic: the Sentinels agree (quorum) that the master is down and promote a replica; "
        "Infisical's client follows the new master.",
        env_vars=(
            "REDIS_SENTINEL_HOSTS",
            "REDIS_SENTINEL_MASTER_NAME",
            "REDIS_SENTINEL_ENABLE_TLS",
            "REDIS_SENTINEL_USERNAME",
            "REDIS_SENTINEL_PASSWORD",
            "REDIS_USERNAME",
            "REDIS_PASSWORD",
            "NODE_EXTRA_CA_CERTS",
        ),
    ),
    "cluster": ModeFacts(
        name="cluster",
        title="Cluster",
        supported=True,
        summary="Keys sharded over three or more masters, each with replicas. BullMQ keeps each queue in one "
        "slot with a `{queue-name}` hash-tag prefix, which Infisical sets.",
        when_to_use="Very large deployments, or managed cluster-mode services such as ElastiCache.",
        failover="Automatic per shard: a replica takes over its failed master.",
        env_vars=(
            "REDIS_CLUSTER_HOSTS",
            "REDIS_CLUSTER_ENABLE_TLS",
            "REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE",
            "REDIS_USERNAME",
            "REDIS_PASSWORD",
            "NODE_EXTRA_CA_CERTS",
        ),
    ),
    "active-active": ModeFacts(
        name="active-active",
        title="Active-Active geo-replication",
        supported=False,
        summary="Not supported. Conflict-free replicated types merge concurrent writes, which breaks BullMQ's "
        "locks and job state, and Infisical has no way to use it.",
        when_to_use="Never for Infisical. For several regions, give each region its own independent Redis "
        "(standalone, sentinel or cluster) and use Infisical's own replication between regions.",
        failover="-",
        env_vars=(),
    ),
}

SUPPORTED_MODES: tuple[str, ...] = tuple(name for name, facts in MODES.items() if facts.supported)
