"""Which chart a values file belongs to, decided positively from keys only that chart has. A file that fits
no chart the tool knows is said to be so (``input.kind``), never judged as the nearest one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.formats.yaml import YamlPath
from generator.schema.charts import (
    BITNAMI_REDIS,
    BITNAMI_REDIS_CLUSTER,
    BITNAMI_VALKEY,
    INFISICAL_REDIS,
    REDIS_HA,
    ChartFacts,
    KeyTree,
    key_tree,
)
from generator.shapes.finding import Location, rule_finding
from generator.sources.base import InputError

KNOWN = "Bitnami redis, redis-cluster or valkey, redis-ha, Infisical's chart"

_REDIS_AUTH = frozenset({"enabled", "password", "sentinel", "existingSecret", "existingSecretPasswordKey"})
_REDIS_AUTH_ALL = _REDIS_AUTH | {"usePasswordFiles", "usePasswordFileFromSecret", "acl"}
_SUBCHART_KEYS = frozenset({"master", "replica", "commonConfiguration"}) | {
    "enabled",
    "architecture",
    "auth",
    "usePassword",
    "cluster",
    "sentinel",
    "image",
    "fullnameOverride",
}
_CLUSTER_SECTION = frozenset({"nodes", "replicas", "init", "update", "externalAccess"})
_CLUSTER_REDIS = frozenset({"configmap", "useAOFPersistence", "defaultConfigOverride"})
_HA_REDIS = frozenset({"config", "customConfig", "masterGroupName"})
_HA_TOP = frozenset({"haproxy", "hardAntiAffinity", "persistentVolume", "redisPassword", "authKey"})
_VALKEY_IO = frozenset({"valkeyConfig", "dataStorage"})


@dataclass(frozen=True)
class Identified:
    chart: ChartFacts
    base: YamlPath
    keys: KeyTree
    """The key tree of the whole file."""


def not_a_chart(display: str, message: str) -> InputError:
    return InputError(rule_finding("input.kind", Location(display, 1, 1), message))


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _image_names(data: dict[Any, Any], word: str) -> bool:
    repository = _dict(data.get("image")).get("repository")
    return isinstance(repository, str) and word in repository.rsplit("/", 1)[-1]


_ROLE_KEYS = frozenset({"configuration", "disableCommands", "extraFlags", "persistence", "replicaCount", "count"})


def _is_bitnami_redis(data: dict[Any, Any]) -> bool:
    roles = (_dict(data.get(section)) for section in ("master", "replica"))
    if "commonConfiguration" in data or any(_ROLE_KEYS & set(role) for role in roles):
        return True
    if "masterSet" in _dict(data.get("sentinel")):
        return True
    auth = set(_dict(data.get("auth")))
    redis_auth = bool(auth) and auth <= _REDIS_AUTH_ALL
    if redis_auth and ("sentinel" in auth or data.get("architecture") in ("standalone", "replication")):
        return True
    if redis_auth and _image_names(data, "redis"):
        return True
    old = {"enabled", "slaveCount"} & set(_dict(data.get("cluster"))) or isinstance(data.get("slave"), dict)
    return bool(old) and ("usePassword" in data or "password" in data or "slave" in data)


def _is_valkey(data: dict[Any, Any]) -> bool:
    primary = isinstance(data.get("primary"), dict)
    return primary and (
        bool({"replica", "commonConfiguration", "sentinel"} & set(data)) or _image_names(data, "valkey")
    )


def identify(data: Any, display: str) -> Identified:
    """The chart of a values file; ``InputError`` (``input.kind``) when it is none the tool knows."""
    if not isinstance(data, dict):
        raise not_a_chart(display, "not a Helm values file (no mapping of keys)")
    if "mode" in data and "redis_version" in data:
        raise not_a_chart(display, "a deployment values file: judge it with `validate`")
    sub = _dict(data.get("redis"))
    if _HA_REDIS & set(sub) or _HA_TOP & set(data):
        return Identified(REDIS_HA, (), {})
    if _CLUSTER_SECTION & set(_dict(data.get("cluster"))) or _CLUSTER_REDIS & set(sub):
        return Identified(BITNAMI_REDIS_CLUSTER, (), key_tree("bitnami-redis-cluster"))
    if isinstance(data.get("infisical"), dict) or (sub and set(sub) & _SUBCHART_KEYS and not _is_bitnami_redis(data)):
        keys = key_tree("infisical") if "infisical" in data else {"*": {}, "redis": key_tree("infisical-redis")}
        return Identified(INFISICAL_REDIS, ("redis",), keys)
    if _is_valkey(data):
        return Identified(BITNAMI_VALKEY, (), key_tree("bitnami-valkey"))
    if _is_bitnami_redis(data):
        return Identified(BITNAMI_REDIS, (), key_tree("bitnami-redis"))
    kind = data.get("kind")
    if isinstance(kind, str) and "apiVersion" in data:
        raise not_a_chart(display, f"a Kubernetes {kind}: `check` judges Secrets and ConfigMaps, and values of {KNOWN}")
    if _VALKEY_IO & set(data):
        raise not_a_chart(display, f"values of the valkey-io `valkey` chart, which `check` does not judge ({KNOWN})")
    raise not_a_chart(display, f"not values of a chart `check` knows ({KNOWN}) nor a Kubernetes Secret")
