"""Facts about the Helm charts people run Redis for Infisical with: where their values put redis.conf text,
and what a pod runs with when the values say nothing (see ../shared/facts/helm-charts.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChartName = Literal["bitnami-redis", "bitnami-redis-cluster"]


@dataclass(frozen=True)
class ChartFacts:
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
)
"""Chart 14 to 23: the default ``commonConfiguration`` is ``appendonly yes`` + ``save ""``; the image turns AOF
on by itself too. Master: common then master.configuration; a Sentinel-mode node: replica.configuration then
common (then the common text wins) - judged here in the master's order, replica text included."""

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
)
"""Chart 13: ``redis.configmap`` is appended to the default file (AOF on, RDB ``save 900 1 300 10 60 10000``);
``redis.defaultConfigOverride`` replaces that file; ``redis.useAOFPersistence`` ("yes"/"no") overrides
``appendonly`` in all of them."""

AOF_SWITCH = ("redis", "useAOFPersistence")
"""redis-cluster's own AOF switch, applied after every config text."""

INFISICAL_SUBCHART = ("redis",)
"""Infisical's `infisical-standalone` chart nests the Bitnami redis chart's values under ``redis:``."""
