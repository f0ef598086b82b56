"""Predicates of the rules that judge a deployment as a whole (topology, sizing); values files only."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.formats.yaml import YamlPath
from generator.rules.engine import Hit, predicate
from generator.schema.units import format_redis_memory
from generator.schema.values import Deployment
from generator.shapes.values import ValuesFile

DeploymentPredicate = Callable[[ValuesFile, Deployment], Iterator[Hit]]


def deployment_rule(rule_id: str) -> Callable[[DeploymentPredicate], DeploymentPredicate]:
    """A predicate on the deployment model; it runs when the values file could be read into one."""

    def register(fn: DeploymentPredicate) -> DeploymentPredicate:
        @predicate(rule_id, ValuesFile)
        def on_values(values: ValuesFile) -> Iterator[Hit]:
            return iter(()) if values.deployment is None else fn(values, values.deployment)

        return fn

    return register


@deployment_rule("mode.section")
def _mode_section(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    sections = {"standalone": dep.standalone, "sentinel": dep.sentinel, "cluster": dep.cluster}
    if dep.mode in ("sentinel", "cluster") and sections[dep.mode] is None:
        yield hit(values, f"mode is {dep.mode} but there is no `{dep.mode}:` section", ("mode",))
    for name, section in sections.items():
        if name != dep.mode and section is not None:
            yield hit(values, f"`{name}:` section in a {dep.mode} deployment", (name,))


@deployment_rule("ha.failover")
def _ha(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    if dep.mode == "standalone":
        yield hit(values, "a standalone Redis has no automatic failover", ("mode",))


@deployment_rule("sentinel.quorum")
def _quorum(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    if dep.mode != "sentinel" or dep.sentinel is None:
        return
    count, quorum = len(dep.sentinel.sentinels), dep.sentinel.quorum
    where = ("sentinel", "quorum")
    if quorum > count:
        yield hit(values, f"quorum {quorum} is more than the {count} Sentinels", where)
    elif quorum <= count // 2:
        yield hit(values, f"quorum {quorum} of {count} Sentinels is not a majority", where)


@deployment_rule("sentinel.count")
def _sentinel_count(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    if dep.mode == "sentinel" and dep.sentinel is not None and len(dep.sentinel.sentinels) < 3:
        count = len(dep.sentinel.sentinels)
        yield hit(values, f"{count} Sentinel(s); run at least three", ("sentinel", "sentinels"))


@deployment_rule("cluster.masters")
def _masters(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    if dep.mode == "cluster" and dep.cluster is not None and dep.cluster.masters < 3:
        c = dep.cluster
        yield hit(
            values,
            f"{len(c.nodes)} nodes with {c.replicas_per_master} replica(s) each make {c.masters} master(s); "
            "a cluster needs at least 3",
            ("cluster", "nodes"),
        )


@deployment_rule("cluster.replicas")
def _replicas(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    if dep.mode == "cluster" and dep.cluster is not None and dep.cluster.replicas_per_master == 0:
        yield hit(values, "masters have no replicas", ("cluster", "replicas_per_master"))


@deployment_rule("memory.headroom")
def _headroom(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    limit = dep.tier.maxmemory
    if dep.maxmemory_bytes > limit:
        yield hit(
            values,
            f"maxmemory is above the {dep.tier.name} tier's {format_redis_memory(limit)} "
            "(37.5% of its RAM); an AOF rewrite may not fit",
            ("memory", "maxmemory"),
        )


@deployment_rule("topology.same-port")
def _same_port(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    groups = {
        "sentinel": {"nodes": dep.sentinel.nodes, "sentinels": dep.sentinel.sentinels} if dep.sentinel else {},
        "cluster": {"nodes": dep.cluster.nodes} if dep.cluster else {},
    }.get(dep.mode, {})
    for key, members in groups.items():
        first = members[0].port
        for index, member in enumerate(members):
            if member.port != first:
                yield hit(
                    values,
                    f"{dep.mode}.{key} uses port {member.port} here but {first} for the first entry; "
                    "one config file serves every host of a role",
                    (dep.mode, key, index),
                )


def hit(values: ValuesFile, message: str, path: YamlPath) -> Hit:
    return Hit(values.at(path), message)


@deployment_rule("topology.read-replicas")
def _read_replicas(values: ValuesFile, dep: Deployment) -> Iterator[Hit]:
    if dep.mode != "sentinel" or dep.sentinel is None:
        return
    sentinels = {str(s) for s in dep.sentinel.sentinels}
    nodes = {str(n) for n in dep.sentinel.nodes}
    for index, entry in enumerate(dep.read_replicas):
        if str(entry) in nodes or (str(entry) not in sentinels and entry.port != dep.sentinel.sentinels[0].port):
            yield hit(
                values,
                f"read_replicas entry {index + 1} is a data node, but in Sentinel mode Infisical asks each entry "
                "for the master as a Sentinel",
                ("read_replicas", index),
            )
