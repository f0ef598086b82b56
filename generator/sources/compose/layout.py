"""Where a compose service sits: its published ports, its mounts (volumes, bind mounts, tmpfs, configs) and
its networks, in the short and long syntaxes compose accepts, each at its place in the file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.shapes.compose import Mount, Port
from generator.shapes.finding import Location
from generator.sources.compose.command import with_defaults

At = Callable[[tuple[str | int, ...]], Location]
_PORT = re.compile(r"^(?:(?P<ip>\[[^\]]*\]|[^:]*):)??(?:(?P<published>[0-9-]*):)?(?P<target>[0-9-]+)(?:/\w+)?$")


def _port_number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def ports(data: Any, at: At) -> list[Port]:
    """Every ``ports:`` entry (``expose:`` publishes nothing and is not read)."""
    found: list[Port] = []
    for index, item in enumerate(data if isinstance(data, list) else []):
        where = at(("ports", index))
        if isinstance(item, int):
            found.append(Port(where, item))
        elif isinstance(item, str):
            match = _PORT.match(with_defaults(item).strip())
            if match is None:
                found.append(Port(where, None))
                continue
            ip = (match["ip"] or "").strip("[]")
            found.append(Port(where, _port_number(match["target"]), ip))
        elif isinstance(item, dict):
            if item.get("published") in (None, "") and "published" in item:
                continue
            target = item.get("target")
            host_ip = str(item.get("host_ip") or "")
            found.append(Port(where, target if isinstance(target, int) else _port_number(str(target)), host_ip))
    return found


def mounts(service: dict[str, Any], configs: dict[str, Any], base: Path, at: At) -> list[Mount]:
    """Volumes, bind mounts, tmpfs and configs of a service; bind and config sources resolved next to the file."""
    found: list[Mount] = []
    volumes = service.get("volumes")
    for index, item in enumerate(volumes if isinstance(volumes, list) else []):
        where = at(("volumes", index))
        if isinstance(item, str):
            parts = with_defaults(item).split(":")
            if len(parts) == 1:
                found.append(Mount(where, parts[0], "anonymous"))
                continue
            source, target = parts[0], parts[1]
            bind = source.startswith(("/", ".", "~"))
            read_only = "ro" in ",".join(parts[2:]).split(",")
            host = _host(source, base) if bind else source
            found.append(Mount(where, target, "bind" if bind else "volume", host, read_only))
        elif isinstance(item, dict):
            kind = str(item.get("type", "volume"))
            target = with_defaults(str(item.get("target", "")))
            source = with_defaults(str(item.get("source", "") or ""))
            read_only = item.get("read_only") is True
            if kind == "bind":
                found.append(Mount(where, target, "bind", _host(source, base), read_only))
            elif kind == "tmpfs":
                found.append(Mount(where, target, "tmpfs"))
            elif kind == "volume":
                found.append(Mount(where, target, "volume" if source else "anonymous", source, read_only))
    tmpfs = service.get("tmpfs")
    for index, item in enumerate([tmpfs] if isinstance(tmpfs, str) else tmpfs if isinstance(tmpfs, list) else []):
        where = at(("tmpfs", index) if isinstance(tmpfs, list) else ("tmpfs",))
        found.append(Mount(where, str(item).split(":", 1)[0], "tmpfs"))
    used = service.get("configs")
    for index, item in enumerate(used if isinstance(used, list) else []):
        name = item if isinstance(item, str) else str(item.get("source", "")) if isinstance(item, dict) else ""
        target = str(item.get("target") or "") if isinstance(item, dict) else ""
        declared = configs.get(name)
        file = declared.get("file") if isinstance(declared, dict) else None
        source = _host(with_defaults(file), base) if isinstance(file, str) else ""
        found.append(Mount(at(("configs", index)), target or f"/{name}", "config", source, read_only=True))
    return found


def _host(source: str, base: Path) -> str:
    if source.startswith("~"):
        return source
    return str(base / source) if not source.startswith("/") else source


def host_file(mounts_of: list[Mount], container_path: str) -> tuple[Mount, str] | None:
    """The mount that holds ``container_path`` and the host path of that file, when it comes from a file or
    directory next to the compose file (a bind mount or a config); None when it is in a volume or unknown."""
    best: tuple[Mount, str] | None = None
    for mount in mounts_of:
        if mount.kind not in ("bind", "config") or not mount.source or mount.source.startswith("~"):
            continue
        target = mount.target.rstrip("/")
        if container_path == target:
            best = (mount, mount.source)
        elif mount.kind == "bind" and container_path.startswith(target + "/"):
            best = best or (mount, str(Path(mount.source) / container_path[len(target) + 1 :]))
    return best


def networks(service: dict[str, Any], at: At) -> tuple[frozenset[str], frozenset[str], Location | None]:
    """(networks, aliases, where ``networks:`` is written); a service that names none is on ``default``."""
    data = service.get("networks")
    if isinstance(data, list):
        return frozenset(with_defaults(str(n)) for n in data), frozenset(), at(("networks",))
    if isinstance(data, dict) and data:
        aliases = set()
        for value in data.values():
            if isinstance(value, dict) and isinstance(value.get("aliases"), list):
                aliases |= {with_defaults(str(alias)) for alias in value["aliases"]}
        return frozenset(with_defaults(str(n)) for n in data), frozenset(aliases), at(("networks",))
    return frozenset({"default"}), frozenset(), None


_DOCKER_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([bkmg]?)b?\s*$", re.IGNORECASE)
_DOCKER_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def memory_limit(service: dict[str, Any], at: At) -> tuple[int, Location] | None:
    """The container's memory limit in bytes (docker's units are powers of 1024), and where it is written."""
    deploy = service.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, dict) else None
    limits = resources.get("limits") if isinstance(resources, dict) else None
    candidates: list[tuple[Any, tuple[str | int, ...]]] = [
        (limits.get("memory") if isinstance(limits, dict) else None, ("deploy", "resources", "limits", "memory")),
        (service.get("mem_limit"), ("mem_limit",)),
    ]
    for value, path in candidates:
        match = _DOCKER_SIZE.match(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else None
        if match:
            return int(float(match[1]) * _DOCKER_UNITS[match[2].lower()]), at(path)
    return None
