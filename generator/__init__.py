"""Generate, validate, check and audit the Redis behind a self-hosted Infisical.

Layout: ``schema/`` and ``templates/`` sit at the top of the checkout, and ``generator/schema`` and
``generator/templates`` are links to them, so the installed wheel carries them inside this package
(``generator.schema``) and the distribution installs one top-level name: it never shadows another package's
``schema``. Code imports ``generator.schema`` only (ruff bans a bare ``schema``).
"""

from __future__ import annotations


def tool_version() -> str:
    """The installed distribution's version ("0+unknown" in a checkout that was never installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("infisical-redis-config")
    except PackageNotFoundError:
        return "0+unknown"
