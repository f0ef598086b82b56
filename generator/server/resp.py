"""A small RESP2 client over a socket (stdlib only), for `audit` and `migrate-aof`.

One connection, one command at a time: enough to read a server's settings and drive an AOF migration.
Every exception message names the server as ``scheme://[user@]host:port`` and never holds the password.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self, TypeAlias
from urllib.parse import unquote, urlsplit

DEFAULT_PORT = 6379
URL_FORM = "redis://[user:password@]host[:port][/db] or rediss://..."


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


class ProtocolError(RedisClientError):
    """The bytes that came back are not RESP2."""


class ReplyError(RedisClientError):
    """An error reply (``-ERR ...``) to a command."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
        self.code = text.split(" ", 1)[0]


Reply: TypeAlias = "str | int | list[Reply] | ReplyError | None"
"""Simple and bulk strings as ``str`` (bytes that are not UTF-8 as surrogate escapes), integers, nil as
``None``, arrays as lists. An error nested in an array stays a ``ReplyError`` value; a top-level one is raised."""


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


def _tls_context(ca_file: str | None, insecure: bool) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
        raise UrlError(f"cannot load the CA file {ca_file}: {reason}") from None
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _encode(arg: str | bytes | int) -> bytes:
    if isinstance(arg, bytes):
        return arg
    return str(arg).encode("utf-8", "surrogateescape")


class RespConnection:
    """A connected (and, when a password is given, authenticated) client."""

    def __init__(self, sock: socket.socket, display: str, timeout: float) -> None:
        self._sock = sock
        self._buffer = bytearray()
        self.display = display
        self.timeout = timeout

    @classmethod
    def open(
        cls,
        url: RedisURL,
        *,
        password: str | None = None,
        ca_file: str | None = None,
        insecure: bool = False,
        timeout: float = 5.0,
    ) -> RespConnection:
        """Connects, speaks TLS for ``rediss://``, AUTHs with ``password`` (else the URL's), then PINGs."""
        if not url.tls and (ca_file or insecure):
            raise UrlError("--ca-file and --insecure need a rediss:// URL")
        context = _tls_context(ca_file, insecure) if url.tls else None
        where = url.display
        try:
            raw = socket.create_connection((url.host, url.port), timeout=timeout)
        except ConnectionRefusedError:
            raise ConnectError(f"{where}: connection refused (is the server running on that port?)") from None
        except socket.gaierror:
            raise ConnectError(f"{where}: cannot resolve the host name") from None
        except TimeoutError:
            raise ConnectError(f"{where}: no answer within {timeout:g} s") from None
        except OSError as error:
            raise ConnectError(f"{where}: cannot connect: {error.strerror or type(error).__name__}") from None
        sock: socket.socket = raw
        if context is not None:
            try:
                sock = context.wrap_socket(raw, server_hostname=url.host)
            except ssl.SSLCertVerificationError as error:
                raw.close()
                hint = "; trust its CA with --ca-file" if "certificate" in str(error.verify_message) else ""
                raise TlsError(f"{where}: TLS certificate rejected: {error.verify_message}{hint}") from None
            except TimeoutError:
                raw.close()
                raise TlsError(f"{where}: no TLS handshake within {timeout:g} s; is it a TLS port?") from None
            except (ssl.SSLError, OSError) as error:
                raw.close()
                reason = getattr(error, "reason", None) or type(error).__name__
                raise TlsError(f"{where}: TLS handshake failed ({reason}); is it a TLS port?") from None
        conn = cls(sock, where, timeout)
        try:
            conn._authenticate(url.username, password if password is not None else url.password)
        except BaseException:
            conn.close()
            raise
        return conn

    def _authenticate(self, username: str | None, password: str | None) -> None:
        if password is not None:
            auth = ["AUTH", username, password] if username else ["AUTH", password]
            try:
                self.command(*auth)
            except ReplyError as error:
                reason = error.text.replace(password, "***")
                raise AuthError(f"{self.display}: authentication failed: {reason}") from None
        try:
            self.command("PING")
        except ReplyError as error:
            # Only NOAUTH matters here: a server that cannot persist answers PING with MISCONF, and one that
            # is loading with LOADING; both still answer INFO, which is what an audit needs to see.
            if error.code == "NOAUTH":
                raise AuthError(
                    f"{self.display}: the server requires a password: put it in the URL, in REDIS_PASSWORD, "
                    "or in a variable named by --password-env"
                ) from None

    def command(self, *args: str | bytes | int) -> Reply:
        """Sends one command and returns its reply; raises ReplyError for an error reply."""
        parts = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = _encode(arg)
            parts += [f"${len(data)}\r\n".encode(), data, b"\r\n"]
        try:
            self._sock.sendall(b"".join(parts))
            reply = self._read_reply()
        except TimeoutError:
            raise ReplyTimeoutError(f"{self.display}: no reply within {self.timeout:g} s") from None
        except ssl.SSLError as error:
            raise TlsError(f"{self.display}: TLS error: {error.reason or type(error).__name__}") from None
        except OSError as error:
            raise ConnectError(f"{self.display}: connection lost: {error.strerror or type(error).__name__}") from None
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    def _fill(self) -> None:
        chunk = self._sock.recv(65536)
        if not chunk:
            raise ConnectError(f"{self.display}: the server closed the connection")
        self._buffer += chunk

    def _read_line(self) -> bytes:
        while (end := self._buffer.find(b"\r\n")) < 0:
            self._fill()
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 2]
        return line

    def _read_exact(self, size: int) -> bytes:
        while len(self._buffer) < size + 2:
            self._fill()
        data = bytes(self._buffer[:size])
        if self._buffer[size : size + 2] != b"\r\n":
            raise ProtocolError(f"{self.display}: a bulk reply does not end with CRLF")
        del self._buffer[: size + 2]
        return data

    def _read_reply(self) -> Reply:
        line = self._read_line()
        kind, rest = line[:1], line[1:].decode("utf-8", "surrogateescape")
        if kind == b"+":
            return rest
        if kind == b"-":
            return ReplyError(rest)
        if kind in (b":", b"$", b"*"):
            try:
                number = int(rest)
            except ValueError:
                raise ProtocolError(f"{self.display}: bad length or integer in a reply") from None
            if kind == b":":
                return number
            if number < 0:
                return None
            if kind == b"$":
                return self._read_exact(number).decode("utf-8", "surrogateescape")
            return [self._read_reply() for _ in range(number)]
        raise ProtocolError(f"{self.display}: not a RESP2 reply (is this a Redis server, and TLS on a TLS port?)")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def parse_info(reply: Reply) -> dict[str, str]:
    """An ``INFO`` reply as ``{field: value}`` (section headers and blank lines dropped)."""
    if not isinstance(reply, str):
        raise ProtocolError("INFO did not return a bulk string")
    fields: dict[str, str] = {}
    for line in reply.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep and not key.startswith("#"):
            fields[key] = value
    return fields


def string_pairs(reply: Reply) -> list[tuple[str, str]]:
    """A flat ``[name, value, name, value, ...]`` reply (``CONFIG GET``) as pairs."""
    if not isinstance(reply, list) or len(reply) % 2:
        raise ProtocolError("expected a flat array of name / value pairs")
    items = [item if isinstance(item, str) else "" for item in reply]
    return list(zip(items[::2], items[1::2], strict=True))


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
