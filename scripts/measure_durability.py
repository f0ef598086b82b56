"""Re-measure the figures of the docs' "Why durability" page against real servers and write its data file.

    python scripts/measure_durability.py [--server redis-server] [--out docs/data/durability.json]

For each configuration (no persistence, AOF everysec, AOF always) it starts a server on 127.0.0.1 in a temporary
directory. Crash test (no persistence, AOF everysec): a client pushes list entries in pipelined batches, counting
every reply, until the server is killed with SIGKILL mid-stream; the server restarts with the same settings and
LLEN says how many acknowledged entries are left. Cost: `redis-benchmark -t set,lpush -P 16` (median of --runs),
and unpipelined SET as a ratio. Every server is stopped by its PID. Takes minutes and two cores: run it on a quiet
machine, not in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SETUPS: dict[str, list[str]] = {
    "no persistence": ["--save", "", "--appendonly", "no"],
    "AOF everysec": ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
    "AOF always": ["--save", "", "--appendonly", "yes", "--appendfsync", "always"],
}
CRASH_SETUPS = ("no persistence", "AOF everysec")
KEY = "durability:queue"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    def __init__(self, binary: str, workdir: Path, args: list[str]) -> None:
        self.binary, self.workdir, self.args = binary, workdir, args
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)]
        command += ["--daemonize", "no", "--protected-mode", "yes", *self.args]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.binary} did not start on port {self.port}")

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=15)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()


def _command(*parts: str) -> bytes:
    out = [f"*{len(parts)}\r\n".encode()]
    for part in parts:
        data = part.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def push_until_killed(server: Server, seconds: float, batch: int = 100) -> int:
    """LPUSH in pipelined batches; returns how many pushes the server acknowledged before it was killed."""
    acknowledged = 0
    killer = threading.Timer(seconds, server.kill9)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    reader = sock.makefile("rb")
    killer.start()
    try:
        n = 0
        while True:
            sock.sendall(b"".join(_command("LPUSH", KEY, f"job-{n + i}") for i in range(batch)))
            n += batch
            for _ in range(batch):
                line = reader.readline()
                if not line.startswith(b":"):
                    return acknowledged
                acknowledged += 1
    except OSError:
        return acknowledged
    finally:
        killer.cancel()
        reader.close()
        sock.close()


def list_length(port: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(_command("LLEN", KEY))
        return int(sock.makefile("rb").readline()[1:])


def crash_test(binary: str, setup: str, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="durability-") as tmp:
        server = Server(binary, Path(tmp), SETUPS[setup])
        server.start()
        try:
            acknowledged = push_until_killed(server, seconds)
            server.start()
            kept = list_length(server.port)
        finally:
            server.stop()
    return {"setup": setup, "acknowledged": acknowledged, "kept": kept}


def benchmark(benchmark_bin: str, port: int, tests: str, pipeline: int, requests: int) -> dict[str, float]:
    out = subprocess.run(
        [benchmark_bin, "-p", str(port), "-t", tests, "-P", str(pipeline), "-n", str(requests), "-q", "--csv"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    rates = {}
    for row in out.splitlines():
        cells = [cell.strip('"') for cell in row.split(",")]
        if len(cells) >= 2 and cells[0] in ("SET", "LPUSH"):
            rates[cells[0]] = float(cells[1])
        elif len(cells) >= 2 and cells[0].startswith("LPUSH"):
            rates["LPUSH"] = float(cells[1])
    return rates


def cost(binary: str, benchmark_bin: str, runs: int, requests: int) -> tuple[list[dict[str, Any]], dict[str, float]]:
    rows, unpipelined = [], {}
    for setup, args in SETUPS.items():
        with tempfile.TemporaryDirectory(prefix="durability-") as tmp:
            server = Server(binary, Path(tmp), args)
            server.start()
            try:
                samples = [benchmark(benchmark_bin, server.port, "set,lpush", 16, requests) for _ in range(runs)]
                single = [benchmark(benchmark_bin, server.port, "set", 1, requests // 10)["SET"] for _ in range(runs)]
            finally:
                server.stop()
        row: dict[str, Any] = {"setup": setup}
        for command in ("SET", "LPUSH"):
            row[command] = round(statistics.median(s[command] for s in samples), -3)
        rows.append(row)
        unpipelined[setup] = statistics.median(single)
    base = unpipelined["no persistence"]
    return rows, {setup: round(rate / base, 2) for setup, rate in unpipelined.items()}


def version(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    return next((word.removeprefix("v=") for word in out.split() if word.startswith("v=")), out.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="redis-server")
    parser.add_argument("--benchmark", default="redis-benchmark")
    parser.add_argument("--out", type=Path, default=Path("docs/data/durability.json"))
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--requests", type=int, default=2_000_000)
    parser.add_argument("--crash-after", type=float, default=3.0, help="seconds of pushing before the kill")
    args = parser.parse_args()
    binary = shutil.which(args.server) or args.server
    benchmark_bin = shutil.which(args.benchmark) or args.benchmark

    kill9 = [crash_test(binary, setup, args.crash_after) for setup in CRASH_SETUPS]
    rows, unpipelined = cost(binary, benchmark_bin, args.runs, args.requests)
    data = {
        "about": "Measured by scripts/measure_durability.py against real servers on loopback; drawn as the chart "
        "on the 'Why durability' page when the site is built.",
        "server": f"Redis {version(binary)}, {os.cpu_count()} cores, loopback",
        "kill9": {
            "what": "LPUSHes acknowledged to the client, then kill -9 of the server mid-stream and a restart with "
            "the same config",
            "rows": kill9,
        },
        "throughput": {
            "what": f"redis-benchmark, 16 commands pipelined per request (-P 16), median of {args.runs} runs, "
            "requests per second",
            "commands": ["SET", "LPUSH"],
            "rows": rows,
            "unpipelined_ratio": unpipelined,
        },
    }
    args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
