"""`audit` and `migrate-aof`: commands that talk to a running server."""

from __future__ import annotations

import argparse
import os
import sys

from generator.cli.common import fail, print_run
from generator.cli.exit import Exit


def _connection_args(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="redis://[user[:password]@]host[:port] or rediss://... (TLS)")
    where.add_argument("--url-env", metavar="NAME", help="read the URL from this environment variable")
    parser.add_argument(
        "--password-env",
        metavar="NAME",
        help="environment variable holding the password when the URL has none (default: REDIS_PASSWORD)",
    )
    parser.add_argument("--ca-file", help="PEM file of the CA that signed the server's TLS certificate")
    parser.add_argument(
        "--insecure", action="store_true", help="TLS without verifying the server's certificate (testing only)"
    )


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser], formats: tuple[str, ...]) -> None:
    audit = sub.add_parser(
        "audit",
        help="judge a running server (CONFIG GET *, ACL LIST, INFO) by every rule",
        description="Connect to a running server and judge its effective settings by every rule of scope "
        "'server'. The password comes from the URL, --password-env NAME or REDIS_PASSWORD, never from a "
        "plain argument. Exit 0: no errors; 1: errors; 2: cannot connect or authenticate.",
    )
    _connection_args(audit)
    audit.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the server (default 5)")
    audit.add_argument("--ignore", action="append", default=[], metavar="RULE", help="do not report RULE")
    audit.add_argument("--format", choices=formats, default="text", help="format of findings")
    audit.set_defaults(func=run_audit)

    migrate = sub.add_parser(
        "migrate-aof",
        help="turn AOF on for a running server without losing the data in dump.rdb",
        description="CONFIG SET appendonly yes, wait until INFO persistence shows the AOF rewrite finished and "
        "AOF on, then CONFIG REWRITE (which also records any other CONFIG SET changes). Never put "
        "'appendonly yes' into the config file of a server with data first: it restarts EMPTY. Exit 0: done "
        "or already on; 1: failed, timed out or a manual step is needed; 2: cannot connect.",
    )
    _connection_args(migrate)
    migrate.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for the AOF rewrite (default 300)"
    )
    migrate.set_defaults(func=run_migrate)


def _server_url(args: argparse.Namespace) -> str:
    """``--url``, or the URL in the variable ``--url-env`` names (keeps a password out of ``ps``)."""
    from generator.server.resp import UrlError

    if args.url is not None:
        return str(args.url)
    value = os.environ.get(args.url_env, "")
    if not value:
        raise UrlError(f"--url-env names {args.url_env}, which is not set")
    return value


def run_audit(args: argparse.Namespace) -> Exit:
    from generator.judge import judge_input
    from generator.server.resp import RedisClientError
    from generator.sources.server import audit_url

    try:
        result = audit_url(
            _server_url(args),
            environ=os.environ,
            password_env=args.password_env,
            ca_file=args.ca_file,
            insecure=args.insecure,
            timeout=args.timeout,
        )
    except RedisClientError as error:
        fail("audit", str(error))
        return Exit.USAGE
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    display = str(result.source.subjects[0].origin) if result.source.subjects else "server"
    run = judge_input(display, lambda: result.source, args.ignore)
    run.inputs = 0
    print_run(run, args.format)
    return Exit(run.exit_code)


def run_migrate(args: argparse.Namespace) -> Exit:
    from generator.server.migrate_aof import MigrationError, migrate_aof
    from generator.server.resp import RedisClientError, RedisURL, RespConnection, choose_password

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        url = RedisURL.parse(_server_url(args))
        password = choose_password(url, args.password_env, os.environ)
        with RespConnection.open(
            url, password=password, ca_file=args.ca_file, insecure=args.insecure, timeout=10.0
        ) as conn:
            migrate_aof(conn, timeout=args.timeout, say=say)
    except MigrationError as error:
        fail("migrate-aof", str(error))
        return Exit.FINDINGS
    except RedisClientError as error:
        fail("migrate-aof", str(error))
        return Exit.USAGE
    return Exit.OK
