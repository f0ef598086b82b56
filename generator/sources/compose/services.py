"""How the services of a compose file name and reach each other: ``extends`` within the file, ``links``
aliases and names resolved outside it, and the Redis hosts, ports and password Infisical's backend is given."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from generator.shapes.compose import STAND_IN_HOST, ComposeService
from generator.shapes.finding import Location
from generator.sources.compose.command import compose_value


def extended(spec: Any, services: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """A service with ``extends: {service: NAME}`` (same file) on top of that service's keys, as compose merges
    them: mappings key by key, everything else replaced. ``extends`` with ``file:`` is not followed."""
    if not isinstance(spec, dict):
        return {}
    base_ref = spec.get("extends")
    name = base_ref if isinstance(base_ref, str) else base_ref.get("service") if isinstance(base_ref, dict) else None
    if name is None or depth > 8 or (isinstance(base_ref, dict) and base_ref.get("file")):
        return spec
    base = extended(services.get(str(name)), services, depth + 1)
    merged = {**base, **spec}
    for key, value in spec.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
    return merged


def with_links(built: list[ComposeService], services: dict[str, Any]) -> list[ComposeService]:
    """``links: [SERVICE:ALIAS]`` makes ALIAS a name of SERVICE; ``external_links`` and ``extra_hosts`` name hosts
    outside this file for the service that has them."""
    aliases: dict[str, set[str]] = {}
    linked: list[ComposeService] = []
    for service in built:
        spec = services.get(service.name)
        spec = spec if isinstance(spec, dict) else {}
        for link in spec.get("links") or []:
            target, _, alias = str(link).partition(":")
            aliases.setdefault(target, set()).add(alias or target)
        outside = {str(link).partition(":")[2] or str(link) for link in spec.get("external_links") or []}
        hosts = spec.get("extra_hosts")
        entries = hosts.items() if isinstance(hosts, dict) else [str(h).split(":", 1) for h in hosts or []]
        outside |= {str(entry[0]).strip() for entry in entries if entry}
        linked.append(replace(service, outside_names=frozenset(outside)) if outside else service)
    return [replace(s, names=s.names | aliases[s.name]) if s.name in aliases else s for s in linked]


def password_sent(variable: str, written: dict[str, tuple[str, Location]]) -> tuple[bool | None, str | None]:
    """(does Infisical send a password to the data nodes, that password when written literally)."""
    if variable != "REDIS_URL":
        text = written.get("REDIS_PASSWORD", ("", None))[0].strip()
        return bool(text), (text if text and compose_value(text) == text else None)
    url = written["REDIS_URL"][0].strip()
    if "://" not in url:
        return None, None  # the whole URL comes from the environment
    credentials, at, _ = url.partition("://")[2].split("/", 1)[0].rpartition("@")
    password = credentials.partition(":")[2] if at else ""
    if not password:
        return False, None
    literal = compose_value(password)
    return True, unquote(literal) if literal is not None else None


def redis_hosts(variable: str, written: str, where: Location) -> list[tuple[str, Location, int | None]]:
    """(host, where, port) for each host a connection variable names; a host compose only knows at run time is
    the stand-in host, a port it only knows at run time None (a URL without a port: 6379)."""
    if variable == "REDIS_URL":
        netloc = written.strip().partition("://")[2].split("/", 1)[0]
        entries = [netloc.rpartition("@")[2]]
    else:
        entries = [e.strip() for e in written.split(",") if e.strip()]
    found = []
    for entry in entries:
        bracket = entry.find("]") if entry.startswith("[") else -1
        host = entry[1:bracket] if bracket > 0 else entry.rsplit(":", 1)[0] if ":" in entry else entry
        port_text = entry[bracket + 1 :].lstrip(":") if bracket > 0 else entry.rsplit(":", 1)[1] if ":" in entry else ""
        port = int(port_text) if port_text.isdigit() else 6379 if not port_text and variable == "REDIS_URL" else None
        found.append((STAND_IN_HOST if "$" in host or not host else host, where, port))
    return found
