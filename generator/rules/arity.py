"""Predicate of ``conf.arity``: a config line whose argument count the server line refuses at start-up.

The counts come from each line's directive table (``schema/directives/``, read from its ``src/config.c``).
Redis has no trailing comments: ``maxmemory 2gb # leave room`` is ``maxmemory`` with four arguments, and the
server refuses to start ("wrong number of arguments"; for ``save``, "Invalid save parameters").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from generator.rules.engine import Hit, predicate
from generator.schema.directives.table import Arity, DirectiveTable
from generator.schema.versions import SUPPORTED_TARGETS, ServerTarget
from generator.shapes.config import EffectiveConfig, Setting

_NEWEST_REDIS: Final = max(t for t in SUPPORTED_TARGETS if t.family == "redis")
"""The line whose counts judge a file checked without ``--redis-version``."""

_HASH_IS_DATA: Final = frozenset({"user", "sentinel", "rename-command"})
"""Directives whose arguments may start with ``#`` on purpose (``user alice on #<sha256>``, passwords)."""

_LOADER_NAMES: Final = frozenset({"include", "rename-command", "user", "loadmodule", "sentinel"})
"""Names the config loader handles itself: their arguments are never re-split."""


def _comment_start(setting: Setting) -> int | None:
    """Index of the first argument that starts with ``#`` after at least one real argument, if any."""
    if setting.name in _HASH_IS_DATA:
        return None
    for index, arg in enumerate(setting.args):
        if index >= 1 and arg.startswith("#"):
            return index
    return None


def _count(setting: Setting, limits: Arity, splits_one_argument: bool) -> int:
    """How many arguments the server sees: from 7.0 on, a multi-argument setting given as one quoted
    argument (``save "900 1"``) is split on spaces."""
    args = setting.args
    if splits_one_argument and len(args) == 1 and limits[1] != 1 and setting.name not in _LOADER_NAMES:
        return max(1, len(args[0].split()))
    return len(args)


def _takes(name: str, limits: Arity) -> str:
    fewest, most = limits
    if most == fewest:
        return f"{name} takes exactly {fewest} argument{'s' if fewest != 1 else ''}"
    if most is None:
        return f"{name} takes at least {fewest} argument{'s' if fewest != 1 else ''}"
    return f"{name} takes {fewest} to {most} arguments"


def _comment_message(setting: Setting, comment: int, limits: Arity | None, splits: bool) -> str:
    extra = len(setting.args) - comment
    shown = "the comment" if setting.secret else f"'{' '.join(setting.args[comment:])}'"
    read = f"Redis has no trailing comments: {shown} is read as {extra} more argument{'s' if extra != 1 else ''}"
    if limits is not None and limits[1] is not None and len(setting.args) > limits[1]:
        outcome = f"{_takes(setting.name, limits)}: the server refuses to start (wrong number of arguments)"
    elif setting.name == "save" and not splits:
        outcome = "Redis 6.2 ignores this save line silently, and snapshots are off"
    elif setting.name == "save":
        outcome = "the server refuses to start (Invalid save parameters)"
    else:
        outcome = f"{setting.name} takes them as values, which the server refuses or misreads"
    return f"{read}; {outcome}. Put the comment on a line of its own"


def _judging_table(target: ServerTarget | None) -> tuple[ServerTarget, DirectiveTable] | None:
    line = (target.judged_as if target is not None else None) or _NEWEST_REDIS
    table = line.directives()
    return None if table is None else (line, table)


@predicate("conf.arity", EffectiveConfig)
def _arity(cfg: EffectiveConfig) -> Iterator[Hit]:
    if cfg.live:
        return
    judging = _judging_table(cfg.target)
    if judging is None:
        return
    line, table = judging
    splits = line.family == "valkey" or line.redis_level >= (7, 0)
    for setting in cfg.settings:
        if setting.name == "include":
            continue  # the conf source notes an include it cannot follow
        limits = table.arity_of(setting.name)
        comment = _comment_start(setting)
        if comment is not None:
            yield Hit(setting.where, _comment_message(setting, comment, limits, splits))
            continue
        if limits is None:
            continue  # unknown names are version.directive's
        count = _count(setting, limits, splits)
        fewest, most = limits
        if count < fewest or (most is not None and count > most):
            yield Hit(
                setting.where,
                f"{_takes(setting.name, limits)} in {line.title}, this line has {count}: the server refuses "
                "to start (wrong number of arguments)",
            )
