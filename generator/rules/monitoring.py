"""Predicates `audit` judges from a running server's INFO for the rules the Prometheus alerts watch
(``schema/monitoring_rules.py``). What the Sentinels see is judged in ``live.py``; whether an exporter is up and
exports its config metrics only the alerts can say."""

from __future__ import annotations

from collections.abc import Iterator

from generator.rules.engine import Hit, predicate
from generator.schema.sizing import MEMORY_ALERT_SHARE
from generator.schema.units import parse_redis_memory
from generator.shapes.config import EffectiveConfig

MONITORED_INFO_FIELDS = (
    "used_memory",
    "evicted_keys",
    "rejected_connections",
    "role",
    "master_link_status",
    "connected_slaves",
    "cluster_state",
)
"""INFO fields these predicates read; a live server's source carries them as settings (underscore names)."""


def _count(cfg: EffectiveConfig, name: str) -> int | None:
    setting = cfg.last(name)
    return int(setting.value) if setting is not None and setting.value.isdigit() else None


@predicate("memory.usage", EffectiveConfig)
def _usage(cfg: EffectiveConfig) -> Iterator[Hit]:
    used = _count(cfg, "used_memory")
    try:
        limit = parse_redis_memory(cfg.value("maxmemory") or "0")
    except ValueError:
        return
    if used is not None and limit > 0 and used > limit * MEMORY_ALERT_SHARE:
        share = round(100 * used / limit)
        yield Hit(
            cfg.where("used_memory"),
            f"used memory is {share}% of maxmemory (the alert fires above {round(100 * MEMORY_ALERT_SHARE)}%): "
            "at 100% Redis refuses every write",
        )


@predicate("memory.evictions", EffectiveConfig)
def _evictions(cfg: EffectiveConfig) -> Iterator[Hit]:
    evicted = _count(cfg, "evicted_keys")
    if evicted:
        yield Hit(cfg.where("evicted_keys"), f"{evicted} key(s) evicted since the server started")


@predicate("clients.rejected", EffectiveConfig)
def _rejected(cfg: EffectiveConfig) -> Iterator[Hit]:
    rejected = _count(cfg, "rejected_connections")
    if rejected:
        yield Hit(cfg.where("rejected_connections"), f"{rejected} connection(s) rejected at maxclients")


@predicate("replication.link", EffectiveConfig)
def _link(cfg: EffectiveConfig) -> Iterator[Hit]:
    role = cfg.last("role")
    link = cfg.last("master_link_status")
    if role is not None and role.value == "slave" and link is not None and link.value != "up":
        yield Hit(link.where, f"this replica's link to its master is {link.value}: it serves stale data")


@predicate("cluster.state", EffectiveConfig)
def _cluster_state(cfg: EffectiveConfig) -> Iterator[Hit]:
    state = cfg.last("cluster_state")
    if state is not None and state.value != "ok":
        yield Hit(state.where, f"cluster_state is {state.value}: commands for keys in failing slots are refused")
