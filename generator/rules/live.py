"""Predicates only a running deployment can answer: the Sentinels' quorum, count, master and replicas as the
Sentinels see them, a cluster's masters and their replicas, and whether the server runs BullMQ's scripts at all.

A live Sentinel is judged as the ``sentinel.conf`` it keeps: ``sentinel monitor NAME IP PORT QUORUM`` and one
``sentinel known-sentinel`` line per other Sentinel it sees, plus what it sees as ``sentinel_*`` facts (the
master's flags, ``CKQUORUM``, replicas up) (``generator.sources.server_sentinel``). A cluster
node carries its cluster's facts as underscore settings (``cluster_size``, ``cluster_slots_served``), set by
``generator.sources.server_cluster``.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.rules.engine import Hit, predicate
from generator.schema.server_rules import DRAGONFLY_FLAGS
from generator.shapes.config import EffectiveConfig


def _number(cfg: EffectiveConfig, name: str) -> int | None:
    value = cfg.value(name)
    return int(value) if value.isdigit() else None


def _sentinel_set(cfg: EffectiveConfig) -> tuple[int, int] | None:
    """(Sentinels in the set, quorum) as a live Sentinel sees them."""
    if not cfg.live or cfg.kind != "sentinel":
        return None
    monitor = cfg.sentinel_lines("monitor")
    if not monitor or len(monitor[-1].args) < 5 or not monitor[-1].args[4].isdigit():
        return None
    return 1 + len(cfg.sentinel_lines("known-sentinel")), int(monitor[-1].args[4])


@predicate("sentinel.quorum", EffectiveConfig)
def _quorum(cfg: EffectiveConfig) -> Iterator[Hit]:
    seen = _sentinel_set(cfg)
    if seen is None:
        return
    count, quorum = seen
    where = cfg.sentinel_lines("monitor")[-1].where
    ckquorum = cfg.value("sentinel_ckquorum")
    if quorum > count:
        yield Hit(where, f"quorum {quorum} is more than the {count} Sentinel(s) this Sentinel sees")
    elif quorum <= count // 2:
        yield Hit(where, f"quorum {quorum} of the {count} Sentinels this Sentinel sees is not a majority")
    elif ckquorum and not ckquorum.startswith("OK"):
        yield Hit(where, f"SENTINEL CKQUORUM: {ckquorum}")


@predicate("sentinel.health", EffectiveConfig)
def _health(cfg: EffectiveConfig) -> Iterator[Hit]:
    flags = cfg.value("sentinel_master_flags").split(",")
    if cfg.live and cfg.kind == "sentinel" and {"s_down", "o_down"} & set(flags):
        monitor = cfg.sentinel_lines("monitor")
        master = ":".join(monitor[-1].args[2:4]) if monitor and len(monitor[-1].args) >= 4 else "its master"
        yield Hit(cfg.origin, f"this Sentinel sees the master {master} down (flags {','.join(flags)})")


@predicate("sentinel.replicas-seen", EffectiveConfig)
def _replicas_seen(cfg: EffectiveConfig) -> Iterator[Hit]:
    up, known = _number(cfg, "sentinel_replicas_up"), _number(cfg, "sentinel_deployment_replicas")
    if cfg.live and cfg.kind == "sentinel" and up is not None and known is not None and up < known:
        yield Hit(cfg.origin, f"this Sentinel sees {up} of the deployment's {known} replica(s) up")


@predicate("sentinel.count", EffectiveConfig)
def _sentinel_count(cfg: EffectiveConfig) -> Iterator[Hit]:
    seen = _sentinel_set(cfg)
    if seen is not None and seen[0] < 3:
        where = cfg.sentinel_lines("monitor")[-1].where
        yield Hit(where, f"this Sentinel sees {seen[0]} Sentinel(s) in its set (itself included); run at least three")


@predicate("cluster.masters", EffectiveConfig)
def _masters(cfg: EffectiveConfig) -> Iterator[Hit]:
    size = _number(cfg, "cluster_size") if cfg.live else None
    if size is not None and size < 3:
        yield Hit(cfg.origin, f"the cluster has {size} master(s) serving slots; it needs at least 3")


@predicate("cluster.replicas", EffectiveConfig)
def _replicas(cfg: EffectiveConfig) -> Iterator[Hit]:
    served = _number(cfg, "cluster_slots_served") if cfg.live else None
    if served and cfg.value("role") == "master" and _number(cfg, "connected_slaves") == 0:
        yield Hit(cfg.origin, "this cluster master has no replica: losing it takes its slots offline")


@predicate("server.compatible", EffectiveConfig)
def _compatible(cfg: EffectiveConfig) -> Iterator[Hit]:
    if not cfg.live or cfg.value("server_name") != "dragonfly":
        return
    lua_flags = cfg.value("dragonfly_default_lua_flags")
    emulated = cfg.value("dragonfly_cluster_mode") == "emulated" and cfg.value("dragonfly_lock_on_hashtags") in (
        "true",
        "1",
    )
    if "allow-undeclared-keys" in lua_flags or emulated:
        return
    seen = "its flags cannot be read" if cfg.last("dragonfly_default_lua_flags") is None else "it runs without them"
    yield Hit(cfg.origin, f"Dragonfly runs BullMQ's scripts only with {DRAGONFLY_FLAGS}; {seen}")
