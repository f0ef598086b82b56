"""An audit run: one server, a Sentinel deployment or a cluster. Each node is one input of the run, at its own
location (its URL without the password), judged by the one engine (``generator.judge.judge_input``).

A failure to reach the server named on the command line is a usage error (``RedisClientError``, exit 2); a
node found through it that cannot be reached is an ``input.unreadable`` finding for that node, and every other
node is still judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from generator.judge import Run, judge_input
from generator.server.connection import (
    AuthError,
    ClientOptions,
    RedisClientError,
    RedisURL,
    ServerConnection,
    choose_password,
)
from generator.shapes.config import Setting
from generator.shapes.finding import Location
from generator.sources.base import SourceResult, unreadable
from generator.sources.server import NodeAudit, audit_node
from generator.sources.server_cluster import ClusterNode, cluster_info, cluster_nodes, node_facts, state_notes
from generator.sources.server_sentinel import audit_sentinel, sentinel_view

NodeRead = Callable[[], NodeAudit]


@dataclass(frozen=True)
class Passwords:
    """Where the credentials come from: the data nodes' and the Sentinels' (never a command-line argument). The
    user names of a deployment's nodes come from Infisical's own variables, ``REDIS_USERNAME`` and
    ``REDIS_SENTINEL_USERNAME``, unless the address given is a URL naming one."""

    environ: Mapping[str, str]
    password_env: str | None = None
    sentinel_password_env: str | None = None

    def data(self, url: RedisURL) -> str | None:
        return choose_password(url, self.password_env, self.environ)

    def with_user(self, url: RedisURL, variable: str) -> RedisURL:
        user = self.environ.get(variable) or None
        return url if url.username is not None or user is None else replace(url, username=user)

    def sentinel(self, url: RedisURL) -> str | None:
        if url.password is not None:
            return url.password
        if self.sentinel_password_env is not None:
            return choose_password(url, self.sentinel_password_env, self.environ)
        return self.environ.get("REDIS_SENTINEL_PASSWORD") or None


def with_advice(run: Run, advice: Mapping[str, str]) -> Run:
    """Adds to each finding of a rule in ``advice`` what to do about it on this server."""
    run.findings = [
        f._replace(message=f"{f.message}; {advice[f.rule_id]}") if f.rule_id in advice else f for f in run.findings
    ]
    return run


def judge_node(display: str, read: NodeRead, ignore: Iterable[str]) -> Run:
    """One node as one input; a node that cannot be reached becomes an ``input.unreadable`` finding."""
    advice: dict[str, str] = {}

    def source() -> SourceResult:
        try:
            node = read()
        except RedisClientError as error:
            reason = str(error).removeprefix(f"{display}: ")
            raise unreadable(display, f"cannot audit this node: {reason}") from None
        advice.update(node.advice)
        return node.source

    run = with_advice(judge_input(display, source, ignore), advice)
    run.inputs = 0  # a clean audit prints nothing, not "N file(s) OK"
    return run


def _data_node(url: RedisURL, password: str | None, options: ClientOptions) -> NodeRead:
    def read() -> NodeAudit:
        with ServerConnection.open(url, password, options) as conn:
            return audit_node(conn, authenticated=password is not None)

    return read


def audit_url(url: RedisURL, password: str | None, options: ClientOptions) -> NodeAudit:
    """One server (``--url``); raises RedisClientError subclasses with safe messages."""
    return _data_node(url, password, options)()


def run_single(url: RedisURL, passwords: Passwords, options: ClientOptions, ignore: Iterable[str]) -> Run:
    node = audit_url(url, passwords.data(url), options)
    return judge_node(node.display, lambda: node, ignore)


def run_sentinel(
    address: RedisURL, master_name: str, passwords: Passwords, options: ClientOptions, ignore: Iterable[str]
) -> Run:
    """The master, every replica and every Sentinel of the set ``master_name``, as the Sentinel at ``address``
    reports them."""
    address = passwords.with_user(address, "REDIS_SENTINEL_USERNAME")
    sentinel_password = passwords.sentinel(address)
    with _open_sentinel(address, sentinel_password, options) as conn:
        view = sentinel_view(conn, master_name)
    data_url = passwords.with_user(RedisURL(address.tls, *view.master), "REDIS_USERNAME")
    data_password = passwords.data(data_url)
    run = Run()
    for host, port in (view.master, *view.replicas):
        url = data_url.at(host, port)
        run.add(judge_node(url.display, _data_node(url, data_password, options), ignore))
    for host, port in ((address.host, address.port), *view.sentinels):
        url = address.at(host, port)
        read = _sentinel(url, master_name, sentinel_password, options, len(view.replicas))
        run.add(judge_node(url.display, read, ignore))
    return run


def _open_sentinel(url: RedisURL, password: str | None, options: ClientOptions) -> ServerConnection:
    try:
        return ServerConnection.open(url, password, options)
    except AuthError:
        if password is not None:
            raise
        raise AuthError(
            f"{url.display}: the Sentinel requires a password: put it in REDIS_SENTINEL_PASSWORD or in a variable "
            "named by --sentinel-password-env"
        ) from None


def _sentinel(url: RedisURL, name: str, password: str | None, options: ClientOptions, replicas: int) -> NodeRead:
    def read() -> NodeAudit:
        with _open_sentinel(url, password, options) as conn:
            return audit_sentinel(conn, name, password, options, replicas)

    return read


def run_cluster(address: RedisURL, passwords: Passwords, options: ClientOptions, ignore: Iterable[str]) -> Run:
    """Every node ``CLUSTER NODES`` lists on the node at ``address``, masters and replicas."""
    address = passwords.with_user(address, "REDIS_USERNAME")
    password = passwords.data(address)
    with ServerConnection.open(address, password, options) as conn:
        cluster_info(conn)
        nodes = cluster_nodes(conn)
    size = sum(1 for n in nodes if n.master and n.slots and "fail" not in n.flags)
    run = Run()
    for node in sorted((n for n in nodes if n.reachable), key=lambda n: (not n.master, n.host, n.port)):
        url = address.at(node.host, node.port)
        masters = size if "myself" in node.flags else None  # said once, by the node asked
        run.add(judge_node(url.display, _cluster_node(url, node, masters, password, options), ignore))
    return run


def _cluster_node(
    url: RedisURL, node: ClusterNode, masters: int | None, password: str | None, options: ClientOptions
) -> NodeRead:
    def read() -> NodeAudit:
        where = Location(url.display)
        with ServerConnection.open(url, password, options) as conn:
            info = cluster_info(conn)
            extra = node_facts(node, info, where)
            if masters is not None:
                extra.append(Setting("cluster_size", (str(masters),), where))
            audit = audit_node(conn, authenticated=password is not None, extra=extra)
        audit.source.notes += state_notes(info, where)
        return audit

    return read
