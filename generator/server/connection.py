"""Talking to a server through redis-py: the URL, the password, TLS, and every failure as a clean message.

One ``ServerConnection`` wraps one ``redis.Redis`` client speaking RESP2 with redis-py's reply parsing
switched off, so a command returns the server's own reply: strings, integers, ``None`` and lists.
Every exception message names the server as ``scheme://[user@]host:port`` and never holds the password.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self, TypeAlias
from urllib.parse import unquote, urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

DEFAULT_PORT = 6379
URL_FORM = "redis://[user:password@]host[:port][/db] or rediss://..."

NO_PASSWORD_CONFIGURED = ("without any password configured", "no password is set")
"""What Redis 6+ and older answer to AUTH when they need no password."""

Reply: TypeAlias = "str | int | list[Reply] | None"
"""Simple and bulk strings as ``str`` (bytes that are not UTF-8 as surrogate escapes), integers, nil as
``None``, arrays as lists."""


class RedisClientError(Exception):
    """Anything that stops a conversation with a server; the message is safe to print."""


class UrlError(RedisClientError):
    """The URL or a client option is unusable (a usage error)."""


class ConnectError(RedisClientError):
    """The server cannot be reached, or it closed the connection."""


class TlsError(ConnectError):
    """The TLS handshake failed (untrusted certificate, wrong host name, TLS to a plain port)."""


class AuthError(RedisClientError):
    """The server refused the credentials, or wants some and got none."""


class ReplyTimeoutError(RedisClientError):
    """No (complete) reply in time."""


class ReplyError(RedisClientError):
    """An error reply to a command; ``code`` is its first word (``ERR``, ``NOPERM``, ...)."""

    def __init__(self, text: str, code: str = "ERR") -> None:
        super().__init__(text)
        self.text = text
        self.code = code


@dataclass(frozen=True)
class RedisURL:
    tls: bool
    host: str
    port: int = DEFAULT_PORT
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    db: int = 0

    @property
    def display(self) -> str:
        """The URL without its password: safe for messages and for finding locations."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.username}@" if self.username else ""
        db = f"/{self.db}" if self.db else ""
        return f"{'rediss' if self.tls else 'redis'}://{user}{host}:{self.port}{db}"

    def at(self, host: str, port: int) -> RedisURL:
        """The same scheme and credentials at another node (a replica, a Sentinel, a cluster node)."""
        return RedisURL(self.tls, host, port, self.username, self.password)

    @classmethod
    def parse(cls, text: str) -> RedisURL:
        """Parses a ``redis://`` / ``rediss://`` URL; user and password are percent-decoded."""
        scheme = text.partition("://")[0].lower()
        if scheme not in ("redis", "rediss"):
            raise UrlError(f"the URL must start with redis:// or rediss:// ({URL_FORM})")
        try:
            parts = urlsplit(text)
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise UrlError(f"the URL's host or port cannot be read ({URL_FORM})") from None
        if not parts.hostname:
            raise UrlError(f"the URL has no host (percent-encode @ : / in a password) ({URL_FORM})")
        path = parts.path.strip("/")
        if path and not path.isdigit():
            raise UrlError(f"the URL's path must be a database number ({URL_FORM})")
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        return cls(scheme == "rediss", parts.hostname, port, username, password or None, int(path or 0))

    @classmethod
    def of_address(cls, text: str, *, tls: bool = False) -> RedisURL:
        """``HOST:PORT`` (``--sentinel``, ``--cluster``) as a URL; a full ``redis://`` URL is taken as is."""
        if "://" in text:
            return cls.parse(text)
        host, sep, port = text.strip().rpartition(":")
        if not sep or not host or not port.isdigit():
            raise UrlError(f"'{text}' is not HOST:PORT")
        return cls(tls, host.strip("[]"), int(port))


def choose_password(url: RedisURL, password_env: str | None, environ: Mapping[str, str]) -> str | None:
    """The password to AUTH with: the URL's; else the variable ``password_env`` names (it must be set);
    else ``REDIS_PASSWORD`` when set. Never a command-line argument: those show in ``ps``."""
    if url.password is not None:
        return url.password
    if password_env is not None:
        value = environ.get(password_env)
        if not value:
            raise UrlError(f"--password-env names {password_env}, which is not set")
        return value
    return environ.get("REDIS_PASSWORD") or None


@dataclass(frozen=True)
class ClientOptions:
    """How to reach every server of one run: TLS trust and timeouts (passwords travel with each URL)."""

    ca_file: str | None = None
    insecure: bool = False
    timeout: float = 5.0


def _check_ca_file(ca_file: str) -> None:
    try:
        ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
        raise UrlError(f"cannot load the CA file {ca_file}: {reason}") from None


def _cause(error: BaseException) -> BaseException | None:
    """The socket or TLS error redis-py wrapped (it raises its own exceptions from them)."""
    seen = error.__cause__ or error.__context__
    while seen is not None and not isinstance(seen, OSError):
        seen = seen.__cause__ or seen.__context__
    return seen


def client_error(
    error: redis.RedisError, where: str, timeout: float, tls: bool, password: str | None
) -> RedisClientError:
    """A redis-py exception as one of ours, its message naming the server and never the password."""
    if isinstance(error, redis.AuthenticationError):
        if password is None:
            return AuthError(
                f"{where}: the server requires a password: put it in the URL, in REDIS_PASSWORD, "
                "or in a variable named by --password-env"
            )
        return AuthError(f"{where}: authentication failed: {str(error).replace(password, '***')}")
    if isinstance(error, redis.exceptions.NoPermissionError):
        return ReplyError(str(error), "NOPERM")
    if isinstance(error, redis.ResponseError):
        text = str(error)
        code = text.split(" ", 1)[0] if text.split(" ", 1)[0].isupper() else "ERR"
        return ReplyError(text, code)
    if isinstance(error, redis.exceptions.InvalidResponse):
        return ConnectError(f"{where}: not a Redis reply (is it a Redis port, and TLS on a TLS port?)")
    cause = _cause(error)
    if isinstance(error, redis.TimeoutError) or isinstance(cause, TimeoutError):
        if "connect" in str(error).lower() and tls:
            return TlsError(f"{where}: no TLS handshake within {timeout:g} s; is it a TLS port?")
        return ReplyTimeoutError(f"{where}: no answer within {timeout:g} s")
    if isinstance(cause, ssl.SSLCertVerificationError):
        hint = "; trust its CA with --ca-file" if "certificate" in str(cause.verify_message) else ""
        return TlsError(f"{where}: TLS certificate rejected: {cause.verify_message}{hint}")
    if isinstance(cause, ssl.SSLError):
        return TlsError(f"{where}: TLS handshake failed ({cause.reason or type(cause).__name__}); is it a TLS port?")
    if isinstance(cause, ConnectionRefusedError):
        return ConnectError(f"{where}: connection refused (is the server running on that port?)")
    if isinstance(cause, OSError) and "Name or service not known" in str(cause):
        return ConnectError(f"{where}: cannot resolve the host name")
    if isinstance(cause, OSError):
        return ConnectError(f"{where}: cannot connect: {cause.strerror or type(cause).__name__}")
    text = str(error).replace(password, "***") if password else str(error)
    return ConnectError(f"{where}: {text or type(error).__name__}")


class ServerConnection:
    """A connected (and, with a password, authenticated) client of one server."""

    def __init__(self, client: redis.Redis, url: RedisURL, password: str | None, options: ClientOptions) -> None:
        self._client = client
        self.url = url
        self.display = url.display
        self._password = password
        self._options = options

    @classmethod
    def open(cls, url: RedisURL, password: str | None = None, options: ClientOptions | None = None) -> Self:
        """Connects, speaks TLS for ``rediss://``, AUTHs with ``password`` (else the URL's), then PINGs. A
        server that needs no password and refuses one (``AUTH`` with none configured) is connected to without."""
        opts = options or ClientOptions()
        if not url.tls and (opts.ca_file or opts.insecure):
            raise UrlError("--ca-file and --insecure need a rediss:// URL")
        if opts.ca_file:
            _check_ca_file(opts.ca_file)
        secret = password if password is not None else url.password
        try:
            return cls._connect(url, secret, opts)
        except AuthError as error:
            if secret is None or not any(text in str(error) for text in NO_PASSWORD_CONFIGURED):
                raise
        return cls._connect(RedisURL(url.tls, url.host, url.port, db=url.db), None, opts)

    @classmethod
    def _connect(cls, url: RedisURL, secret: str | None, opts: ClientOptions) -> Self:
        tls: dict[str, object] = {}
        if url.tls:
            tls = {"ssl": True, "ssl_ca_certs": opts.ca_file}
            if opts.insecure:
                tls |= {"ssl_cert_reqs": "none", "ssl_check_hostname": False}
        try:
            client = redis.Redis(
                host=url.host,
                port=url.port,
                db=url.db,
                username=url.username,
                password=secret,
                socket_timeout=opts.timeout,
                socket_connect_timeout=opts.timeout,
                retry=Retry(NoBackoff(), 0),
                protocol=2,
                decode_responses=True,
                encoding_errors="surrogateescape",
                single_connection_client=True,
                **tls,  # type: ignore[arg-type]
            )
        except redis.RedisError as error:
            raise client_error(error, url.display, opts.timeout, url.tls, secret) from None
        client.response_callbacks.clear()  # every reply as the server sent it
        conn = cls(client, url, secret, opts)
        try:
            conn.command("PING")
        except ReplyError:
            # A server that cannot persist answers PING with MISCONF, one that is loading with LOADING; both
            # still answer INFO, which is what an audit needs to see.
            pass
        except BaseException:
            conn.close()
            raise
        return conn

    def command(self, *args: str | int) -> Reply:
        """Sends one command and returns its reply; raises ReplyError for an error reply."""
        try:
            execute: Callable[..., Reply] = self._client.execute_command
            reply = execute(*args)
        except redis.RedisError as error:
            opts = self._options
            raise client_error(error, self.display, opts.timeout, self.url.tls, self._password) from None
        return reply

    def info(self, section: str | None = None) -> dict[str, str]:
        return parse_info(self.command("INFO", section) if section else self.command("INFO"))

    def close(self) -> None:
        with contextlib.suppress(redis.RedisError, OSError):
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def parse_info(reply: Reply) -> dict[str, str]:
    """An ``INFO`` reply as ``{field: value}`` (section headers and blank lines dropped)."""
    if not isinstance(reply, str):
        raise ConnectError("INFO did not return a bulk string")
    fields: dict[str, str] = {}
    for line in reply.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep and not key.startswith("#"):
            fields[key] = value
    return fields


def string_pairs(reply: Reply) -> list[tuple[str, str]]:
    """A flat ``[name, value, name, value, ...]`` reply (``CONFIG GET``, ``SENTINEL MASTER``) as pairs."""
    if not isinstance(reply, list) or len(reply) % 2:
        raise ConnectError("expected a flat array of name / value pairs")
    items = [item if isinstance(item, str) else str(item) if isinstance(item, int) else "" for item in reply]
    return list(zip(items[::2], items[1::2], strict=True))
