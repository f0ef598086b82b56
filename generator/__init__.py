"""Generate, validate, check and audit the Redis behind a self-hosted Infisical."""

from __future__ import annotations


def tool_version() -> str:
    """The installed distribution's version ("0+unknown" in a checkout that was never installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("infisical-redis-config")
    except PackageNotFoundError:
        return "0+unknown"
