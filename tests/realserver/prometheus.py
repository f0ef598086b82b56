"""Debian's `prometheus-redis-exporter` and `prometheus` as real processes on 127.0.0.1, stopped by PID.

``RedisExporter(redis_port, password)`` scrapes one Redis (with ``--include-config-metrics``, as the generated
rules expect); ``Prometheus(jobs, rule_files)`` scrapes every exporter each second, evaluates the rules each
second and answers ``/api/v1/alerts``. Both are context managers and register for a kill at interpreter exit.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from tests.realserver.binaries import missing
from tests.realserver.ports import free_port

INSTALL_HINTS: Final = {
    "prometheus": "apt-get install prometheus",
    "promtool": "apt-get install prometheus",
    "prometheus-redis-exporter": "apt-get install prometheus-redis-exporter",
}

_LIVE: set[_Process] = set()


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_LIVE):
        with contextlib.suppress(Exception):
            proc.stop()


def require_tool(name: str) -> Path:
    """Debian's binary ``name`` (``/usr/bin`` first, then ``PATH``); skips, or fails under ``CI=true``."""
    candidate = Path("/usr/bin") / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which(name)
    if found is None:
        missing(f"{name} not found; install it with: {INSTALL_HINTS[name]}")
    return Path(found)


def http_get(url: str, timeout: float = 2.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
    return body.decode()


@dataclass(eq=False)
class _Process:
    command: list[str]
    ready_url: str
    workdir: Path
    env: Mapping[str, str] = field(default_factory=dict)
    startup_timeout: float = 20.0
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def log_path(self) -> Path:
        return self.workdir / "output.log"

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> Self:
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **self.env},
            )
        _LIVE.add(self)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited {self._proc.returncode}:\n{self.log_text()}")
            try:
                http_get(self.ready_url, timeout=0.5)
                return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.command[0]} not ready within {self.startup_timeout} s:\n{self.log_text()}")

    def stop(self) -> None:
        """SIGTERM by PID, then SIGKILL after 10 s; never by name."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        _LIVE.discard(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class RedisExporter(_Process):
    """One redis_exporter for the Redis on ``127.0.0.1:redis_port`` (password from ``REDIS_PASSWORD``)."""

    def __init__(self, redis_port: int, password: str | None, workdir: Path | None = None) -> None:
        self.port = free_port()
        self.redis_port = redis_port
        binary = require_tool("prometheus-redis-exporter")
        command = [
            str(binary),
            f"-redis.addr=redis://127.0.0.1:{redis_port}",
            f"-web.listen-address=127.0.0.1:{self.port}",
            "-include-config-metrics",
            "-connection-timeout=1s",
        ]
        super().__init__(
            command=command,
            ready_url=f"http://127.0.0.1:{self.port}/metrics",
            workdir=workdir or Path(tempfile.mkdtemp(prefix=f"exporter-{redis_port}-")),
            env={"REDIS_PASSWORD": password} if password else {},
        )

    @property
    def address(self) -> str:
        """The Prometheus ``instance`` label of this exporter's target."""
        return f"127.0.0.1:{self.port}"

    def metrics(self) -> str:
        return http_get(f"http://{self.address}/metrics")


def prometheus_config(jobs: Mapping[str, Sequence[str]], rule_files: Sequence[Path], interval: str = "1s") -> str:
    """A prometheus.yml (JSON is YAML): one scrape job per name, its targets the exporter addresses."""
    config: dict[str, Any] = {
        "global": {"scrape_interval": interval, "scrape_timeout": interval, "evaluation_interval": interval},
        "rule_files": [str(path) for path in rule_files],
        "scrape_configs": [
            {"job_name": name, "static_configs": [{"targets": list(targets)}]} for name, targets in jobs.items()
        ],
    }
    return json.dumps(config, indent=2)


class Prometheus(_Process):
    """Debian's Prometheus on a free loopback port with its own TSDB directory."""

    def __init__(self, jobs: Mapping[str, Sequence[str]], rule_files: Sequence[Path], workdir: Path) -> None:
        self.port = free_port()
        config = workdir / "prometheus.yml"
        config.write_text(prometheus_config(jobs, rule_files))
        command = [
            str(require_tool("prometheus")),
            f"--config.file={config}",
            f"--storage.tsdb.path={workdir / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--log.level=warn",
        ]
        super().__init__(command=command, ready_url=f"http://127.0.0.1:{self.port}/-/ready", workdir=workdir)

    def api(self, path: str) -> Any:
        reply = json.loads(http_get(f"http://127.0.0.1:{self.port}/api/v1/{path}"))
        assert reply["status"] == "success", reply
        return reply["data"]

    def firing(self) -> set[tuple[str, str, str]]:
        """Firing alerts as (job, instance or "", alertname)."""
        return {
            (a["labels"].get("job", ""), a["labels"].get("instance", ""), a["labels"]["alertname"])
            for a in self.api("alerts")["alerts"]
            if a["state"] == "firing"
        }
