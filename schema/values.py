"""The deployment values file a user writes: one YAML file, one Redis deployment for Infisical.

The model holds the shape only (types, allowed values, ranges); every rule is a predicate in
``generator/rules/``. Messages never contain the offending value: it may be a password.
"""

# No ``from __future__ import annotations`` here: pydantic reads each field's type as an object instead of
# compiling its text, a cost every command pays at start-up.

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from .fields import REQUIRED, HostPort, Name, PasswordSource, Section, doc_field
from .modes import MODES, SUPPORTED_MODES  # noqa: F401
from .sizing import TIERS, Tier, TierName
from .units import parse_kube_quantity, parse_redis_memory
from .versions import SUPPORTED_TARGETS, ServerTarget, parse_target

EvictionPolicy = Literal[
    "noeviction",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
]
Fsync = Literal["everysec", "always", "no"]
DirectiveValue = str | int | bool
"""An `extra_directives` value as YAML gives it; `yes`/`no` and numbers are written as Redis reads them."""


class AuthSettings(Section):
    enabled: bool = doc_field(True, "Require a password on every Redis node.", True)
    username: Name = doc_field(
        "default",
        "ACL user Infisical connects as. `default` uses `requirepass`; any other name gets its own ACL user "
        "with all keys, channels and commands, and the `default` user is switched off.",
        "infisical",
    )
    password: PasswordSource = doc_field(
        lambda: PasswordSource(env="REDIS_PASSWORD"),
        "Where the data nodes' password comes from.",
        {"env": "REDIS_PASSWORD"},
    )
    sentinel_password: PasswordSource | None = doc_field(
        None,
        "Where the Sentinels' own password comes from (sentinel mode). Unset: the Sentinels need none.",
        {"env": "REDIS_SENTINEL_PASSWORD"},
    )


class TlsSettings(Section):
    enabled: bool = doc_field(False, "Serve TLS only, on the client port; the plain-text port is switched off.", True)
    cert_file: str = doc_field("/tls/redis.crt", "Server certificate (PEM) on the Redis host.")
    key_file: str = doc_field("/tls/redis.key", "Server private key (PEM) on the Redis host.")
    ca_file: str = doc_field("/tls/ca.crt", "CA bundle Redis verifies peers with (replication, cluster bus).")
    auth_clients: Literal["no", "optional", "yes"] = doc_field(
        "no", "`tls-auth-clients`. Infisical presents no client certificate, so `yes` locks it out.", "no"
    )
    infisical_ca_path: str | None = doc_field(
        None,
        "Path of the CA bundle inside the Infisical container, written to `NODE_EXTRA_CA_CERTS`. Leave unset "
        "when the certificate comes from a CA Node.js already trusts.",
        "/etc/ssl/certs/redis-ca.pem",
    )
    kubernetes_secret: Name | None = doc_field(
        None, "Kubernetes Secret with `tls.crt`, `tls.key` and `ca.crt`, for the Bitnami charts.", "redis-tls"
    )


SavePoint = Annotated[
    tuple[Annotated[int, Field(ge=1, strict=True)], Annotated[int, Field(ge=1, strict=True)]], Field(strict=False)
]
"""`[seconds, changes]`: a YAML list, read as a pair (strict mode would want a tuple, which YAML cannot write)."""


class PersistenceSettings(Section):
    aof: bool = doc_field(True, "`appendonly`: log every write to the append-only file.", True)
    appendfsync: Fsync = doc_field("everysec", "`appendfsync`: how often the AOF is flushed to disk.", "everysec")
    snapshots: list[SavePoint] = doc_field(
        lambda: [(3600, 1), (300, 100), (60, 10000)],
        "RDB snapshot points as `[seconds, changes]` pairs (one `save` line each); `[]` turns snapshots off.",
        [[3600, 1], [300, 100], [60, 10000]],
    )
    dir: str = doc_field("/data", "Data directory on the Redis host (`dir`); it must exist before Redis starts.")
    volume_size: str = doc_field(
        "auto",
        "Size of the data volume as a Kubernetes quantity, or `auto` for the tier's derived size.",
        "30Gi",
    )
    storage_class: Name | None = doc_field(None, "Kubernetes StorageClass of the data volume.", "ssd")

    @field_validator("volume_size")
    @classmethod
    def _volume_size(cls, value: str) -> str:
        if value != "auto":
            try:
                parse_kube_quantity(value)
            except ValueError as error:
                raise PydanticCustomError("size", str(error)) from None
        return value


class MemorySettings(Section):
    maxmemory: str = doc_field(
        "auto", "`maxmemory` in Redis units (`3gb`), or `auto` for the tier's derived limit.", "3gb"
    )
    maxmemory_policy: EvictionPolicy = doc_field(
        "noeviction", "`maxmemory-policy`. Only `noeviction` keeps BullMQ's queues intact.", "noeviction"
    )

    @field_validator("maxmemory", mode="before")
    @classmethod
    def _maxmemory(cls, value: Any) -> Any:
        if isinstance(value, str) and value != "auto":
            try:
                parse_redis_memory(value)
            except ValueError as error:
                raise PydanticCustomError("size", str(error)) from None
        return value


class StandaloneSettings(Section):
    host: str = doc_field(
        "redis", "Host name or address Infisical reaches Redis at (no port).", "redis", pattern=r"^[A-Za-z0-9._-]+$"
    )
    port: int = doc_field(6379, "Client port.", 6379, ge=1, le=65535)


class SentinelSettings(Section):
    master_name: Name = doc_field("mymaster", "Master set name (`REDIS_SENTINEL_MASTER_NAME`).", "mymaster")
    quorum: int = doc_field(2, "Sentinels that must agree the master is down.", 2, ge=1)
    nodes: list[HostPort] = doc_field(
        REQUIRED,
        "Data nodes as `host:port`; the first is the initial master, the others its replicas.",
        ["10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"],
        min_length=1,
    )
    sentinels: list[HostPort] = doc_field(
        REQUIRED,
        "Sentinels as `host:port` (`REDIS_SENTINEL_HOSTS`).",
        ["10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"],
        min_length=1,
    )
    down_after_ms: int = doc_field(5000, "`down-after-milliseconds`.", 5000, ge=100)
    failover_timeout_ms: int = doc_field(60000, "`failover-timeout`.", 60000, ge=1000)
    parallel_syncs: int = doc_field(1, "`parallel-syncs`: replicas resyncing with a new master at once.", 1, ge=1)

    @property
    def master(self) -> HostPort:
        return self.nodes[0]

    @property
    def uses_hostnames(self) -> bool:
        return not all(node.is_ip for node in [*self.nodes, *self.sentinels])


class ClusterSettings(Section):
    nodes: list[HostPort] = doc_field(
        REQUIRED,
        "Every cluster node as `host:port`; they are also the seed list (`REDIS_CLUSTER_HOSTS`).",
        [
            "10.0.0.1:6379",
            "10.0.0.2:6379",
            "10.0.0.3:6379",
            "10.0.0.4:6379",
            "10.0.0.5:6379",
            "10.0.0.6:6379",
        ],
        min_length=1,
    )
    replicas_per_master: int = doc_field(1, "Replicas per master (`--cluster-replicas`).", 1, ge=0)
    node_timeout_ms: int = doc_field(15000, "`cluster-node-timeout`.", 15000, ge=100)
    aws_elasticache_dns_lookup: bool = doc_field(
        False,
        "Set `REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE` (ElastiCache cluster mode with TLS).",
        False,
    )

    @property
    def masters(self) -> int:
        return len(self.nodes) // (1 + self.replicas_per_master)


class KubernetesSettings(Section):
    # The helm/ files derive every address in Infisical's Secret from these names (the Services the chart
    # creates), never from the host lists, which describe the same deployment on machines or in docker compose.

    release: Name = doc_field(
        "redis", "Name the chart's objects carry (`fullnameOverride`): Services `<release>-master`, ...", "redis"
    )
    namespace: Name = doc_field(
        "default", "Namespace Redis is installed into (`namespaceOverride`, `helm install -n`).", "infisical"
    )
    cluster_domain: str = doc_field(
        "cluster.local",
        "The cluster's DNS domain (`clusterDomain`): Service names are `<name>.<namespace>.svc.<domain>`.",
        "cluster.local",
        pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$",
    )
    infisical_namespace: Name | None = doc_field(
        None, "Namespace of Infisical and its Secret; unset: the same as `namespace`.", "infisical"
    )
    infisical_secret: Name = doc_field(
        "infisical-secrets",
        "Secret Infisical's chart loads its environment from (`infisical.kubeSecretRef`).",
        "infisical-secrets",
    )
    image_repository: str = doc_field(
        "bitnamilegacy/redis",
        "Redis image repository; the Sentinel and cluster images are `<repository>-sentinel` and "
        "`<repository>-cluster`. Tags follow `redis_version`.",
        "bitnamilegacy/redis",
    )

    @property
    def secret_namespace(self) -> str:
        return self.infisical_namespace or self.namespace

    def service_host(self, service: str) -> str:
        """A Service's (or a StatefulSet pod's ``pod.headless``) DNS name, valid from any namespace."""
        return f"{service}.{self.namespace}.svc.{self.cluster_domain}"


class Deployment(Section):
    """One Redis deployment for Infisical."""

    mode: Literal["standalone", "sentinel", "cluster"] = doc_field(
        REQUIRED, "Deployment mode. Active-Active geo-replication is not supported.", "sentinel"
    )
    redis_version: str = doc_field(
        REQUIRED,
        "Server line the files are generated for: "
        + ", ".join(f"`{target.spelling}`" for target in SUPPORTED_TARGETS)
        + ". A newer version is generated for as the newest known line of its family, with a warning.",
        "7.0",
    )
    size: TierName = doc_field(
        "small", "Hardware tier; `maxmemory`, volume and pod resources follow from it.", "medium"
    )
    auth: AuthSettings = doc_field(AuthSettings, "Passwords and the ACL user.")
    tls: TlsSettings = doc_field(TlsSettings, "TLS between Infisical and Redis, and between Redis nodes.")
    persistence: PersistenceSettings = doc_field(PersistenceSettings, "AOF, RDB snapshots and the data volume.")
    memory: MemorySettings = doc_field(MemorySettings, "Memory limit and eviction policy.")
    standalone: StandaloneSettings | None = doc_field(None, "Standalone endpoint (mode: standalone).")
    sentinel: SentinelSettings | None = doc_field(None, "Sentinel topology (mode: sentinel).")
    cluster: ClusterSettings | None = doc_field(None, "Cluster nodes (mode: cluster).")
    read_replicas: list[HostPort] = doc_field(
        list,
        "Extra read endpoints (`REDIS_READ_REPLICAS`), read per mode: standalone, replicas of the one server; "
        "sentinel, Sentinels the client asks for the master (not data nodes); cluster, seed nodes. Reads may be stale.",
        [],
    )
    kubernetes: KubernetesSettings = doc_field(KubernetesSettings, "Names used by the Helm values.")
    extra_directives: dict[str, DirectiveValue | list[DirectiveValue]] = doc_field(
        dict,
        "More redis.conf directives, name to value, checked against the target server line. Settings this "
        "file has a key for (persistence, memory, auth, TLS) cannot be overridden here.",
        {"latency-monitor-threshold": "100"},
    )
    ignore_rules: list[str] = doc_field(
        list,
        "Ids of warning rules not to report for this deployment (errors cannot be ignored).",
        ["ha.failover"],
    )

    @property
    def target(self) -> ServerTarget:
        return parse_target(self.redis_version)

    @property
    def tier(self) -> Tier:
        return TIERS[self.size]

    @property
    def maxmemory_bytes(self) -> int:
        if self.memory.maxmemory == "auto":
            return self.tier.maxmemory
        return parse_redis_memory(self.memory.maxmemory)

    @property
    def volume_bytes(self) -> int:
        if self.persistence.volume_size == "auto":
            return self.tier.volume
        return parse_kube_quantity(self.persistence.volume_size)

    @property
    def endpoint(self) -> StandaloneSettings:
        return self.standalone or StandaloneSettings()


MANAGED_DIRECTIVES: dict[str, str] = {
    "appendonly": "persistence.aof",
    "appendfsync": "persistence.appendfsync",
    "save": "persistence.snapshots",
    "dir": "persistence.dir",
    "maxmemory": "memory.maxmemory",
    "maxmemory-policy": "memory.maxmemory_policy",
    "requirepass": "auth",
    "masterauth": "auth",
    "masteruser": "auth",
    "user": "auth",
    "aclfile": "auth",
    "port": "standalone.port",
    "tls-port": "tls.enabled",
    "tls-cert-file": "tls.cert_file",
    "tls-key-file": "tls.key_file",
    "tls-ca-cert-file": "tls.ca_file",
    "tls-auth-clients": "tls.auth_clients",
    "replicaof": "sentinel.nodes",
    "slaveof": "sentinel.nodes",
    "cluster-enabled": "mode",
    "cluster-node-timeout": "cluster.node_timeout_ms",
}
"""redis.conf directives a values-file key owns; `extra_directives` may not set them."""


def directive_text(value: DirectiveValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
