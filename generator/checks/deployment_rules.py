"""Predicates of the rules that judge a deployment as a whole (topology, sizing); values files only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.yaml_source import YamlPath
from schema.units import format_redis_memory
from schema.values import Deployment


@dataclass(frozen=True)
class PathViolation:
    rule_id: str
    message: str
    path: YamlPath


DeploymentCheck = Callable[[Deployment], Iterator[PathViolation]]
DEPLOYMENT_CHECKS: dict[str, DeploymentCheck] = {}

SCHEMA_ENFORCED = frozenset({"mode.supported", "version.supported", "auth.literal-password"})
"""Rules the values model itself enforces (a pydantic error of type ``rule:<id>``)."""


def check(rule_id: str) -> Callable[[DeploymentCheck], DeploymentCheck]:
    def register(fn: DeploymentCheck) -> DeploymentCheck:
        DEPLOYMENT_CHECKS[rule_id] = fn
        return fn

    return register


@check("mode.section")
def _mode_section(dep: Deployment) -> Iterator[PathViolation]:
    sections = {"standalone": dep.standalone, "sentinel": dep.sentinel, "cluster": dep.cluster}
    if dep.mode in ("sentinel", "cluster") and sections[dep.mode] is None:
        yield PathViolation("mode.section", f"mode is {dep.mode} but there is no `{dep.mode}:` section", ("mode",))
    for name, section in sections.items():
        if name != dep.mode and section is not None:
            yield PathViolation("mode.section", f"`{name}:` section in a {dep.mode} deployment", (name,))


@check("ha.failover")
def _ha(dep: Deployment) -> Iterator[PathViolation]:
    if dep.mode == "standalone":
        yield PathViolation("ha.failover", "a standalone Redis has no automatic failover", ("mode",))


@check("sentinel.quorum")
def _quorum(dep: Deployment) -> Iterator[PathViolation]:
    if dep.mode != "sentinel" or dep.sentinel is None:
        return
    count, quorum = len(dep.sentinel.sentinels), dep.sentinel.quorum
    where = ("sentinel", "quorum")
    if quorum > count:
        yield PathViolation("sentinel.quorum", f"quorum {quorum} is more than the {count} Sentinels", where)
    elif quorum <= count // 2:
        yield PathViolation("sentinel.quorum", f"quorum {quorum} of {count} Sentinels is not a majority", where)


@check("sentinel.count")
def _sentinel_count(dep: Deployment) -> Iterator[PathViolation]:
    if dep.mode == "sentinel" and dep.sentinel is not None and len(dep.sentinel.sentinels) < 3:
        count = len(dep.sentinel.sentinels)
        yield PathViolation("sentinel.count", f"{count} Sentinel(s); run at least three", ("sentinel", "sentinels"))


@check("cluster.masters")
def _masters(dep: Deployment) -> Iterator[PathViolation]:
    if dep.mode == "cluster" and dep.cluster is not None and dep.cluster.masters < 3:
        c = dep.cluster
        yield PathViolation(
            "cluster.masters",
            f"{len(c.nodes)} nodes with {c.replicas_per_master} replica(s) each make {c.masters} master(s); "
            "a cluster needs at least 3",
            ("cluster", "nodes"),
        )


@check("cluster.replicas")
def _replicas(dep: Deployment) -> Iterator[PathViolation]:
    if dep.mode == "cluster" and dep.cluster is not None and dep.cluster.replicas_per_master == 0:
        yield PathViolation("cluster.replicas", "masters have no replicas", ("cluster", "replicas_per_master"))


@check("memory.headroom")
def _headroom(dep: Deployment) -> Iterator[PathViolation]:
    limit = dep.tier.maxmemory
    if dep.maxmemory_bytes > limit:
        yield PathViolation(
            "memory.headroom",
            f"maxmemory is above the {dep.tier.name} tier's {format_redis_memory(limit)} "
            "(37.5% of its RAM); an AOF rewrite may not fit",
            ("memory", "maxmemory"),
        )


@check("topology.same-port")
def _same_port(dep: Deployment) -> Iterator[PathViolation]:
    groups = {
        "sentinel": {"nodes": dep.sentinel.nodes, "sentinels": dep.sentinel.sentinels} if dep.sentinel else {},
        "cluster": {"nodes": dep.cluster.nodes} if dep.cluster else {},
    }.get(dep.mode, {})
    for key, members in groups.items():
        first = members[0].port
        for index, member in enumerate(members):
            if member.port != first:
                yield PathViolation(
                    "topology.same-port",
                    f"{dep.mode}.{key} uses port {member.port} here but {first} for the first entry; "
                    "one config file serves every host of a role",
                    (dep.mode, key, index),
                )
