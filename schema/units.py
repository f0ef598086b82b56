"""Memory sizes as Redis and Kubernetes write them.

Redis: ``1k`` = 1000 bytes, ``1kb`` = 1024 bytes (likewise m/mb, g/gb); integers only.
Kubernetes: ``Mi`` / ``Gi`` binary suffixes.
"""

from __future__ import annotations

import re

_REDIS_UNITS: dict[str, int] = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1024,
    "m": 1000**2,
    "mb": 1024**2,
    "g": 1000**3,
    "gb": 1024**3,
}
_REDIS_SIZE = re.compile(r"^(?P<num>[0-9]+)(?P<unit>[a-z]*)$")
_KUBE_UNITS: dict[str, int] = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4}
_KUBE_SIZE = re.compile(r"^(?P<num>[0-9]+)(?P<unit>Ki|Mi|Gi|Ti)?$")

GIB = 1024**3
MIB = 1024**2


def parse_redis_memory(text: str) -> int:
    """Bytes of a Redis memory value such as ``3gb`` or ``1500mb``; ValueError when Redis would refuse it."""
    match = _REDIS_SIZE.match(text.strip().lower())
    if match is None or match["unit"] not in _REDIS_UNITS:
        raise ValueError("a Redis memory size is a whole number with an optional unit: b, k, kb, m, mb, g, gb")
    return int(match["num"]) * _REDIS_UNITS[match["unit"]]


def format_redis_memory(size: int) -> str:
    """The shortest exact Redis spelling of ``size`` bytes, preferring binary units (``3gb``, ``1536mb``)."""
    for unit in ("gb", "mb", "kb"):
        factor = _REDIS_UNITS[unit]
        if size and size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def parse_kube_quantity(text: str) -> int:
    """Bytes of a binary Kubernetes quantity such as ``8Gi``."""
    match = _KUBE_SIZE.match(text.strip())
    if match is None:
        raise ValueError("a size is a whole number with an optional unit: Ki, Mi, Gi, Ti")
    return int(match["num"]) * _KUBE_UNITS.get(match["unit"] or "", 1)


def format_kube_quantity(size: int) -> str:
    """The largest exact binary Kubernetes unit for ``size`` bytes (``8Gi``, ``1536Mi``)."""
    for unit in ("Ti", "Gi", "Mi", "Ki"):
        factor = _KUBE_UNITS[unit]
        if size and size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)
