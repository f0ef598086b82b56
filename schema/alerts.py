"""Prometheus alerts on a running deployment, each declared once beside the rule it watches.

An alert's expression is PromQL over the metrics of oliver006's redis_exporter as it really exposes them
(checked against Debian's ``prometheus-redis-exporter`` 1.45 scraping Redis 6.2, 7.0 and Valkey): the eviction
policy is the ``maxmemory_policy`` label of ``redis_instance_info``, the role its ``role`` label, the
``INFO persistence`` statuses are ``1`` (ok) / ``0`` (err), and config settings without a metric of their own
(``appendfsync``, ``save``, ...) appear as ``redis_config_key_value{key, value}`` / ``redis_config_value{key}``
only when the exporter runs with ``--include-config-metrics``.

Expressions are :class:`string.Template` text. ``$job`` stands for the label matcher of the deployment's scrape
job (every selector carries it, so one Prometheus can watch several Redis deployments); the other names are the
deployment's own figures (:func:`alert_figures`): thresholds come from the sizing derivation, never typed here.
"""

import json
from collections.abc import Callable
from string import Template
from typing import NamedTuple

from .modes import Mode
from .monitoring_rules import MONITORING_RULES
from .rules import RULES_BY_ID, Rule, Severity
from .sizing import MEMORY_ALERT_SHARE, memory_alert_threshold
from .units import format_redis_memory
from .values import Deployment

CLUSTER_SLOTS = 16384
"""Hash slots of a Redis Cluster (a constant of Redis itself)."""
COUNTER_WINDOW = "10m"
"""Window of ``increase()`` for counters that must never grow (evicted keys, rejected connections)."""
EXPORTER_CONFIG_FLAG = "--include-config-metrics"
ALERT_SEVERITY: dict[Severity, str] = {Severity.ERROR: "critical", Severity.WARNING: "warning"}
"""The ``severity`` label of an alert, from its rule's severity (Alertmanager's usual names)."""

ALL_MODES = frozenset(Mode)
REPLICATED_MODES = frozenset({Mode.SENTINEL, Mode.CLUSTER})


class Condition(NamedTuple):
    """A further condition on the deployment for an alert to apply, with the words the docs show for it."""

    text: str
    holds: Callable[[Deployment], bool]


def _has_replicas(dep: Deployment) -> bool:
    if dep.sentinel is not None and dep.mode == "sentinel":
        return len(dep.sentinel.nodes) > 1
    if dep.cluster is not None and dep.mode == "cluster":
        return dep.cluster.replicas_per_master > 0
    return False


WITH_REPLICAS = Condition("with replicas", _has_replicas)
WITH_SNAPSHOTS = Condition("with snapshots configured", lambda dep: bool(dep.persistence.snapshots))
WITH_TLS = Condition("with TLS on", lambda dep: dep.tls.enabled)


class Alert(NamedTuple):
    name: str
    """The ``alert:`` name (CamelCase, Prometheus convention)."""
    rule_id: str
    expr: str
    """PromQL as a :class:`string.Template`; see the module docstring for the names it may use."""
    hold: str
    """``for:``: how long the condition must hold before the alert fires."""
    summary: str
    """One line; may use ``{{ $labels.instance }}`` (a Prometheus template)."""
    meaning: str
    """What the condition means for Infisical's queues."""
    action: str
    """What to do when it fires."""
    modes: frozenset[Mode] = ALL_MODES
    when: Condition | None = None
    """Further condition on the deployment (e.g. only when it has replicas)."""
    config_metrics: bool = False
    """The expression reads ``redis_config_key_value`` / ``redis_config_value`` (exporter flag needed)."""

    def applies_to(self, dep: Deployment) -> bool:
        return Mode(dep.mode) in self.modes and (self.when is None or self.when.holds(dep))

    @property
    def rule(self) -> Rule:
        return catalogue_rule(self.rule_id)

    @property
    def severity(self) -> str:
        return ALERT_SEVERITY[self.rule.severity]


ALERTS: tuple[Alert, ...] = (
    Alert(
        name="RedisDown",
        rule_id="monitoring.up",
        expr="redis_up{$job} == 0",
        hold="1m",
        summary="Redis {{ $labels.instance }} does not answer its exporter",
        meaning="Infisical cannot reach this node: background jobs stop (and, in standalone mode, Infisical "
        "itself fails its requests).",
        action="Start the node and read its log for why it stopped; in Sentinel or Cluster mode check that a "
        "failover happened.",
    ),
    Alert(
        name="RedisExporterDown",
        rule_id="monitoring.up",
        expr="up{$job} == 0",
        hold="1m",
        summary="redis_exporter {{ $labels.instance }} cannot be scraped",
        meaning="Every other alert on this node is silent while its exporter is down.",
        action="Start the exporter; check the scrape address and the network between Prometheus and it.",
    ),
    Alert(
        name="RedisNotScraped",
        rule_id="monitoring.up",
        expr="absent(up{$job})",
        hold="5m",
        summary="No redis_exporter target of this deployment is scraped",
        meaning="Prometheus has no target in the deployment's scrape job: nothing about this Redis is watched.",
        action="Add the exporters to the scrape job named in the rule, or render the rules for the job you use.",
    ),
    Alert(
        name="RedisExporterWithoutConfigMetrics",
        rule_id="monitoring.config-metrics",
        expr='redis_up{$job} == 1 unless on(instance) redis_config_key_value{$job, key="appendfsync"} '
        "unless on(instance) redis_sentinel_masters{$job}",
        hold="5m",
        summary=f"redis_exporter {{{{ $labels.instance }}}} runs without {EXPORTER_CONFIG_FLAG}",
        meaning="The alerts on `appendfsync`, snapshots and AOF rewrites cannot see this node's settings.",
        action=f"Restart the exporter with {EXPORTER_CONFIG_FLAG}.",
    ),
    Alert(
        name="RedisAofOff",
        rule_id="persistence.aof",
        expr="redis_aof_enabled{$job} == 0",
        hold="1m",
        summary="Redis {{ $labels.instance }} runs with AOF off",
        meaning="A restart now loses every job queued since the last snapshot (or all of them).",
        action="CONFIG SET appendonly yes, wait for the rewrite to finish, and find who switched it off.",
    ),
    Alert(
        name="RedisAppendfsyncChanged",
        rule_id="persistence.appendfsync",
        expr='redis_config_key_value{$job, key="appendfsync", value!="$appendfsync"}',
        hold="5m",
        summary="Redis {{ $labels.instance }} runs with appendfsync {{ $labels.value }}, not $appendfsync",
        meaning="`no` can lose about 30 s of queued jobs on a power loss; `always` halves write throughput.",
        action="CONFIG SET appendfsync $appendfsync, and the same in the config file.",
        config_metrics=True,
    ),
    Alert(
        name="RedisSnapshotsOff",
        rule_id="persistence.rdb",
        expr='redis_config_key_value{$job, key="save", value=""}',
        hold="5m",
        summary="Redis {{ $labels.instance }} takes no RDB snapshots",
        meaning="There is no point-in-time copy to back up or to recover the queues from if the AOF is damaged.",
        action="Restore the deployment's `save` points with CONFIG SET save, and the same in the config file.",
        when=WITH_SNAPSHOTS,
        config_metrics=True,
    ),
    Alert(
        name="RedisAofAutoRewriteOff",
        rule_id="persistence.aof-rewrite",
        expr='redis_config_value{$job, key="auto-aof-rewrite-percentage"} == 0',
        hold="5m",
        summary="Redis {{ $labels.instance }} never rewrites its AOF",
        meaning="The AOF only grows until the volume is full; then Redis refuses writes and jobs cannot be queued.",
        action="CONFIG SET auto-aof-rewrite-percentage 100, and the same in the config file.",
        config_metrics=True,
    ),
    Alert(
        name="RedisFsyncPausedDuringRewrite",
        rule_id="persistence.fsync-on-rewrite",
        expr='redis_config_key_value{$job, key="no-appendfsync-on-rewrite", value="yes"}',
        hold="5m",
        summary="Redis {{ $labels.instance }} stops fsyncing the AOF during rewrites",
        meaning="A machine failure during a rewrite or snapshot can lose far more than a second of queued jobs.",
        action="CONFIG SET no-appendfsync-on-rewrite no, and the same in the config file.",
        config_metrics=True,
    ),
    Alert(
        name="RedisAofWriteFailed",
        rule_id="persistence.health",
        expr="redis_aof_last_write_status{$job} == 0",
        hold="0s",
        summary="Redis {{ $labels.instance }} failed to write its AOF",
        meaning="Redis refuses every write with MISCONF: Infisical cannot queue a single job.",
        action="Free disk space or fix the permissions of `dir`; the server log names the cause.",
    ),
    Alert(
        name="RedisAofRewriteFailed",
        rule_id="persistence.health",
        expr="redis_aof_last_bgrewrite_status{$job} == 0",
        hold="0s",
        summary="Redis {{ $labels.instance }} failed its last AOF rewrite",
        meaning="The AOF keeps growing towards a full volume, and an AOF being switched on is not in use yet.",
        action="Find the cause in the server log (disk space, memory for the fork), then BGREWRITEAOF.",
    ),
    Alert(
        name="RedisRdbSaveFailed",
        rule_id="persistence.health",
        expr="redis_rdb_last_bgsave_status{$job} == 0",
        hold="0s",
        summary="Redis {{ $labels.instance }} failed its last RDB snapshot",
        meaning="With `stop-writes-on-bgsave-error yes` (the default) Redis refuses writes: no job can be queued.",
        action="Find the cause in the server log (disk space, memory for the fork, permissions), then BGSAVE.",
    ),
    Alert(
        name="RedisEvictionPolicyChanged",
        rule_id="memory.noeviction",
        expr='redis_instance_info{$job, maxmemory_policy!="noeviction", maxmemory_policy!=""}',
        hold="1m",
        summary="Redis {{ $labels.instance }} runs maxmemory-policy {{ $labels.maxmemory_policy }}",
        meaning="Under memory pressure Redis will delete BullMQ job and lock keys: queued work vanishes.",
        action="CONFIG SET maxmemory-policy noeviction, and find who changed it.",
    ),
    Alert(
        name="RedisMaxmemoryChanged",
        rule_id="memory.maxmemory",
        expr="redis_config_maxmemory{$job} != $maxmemory",
        hold="5m",
        summary="Redis {{ $labels.instance }} runs with a maxmemory other than the deployment's $maxmemory_text",
        meaning="With no limit the OOM killer ends Redis (and its queues) instead of a clean write error; a "
        "different limit also makes the memory alert's threshold wrong.",
        action="CONFIG SET maxmemory $maxmemory_text, and the same in the config file.",
    ),
    Alert(
        name="RedisMemoryNearMaxmemory",
        rule_id="memory.usage",
        expr="redis_memory_used_bytes{$job} > $memory_alert",
        hold="5m",
        summary="Redis {{ $labels.instance }} uses more than $memory_alert_share of maxmemory",
        meaning="At maxmemory Redis refuses every write: Infisical can queue no sync, rotation or webhook job.",
        action="Find what grows (`redis-cli --bigkeys`); give Redis more memory (a bigger tier), never an "
        "evicting policy.",
    ),
    Alert(
        name="RedisKeysEvicted",
        rule_id="memory.evictions",
        expr="increase(redis_evicted_keys_total{$job}[$window]) > 0",
        hold="0s",
        summary="Redis {{ $labels.instance }} evicted keys",
        meaning="Evicted keys are BullMQ jobs, locks or queue entries gone without a trace.",
        action="CONFIG SET maxmemory-policy noeviction; then check which queues lost jobs.",
    ),
    Alert(
        name="RedisRejectedConnections",
        rule_id="clients.rejected",
        expr="increase(redis_rejected_connections_total{$job}[$window]) > 0",
        hold="0s",
        summary="Redis {{ $labels.instance }} rejected connections (maxclients reached)",
        meaning="Infisical pods or workers could not connect: background jobs stall.",
        action="Find the client holding many connections (CLIENT LIST), or raise maxclients.",
    ),
    Alert(
        name="RedisReplicaLinkDown",
        rule_id="replication.link",
        expr="redis_master_link_up{$job} == 0",
        hold="1m",
        summary="Replica {{ $labels.instance }} lost its link to {{ $labels.master_host }}:{{ $labels.master_port }}",
        meaning="The replica falls behind: a failover to it would lose the jobs queued since the link broke.",
        action="Check the master, the network and masterauth; read the replica's log.",
        modes=REPLICATED_MODES,
        when=WITH_REPLICAS,
    ),
    Alert(
        name="RedisMasterWithoutReplica",
        rule_id="replication.link",
        expr='redis_connected_slaves{$job} == 0 and on(instance) redis_instance_info{$job, role="master"}',
        hold="2m",
        summary="Master {{ $labels.instance }} has no replica connected",
        meaning="There is nothing to fail over to: losing this master stops every background job.",
        action="Start or re-point the replicas (REPLICAOF host port); check their logs.",
        modes=frozenset({Mode.SENTINEL}),
        when=WITH_REPLICAS,
    ),
    Alert(
        name="RedisSentinelMasterNotOk",
        rule_id="sentinel.health",
        expr='redis_sentinel_master_status{$job, master_name="$master_name"} == 0',
        hold="1m",
        summary="Sentinel {{ $labels.instance }} sees master $master_name as {{ $labels.master_status }}",
        meaning="Infisical is sent to a master this Sentinel cannot reach: background jobs stop until a "
        "failover finishes or the master is back.",
        action="Check the master and the network; if no failover follows, check the quorum (SENTINEL CKQUORUM).",
        modes=frozenset({Mode.SENTINEL}),
    ),
    Alert(
        name="RedisSentinelNoQuorum",
        rule_id="sentinel.quorum",
        expr='min without (message) (redis_sentinel_master_ckquorum_status{$job, master_name="$master_name"}) == 0',
        hold="1m",
        summary="Sentinel {{ $labels.instance }}: no quorum for $master_name",
        meaning="Not enough Sentinels are reachable to agree on a failover: a lost master stops the queues for good.",
        action="Start the missing Sentinels; SENTINEL CKQUORUM $master_name says what is missing.",
        modes=frozenset({Mode.SENTINEL}),
    ),
    Alert(
        name="RedisSentinelMissingSentinels",
        rule_id="sentinel.count",
        expr='redis_sentinel_master_ok_sentinels{$job, master_name="$master_name"} < $sentinels',
        hold="5m",
        summary="Sentinel {{ $labels.instance }} sees fewer than the deployment's $sentinels Sentinels",
        meaning="One failure is already spent: losing one more Sentinel may leave no quorum.",
        action="Start the missing Sentinel; SENTINEL SENTINELS $master_name lists the ones this one sees.",
        modes=frozenset({Mode.SENTINEL}),
    ),
    Alert(
        name="RedisSentinelMissingReplicas",
        rule_id="sentinel.replicas-seen",
        expr='redis_sentinel_master_ok_slaves{$job, master_name="$master_name"} < $replicas',
        hold="5m",
        summary="Sentinel {{ $labels.instance }} sees fewer than the deployment's $replicas replicas",
        meaning="Fewer replicas to fail over to, and the next lost node may leave none.",
        action="Start or re-point the missing replica; SENTINEL REPLICAS $master_name lists the ones seen.",
        modes=frozenset({Mode.SENTINEL}),
        when=WITH_REPLICAS,
    ),
    Alert(
        name="RedisClusterStateNotOk",
        rule_id="cluster.state",
        expr="redis_cluster_state{$job} == 0",
        hold="1m",
        summary="Cluster node {{ $labels.instance }} reports cluster_state fail",
        meaning="The node refuses commands: BullMQ queues hashed to the failing slots stop.",
        action="redis-cli --cluster check; bring back or fail over the masters of the failing slots.",
        modes=frozenset({Mode.CLUSTER}),
    ),
    Alert(
        name="RedisClusterSlotsNotOk",
        rule_id="cluster.state",
        expr="redis_cluster_slots_ok{$job} < $cluster_slots",
        hold="1m",
        summary="Cluster node {{ $labels.instance }} sees fewer than $cluster_slots slots ok",
        meaning="Keys in the other slots cannot be served: the queues whose hash tag falls there stop.",
        action="redis-cli --cluster check, then --cluster fix for slots no master serves.",
        modes=frozenset({Mode.CLUSTER}),
    ),
    Alert(
        name="RedisClusterMasterWithoutReplica",
        rule_id="cluster.replicas",
        expr='redis_connected_slaves{$job} == 0 and on(instance) redis_instance_info{$job, role="master"}',
        hold="2m",
        summary="Cluster master {{ $labels.instance }} has no replica connected",
        meaning="Losing this master takes its slots offline, and the queues whose hash tag falls there.",
        action="Start or re-point the replicas (REPLICAOF host port); check their logs.",
        modes=frozenset({Mode.CLUSTER}),
        when=WITH_REPLICAS,
    ),
    Alert(
        name="RedisClusterTooFewMasters",
        rule_id="cluster.masters",
        expr="redis_cluster_size{$job} < $cluster_masters",
        hold="5m",
        summary="Cluster node {{ $labels.instance }} sees fewer than $cluster_masters masters serving slots",
        meaning="A master is gone and its slots moved or lost; with fewer than three, a majority can no longer "
        "agree on a failover.",
        action="redis-cli --cluster check; bring the master back or add one and rebalance the slots.",
        modes=frozenset({Mode.CLUSTER}),
    ),
    Alert(
        name="RedisTlsDemandsClientCertificates",
        rule_id="tls.auth-clients",
        expr='redis_config_key_value{$job, key="tls-auth-clients", value="yes"}',
        hold="5m",
        summary="Redis {{ $labels.instance }} demands client certificates (tls-auth-clients yes)",
        meaning="Infisical presents no client certificate: its new connections fail.",
        action="CONFIG SET tls-auth-clients no, and the same in the config file.",
        when=WITH_TLS,
        config_metrics=True,
    ),
)

ALERTS_BY_NAME: dict[str, Alert] = {alert.name: alert for alert in ALERTS}

UNWATCHED: dict[str, str] = {
    "auth.required": "redis_exporter never exports `requirepass` (it is left out even with "
    f"`{EXPORTER_CONFIG_FLAG}`), so no metric says whether a password is set; `audit` checks it.",
    "auth.placeholder": "Password values are never exported; `audit` and `check` find the placeholder.",
    "network.exposed": "Needs to know whether a password is set, which no metric shows; `audit` checks it.",
    "version.supported": "The server line is fixed when the server is installed, not changed at run time; "
    "`audit` judges it (the exporter shows it as the `redis_version` label of `redis_instance_info`).",
    "version.recommended": "Fixed at install time like `version.supported`; `audit` judges it.",
    "version.newer": "Fixed at install time like `version.supported`; `audit` judges it.",
    "sentinel.password": "A Sentinel's `requirepass` is never exported; `audit` checks it.",
    "server.compatible": "The exporter does not show Dragonfly's script flags; `audit` judges them.",
    "auth.published-password": "Password values are never exported; `audit` and `check` recognise Infisical's "
    "published example passwords.",
}
"""Server rules with no alert, and why: the docs list them as the rules only `audit` / `check` can judge."""


def catalogue_rule(rule_id: str) -> Rule:
    """The rule ``rule_id`` from the catalogue (or from the monitoring rules, until they are part of it)."""
    found = RULES_BY_ID.get(rule_id)
    if found is not None:
        return found
    for candidate in MONITORING_RULES:
        if candidate.id == rule_id:
            return candidate
    raise KeyError(rule_id)


def _label_value(text: str) -> str:
    """A PromQL string literal (JSON's double-quoted escaping is PromQL's)."""
    return json.dumps(text)


def alert_figures(dep: Deployment, job: str) -> dict[str, str]:
    """The names an alert expression, summary or action may use, with this deployment's values."""
    sentinel = dep.sentinel if dep.mode == "sentinel" else None
    cluster = dep.cluster if dep.mode == "cluster" else None
    return {
        "job": f"job={_label_value(job)}",
        "maxmemory": str(dep.maxmemory_bytes),
        "maxmemory_text": format_redis_memory(dep.maxmemory_bytes),
        "memory_alert": str(memory_alert_threshold(dep.maxmemory_bytes)),
        "memory_alert_share": f"{MEMORY_ALERT_SHARE:.0%}",
        "appendfsync": dep.persistence.appendfsync,
        "cluster_slots": str(CLUSTER_SLOTS),
        "master_name": sentinel.master_name if sentinel else "",
        "sentinels": str(len(sentinel.sentinels)) if sentinel else "0",
        "replicas": str(len(sentinel.nodes) - 1) if sentinel else "0",
        "cluster_masters": str(cluster.masters) if cluster else "0",
        "window": COUNTER_WINDOW,
    }


def alerts_for(dep: Deployment) -> tuple[Alert, ...]:
    """The alerts that apply to ``dep`` (its mode, replicas, TLS, snapshots), in declaration order."""
    return tuple(alert for alert in ALERTS if alert.applies_to(dep))


def fill_expr(expr: str, figures: dict[str, str]) -> str:
    """An expression with its ``$name`` placeholders replaced; an unknown name is a KeyError."""
    return Template(expr).substitute(figures)


def fill_text(text: str, figures: dict[str, str]) -> str:
    """An annotation with the deployment's figures filled in; Prometheus's own ``$labels`` / ``$value`` stay."""
    return Template(text).safe_substitute(figures)


def alerts_watching(rule_id: str) -> tuple[Alert, ...]:
    """The alerts that watch rule ``rule_id`` (for its docs page); empty when none does."""
    return tuple(alert for alert in ALERTS if alert.rule_id == rule_id)
