"""Facts about the Helm charts people run Redis for Infisical with: where their values put redis.conf text,
and what a pod runs with when the values say nothing (see ../shared/facts/helm-charts.md)."""

from functools import cache
from typing import Literal, NamedTuple

ChartName = Literal["bitnami-redis", "bitnami-redis-cluster", "bitnami-valkey", "redis-ha"]
KeyPath = tuple[str, ...]


class ImageSlot(NamedTuple):
    """One image a chart runs: where its values are, what it pulls when they say nothing, when it runs."""

    path: KeyPath
    default_repository: str
    enabled: KeyPath | None = None
    """The switch that makes the chart run this image (``None``: always)."""


class ChartFacts(NamedTuple):
    name: ChartName
    title: str
    conf_texts: tuple[tuple[str, ...], ...]
    """Key paths of redis.conf text, in the order a data node applies them (later wins)."""
    extra_flags: tuple[tuple[str, ...], ...]
    """Key paths of lists of extra redis-server flags (``--name value``); applied after every file."""
    disabled_commands: tuple[tuple[str, ...], ...]
    """Key paths of lists of commands the chart disables (``rename-command X ""``)."""
    implicit: tuple[tuple[str, str], ...]
    """What a node runs with before the values' own text: image and chart defaults (directive, value)."""
    implicit_unless: tuple[str, ...]
    """Key paths that, when set, replace the chart's default text (and with it ``implicit`` beyond AOF)."""
    password_enabled: tuple[str, ...]
    password: tuple[str, ...]
    auth_default: bool = True
    """Whether the chart requires a password when ``password_enabled`` is not written."""
    keys: str = ""
    """Name of the chart's key tree in ``chart_keys`` ("" when the tool does not know every key of the chart)."""
    persistence: tuple[tuple[KeyPath, str], ...] = ()
    """(switch of a data volume, the role it belongs to: ``primary``, ``replica`` or ``all``)."""
    images: tuple[ImageSlot, ...] = ()
    config_map: KeyPath | None = None
    """Key path of a directive -> value map (redis-ha), merged key by key over ``implicit``."""
    default_architecture: str | None = None
    """``architecture`` when the values do not write it (charts with that key)."""
    default_line: tuple[int, int] | None = None
    """The server line (MAJOR, MINOR) the chart's own pinned image runs, when the chart version is known."""


def _bitnami_images(product: str) -> tuple[ImageSlot, ...]:
    return (
        ImageSlot(("image",), f"bitnami/{product}"),
        ImageSlot(("sentinel", "image"), f"bitnami/{product}-sentinel", ("sentinel", "enabled")),
        ImageSlot(("metrics", "image"), f"bitnami/{product}-exporter", ("metrics", "enabled")),
        ImageSlot(("volumePermissions", "image"), "bitnami/os-shell", ("volumePermissions", "enabled")),
        ImageSlot(("sysctl", "image"), "bitnami/os-shell", ("sysctl", "enabled")),
    )


BITNAMI_REDIS = ChartFacts(
    name="bitnami-redis",
    title="Bitnami redis",
    conf_texts=(("commonConfiguration",), ("master", "configuration"), ("replica", "configuration")),
    extra_flags=(("master", "extraFlags"), ("replica", "extraFlags")),
    disabled_commands=(("master", "disableCommands"), ("replica", "disableCommands")),
    implicit=(("appendonly", "yes"), ("save", "")),
    implicit_unless=("commonConfiguration",),
    password_enabled=("auth", "enabled"),
    password=("auth", "password"),
    keys="bitnami-redis",
    persistence=((("master", "persistence", "enabled"), "primary"), (("replica", "persistence", "enabled"), "replica")),
    images=_bitnami_images("redis"),
    default_architecture="replication",
)
"""Chart 14 to 23: the default ``commonConfiguration`` is ``appendonly yes`` + ``save ""``; the image turns AOF
on by itself too. Master: common then master.configuration; a Sentinel-mode node: replica.configuration then
common (then the common text wins) - judged here in the master's order, replica text included."""

INFISICAL_REDIS = BITNAMI_REDIS._replace(
    title="Infisical's chart",
    keys="infisical-redis",
    default_architecture="standalone",
    default_line=(7, 2),
    images=(ImageSlot(("image",), "bitnamilegacy/redis"), *_bitnami_images("redis")[1:]),
)
"""The ``redis:`` section of Infisical's `infisical-standalone` chart: Bitnami ``redis`` 18.14.1 (Redis 7.2.4),
with Infisical's defaults (``architecture: standalone``, ``auth.password: mysecretpassword``)."""

BITNAMI_VALKEY = BITNAMI_REDIS._replace(
    name="bitnami-valkey",
    title="Bitnami valkey",
    conf_texts=(("commonConfiguration",), ("primary", "configuration"), ("replica", "configuration")),
    extra_flags=(("primary", "extraFlags"), ("replica", "extraFlags")),
    disabled_commands=(("primary", "disableCommands"), ("replica", "disableCommands")),
    keys="bitnami-valkey",
    persistence=(
        (("primary", "persistence", "enabled"), "primary"),
        (("replica", "persistence", "enabled"), "replica"),
    ),
    images=_bitnami_images("valkey"),
)
"""Bitnami ``valkey`` (4.x, Valkey 8.1): the layout of Bitnami ``redis`` with ``primary.*`` for ``master.*``."""

BITNAMI_REDIS_CLUSTER = ChartFacts(
    name="bitnami-redis-cluster",
    title="Bitnami redis-cluster",
    conf_texts=(("redis", "defaultConfigOverride"), ("redis", "configmap")),
    extra_flags=(),
    disabled_commands=(),
    implicit=(("appendonly", "yes"), ("save", "900 1 300 10 60 10000")),
    implicit_unless=("redis", "defaultConfigOverride"),
    password_enabled=("usePassword",),
    password=("password",),
    keys="bitnami-redis-cluster",
    persistence=((("persistence", "enabled"), "all"),),
    images=(
        ImageSlot(("image",), "bitnami/redis-cluster"),
        ImageSlot(("metrics", "image"), "bitnami/redis-exporter", ("metrics", "enabled")),
        ImageSlot(("volumePermissions", "image"), "bitnami/os-shell", ("volumePermissions", "enabled")),
    ),
)
"""Chart 13: ``redis.configmap`` is appended to the default file (AOF on, RDB ``save 900 1 300 10 60 10000``);
``redis.defaultConfigOverride`` replaces that file; ``redis.useAOFPersistence`` ("yes"/"no") overrides
``appendonly`` in all of them."""

REDIS_HA = ChartFacts(
    name="redis-ha",
    title="redis-ha",
    conf_texts=(("redis", "customConfig"),),
    extra_flags=(),
    disabled_commands=(),
    implicit=(("save", "900 1"), ("maxmemory-policy", "volatile-lru"), ("maxmemory", "0")),
    implicit_unless=("redis", "customConfig"),
    password_enabled=("auth",),
    password=("redisPassword",),
    auth_default=False,
    persistence=((("persistentVolume", "enabled"), "all"),),
    images=(ImageSlot(("image",), "redis"),),
    config_map=("redis", "config"),
)
"""DandyDeveloper's ``redis-ha``: ``redis.config`` is a directive -> value map merged over the chart's (RDB only,
``maxmemory-policy volatile-lru``, no AOF); ``redis.customConfig`` replaces the whole file; ``auth`` (false)
with ``redisPassword``; the official ``redis`` image."""

AOF_SWITCH = ("redis", "useAOFPersistence")
"""redis-cluster's own AOF switch, applied after every config text."""

INFISICAL_SUBCHART = ("redis",)
"""Infisical's `infisical-standalone` chart nests the Bitnami redis chart's values under ``redis:``."""


# --- What the generated Helm values target: chart versions and pullable image tags per server line ---

BITNAMI_LEGACY = "bitnamilegacy"
"""Docker Hub namespace that keeps Bitnami's versioned image tags since August 2025: the ``docker.io/bitnami``
tags no longer pull."""

REDIS_CHART_VERSIONS = ("18.14.1", "23.1.1")
"""Bitnami `redis` chart versions the generated values target (18.14.1 is the one Infisical's chart pins)."""
REDIS_CLUSTER_CHART_VERSION = "13.0.5"
INFISICAL_CHART_VERSION = "1.7.5"
"""Infisical's `infisical-standalone` chart; it bundles Bitnami `redis` 18.14.1 as its ``redis`` subchart."""
INFISICAL_SUBCHART_VERSION = "18.14.1"


class LineImages(NamedTuple):
    """The ``bitnamilegacy`` tags of one server line, and the Bitnami `redis` chart version its values target.

    Every tag is an immutable ``VERSION-debian-N-rN`` tag (or a patch tag, where only that is known to pull)
    that a Bitnami chart or image release published before August 2025 and that public deployment files pull
    from ``bitnamilegacy`` today. Bitnami published nothing free after that: Redis 8.4 and later have no tag.
    """

    redis: str
    sentinel: str
    cluster: str | None
    """None: the `redis-cluster` chart cannot run this line (its default config needs Redis 7.0)."""
    redis_chart: str
    """Chart 18.14.1 (scripts of the 7.2 era, Infisical's pin) up to Redis 7.2; 23.1.1 from 7.4 on."""


LINE_IMAGES: dict[tuple[int, int], LineImages] = {
    (6, 2): LineImages("6.2.16-debian-12-r1", "6.2.14-debian-12-r25", None, "18.14.1"),
    (7, 0): LineImages("7.0.11-debian-11-r12", "7.0.11-debian-11-r10", "7.0.11-debian-11-r27", "18.14.1"),
    (7, 2): LineImages("7.2.4-debian-11-r5", "7.2.4-debian-11-r6", "7.2.5-debian-12-r0", "18.14.1"),
    (7, 4): LineImages("7.4.2-debian-12-r6", "7.4.2-debian-12-r6", "7.4.3", "23.1.1"),
    (8, 0): LineImages("8.0.2-debian-12-r2", "8.0.2-debian-12-r1", "8.0.2-debian-12-r2", "23.1.1"),
    (8, 2): LineImages("8.2.1-debian-12-r0", "8.2.1-debian-12-r0", "8.2.1-debian-12-r0", "23.1.1"),
}
"""Redis lines (MAJOR, MINOR) the Bitnami charts can run from a pullable image. Valkey lines have none: the
Bitnami `redis` chart's scripts run only Bitnami's Redis images."""


DEAD_KEYS: dict[KeyPath, str] = {
    ("usePassword",): "`auth.enabled`",
    ("password",): "`auth.password`",
    ("existingSecret",): "`auth.existingSecret`",
    ("cluster",): "`architecture` (cluster.enabled) and `replica.replicaCount` (cluster.slaveCount)",
    ("slave",): "`replica`",
    ("configmap",): "`commonConfiguration`",
}
"""Bitnami ``redis`` keys of the chart before 14.0, which 14.0 and later (and so Infisical's 18.14) ignore: the
key and what replaced it."""

KEY_HINTS: dict[KeyPath, str] = {
    ("infisical", "extraEnv"): "infisical.env (a list of {name, value})",
}
"""Keys people write that a chart never had, and the key that does what they meant."""

KeyTree = dict[str, "KeyTree"]
"""A chart's keys: each key to the keys under it (empty: a scalar, a list or a free-form map, not checked; a
``*`` key: any other key is allowed there too). ``global`` is allowed at the top of every chart."""

OPEN_KEYS = frozenset({"containerSecurityContext", "podSecurityContext", "securityContext", "resources"})
"""Keys whose listed children are examples: Kubernetes takes any of its own fields there."""


def _parse_tree(text: str, leave_out: str) -> KeyTree:
    root: KeyTree = {}
    stack: list[tuple[int, KeyTree]] = [(-1, root)]
    skip_below: int | None = None
    for raw in text.strip("\n").split("\n"):
        depth = (len(raw) - len(raw.lstrip(" "))) // 2
        if skip_below is not None and depth > skip_below:
            continue
        skip_below = None
        name, _, mark = raw.strip().partition(" ")
        if leave_out and mark == leave_out:
            skip_below = depth
            continue
        while stack[-1][0] >= depth:
            stack.pop()
        node: KeyTree = {}
        stack[-1][1][name] = node
        stack.append((depth, node))
    return root


@cache
def key_tree(name: str) -> KeyTree:
    """The key tree of a chart (``ChartFacts.keys``), or of Infisical's whole chart (``infisical``)."""
    from . import chart_keys

    if name == "bitnami-redis":
        return _parse_tree(chart_keys.BITNAMI_REDIS, "")
    if name == "infisical-redis":
        return {**_parse_tree(chart_keys.BITNAMI_REDIS, "@23"), "enabled": {}, "name": {}}
    if name == "bitnami-valkey":
        tree = _parse_tree(chart_keys.BITNAMI_REDIS, "@18")
        return {
            ("primary" if key == "master" else key): ({} if key == "sentinel" else node) for key, node in tree.items()
        }
    if name == "bitnami-redis-cluster":
        return _parse_tree(chart_keys.BITNAMI_REDIS_CLUSTER, "")
    if name == "infisical":
        return {**_parse_tree(chart_keys.INFISICAL, ""), "redis": key_tree("infisical-redis"), "global": {}}
    raise KeyError(name)
