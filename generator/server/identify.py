"""Which server answers: Redis, Valkey, Dragonfly, KeyDB or unknown, its line, and the managed service it runs on,
all from ``INFO`` (the one command every Redis-compatible server and managed service answers)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from generator.schema.versions import LINES, Family, LineMatch, ServerTarget, line_for_server_version

Product = Literal["redis", "valkey", "dragonfly", "keydb", "unknown"]
Provider = Literal["elasticache", "memorystore", "azure"]

PRODUCT_TITLES: Mapping[Product, str] = {
    "redis": "Redis",
    "valkey": "Valkey",
    "dragonfly": "Dragonfly",
    "keydb": "KeyDB",
    "unknown": "an unknown server",
}

OTHER_SERVERS = ("kvrocks_version", "garnet_version", "pika_version", "tendis_version")
"""INFO fields of Redis-compatible servers that also report a ``redis_version`` but are not Redis."""


@dataclass(frozen=True)
class ServerIdentity:
    product: Product
    version: str
    """The product's own version (``valkey_version``, ``dragonfly_version``, else ``redis_version``)."""
    line: LineMatch | None
    """The known line that judges it (Redis-compatible version for Dragonfly and KeyDB)."""
    provider: Provider | None = None

    @property
    def target(self) -> ServerTarget | None:
        """The version the rules judge (only Redis and Valkey: the others have their own settings)."""
        if self.product not in ("redis", "valkey") or self.line is None:
            return None
        return self.line.requested

    @property
    def title(self) -> str:
        name = PRODUCT_TITLES[self.product]
        return f"{name} {self.version}" if self.version else name

    def describe(self) -> str:
        """One line for a note: the product, its line and whether this project proves that line."""
        where = {"elasticache": " on Amazon ElastiCache"}.get(self.provider or "", "")
        requested = self.line.requested if self.line is not None else None
        own = self.product in ("redis", "valkey")
        name = requested.title if own and requested is not None else PRODUCT_TITLES[self.product]
        head = f"{name} ({self.version}){where}" if self.version else f"{name}{where}"
        if self.line is None or self.line.line is None or requested is None:
            return f"{head}: no known line judges it"
        known = LINES[self.line.line]
        parts = [] if own else [f"Redis-compatible {requested.title}"]
        if known.target != requested:
            newer = " (newer than every known line)" if self.line.newer_than_known else ""
            parts.append(f"judged as {known.target.title}{newer}")
        parts.append(f"proven on {known.proven_by}" if known.proven_by else "a line this project has not run")
        return f"{head}: {', '.join(parts)}"


def server_mode(info: Mapping[str, str]) -> str:
    """``standalone``, ``sentinel`` or ``cluster``, from ``redis_mode`` (Redis, Valkey 7.2) or ``server_mode``
    (Valkey 8 and later)."""
    return info.get("redis_mode") or info.get("server_mode", "?")


def _product(info: Mapping[str, str]) -> Product:
    if "dragonfly_version" in info:
        return "dragonfly"
    if info.get("server_name", "").lower() == "valkey" or "valkey_version" in info:
        return "valkey"
    executable = info.get("executable", "").rsplit("/", 1)[-1]
    if "mvcc_depth" in info or executable.startswith("keydb") or "cluster_mget" in info.get("features", ""):
        return "keydb"
    if "redis_version" in info and not any(key in info for key in OTHER_SERVERS):
        return "redis"
    return "unknown"


def _provider(info: Mapping[str, str]) -> Provider | None:
    os_name = info.get("os", "").lower()
    if "elasticache" in os_name:
        return "elasticache"
    if "memorystore" in os_name:
        return "memorystore"
    if "azure" in os_name:
        return "azure"
    return None


def identify(info: Mapping[str, str]) -> ServerIdentity:
    """The server behind an ``INFO`` reply (``INFO server`` is enough)."""
    product = _product(info)
    own = {"valkey": "valkey_version", "dragonfly": "dragonfly_version"}.get(product, "redis_version")
    version = info.get(own) or info.get("redis_version", "")
    family: Family = "valkey" if product == "valkey" else "redis"
    compatible = version if product in ("redis", "valkey") else info.get("redis_version", "")
    try:
        line: LineMatch | None = line_for_server_version(compatible, family)
    except ValueError:
        line = None
    return ServerIdentity(product, version.removeprefix("df-"), line, _provider(info))
