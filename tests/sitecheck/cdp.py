"""A headless Chromium driven through the DevTools protocol over ``--remote-debugging-pipe`` (no websocket, no
extra package): commands go to the browser's fd 3, replies and events come back on its fd 4, NUL-separated JSON.

One `Browser` is one process with an empty profile; `Browser.open` gives a `Tab` that records every request URL,
every console error and every uncaught exception of the page it loads.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)

Json = dict[str, Any]


class CdpError(RuntimeError):
    pass


@dataclass
class PageLog:
    """What one page did while it was open."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Console errors, uncaught exceptions and failed loads, as text."""


class Browser:
    def __init__(self, profile: Path, binary: Path = CHROMIUM) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # Park the child's ends above 3/4 first, so the dup2 calls below cannot clobber each other.
        high_r, high_w = os.dup(to_child_r), os.dup(from_child_w)
        for fd in (to_child_r, from_child_w):
            os.close(fd)

        def child_fds() -> None:
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [str(binary), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=child_fds,  # the only way to place the pipe ends at fds 3 and 4
        )
        os.close(high_r)
        os.close(high_w)
        self._out = os.fdopen(to_child_w, "wb", buffering=0)
        self._in = from_child_r
        self._next_id = 0
        self._replies: dict[int, queue.Queue[Json]] = {}
        self._events: queue.Queue[Json] = queue.Queue()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._in, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message: Json = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        box = self._replies.get(message["id"])
                    if box is not None:
                        box.put(message)
                else:
                    self._events.put(message)

    def send(self, method: str, params: Json | None = None, session: str | None = None, timeout: float = 30) -> Json:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            box: queue.Queue[Json] = queue.Queue()
            self._replies[ident] = box
        message: Json = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            raise CdpError(f"{method}: no reply in {timeout} s") from None
        finally:
            with self._lock:
                self._replies.pop(ident, None)
        if "error" in reply:
            raise CdpError(f"{method}: {reply['error']}")
        result: Json = reply.get("result", {})
        return result

    def events(self, timeout: float) -> list[Json]:
        """Every event that arrives within `timeout` seconds (at least those already queued)."""
        found: list[Json] = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                found.append(self._events.get(timeout=max(left, 0.001)))
            except queue.Empty:
                return found
            if left <= 0:
                return found

    def open(self, width: int = 1366, height: int = 900, mobile: bool = False) -> Tab:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tab = Tab(self, target, session)
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable", session=session)
        tab.resize(width, height, mobile)
        return tab

    def close(self) -> None:
        with contextlib.suppress(CdpError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._out.close()
        os.close(self._in)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class Tab:
    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.browser = browser
        self.target = target
        self.session = session
        self.log = PageLog()

    def send(self, method: str, params: Json | None = None, timeout: float = 30) -> Json:
        return self.browser.send(method, params, self.session, timeout)

    def resize(self, width: int, height: int, mobile: bool = False) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    def _take(self, events: list[Json]) -> bool:
        """Record the events of this tab; True once the page's load event arrived."""
        loaded = False
        for event in events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent":
                self.log.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
                self.log.errors.append(f"console.{params['type']}: {text}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text", "")
                self.log.errors.append(f"exception: {text}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                self.log.errors.append(f"{entry['source']}: {entry['text']} {entry.get('url', '')}".strip())
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                self.log.errors.append(f"load failed: {params.get('errorText')}")
            elif method == "Page.loadEventFired":
                loaded = True
        return loaded

    def goto(self, url: str, settle: float = 0.6, timeout: float = 30) -> None:
        """Load `url` and wait for its load event, then `settle` seconds for late requests and errors."""
        self.log = PageLog()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not self._take(self.browser.events(0.2)):
            if time.monotonic() > deadline:
                raise CdpError(f"{url}: no load event in {timeout} s")
        self.idle(settle)

    def idle(self, seconds: float) -> None:
        self._take(self.browser.events(seconds))

    def evaluate(self, expression: str, await_promise: bool = False) -> Any:
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": await_promise, "userGesture": True},
        )
        if "exceptionDetails" in reply:
            raise CdpError(f"{expression[:80]}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = False) -> None:
        params: Json = {"format": "png", "captureBeyondViewport": full_page}
        data = self.send("Page.captureScreenshot", params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
