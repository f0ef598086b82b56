"""Predicates of the rules in ``schema/chart_rules.py``: passwords copied from published examples (in any
config or environment), Sentinel without a password, and Helm chart values (``ChartValues``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from generator.formats.yaml import YamlPath
from generator.rules.engine import Hit, predicate
from generator.schema.chart_rules import PUBLISHED_PASSWORDS
from generator.schema.charts import DEAD_KEYS, KEY_HINTS, OPEN_KEYS, KeyTree
from generator.schema.secrets import is_secret_env
from generator.shapes.chart import ChartValues
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.env import EnvFacts
from generator.shapes.finding import Location


def _config_passwords(cfg: EffectiveConfig) -> Iterator[tuple[str, str, Setting]]:
    """(what, password, setting) for every password a config carries."""
    for setting in cfg.settings:
        name, args = setting.name, setting.args
        if name in ("requirepass", "masterauth", "primaryauth") and args:
            yield name, args[0], setting
        elif name == "user" and args:
            yield from ((f"user {args[0]}", arg[1:], setting) for arg in args[1:] if arg.startswith(">"))
        elif name == "sentinel" and len(args) >= 2 and args[0].lower() in ("auth-pass", "sentinel-pass"):
            yield f"sentinel {args[0].lower()}", args[-1], setting


def published(password: str) -> str | None:
    """Where ``password`` was published, when it is one of the well-known example passwords."""
    return PUBLISHED_PASSWORDS.get(password.strip().lower())


@predicate("auth.published-password", EffectiveConfig)
def _published_config(cfg: EffectiveConfig) -> Iterator[Hit]:
    for what, password, setting in _config_passwords(cfg):
        source = published(password)
        if source is not None:
            yield Hit(setting.where, f"{what} is {source}: a published password protects nothing")


def url_password(value: str) -> str | None:
    """The password inside ``scheme://user:password@host...`` (None when the value has no credentials)."""
    _, sep, rest = value.partition("://")
    if not sep:
        return None
    credentials, at, _ = rest.partition("/")[0].rpartition("@")
    if not at:
        return None
    user, colon, password = credentials.partition(":")
    return unquote(password if colon else user)


def env_passwords(env: EnvFacts) -> Iterator[tuple[str, str, int]]:
    """(variable, password, line) for every password an environment sets, in URLs too."""
    for assignment in env.assignments:
        value = assignment.value.strip()
        if "://" in value:
            password = url_password(value)
            if password is not None:
                yield assignment.name, password, assignment.line
        elif is_secret_env(assignment.name):
            yield assignment.name, value, assignment.line


def _allows_empty(env: EnvFacts) -> int | None:
    """The line of ``ALLOW_EMPTY_PASSWORD=yes`` when no ``REDIS_PASSWORD`` is set beside it."""
    latest = env.latest()
    allow = latest.get("ALLOW_EMPTY_PASSWORD")
    password = latest.get("REDIS_PASSWORD")
    if allow is None or allow.value.strip().lower() != "yes" or (password is not None and password.value.strip()):
        return None
    return allow.line


@predicate("auth.published-password", EnvFacts)
def _published_env(env: EnvFacts) -> Iterator[Hit]:
    for name, password, line in env_passwords(env):
        source = published(password)
        if source is not None:
            yield Hit(env.locate(line), f"{name} holds {source}: a published password protects nothing")
    empty = _allows_empty(env)
    if empty is not None:
        yield Hit(
            env.locate(empty),
            "ALLOW_EMPTY_PASSWORD=yes: the Redis image starts without a password; set REDIS_PASSWORD instead",
        )


@predicate("sentinel.password", EffectiveConfig)
def _sentinel_password(cfg: EffectiveConfig) -> Iterator[Hit]:
    if cfg.kind != "sentinel" or cfg.value("requirepass"):
        return
    users = cfg.all("user")
    if any(s.args and s.args[0] == "default" and any(a.startswith((">", "#")) for a in s.args) for s in users):
        return
    monitors = cfg.sentinel_lines("monitor")
    where = monitors[0].where if monitors and "requirepass" not in cfg.absent_at else cfg.where("requirepass")
    yield Hit(
        where,
        "the Sentinel requires no password and always runs with protected mode off: anyone who reaches its "
        "port can re-point the master",
    )


# ------------------------------------------------------------------ Helm chart values as written


def _unknown_keys(values: ChartValues, data: Any, tree: KeyTree, path: YamlPath) -> Iterator[Hit]:
    if not isinstance(data, dict) or not tree:
        return
    open_map = "*" in tree or (bool(path) and path[-1] in OPEN_KEYS)
    for key, value in data.items():
        name = str(key)
        here = (*path, name)
        if name in tree:
            yield from _unknown_keys(values, value, tree[name], here)
        elif not open_map and not _dead_key(values, here):
            from difflib import get_close_matches  # only for a name that is not known

            close = get_close_matches(name, [k for k in tree if k != "*"], n=1, cutoff=0.7)
            meant = KEY_HINTS.get(tuple(str(part) for part in here)) or (f"'{close[0]}'" if close else None)
            hint = f"; did you mean {meant}?" if meant else ""
            where = Location(values.file, *(values.document.positions.of_key(here) or (1, 1)))
            dotted = ".".join(str(part) for part in here)
            yield Hit(where, f"'{dotted}' is not a key of {values.chart.title}: the chart ignores it{hint}")


def _dead_key(values: ChartValues, path: YamlPath) -> bool:
    base = values.base
    return values.chart.name == "bitnami-redis" and path[: len(base)] == base and path[len(base) :] in DEAD_KEYS


@predicate("schema.unknown-key", ChartValues)
def _chart_unknown_keys(values: ChartValues) -> Iterator[Hit]:
    yield from _unknown_keys(values, values.document.data, values.keys, ())


@predicate("chart.dead-key", ChartValues)
def _dead_keys(values: ChartValues) -> Iterator[Hit]:
    if values.chart.name != "bitnami-redis":
        return
    for path, replacement in DEAD_KEYS.items():
        if not values.written(path):
            continue
        value = values.raw(path)
        inner = [f".{key}" for key in value] if isinstance(value, dict) and value else [""]
        dotted = ", ".join(".".join((*(str(p) for p in values.base), *path)) + key for key in inner)
        message = f"'{dotted}' is a key of the Bitnami redis chart before 14.0, which 14.0 and later ignore"
        if path == ("usePassword",) and value is False:
            message += ": the password stays on"
        elif path == ("cluster",) and isinstance(value, dict) and value.get("enabled") is True:
            message += ": no cluster runs (Redis Cluster is the redis-cluster chart)"
        yield Hit(values.key_at(path), f"{message}; use {replacement}")


def _architecture(values: ChartValues) -> str | None:
    written = values.raw(("architecture",))
    return written if isinstance(written, str) else values.chart.default_architecture


def _sentinel_on(values: ChartValues) -> bool:
    return values.raw(("sentinel", "enabled")) is True


@predicate("chart.persistence", ChartValues)
def _persistence(values: ChartValues) -> Iterator[Hit]:
    if values.base and values.raw(("enabled",)) is False:
        return
    architecture = _architecture(values)
    for switch, role in values.chart.persistence:
        if values.raw(switch) is not False:
            continue
        if role == "primary" and architecture == "replication" and _sentinel_on(values):
            continue  # with Sentinel the chart runs replica.* pods only
        if role == "replica" and architecture == "standalone":
            continue
        dotted = ".".join((*(str(p) for p in values.base), *switch))
        yield Hit(
            values.key_at(switch),
            f"{dotted} is false: the AOF is kept in the pod and lost with it (a restart or reschedule starts empty)",
        )


@predicate("chart.architecture", ChartValues)
def _architecture_sentinel(values: ChartValues) -> Iterator[Hit]:
    if values.chart.default_architecture is None or not _sentinel_on(values):
        return
    if _architecture(values) == "standalone":
        how = "" if values.written(("architecture",)) else " (the chart's default here)"
        yield Hit(
            values.key_at(("sentinel", "enabled")),
            f"sentinel.enabled is true with architecture standalone{how}: no Sentinel runs and nothing fails over",
        )


_DOCKER_HUB = frozenset({"", "docker.io", "registry-1.docker.io", "index.docker.io", "mirror.gcr.io"})


def _gone(registry: str, repository: str) -> bool:
    """A Bitnami image on Docker Hub (or its mirror) under ``bitnami/``: versioned tags no longer pull."""
    parts = repository.split("/")
    if len(parts) > 2 or (len(parts) == 2 and "." in parts[0]):
        registry, parts = parts[0], parts[1:]
    return registry in _DOCKER_HUB and len(parts) == 2 and parts[0] == "bitnami"


@predicate("chart.image", ChartValues)
def _images(values: ChartValues) -> Iterator[Hit]:
    global_registry = values.document.data.get("global", {}) if isinstance(values.document.data, dict) else {}
    mirror = global_registry.get("imageRegistry") if isinstance(global_registry, dict) else None
    if isinstance(mirror, str) and mirror not in _DOCKER_HUB:
        return
    main = values.chart.images[0].path if values.chart.images else None
    if main is None or not isinstance(values.raw(main), dict):
        return  # the chart's own images: judged with the chart version, which values do not say
    for slot in values.chart.images:
        if slot.enabled is not None and values.raw(slot.enabled) is not True:
            continue
        image = values.raw(slot.path)
        image = image if isinstance(image, dict) else {}
        registry, repository = image.get("registry") or "", image.get("repository") or slot.default_repository
        if not isinstance(registry, str) or not isinstance(repository, str) or not _gone(registry, repository):
            continue
        if "repository" in image:
            where = values.at((*slot.path, "repository"))
        elif slot.enabled is not None:
            where = values.key_at(slot.enabled)
        else:
            where = values.key_at(slot.path)
        name = "/".join(repository.split("/")[-2:])
        yield Hit(
            where,
            f"the {'.'.join(slot.path)} '{name}' pulls from docker.io/bitnami, whose versioned tags are gone "
            f"(ImagePullBackOff); use {name.replace('bitnami/', 'bitnamilegacy/')} or a mirror of your own",
        )


_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


@predicate("chart.infisical-url", ChartValues)
def _infisical_url(values: ChartValues) -> Iterator[Hit]:
    if values.chart.name != "bitnami-redis" or not values.base or values.raw(("enabled",)) is False:
        return
    if values.raw(("auth", "enabled")) is False:
        return
    password = values.raw(("auth", "password"))
    if isinstance(password, str) and password and not _URL_SAFE.fullmatch(password):
        yield Hit(
            values.at(("auth", "password")),
            "Infisical's chart writes redis.auth.password into REDIS_URL without percent-encoding: a character "
            "other than letters, digits and - . _ ~ breaks the URL (use 32+ letters and digits)",
        )
    if values.written(("auth", "existingSecret")):
        yield Hit(
            values.key_at(("auth", "existingSecret")),
            "Infisical's chart builds REDIS_URL from redis.auth.password and ignores redis.auth.existingSecret: "
            "Infisical connects with the chart's default password, not the Secret's",
        )


@predicate("sentinel.password", ChartValues)
def _chart_sentinel_password(values: ChartValues) -> Iterator[Hit]:
    """Bitnami charts: the Sentinels require the data password only with ``auth.enabled`` and ``auth.sentinel``."""
    if values.chart.default_architecture is None or not _sentinel_on(values) or _architecture(values) != "replication":
        return
    if values.base and values.raw(("enabled",)) is False:
        return
    for switch in (("auth", "enabled"), ("auth", "sentinel")):
        if values.raw(switch) is False:
            dotted = ".".join((*(str(p) for p in values.base), *switch))
            yield Hit(
                values.key_at(switch),
                f"{dotted} is false: the Sentinels require no password and run with protected mode off; anyone "
                "who reaches port 26379 can re-point the master",
            )
            return


def _count(value: Any, default: int) -> int | None:
    if value is None:
        return default
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@predicate("chart.topology", ChartValues)
def _topology(values: ChartValues) -> Iterator[Hit]:
    if values.base and values.raw(("enabled",)) is False:
        return
    if values.chart.name == "bitnami-redis-cluster":
        yield from _cluster_topology(values)
        return
    if values.chart.default_architecture is None or not _sentinel_on(values) or _architecture(values) != "replication":
        return
    nodes = _count(values.raw(("replica", "replicaCount")), 3)
    quorum = _count(values.raw(("sentinel", "quorum")), 2)
    if nodes is None or quorum is None:
        return
    nodes_at = values.key_at(("replica", "replicaCount"))
    quorum_at = values.key_at(("sentinel", "quorum")) if values.written(("sentinel", "quorum")) else nodes_at
    if nodes < 2:
        yield Hit(nodes_at, f"replica.replicaCount is {nodes}: one node and one Sentinel, nothing to fail over to")
    elif nodes == 2:
        yield Hit(
            nodes_at,
            "replica.replicaCount is 2: a failover needs a majority of the Sentinels, and when a node dies the one "
            "Sentinel left is none",
        )
    elif quorum > nodes:
        yield Hit(quorum_at, f"sentinel.quorum {quorum} with {nodes} Sentinels: they never agree the master is down")


def _cluster_topology(values: ChartValues) -> Iterator[Hit]:
    nodes = _count(values.raw(("cluster", "nodes")), 6)
    replicas = _count(values.raw(("cluster", "replicas")), 1)
    if nodes is None or replicas is None or replicas < 0:
        return
    masters = nodes // (1 + replicas)
    if masters < 3:
        where = values.key_at(("cluster", "nodes"))
        yield Hit(where, f"cluster.nodes {nodes} with {replicas} replica(s) each is {masters} master(s); at least 3")
    elif replicas == 0:
        yield Hit(
            values.key_at(("cluster", "replicas")), "cluster.replicas is 0: a failed master takes its slots offline"
        )
