"""Two guides followed as a new user would, with the commands their pages show (the documentation's host names
replaced by the test server's address), against real servers on 127.0.0.1, ending with Infisical's own client
(BullMQ over ioredis, configured only by Infisical's variables) working on the result.

- "Check or audit an existing Redis": a stock server holding queued jobs is audited (AOF off is an error), fixed
  with the page's `migrate-aof` and `CONFIG SET maxmemory-policy noeviction`, audited clean, and its jobs survive
  `kill -9`.
- "Managed Redis": a server that refuses `CONFIG` like ElastiCache, Memorystore and Azure, with the default
  parameter group's `volatile-lru`, is judged from `INFO` as the page's table says; the page's fix (a parameter
  group with `noeviction`) clears the eviction finding, and the page's `REDIS_URL` form runs a BullMQ job.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.realserver.guide_pages import page_commands as _commands
from tests.realserver.guide_pages import run_page_command as _run
from tests.realserver.node_client import NodeClient
from tests.realserver.processes import RedisServer
from tests.support import ROOT

GUIDES = ROOT / "docs/guides"
DOC_HOST = "redis.example.internal:6379"

pytestmark = [pytest.mark.server, pytest.mark.node]

ServerFactory = Callable[..., RedisServer]


def _rules(output: str, severity: str) -> set[str]:
    return set(re.findall(rf": {severity} ([a-z0-9.-]+):", output))


# --- Check or audit an existing Redis --------------------------------------------------------------------------


def test_existing_redis_guide(server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path) -> None:
    page = (GUIDES / "existing-redis.md").read_text(encoding="utf-8")
    [audit] = [c for c in _commands(page, "infisical-redis audit --url redis://") if DOC_HOST in c]
    [migrate] = _commands(page, "infisical-redis migrate-aof")
    assert "CONFIG SET maxmemory-policy noeviction" in page

    # A stock Redis as Infisical's compose file runs it: snapshots only, AOF off; jobs already queued.
    server = server_factory("redis-7.0", "maxmemory-policy allkeys-lru\n")
    url = f"redis://127.0.0.1:{server.port}"
    queued = node_client.run("enqueue", "--queue", "secret-sync", "--count", "300", env={"REDIS_URL": url})
    assert queued.ok, queued.describe()

    before = _run(audit.replace(DOC_HOST, f"127.0.0.1:{server.port}"), tmp_path)
    assert before.returncode == 1, before.stdout + before.stderr
    assert {"persistence.aof", "memory.noeviction"} <= _rules(before.stdout, "error"), before.stdout

    fixed = _run(migrate.replace(DOC_HOST, f"127.0.0.1:{server.port}"), tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    server.cli("CONFIG", "SET", "maxmemory-policy", "noeviction")
    server.cli("CONFIG", "REWRITE")

    after = _run(audit.replace(DOC_HOST, f"127.0.0.1:{server.port}"), tmp_path)
    assert after.returncode == 0, after.stdout + after.stderr  # "it exits 0 when no error is left"
    assert _rules(after.stdout, "error") == set()

    server.kill9()
    server.start()  # the same config file, now rewritten with AOF on and noeviction
    counted = node_client.run("count", "--queue", "secret-sync", env={"REDIS_URL": url})
    assert counted.ok, counted.describe()
    assert counted.data["waiting"] == 300, counted.data


# --- Managed Redis ----------------------------------------------------------------------------------------------

MANAGED = 'rename-command CONFIG ""\nappendonly no\nsave ""\nrequirepass {password}\nmaxmemory 64mb\n'


def test_managed_redis_guide(server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path) -> None:
    page = (GUIDES / "managed-redis.md").read_text(encoding="utf-8")
    [audit] = _commands(page, "infisical-redis audit --url rediss://")
    doc_url = audit.split("--url ", 1)[1].split()[0]
    [url_form] = re.findall(r"REDIS_URL=rediss://:AUTH_TOKEN@(\S+)", page)
    password = "A" * 20 + "b" * 20

    def audit_output(server: RedisServer) -> subprocess.CompletedProcess[str]:
        # The page's command, with its host and TLS swapped for the test server (TLS has its own guide and test).
        return _run(audit.replace(doc_url, f"redis://127.0.0.1:{server.port}"), tmp_path, {"REDIS_PASSWORD": password})

    # As the provider ships it: CONFIG refused, the default parameter group's volatile-lru, no AOF.
    default_group = server_factory("redis-7.0", MANAGED.format(password=password) + "maxmemory-policy volatile-lru\n")
    shipped = audit_output(default_group)
    assert "CONFIG GET is not available" in shipped.stdout + shipped.stderr
    judged = _rules(shipped.stdout, "error")
    assert {"memory.noeviction", "persistence.aof"} <= judged, shipped.stdout  # the page's "judged from INFO" column
    not_judged = re.search(r"not judged: (.*)", shipped.stdout + shipped.stderr)
    assert not_judged, shipped.stdout + shipped.stderr
    for rule in ("persistence.appendfsync", "persistence.rdb", "persistence.aof-rewrite", "network.exposed"):
        assert rule in not_judged[1], not_judged[1]  # the page's "not judged without CONFIG" column

    # The page's fix: a parameter group with maxmemory-policy noeviction. AOF stays off (the provider offers none).
    own_group = server_factory("redis-7.0", MANAGED.format(password=password) + "maxmemory-policy noeviction\n")
    fixed = audit_output(own_group)
    assert "memory.noeviction" not in _rules(fixed.stdout, "error"), fixed.stdout
    assert "persistence.aof" in _rules(fixed.stdout, "error")  # "an error you cannot fix by configuration"

    # Infisical's variables in the page's form (cluster mode disabled), pointing at the test server.
    assert url_form.endswith(":6379")
    url = f"redis://:{password}@127.0.0.1:{own_group.port}"
    queued = node_client.run("enqueue", "--queue", "secret-rotation-v2", "--count", "20", env={"REDIS_URL": url})
    assert queued.ok, queued.describe()
    done = node_client.run("process", "--queue", "secret-rotation-v2", "--count", "20", env={"REDIS_URL": url})
    assert done.ok, done.describe()
