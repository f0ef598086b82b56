"""Start-up cost the command line does not pay: pydantic's plugin discovery, and most garbage collections.

The cyclic garbage collector runs every 700 net allocations; starting a command allocates hundreds of thousands of
objects that live until it exits (modules, classes, pydantic's schemas), which each collection walks again. As
mypy does, collections are made rare: a command runs for a fraction of a second, and reference counting still
frees everything that is not in a cycle.

pydantic looks for plugins (observability hooks such as logfire's) when it builds its first model: it imports
``importlib.metadata`` (and with it ``email``, ``zipfile``, ``socket`` ...) and scans the entry points of every
installed distribution. A command that runs on every commit has no use for them, and that discovery is a tenth
of `validate`'s start-up. ``PYDANTIC_DISABLE_PLUGINS`` is pydantic's own switch; this module sets it unless the
user did, and then stands in for pydantic's plugin loader so its import is not paid either. A user who wants
plugins sets the variable to a list of names (or to nothing): pydantic then loads them as always.
"""

from __future__ import annotations

import gc
import os
import sys
from importlib import import_module
from types import ModuleType
from typing import Any

PLUGINS_SWITCH = "PYDANTIC_DISABLE_PLUGINS"
LOADER = "pydantic.plugin._loader"
_ALL = ("__all__", "1", "true")


class _NoPlugins(ModuleType):
    """pydantic's plugin loader when every plugin is disabled: ``get_plugins()`` is empty, as the real loader
    returns under the switch. Any other name is the real loader's (imported then), so a pydantic that asks
    the loader for more still gets it."""

    @staticmethod
    def get_plugins() -> tuple[()]:
        return ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks a module for __path__ and the like
            raise AttributeError(name)
        if sys.modules.get(LOADER) is self:
            del sys.modules[LOADER]
        real = import_module(LOADER)
        return getattr(real, name)


GC_THRESHOLDS = (100_000, 50, 100)
"""Allocations before a young collection (default 700), and the older generations' (default 10, 10)."""


def tune_gc() -> None:
    gc.set_threshold(*GC_THRESHOLDS)


def skip_pydantic_plugins() -> None:
    """Disable pydantic's plugins for this process unless the user chose otherwise; call before any model is
    built (a loader pydantic already imported is left alone)."""
    os.environ.setdefault(PLUGINS_SWITCH, "__all__")
    if os.environ[PLUGINS_SWITCH] in _ALL and LOADER not in sys.modules:
        sys.modules[LOADER] = _NoPlugins(LOADER)
