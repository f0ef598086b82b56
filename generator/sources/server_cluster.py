"""Source: a Redis Cluster, as its nodes describe it.

``CLUSTER NODES`` on the node asked lists every master and replica; each node is judged as a server of its own,
carrying its cluster's facts as underscore settings: its own ``CLUSTER INFO`` (``cluster_state``,
``cluster_slots_ok``), the slots it serves (``cluster_slots_served``, for masters), and on the node asked, how
many masters serve slots (``cluster_size``).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.server.connection import ReplyError, ServerConnection, parse_info
from generator.shapes.config import Setting
from generator.shapes.finding import Location
from generator.sources.base import Note
from generator.sources.server import AuditError

CLUSTER_SLOTS = 16384
CLUSTER_FACTS = ("cluster_state", "cluster_slots_assigned", "cluster_slots_ok", "cluster_known_nodes")
"""``CLUSTER INFO`` fields every node carries; ``cluster_size`` only on the node asked (one finding, not six)."""


@dataclass(frozen=True)
class ClusterNode:
    node_id: str
    host: str
    port: int
    flags: frozenset[str]
    master_id: str
    """The master a replica follows (``-`` for a master)."""
    slots: int
    """How many slots a master serves."""

    @property
    def master(self) -> bool:
        return "master" in self.flags

    @property
    def reachable(self) -> bool:
        return not self.flags & {"noaddr", "handshake"} and bool(self.host)


def _slot_count(ranges: list[str]) -> int:
    count = 0
    for item in ranges:
        if item.startswith("["):  # a slot being migrated or imported
            continue
        low, _, high = item.partition("-")
        if low.isdigit():
            count += int(high) - int(low) + 1 if high.isdigit() else 1
    return count


def parse_cluster_nodes(text: str) -> list[ClusterNode]:
    """``CLUSTER NODES``: ``<id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch> <link>
    <slot> ...`` per line."""
    nodes = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 8:
            continue
        address = parts[1].split("@", 1)[0]
        host, _, port = address.rpartition(":")
        nodes.append(
            ClusterNode(
                parts[0],
                host.strip("[]"),
                int(port) if port.isdigit() else 0,
                frozenset(parts[2].split(",")),
                parts[3],
                _slot_count(parts[8:]),
            )
        )
    return nodes


def cluster_info(conn: ServerConnection) -> dict[str, str]:
    """``CLUSTER INFO`` as fields; AuditError when the server is not a cluster node."""
    try:
        return parse_info(conn.command("CLUSTER", "INFO"))
    except ReplyError as error:
        raise AuditError(f"{conn.display} is not a cluster node ({error.text}); use --url") from None


def cluster_nodes(conn: ServerConnection) -> list[ClusterNode]:
    reply = conn.command("CLUSTER", "NODES")
    return parse_cluster_nodes(reply if isinstance(reply, str) else "")


def node_facts(node: ClusterNode, info: dict[str, str], where: Location) -> list[Setting]:
    """The cluster facts the rules judge on ``node``: its own ``CLUSTER INFO`` and the slots it serves (its
    replicas are the ones linked to it, INFO's ``connected_slaves``: the gossiped topology can lag behind)."""
    facts = [Setting(name, (info[name],), where) for name in CLUSTER_FACTS if name in info]
    if node.master:
        facts.append(Setting("cluster_slots_served", (str(node.slots),), where))
    return facts


def state_notes(info: dict[str, str], where: Location) -> list[Note]:
    """Slots a node sees unserved while its state is still ``ok`` (``cluster-require-full-coverage no``); a state
    that is not ``ok`` is the ``cluster.state`` finding."""
    ok = info.get("cluster_slots_ok", "")
    if info.get("cluster_state") != "ok" or not ok.isdigit() or int(ok) == CLUSTER_SLOTS:
        return []
    text = f"only {ok} of {CLUSTER_SLOTS} slots are served well: BullMQ queues hashed to the others stop; "
    return [Note(where, text + "see `redis-cli --cluster check`")]
