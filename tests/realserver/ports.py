"""Free loopback TCP ports."""

from __future__ import annotations

import socket
import threading

_lock = threading.Lock()
_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now and was not handed out before by this process.

    The kernel picks the port (bind to port 0). Remembering earlier answers avoids giving the same
    port twice before the first server has bound it. Redis Cluster also needs ``port + 10000`` (the
    bus port), so ports above 55535 are skipped.
    """
    with _lock:
        for _ in range(200):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind(("127.0.0.1", 0))
                port: int = sock.getsockname()[1]
            if port in _handed_out or port > 55535 or not _is_free(port + 10000):
                continue
            _handed_out.add(port)
            return port
    raise RuntimeError("no free loopback port found")


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
