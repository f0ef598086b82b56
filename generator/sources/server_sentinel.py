"""Source: a Sentinel deployment, as its Sentinels describe it.

``SENTINEL MASTER NAME`` gives the master's address and the quorum, ``SENTINEL REPLICAS NAME`` the replicas and
``SENTINEL SENTINELS NAME`` the other Sentinels. Each Sentinel is judged as the ``sentinel.conf`` it keeps
(``sentinel monitor``, ``sentinel known-replica``, ``sentinel known-sentinel``, and ``requirepass`` when it
refuses a client without a password), so the rules on Sentinel configs judge it like a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.schema.rules import Scope
from generator.server.connection import (
    AuthError,
    ClientOptions,
    RedisClientError,
    RedisURL,
    ReplyError,
    ServerConnection,
    string_pairs,
)
from generator.server.identify import identify, server_mode
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location
from generator.sources.base import Note
from generator.sources.server import AuditError, NodeAudit, read_info

Address = tuple[str, int]
DOWN_FLAGS = frozenset({"s_down", "o_down", "disconnected"})
"""Flags of a node a Sentinel cannot count on."""


@dataclass(frozen=True)
class SentinelView:
    """What one Sentinel knows about the master set it monitors under ``name``."""

    name: str
    master: Address
    quorum: int
    flags: str
    replicas: tuple[Address, ...]
    sentinels: tuple[Address, ...]
    """The other Sentinels (not the one asked)."""
    replicas_up: int
    """Replicas this Sentinel does not flag down or disconnected."""
    ckquorum: str
    """``SENTINEL CKQUORUM``'s answer: ``OK ...`` or why the quorum cannot be reached."""


def _records(reply: object) -> list[dict[str, str]]:
    """An array of flat ``field, value, ...`` arrays (``SENTINEL REPLICAS``) as dicts."""
    if not isinstance(reply, list):
        return []
    return [dict(string_pairs(item)) for item in reply if isinstance(item, list)]


def _address(fields: dict[str, str]) -> Address | None:
    port = fields.get("port", "")
    return (fields["ip"], int(port)) if fields.get("ip") and port.isdigit() else None


def sentinel_view(conn: ServerConnection, name: str) -> SentinelView:
    """The master set ``name`` as the Sentinel behind ``conn`` sees it; AuditError when it is not a Sentinel
    or does not monitor ``name``."""
    info = read_info(conn)
    if server_mode(info) != "sentinel":
        raise AuditError(f"{conn.display} is not a Sentinel (mode {server_mode(info)}); use --url")
    try:
        master = dict(string_pairs(conn.command("SENTINEL", "MASTER", name)))
        replicas = _records(conn.command("SENTINEL", "REPLICAS", name))
        others = _records(conn.command("SENTINEL", "SENTINELS", name))
    except ReplyError as error:
        known = _master_names(conn)
        raise AuditError(f"{conn.display}: {error.text} (the master names it monitors: {known})") from None
    address = _address(master)
    if address is None:
        raise AuditError(f"{conn.display}: SENTINEL MASTER {name} gave no address")
    quorum = master.get("quorum", "")
    up = [r for r in replicas if not set(r.get("flags", "").split(",")) & DOWN_FLAGS]
    return SentinelView(
        name,
        address,
        int(quorum) if quorum.isdigit() else 0,
        master.get("flags", ""),
        tuple(a for a in map(_address, replicas) if a is not None),
        tuple(a for a in map(_address, others) if a is not None),
        len(up),
        _ckquorum(conn, name),
    )


def _ckquorum(conn: ServerConnection, name: str) -> str:
    try:
        reply = conn.command("SENTINEL", "CKQUORUM", name)
    except ReplyError as error:
        return error.text
    return reply if isinstance(reply, str) else "?"


def _master_names(conn: ServerConnection) -> str:
    try:
        reply = conn.command("SENTINEL", "MASTERS")
    except RedisClientError:
        return "unknown"
    names = [record.get("name", "") for record in _records(reply)]
    return ", ".join(sorted(n for n in names if n)) or "none"


def requires_password(url: RedisURL, options: ClientOptions) -> bool:
    """Whether the server refuses a client that sends no password (the live form of ``requirepass``)."""
    try:
        with ServerConnection.open(RedisURL(url.tls, url.host, url.port), None, options) as anonymous:
            anonymous.command("INFO", "server")
    except AuthError:
        return True
    except ReplyError as error:
        return error.code in ("NOAUTH", "NOPERM")
    return False


def audit_sentinel(
    conn: ServerConnection, name: str, password: str | None, options: ClientOptions, deployment_replicas: int
) -> NodeAudit:
    """Judge one Sentinel of the set ``name`` by the rules on Sentinel configs, and by what it sees: the
    master's flags, ``SENTINEL CKQUORUM`` and how many of the ``deployment_replicas`` it sees up."""
    where = Location(conn.display)
    info = read_info(conn)
    identity = identify(info)
    view = sentinel_view(conn, name)
    result = NodeAudit(conn.display, identity=identity)
    result.source.notes.append(
        Note(where, f"Sentinel of '{name}': {identity.describe()}; flags of the master: {view.flags or '?'}")
    )
    host, port = view.master
    settings = [Setting("sentinel", ("monitor", name, host, str(port), str(view.quorum)), where)]
    settings += [Setting("sentinel", ("known-replica", name, h, str(p)), where) for h, p in view.replicas]
    settings += [Setting("sentinel", ("known-sentinel", name, h, str(p)), where) for h, p in view.sentinels]
    seen = {
        "sentinel_master_flags": view.flags,
        "sentinel_ckquorum": view.ckquorum,
        "sentinel_replicas_up": str(view.replicas_up),
        "sentinel_deployment_replicas": str(deployment_replicas),
    }
    settings += [Setting(fact, (value,), where) for fact, value in seen.items()]
    if password and requires_password(conn.url, options):  # a Sentinel that wants one was given one
        settings.append(Setting("requirepass", (password,), where, True))
        result.source.secrets.add(password)
    cfg = EffectiveConfig.of(settings, where, scope=Scope.SERVER, target=identity.target, kind="sentinel")
    result.source.subjects.append(cfg)
    return result
