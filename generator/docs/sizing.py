"""The sizing page: the tiers and the arithmetic behind maxmemory and the volume size."""

from __future__ import annotations

from dataclasses import dataclass

from generator.docs.views import cell
from generator.schema import sizing
from generator.schema.units import GIB, format_kube_quantity, format_redis_memory


@dataclass(frozen=True)
class TierRow:
    name: str
    vcpu: int
    ram: str
    disk: str
    source: str
    maxmemory: str
    maxmemory_working: str
    volume: str
    cpu_request: str
    memory: str
    infisical_pods: str


@dataclass(frozen=True)
class SizingView:
    tiers: tuple[TierRow, ...]
    os_share: str
    fork_share: str
    kept_share: str
    aof_volume_factor: int
    maxmemory_step: str


def _gib(size: int) -> str:
    return f"{size / GIB:g} GiB"


def sizing_view() -> SizingView:
    kept = (1 - sizing.OS_SHARE) * (1 - sizing.FORK_SHARE)
    rows = tuple(
        TierRow(
            name=tier.name,
            vcpu=tier.vcpu,
            ram=_gib(tier.ram),
            disk=_gib(tier.disk),
            source=cell(tier.source),
            maxmemory=format_redis_memory(tier.maxmemory),
            maxmemory_working=f"{_gib(tier.ram)} × {kept:g} = {_gib(int(tier.ram * kept))}",
            volume=format_kube_quantity(tier.volume),
            cpu_request=tier.cpu_request,
            memory=format_kube_quantity(tier.pod_memory),
            infisical_pods=cell(tier.infisical_pods),
        )
        for tier in sizing.TIERS.values()
    )
    return SizingView(
        tiers=rows,
        os_share=f"{sizing.OS_SHARE:g}",
        fork_share=f"{sizing.FORK_SHARE:g}",
        kept_share=f"{kept:g}",
        aof_volume_factor=sizing.AOF_VOLUME_FACTOR,
        maxmemory_step=format_redis_memory(sizing.MAXMEMORY_STEP),
    )
