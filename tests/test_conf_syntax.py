"""Tests for generator.formats.conf: Redis's config quoting and line splitting."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from io import BufferedIOBase
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.formats.conf import ConfLine, ConfSyntaxError, format_directive, parse_conf, quote_arg

REDIS_SERVER = Path("/usr/bin/redis-server")


def only(text: str) -> ConfLine:
    lines = parse_conf(text)
    assert len(lines) == 1
    return lines[0]


# --- quote_arg ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["noeviction", "3600", "1gb", "a.b_c-d/e:f@g+h=i,j*k", "ABCxyz09"])
def test_safe_values_stay_bare(value: str) -> None:
    assert quote_arg(value) == value


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("", '""'),
        ("a b", '"a b"'),
        ("#x", '"#x"'),
        ("it's", '"it\'s"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("l1\nl2", '"l1\\nl2"'),
        ("cr\r", '"cr\\r"'),
        ("t\tab", '"t\\tab"'),
        ("bell\a", '"bell\\a"'),
        ("bs\b", '"bs\\b"'),
        ("\x00\x01\x1f\x7f", '"\\x00\\x01\\x1f\\x7f"'),
        ("é", '"\\xc3\\xa9"'),
        ("\udcff", '"\\xff"'),  # surrogateescape: the raw byte 0xff
        ("\x0b\x0c", '"\\x0b\\x0c"'),
        ("~!$%^&()[]{}|;<>?`", '"~!$%^&()[]{}|;<>?`"'),
    ],
)
def test_quoting_rules(value: str, quoted: str) -> None:
    assert quote_arg(value) == quoted
    assert only(f"x {quoted}").args == (value,)


def test_quote_arg_rejects_unencodable_surrogate_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="surrogate") as info:
        quote_arg("secret\ud800")
    assert "secret" not in str(info.value)


def test_round_trip_is_byte_exact_for_escape_surrogates() -> None:
    # "\udcc3\udca9" is the bytes of "é" smuggled as surrogateescape: Redis sees the same bytes
    assert only(format_directive("x", "\udcc3\udca9")).args == ("é",)


def test_format_directive() -> None:
    assert format_directive("maxmemory-policy", "noeviction") == "maxmemory-policy noeviction"
    assert format_directive("save", "") == 'save ""'
    assert format_directive("appendonly") == "appendonly"
    assert format_directive("sentinel", "monitor", "mymaster", "10.0.0.1", "6379", "2") == (
        "sentinel monitor mymaster 10.0.0.1 6379 2"
    )
    assert format_directive("requirepass", "a\nmaxmemory-policy allkeys-lru") == (
        'requirepass "a\\nmaxmemory-policy allkeys-lru"'
    )


@pytest.mark.parametrize("name", ["", "bad name", "x\ny", '"q"', "#c", "1abc"])
def test_format_directive_rejects_odd_names(name: str) -> None:
    with pytest.raises(ValueError):
        format_directive(name, "v")


# --- parse_conf ---------------------------------------------------------------------------------------


def test_comments_blank_lines_and_positions() -> None:
    text = "# comment\n\n   \t\n  Port 6379\n\t# indented comment\nbind 127.0.0.1  -::1\n"
    assert parse_conf(text) == [
        ConfLine(line=4, column=3, name="port", args=("6379",)),
        ConfLine(line=6, column=1, name="bind", args=("127.0.0.1", "-::1")),
    ]
    assert parse_conf(text)[1].arg_columns == (6, 17)


def test_inline_hash_is_not_a_comment() -> None:
    line = only("maxmemory-policy noeviction # keep queues safe")
    assert line.args == ("noeviction", "#", "keep", "queues", "safe")
    assert only("requirepass abc#def").args == ("abc#def",)


def test_crlf_file() -> None:
    text = "port 6379\r\nrequirepass \"p w\"\r\n\r\n# c\r\nsave ''\r\n"
    assert parse_conf(text) == [
        ConfLine(1, 1, "port", ("6379",)),
        ConfLine(2, 1, "requirepass", ("p w",)),
        ConfLine(5, 1, "save", ("",)),
    ]


def test_lone_cr_inside_a_line_separates_words() -> None:
    assert only("a b\rc").args == ("b", "c")


def test_unquoted_backslashes_are_literal() -> None:
    assert only(r"dir C:\redis\n\x41").args == (r"C:\redis\n\x41",)


def test_double_quote_escapes() -> None:
    line = only(r'x "\x41\x4a\x4A\n\r\t\b\a\"\\\q\x4" "\xZZ" "\xc3\xa9" "\xff"')
    assert line.args == ('AJJ\n\r\t\b\a"\\qx4', "xZZ", "é", "\udcff")


def test_single_quotes() -> None:
    assert only(r"""x 'a\'b' 'c\nd' 'e"f' ''""").args == ("a'b", "c\\nd", 'e"f', "")


def test_quotes_inside_a_word_join_it() -> None:
    assert only("""x ab"c d" e'f g' h""").args == ("abc d", "ef g", "h")


def test_vertical_tab_and_form_feed() -> None:
    # isspace() separates words and may follow a closing quote, but does not end an unquoted word
    assert only('x \v a\vb "c"\fd').args == ("a\vb", "c", "d")


def test_names_are_lower_cased_ascii_only_like_redis() -> None:
    assert only("ÉTAT Value").name == "État"
    assert only("MaxMemory-Policy NoEviction").args == ("NoEviction",)


@pytest.mark.parametrize(
    ("text", "line", "column", "reason"),
    [
        ('requirepass "secret', 1, 13, "unbalanced quotes"),
        ("port 1\nrequirepass 'secret", 2, 13, "unbalanced quotes"),
        ('port 1\n\n  requirepass "secret"x', 3, 22, "closing quote must be followed"),
        ("requirepass 'secret'x", 1, 20, "closing quote must be followed"),
        ('requirepass "secret\\"', 1, 13, "unbalanced quotes"),
        ('requirepass "secret\\', 1, 13, "unbalanced quotes"),
        ('requirepass ab"cd', 1, 15, "unbalanced quotes"),
        ("requirepass ab\"c\"'d'", 1, 17, "closing quote must be followed"),
        ("port 1\r\nrequirepass se\x00cret", 2, 15, "NUL"),
        ("requirepass se\ud800cret", 1, 15, "surrogate"),
    ],
)
def test_parse_errors(text: str, line: int, column: int, reason: str) -> None:
    with pytest.raises(ConfSyntaxError) as info:
        parse_conf(text)
    err = info.value
    assert (err.line, err.column) == (line, column)
    assert reason in err.reason
    assert isinstance(err, ValueError)
    assert "secret" not in str(err) and "secret" not in repr(err)
    assert str(err).startswith(f"line {line}, column {column}: ")


def test_closing_quote_followed_by_whitespace_or_end_is_fine() -> None:
    assert only('x "a"\t\'b\' "c"').args == ("a", "b", "c")


# --- properties ---------------------------------------------------------------------------------------

HOSTILE_CHARS = st.characters(codec="utf-8") | st.sampled_from(
    [*"\n\r\t\v\f\a\b\x00 \"'#\\x", "\udc80", "\udcff", "é", "€", "😀", "\u2028"]
)


@given(st.text(HOSTILE_CHARS))
@example("")
@example("a\nmaxmemory-policy allkeys-lru")
@example('"\\x41"')
@example("\\x41")
def test_format_directive_round_trips(value: str) -> None:
    conf_line = format_directive("requirepass", value)
    assert "\n" not in conf_line and "\r" not in conf_line and "\0" not in conf_line
    assert parse_conf(conf_line) == [ConfLine(1, 1, "requirepass", (value,))]
    # also inside a file, between other lines, with CRLF endings
    parsed = parse_conf(f"# head\r\n{conf_line}\r\n{format_directive('port', value)}\n")
    assert [(p.line, p.name, p.args) for p in parsed] == [(2, "requirepass", (value,)), (3, "port", (value,))]


@given(st.lists(st.text(HOSTILE_CHARS), max_size=5))
def test_many_args_round_trip(values: list[str]) -> None:
    line = only(format_directive("user", *values) if values else "user")
    assert line.args == tuple(values)
    assert len(line.arg_columns) == len(values)


@given(st.text(st.characters(codec="utf-8") | st.sampled_from(list("\"'\\ \t\r\n#x"))))
def test_parser_never_crashes(text: str) -> None:
    try:
        parse_conf(text)
    except ConfSyntaxError as err:
        assert err.line >= 1 and err.column >= 1


# --- against a real redis-server ----------------------------------------------------------------------

HOSTILE_VALUES = [
    "pw\nmaxmemory-policy allkeys-lru",
    "pw\r\nmaxmemory-policy allkeys-lru\r\n",
    'quote"d \'and\' "spaced"',
    "# not a comment",
    "back\\slash\\x41\\n\\",
    "ctrl\x01\x07\x08\t\x0b\x0c\x1b\x7f\udcff\udc80end",
    "ünïcødé €😀 пароль",
    " leading and trailing ",
    "",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _call(stream: BufferedIOBase, *args: bytes) -> object:
    """Send one command and read a RESP2 reply (status, error, integer, bulk string, array)."""
    stream.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    stream.flush()
    return _read_reply(stream)


def _read_reply(stream: BufferedIOBase) -> object:
    header = stream.readline()
    assert header.endswith(b"\r\n"), header
    kind, head = header[:1], header[1:-2]
    if kind in (b"+", b"-"):
        return kind + head
    if kind == b":":
        return int(head)
    if kind == b"$":
        size = int(head)
        if size < 0:
            return None
        data = stream.read(size + 2)
        assert data.endswith(b"\r\n")
        return data[:-2]
    assert kind == b"*", header
    return [_read_reply(stream) for _ in range(int(head))]


def _require_redis_server() -> None:
    if not REDIS_SERVER.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{REDIS_SERVER} is missing on CI")
        pytest.skip(f"{REDIS_SERVER} is not installed (apt-get install redis-server)")


def _run_redis(tmp_path: Path, line: bytes) -> tuple[subprocess.Popen[bytes], int, Path]:
    """Start redis-server with ``line`` in its config; return the process, its port and its log."""
    _require_redis_server()
    port = _free_port()
    conf = tmp_path / "redis.conf"
    conf.write_bytes(b'bind 127.0.0.1\nport %d\n%s\nsave ""\nappendonly no\n' % (port, line))
    log = tmp_path / "redis.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(REDIS_SERVER), str(conf), "--dir", str(tmp_path), "--daemonize", "no", "--logfile", ""],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return proc, port, log


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()  # SIGTERM to this PID only
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _connect(proc: subprocess.Popen[bytes], port: int, log: Path) -> socket.socket:
    deadline = time.monotonic() + 10
    while True:
        if proc.poll() is not None:
            pytest.fail(f"redis-server exited with {proc.returncode}: {log.read_text(errors='replace')}")
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not start listening within 10 s")
            time.sleep(0.05)


@pytest.mark.server
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_real_redis_reads_quoted_password_back(value: str, tmp_path: Path) -> None:
    conf_line = format_directive("requirepass", value).encode("utf-8", "surrogateescape")
    proc, port, log = _run_redis(tmp_path, conf_line)
    try:
        with _connect(proc, port, log) as sock, sock.makefile("rwb") as stream:
            password = value.encode("utf-8", "surrogateescape")
            if value:
                assert _call(stream, b"AUTH", password) == b"+OK"
            assert _call(stream, b"CONFIG", b"GET", b"requirepass") == [b"requirepass", password]
            policy = _call(stream, b"CONFIG", b"GET", b"maxmemory-policy")
            assert policy == [b"maxmemory-policy", b"noeviction"]
    finally:
        _stop(proc)


# Raw lines, not produced by quote_arg: parse_conf must read them exactly as Redis does.
TRICKY_LINES = [
    'requirepass ab"c d"',
    "requirepass 'a\\'b\\n\"'",
    'requirepass "\\x41\\xZZ\\q\\x4\\\\"',
    "requirepass a\vb",
    "\v requirepass \vx",
    'requirepass "x"\f',
    "requirepass C:\\x41\\n#",
    'requirepass "\\xc3\\xa9\\xff\\xC3"',
    "  \t requirepass   spaced  \r",
    'REQUIREPASS ""',
]


@pytest.mark.server
@pytest.mark.parametrize("raw", TRICKY_LINES)
def test_parser_agrees_with_real_redis(raw: str, tmp_path: Path) -> None:
    (parsed,) = parse_conf(raw)
    assert parsed.name == "requirepass" and len(parsed.args) == 1
    proc, port, log = _run_redis(tmp_path, raw.encode("utf-8", "surrogateescape"))
    try:
        with _connect(proc, port, log) as sock, sock.makefile("rwb") as stream:
            password = parsed.args[0].encode("utf-8", "surrogateescape")
            if password:
                assert _call(stream, b"AUTH", password) == b"+OK"
            assert _call(stream, b"CONFIG", b"GET", b"requirepass") == [b"requirepass", password]
    finally:
        _stop(proc)


@pytest.mark.server
@pytest.mark.parametrize("raw", ['requirepass "abc', 'requirepass "a"b', "requirepass 'a'b", 'requirepass "a\\"'])
def test_real_redis_also_rejects_unbalanced_quotes(raw: str, tmp_path: Path) -> None:
    with pytest.raises(ConfSyntaxError):
        parse_conf(raw)
    proc, _, log = _run_redis(tmp_path, raw.encode())
    try:
        assert proc.wait(timeout=10) == 1
    finally:
        _stop(proc)
    assert "Unbalanced quotes" in log.read_text(errors="replace")
