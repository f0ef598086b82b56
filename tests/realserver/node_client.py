"""Run ``tests/node/infisical-client.mjs``: the BullMQ 5 / ioredis 5 client that connects exactly as
Infisical does, configured only through Infisical's environment variables."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from tests.realserver.binaries import missing, require

NODE_DIR: Final = Path(__file__).resolve().parents[1] / "node"
SCRIPT: Final = NODE_DIR / "infisical-client.mjs"

# Variables Infisical reads for Redis; never inherited from the outer environment.
_INFISICAL_VARS: Final = (
    "REDIS_URL",
    "REDIS_USERNAME",
    "REDIS_PASSWORD",
    "REDIS_SENTINEL_HOSTS",
    "REDIS_SENTINEL_MASTER_NAME",
    "REDIS_SENTINEL_ENABLE_TLS",
    "REDIS_SENTINEL_USERNAME",
    "REDIS_SENTINEL_PASSWORD",
    "REDIS_CLUSTER_HOSTS",
    "REDIS_CLUSTER_ENABLE_TLS",
    "REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE",
    "REDIS_READ_REPLICAS",
    "NODE_EXTRA_CA_CERTS",
)


@dataclass(frozen=True)
class NodeResult:
    """Exit status, the JSON line the script printed (``{}`` if none parsed) and raw output."""

    returncode: int
    data: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def describe(self) -> str:
        return f"exit {self.returncode}\nstdout: {self.stdout}\nstderr: {self.stderr[-4000:]}"


def _last_json_line(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                parsed = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(parsed, dict):
                return parsed
    return {}


def hosts_value(ports: list[int], host: str = "127.0.0.1") -> str:
    """``host:port,host:port`` as Infisical's ``*_HOSTS`` variables expect."""
    return ",".join(f"{host}:{port}" for port in ports)


@dataclass(frozen=True)
class NodeClient:
    """Runs the script with ``node``; ``require_node_client`` checks the prerequisites."""

    node: Path
    script: Path = SCRIPT

    def run(
        self,
        command: str,
        *args: str,
        env: Mapping[str, str],
        timeout: float = 60.0,
    ) -> NodeResult:
        """``node infisical-client.mjs command args`` with the Infisical variables in ``env`` only."""
        full_env = {k: v for k, v in os.environ.items() if k not in _INFISICAL_VARS}
        full_env.update(env)
        proc = subprocess.run(
            [str(self.node), str(self.script), command, *args],
            cwd=self.script.parent,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        return NodeResult(proc.returncode, _last_json_line(proc.stdout), proc.stdout, proc.stderr)


def require_node_client() -> NodeClient:
    """A :class:`NodeClient`; skips (fails under ``CI=true``) without node or ``npm ci``."""
    node = require("node")
    for package in ("bullmq", "ioredis"):
        if not (NODE_DIR / "node_modules" / package / "package.json").is_file():
            missing(f"tests/node dependencies are not installed; run: (cd {NODE_DIR} && npm ci)")
    return NodeClient(node=node)
