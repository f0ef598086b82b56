"""Hardware tiers and how maxmemory, the volume and the Kubernetes resources follow from them.

Derivation (the docs' sizing page prints these constants):

* ``maxmemory = RAM x (1 - OS_SHARE) x (1 - FORK_SHARE)``, rounded down to 256 MiB. A quarter of the RAM stays
  with the OS, the page cache the AOF is written through, client and replication buffers and fragmentation. Of
  the rest, half is kept free for the fork of ``BGREWRITEAOF`` / ``BGSAVE``: copy-on-write can duplicate every
  page a busy server touches while the child writes. On Infisical's 8 GB reference node this gives exactly the
  ``maxmemory 3gb`` its high-availability guide uses.
* ``volume >= AOF_VOLUME_FACTOR x maxmemory``: during a rewrite the old base file, the old increment (it grows
  to the base's size before ``auto-aof-rewrite-percentage 100`` triggers), the new base and an RDB snapshot
  can all sit on the disk at once. The published disk size is used when it is larger.
* Kubernetes: the pod's memory request and limit are the tier's RAM (a limit below it would OOM-kill the fork),
  its CPU request the tier's vCPUs, and no CPU limit (throttling a single-threaded server shows up as latency).
"""

from typing import Literal, NamedTuple

from .units import GIB, MIB

TierName = Literal["small", "medium", "large"]

OS_SHARE = 0.25
FORK_SHARE = 0.5
AOF_VOLUME_FACTOR = 4
MAXMEMORY_STEP = 256 * MIB
MEMORY_ALERT_SHARE = 0.8
"""Monitoring warns when used memory passes this share of the deployment's ``maxmemory``. With ``noeviction``
Redis refuses every write once ``maxmemory`` is reached (Infisical can then queue no job); the last fifth is the
time left to add memory or find what fills it."""


class Tier(NamedTuple):
    name: TierName
    vcpu: int
    ram: int
    disk: int
    source: str
    """Where the figures come from: published by Infisical, or derived here."""
    infisical_pods: str

    @property
    def maxmemory(self) -> int:
        usable = self.ram * (1 - OS_SHARE) * (1 - FORK_SHARE)
        return int(usable // MAXMEMORY_STEP) * MAXMEMORY_STEP

    @property
    def volume(self) -> int:
        needed = AOF_VOLUME_FACTOR * self.maxmemory
        needed_gib = -(-needed // GIB) * GIB
        return max(self.disk, needed_gib)

    @property
    def cpu_request(self) -> str:
        return str(self.vcpu)

    @property
    def pod_memory(self) -> int:
        """Memory request and limit of a Redis pod: all of the tier's RAM (a lower limit OOM-kills the fork)."""
        return self.ram


def memory_alert_threshold(maxmemory: int) -> int:
    """Used-memory figure (bytes) above which monitoring warns, for a server limited to ``maxmemory`` bytes."""
    return int(maxmemory * MEMORY_ALERT_SHARE)


TIERS: dict[str, Tier] = {
    "small": Tier(
        name="small",
        vcpu=2,
        ram=4 * GIB,
        disk=30 * GIB,
        source="Infisical's requirements page: \"2 vCPU, 4 GB RAM, and 30GB SSD will be sufficient for small "
        'deployments".',
        infisical_pods="2 or more Infisical containers (2 CPU / 4 GB each)",
    ),
    "medium": Tier(
        name="medium",
        vcpu=2,
        ram=8 * GIB,
        disk=30 * GIB,
        source="Infisical's high-availability reference architecture: each Redis node 2 vCPU / 8 GB "
        "(GCP n1-standard-2, AWS m5.large) with maxmemory 3gb; disk as the small tier.",
        infisical_pods="5 or more Infisical containers (2-4 CPU / 4-8 GB each)",
    ),
    "large": Tier(
        name="large",
        vcpu=4,
        ram=16 * GIB,
        disk=30 * GIB,
        source="Derived here, not published by Infisical: the medium node with CPU and RAM doubled, for 10 "
        "or more Infisical containers.",
        infisical_pods="10 or more Infisical containers (2-4 CPU / 4-8 GB each)",
    ),
}
