"""`migrate-aof`: turn AOF on for a running server whose data is only in dump.rdb, without losing it.

The trap: restarting Redis with ``appendonly yes`` newly in its config file, while only ``dump.rdb`` exists,
starts with an EMPTY dataset (the AOF load path skips the RDB), and the next shutdown overwrites ``dump.rdb``.

The safe way, done here: ``CONFIG SET appendonly yes`` makes the running server write its whole dataset into
a fresh AOF in the background; once ``INFO persistence`` shows that rewrite finished and AOF on
(``aof_enabled:1``, ``aof_rewrite_in_progress:0``, ``aof_rewrite_scheduled:0``,
``aof_last_bgrewrite_status:ok``), ``CONFIG REWRITE`` records ``appendonly yes`` in the config file. A
failure or timeout while waiting switches AOF back off (``CONFIG SET appendonly no``), so a later
``CONFIG REWRITE`` (Sentinel sends one on failover) cannot write ``appendonly yes`` before the AOF holds
the data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from generator.server.connection import RedisClientError, ReplyError, ServerConnection

CONF_LINE = "appendonly yes"
PROGRESS_EVERY = 5.0

Say = Callable[[str], None]


class MigrationError(Exception):
    """The migration failed, timed out or needs a manual step; the message says which, and what to do."""


@dataclass(frozen=True)
class AofState:
    enabled: bool
    rewrite_in_progress: bool
    rewrite_scheduled: bool
    last_rewrite_ok: bool
    loading: bool

    @classmethod
    def from_info(cls, info: dict[str, str]) -> AofState:
        return cls(
            enabled=info.get("aof_enabled") == "1",
            rewrite_in_progress=info.get("aof_rewrite_in_progress") == "1",
            rewrite_scheduled=info.get("aof_rewrite_scheduled") == "1",
            last_rewrite_ok=info.get("aof_last_bgrewrite_status") == "ok",
            loading=info.get("loading") == "1",
        )

    @property
    def settled(self) -> bool:
        """No AOF rewrite running or waiting to run."""
        return not self.rewrite_in_progress and not self.rewrite_scheduled

    @property
    def on(self) -> bool:
        """AOF is on and holds the dataset: the rewrite that switched it on has finished well."""
        return self.enabled and self.settled and self.last_rewrite_ok

    def describe(self) -> str:
        return (
            f"aof_enabled:{int(self.enabled)} aof_rewrite_in_progress:{int(self.rewrite_in_progress)} "
            f"aof_rewrite_scheduled:{int(self.rewrite_scheduled)} "
            f"aof_last_bgrewrite_status:{'ok' if self.last_rewrite_ok else 'err'}"
        )


def aof_state(conn: ServerConnection) -> AofState:
    return AofState.from_info(conn.info("persistence"))


def wait_for_aof(conn: ServerConnection, timeout: float, say: Say, poll: float = 0.1) -> AofState:
    """Polls INFO persistence until AOF is on; MigrationError when the rewrite fails or time runs out."""
    start = time.monotonic()
    next_progress = start + PROGRESS_EVERY
    while True:
        state = aof_state(conn)
        if state.on:
            return state
        if state.settled:
            why = "AOF was switched off meanwhile" if not state.enabled else "the AOF rewrite failed"
            raise MigrationError(f"{why} ({state.describe()}); see the server log (disk space, fork memory)")
        now = time.monotonic()
        if now - start > timeout:
            raise MigrationError(f"the AOF rewrite did not finish within {timeout:g} s ({state.describe()})")
        if now >= next_progress:
            say(f"      still writing the AOF after {now - start:.0f} s ({state.describe()})")
            next_progress += PROGRESS_EVERY
        time.sleep(poll)


def _revert(conn: ServerConnection, say: Say) -> None:
    try:
        conn.command("CONFIG", "SET", "appendonly", "no")
    except RedisClientError as error:
        say(f"      could not switch AOF back off ({error}); do not restart with appendonly yes in the config")
        return
    say("      switched AOF back off (CONFIG SET appendonly no); the config file was not changed")


def _config_get(conn: ServerConnection, name: str) -> str:
    reply = conn.command("CONFIG", "GET", name)
    if isinstance(reply, list) and len(reply) == 2 and isinstance(reply[1], str):
        return reply[1]
    raise MigrationError(f"CONFIG GET {name} returned no value")


def _manual_step(config_file: str, reason: str) -> MigrationError:
    where = f"the config file {config_file}" if config_file else "the server's config file"
    return MigrationError(
        f"AOF is on now, but {reason}. Before the next restart, add this line to {where} by hand:\n"
        f"    {CONF_LINE}\n"
        "(or start the server with --appendonly yes). Without it the server restarts without AOF."
    )


def migrate_aof(conn: ServerConnection, *, timeout: float, say: Say, poll: float = 0.1) -> None:
    """Turns AOF on safely; idempotent when it is already on. Raises MigrationError or RedisClientError."""
    server = conn.info("server")
    config_file = server.get("config_file", "")
    version = server.get("valkey_version") or server.get("redis_version", "?")
    say(f"{conn.display}: version {version}, config file: {config_file or '(none: started without one)'}")
    try:
        appendonly = _config_get(conn, "appendonly")
    except ReplyError as error:
        raise MigrationError(f"CONFIG is not available ({error.code}); AOF cannot be switched on remotely") from None
    started = time.monotonic()
    if appendonly == "yes":
        say("[1/3] appendonly is already 'yes': nothing to move; checking that the AOF is in use")
        state = wait_for_aof(conn, timeout, say, poll)
    else:
        if aof_state(conn).loading:
            raise MigrationError("the server is still loading its dataset; try again when it has finished")
        say("[1/3] CONFIG SET appendonly yes: the server writes its whole dataset to a new AOF in the background")
        try:
            conn.command("CONFIG", "SET", "appendonly", "yes")
        except ReplyError as error:
            raise MigrationError(f"CONFIG SET appendonly yes failed: {error.text}; nothing was changed") from None
        try:
            state = wait_for_aof(conn, timeout, say, poll)
        except MigrationError:
            _revert(conn, say)
            raise
    say(f"[2/3] AOF is on after {time.monotonic() - started:.1f} s: {state.describe()}")
    say(f"[3/3] CONFIG REWRITE: record '{CONF_LINE}' in the config file")
    try:
        conn.command("CONFIG", "REWRITE")
    except ReplyError as error:
        if "without a config file" in error.text:
            raise _manual_step(config_file, "the server was started without a config file") from None
        raise _manual_step(config_file, f"CONFIG REWRITE failed ({error.text})") from None
    say(f"done: {config_file or 'the config file'} now says '{CONF_LINE}'; a restart loads the AOF")
